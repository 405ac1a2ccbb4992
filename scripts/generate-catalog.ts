/**
 * Builds the demo storefront's catalog: public/catalog/demo-catalog.json plus one SVG
 * placeholder per product in public/catalog/images/.
 *
 *   node --import tsx scripts/generate-catalog.ts
 *
 * Every title, description and brand below was written for Privet (CC0-1.0); nothing is
 * scraped or copied from a real store, and the images are drawn here rather than fetched,
 * so the demo ships without licence questions or network access.
 *
 * Products come from hand-written base items with size/colour/material variants. That
 * gives the recommender what real stores have: tight clusters of near-duplicates (three
 * skillet sizes), looser neighbours within a category, and complements across categories
 * (grinder, beans, mugs; tent, sleeping bag, headlamp; yoga mat, blocks, strap).
 *
 * Output is a pure function of the seed (mulberry32, never Math.random), so rebuilding
 * yields byte-identical files and the test suite can check the shipped files are current.
 * Ids are positional (p-0001 is the first item below). Inserting an item anywhere except
 * after the very last one renumbers every later product, which orphans interaction logs
 * and vectors keyed on the old ids, so treat a mid-list insertion as a breaking change.
 */

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { parseCatalog, type Catalog, type Product } from '../src/core/catalog.ts';
import { mulberry32, type SeededRandom } from '../src/core/seeded-random.ts';

export const DEFAULT_SEED = 20_240_611;

/** [label substituted for {v} in the title, one sentence about this variant, optional list price] */
type Variant = readonly [label: string, detail: string, price?: number];

interface BaseItem {
  /** Category levels below the top-level one (1 or 2 of them). */
  sub: readonly string[];
  /** Contains "{v}" when there are variants. */
  title: string;
  variants?: readonly Variant[];
  /** One list price for every variant, or [smallest, largest] spread across variants in order. */
  price: number | readonly [number, number];
  /** One sentence: what it is, what it is made of, what it is for. */
  about: string;
  tags: readonly string[];
}

interface CategorySpec {
  name: string;
  /** Image colours: background, then two motif accents. */
  palette: readonly [string, string, string];
  brands: readonly string[];
  /** Added to every product in the category. */
  tags: readonly string[];
  /** Optional closing sentences (who it is for, care, gifting); some products get one. */
  extras: readonly string[];
  items: readonly BaseItem[];
}

// ---------------------------------------------------------------------------------------
// Catalog content. Brand names are invented; if one turns out to collide with a real
// company, rename it here and regenerate.
// ---------------------------------------------------------------------------------------

const CATEGORIES: readonly CategorySpec[] = [
  {
    name: 'Kitchen',
    palette: ['#c8553d', '#f4d6a0', '#7a2e1f'],
    brands: ['Ironhollow', 'Pantry & Pine', 'Copperleaf Kitchen', 'Saltbox Cookware'],
    tags: ['kitchen'],
    extras: [
      'A sturdy housewarming gift for someone setting up their first kitchen.',
      'Hand wash and dry promptly to keep it in good shape for years.',
      'Built for daily home cooking rather than occasional use.',
      'Pairs well with our cutting boards and wooden utensils.',
    ],
    items: [
      {
        sub: ['Cookware', 'Skillets'],
        title: 'Cast Iron Skillet {v}, Pre-Seasoned',
        variants: [
          ['8-inch', 'The 8-inch size fits two fried eggs, a grilled sandwich or a small cornbread.'],
          ['10-inch', 'The 10-inch is the everyday size for searing two steaks or roasting a tray of vegetables.'],
          ['12-inch', 'The 12-inch pan holds a family frittata or a spatchcocked chicken.'],
        ],
        price: [24, 49],
        about: 'Heavy cast iron pan seasoned with vegetable oil and ready for the stovetop, the oven or a campfire.',
        tags: ['cookware', 'cast-iron'],
      },
      {
        sub: ['Cookware', 'Skillets'],
        title: 'Carbon Steel Frying Pan {v}',
        variants: [
          ['9.5-inch', 'A nimble 9.5-inch pan for omelettes, crepes and quick stir-fries.'],
          ['11-inch', 'The 11-inch pan has room to brown a pound of mushrooms without crowding.'],
        ],
        price: [36, 52],
        about: 'Lighter than cast iron and quick to heat, this carbon steel pan builds a natural non-stick patina with use.',
        tags: ['cookware'],
      },
      {
        sub: ['Cookware', 'Dutch Ovens'],
        title: 'Enameled Dutch Oven {v}',
        variants: [
          ['3.5 qt, Sage', 'The 3.5-quart pot in soft sage suits soups and braises for two or three people.'],
          ['5.5 qt, Tomato Red', 'The 5.5-quart size in glossy tomato red handles a whole chicken or a big pot of chili.'],
          ['7 qt, Midnight Blue', 'The 7-quart pot in deep blue is made for batch cooking and holiday stews.'],
        ],
        price: [89, 159],
        about: 'Enamel-coated cast iron with a heavy, tight lid that keeps moisture in for slow braises and crusty no-knead bread.',
        tags: ['cookware', 'gift'],
      },
      {
        sub: ['Cookware', 'Saucepans'],
        title: 'Tri-Ply Stainless Saucepan with Lid, {v}',
        variants: [
          ['1.5 qt', 'A small pan for warming milk, melting butter or cooking a single portion of oats.'],
          ['3 qt', 'The 3-quart size is right for rice, sauces and boiling eggs.'],
        ],
        price: [45, 65],
        about: 'An aluminium core between two layers of stainless steel spreads heat evenly and works on induction hobs.',
        tags: ['cookware', 'induction'],
      },
      {
        sub: ['Knives', 'Chef Knives'],
        title: "Chef's Knife {v}",
        variants: [
          ['8-inch, Walnut Handle', 'The classic 8-inch blade with a warm walnut handle for most chopping, slicing and dicing.'],
          ['6-inch, Olive Wood Handle', 'A shorter 6-inch blade with an olive wood handle, good for smaller hands and tight counters.'],
          ['10-inch, Black Composite Handle', 'A long 10-inch blade with a dishwasher-tough composite handle for breaking down melons and squash.'],
        ],
        price: [49, 89],
        about: 'Forged high-carbon stainless steel with a full tang and a balanced grip that stays comfortable through long prep sessions.',
        tags: ['knives'],
      },
      {
        sub: ['Knives', 'Knife Care'],
        title: 'Whetstone Sharpening Kit 1000/6000 Grit',
        price: 34,
        about: 'A double-sided water stone on a non-slip bamboo base, with an angle guide so beginners hold a steady edge.',
        tags: ['knives', 'maintenance'],
      },
      {
        sub: ['Knives', 'Knife Care'],
        title: 'Magnetic Knife Strip {v}',
        variants: [
          ['16-inch, Oak', 'The 16-inch oak strip holds four to five knives.'],
          ['24-inch, Walnut', 'The 24-inch walnut strip has room for a full knife collection plus kitchen shears.'],
        ],
        price: [29, 42],
        about: 'A wall-mounted wooden strip with hidden magnets that keeps blades visible, dry and off the counter.',
        tags: ['knives', 'storage'],
      },
      {
        sub: ['Prep & Baking', 'Cutting Boards'],
        title: 'End-Grain Cutting Board, {v}',
        variants: [
          ['Maple, 12 x 16 in', 'Pale hard maple in a medium size that fits in most sinks.'],
          ['Walnut, 14 x 20 in', 'Dark walnut in a generous size with juice grooves for carving roasts.'],
          ['Acacia, 10 x 14 in', 'Compact acacia with a warm grain, handy for bread and cheese.'],
        ],
        price: [39, 119],
        about: 'End-grain construction is gentle on knife edges and hides cut marks; refresh it with food-safe mineral oil.',
        tags: ['wood', 'gift'],
      },
      {
        sub: ['Prep & Baking', 'Bakeware'],
        title: 'Aluminized Steel Sheet Pan, {v}',
        variants: [
          ['Half Size', 'The half sheet fits a standard home oven and holds two dozen cookies.'],
          ['Quarter Size', 'The quarter sheet is perfect for toaster ovens and small batches of roasted nuts.'],
        ],
        price: [13, 21],
        about: 'Rolled edges resist warping in a hot oven, making it a workhorse for roasted vegetables, cookies and sheet-pan dinners.',
        tags: ['baking'],
      },
      {
        sub: ['Prep & Baking', 'Bakeware'],
        title: 'Fluted Tart Pan with Removable Bottom, 9-inch',
        price: 16,
        about: 'A carbon steel tart tin whose loose base lifts out cleanly, so quiches and fruit tarts keep their crimped edge.',
        tags: ['baking'],
      },
      {
        sub: ['Prep & Baking', 'Utensils'],
        title: 'Silicone Spatula Set of {v}',
        variants: [
          ['3', 'Three sizes cover jars, mixing bowls and frying pans.'],
          ['5', 'Five pieces, including a spoonula and a narrow jar scraper, cover nearly every job.'],
        ],
        price: [12, 19],
        about: 'Heat-resistant silicone heads on stainless cores scrape bowls clean and will not scratch non-stick pans.',
        tags: ['utensils'],
      },
      {
        sub: ['Prep & Baking', 'Utensils'],
        title: 'Olive Wood Cooking Spoons, Set of 3',
        price: 27,
        about: 'Hand-carved spoons in dense olive wood that will not scratch enamel or carbon steel and feel good in the hand.',
        tags: ['utensils', 'wood'],
      },
      {
        sub: ['Prep & Baking', 'Mixing Bowls'],
        title: 'Stainless Steel Mixing Bowls, Nesting Set of {v}',
        variants: [
          ['3', 'Three nesting bowls from 1.5 to 5 quarts for everyday baking.'],
          ['5', 'Five bowls from 0.75 to 8 quarts with silicone bases and snap-on lids for marinating and storage.'],
        ],
        price: [25, 45],
        about: 'Lightweight, unbreakable bowls that stack flat in a cupboard and go straight into the dishwasher.',
        tags: ['baking'],
      },
      {
        sub: ['Prep & Baking', 'Scales'],
        title: 'Digital Kitchen Scale with Bowl, 5 kg',
        price: 29,
        about: 'Weighs in grams or ounces to 1 g with a tare button, so bread and pastry recipes come out the same every time.',
        tags: ['baking', 'measuring'],
      },
    ],
  },
  {
    name: 'Coffee & Tea',
    palette: ['#6f4e37', '#e8c9a0', '#2e1d12'],
    brands: ['Ember & Crema', 'Slow Drip Roasters', 'Tealeaf Commons', 'Kettlewright'],
    tags: ['coffee-and-tea'],
    extras: [
      'A thoughtful gift for the coffee lover who already owns everything.',
      'Makes the morning ritual a little slower and a lot better.',
      'Works just as well at the office as in the kitchen.',
      'Chosen by our baristas for home brewers at every level.',
    ],
    items: [
      {
        sub: ['Coffee', 'Whole Bean Coffee'],
        title: '{v} Whole Bean Coffee, 12 oz',
        variants: [
          ['Colombian Huila Medium Roast', 'Washed beans from high farms in Huila taste of red apple, caramel and milk chocolate.', 16],
          ['Ethiopian Yirgacheffe Light Roast', 'Floral and citrusy with a tea-like body, this light roast shines in a pour-over.', 18],
          ['Sumatra Dark Roast', 'Earthy, syrupy and low in acidity, this dark roast stands up to milk and sugar.', 15],
          ['Decaf Swiss Water Process', 'Decaffeinated with water alone, it keeps its chocolate and toasted nut flavours for evening cups.', 17],
          ['House Espresso Blend', 'A blend of Brazilian and Guatemalan coffees roasted for sweet, thick espresso shots with crema.', 16],
        ],
        price: 16,
        about: 'Roasted in small batches and shipped within three days of roasting in a resealable valve bag.',
        tags: ['coffee', 'beans'],
      },
      {
        sub: ['Coffee', 'Grinders'],
        title: 'Burr Coffee Grinder, {v}',
        variants: [
          ['Manual Hand Crank', 'A compact hand grinder with stainless conical burrs that is silent and easy to pack for travel.', 45],
          ['Electric, 40 Settings', 'An electric grinder with forty click settings that go from fine espresso to coarse French press.', 139],
        ],
        price: [45, 139],
        about: 'Burrs crush beans to an even size for a balanced cup, unlike blade grinders that chop them unevenly.',
        tags: ['coffee', 'grinder'],
      },
      {
        sub: ['Brewing', 'Pour-Over'],
        title: 'Ceramic Pour-Over Dripper, {v}',
        variants: [
          ['Size 01, White', 'The size 01 cone brews a single mug and comes in glossy white porcelain.'],
          ['Size 02, Speckled Charcoal', 'The size 02 cone brews up to four cups and has a speckled charcoal glaze.'],
        ],
        price: [22, 26],
        about: 'Spiral ribs inside the cone stop the paper filter from sticking, so water flows evenly through the grounds.',
        tags: ['coffee', 'pour-over'],
      },
      {
        sub: ['Brewing', 'Pour-Over'],
        title: 'Unbleached Paper Coffee Filters, {v}, 100 Count',
        variants: [
          ['Size 01', 'Fits size 01 cone drippers for one-cup brewing.'],
          ['Size 02', 'Fits size 02 cone drippers for two to four cups.'],
        ],
        price: 7,
        about: 'Oxygen-whitened paper filters that trap fine sediment and oils for a clean, bright cup.',
        tags: ['coffee', 'pour-over', 'eco'],
      },
      {
        sub: ['Brewing', 'French Presses'],
        title: 'Glass French Press, {v}',
        variants: [
          ['350 ml', 'The 350 ml press makes one large mug.'],
          ['1 Litre', 'The 1 litre press serves four people after a weekend breakfast.'],
        ],
        price: [24, 38],
        about: 'A borosilicate glass carafe in a stainless frame with a four-layer mesh filter for full-bodied coffee or loose tea.',
        tags: ['coffee'],
      },
      {
        sub: ['Brewing', 'Kettles'],
        title: 'Gooseneck Pour-Over Kettle, {v}',
        variants: [
          ['Stovetop, 1 Litre', 'A stovetop version with a built-in thermometer in the lid, for gas, electric and induction hobs.', 36],
          ['Electric with Temperature Control', 'An electric version that holds water at any temperature from 40 to 100 °C for an hour.', 84],
        ],
        price: [36, 84],
        about: 'A slim curved spout gives precise control over flow rate, which is what even pour-over extraction depends on.',
        tags: ['coffee', 'tea', 'kettle'],
      },
      {
        sub: ['Tea', 'Loose Leaf Tea'],
        title: '{v} Loose Leaf Tea, 100 g Tin',
        variants: [
          ['Assam Breakfast', 'A malty, robust black tea from Assam that takes milk well.', 11],
          ['Darjeeling First Flush', 'A delicate spring Darjeeling with muscat grape notes, best without milk.', 16],
          ['Japanese Sencha', 'A grassy, sweet steamed green tea; brew it at 75 °C for under a minute.', 14],
          ['Chamomile & Lemon Balm', 'A caffeine-free herbal blend of chamomile flowers and lemon balm for winding down at night.', 10],
          ['Smoked Lapsang Souchong', 'A black tea dried over pine smoke with a campfire aroma that people either love or avoid.', 13],
        ],
        price: 12,
        about: 'Whole leaf tea packed in a reusable airtight tin that keeps out light and moisture.',
        tags: ['tea'],
      },
      {
        sub: ['Tea', 'Teaware'],
        title: 'Cast Iron Teapot with Infuser, {v}',
        variants: [
          ['0.6 L', 'The 0.6 litre pot pours two to three small cups.'],
          ['1.2 L', 'The 1.2 litre pot serves a table of four.'],
        ],
        price: [42, 58],
        about: 'An enamel-lined cast iron teapot with a stainless infuser basket that keeps tea hot through a long conversation.',
        tags: ['tea', 'gift'],
      },
      {
        sub: ['Mugs & Cups'],
        title: 'Stoneware Coffee Mug 12 oz, {v}',
        variants: [
          ['Oatmeal Glaze', 'A creamy oatmeal glaze with brown speckles.'],
          ['Deep Teal Glaze', 'A deep teal glaze that pools darker around the rim.'],
          ['Charcoal Matte', 'A soft charcoal matte finish with an unglazed foot.'],
        ],
        price: 19,
        about: 'A wheel-thrown stoneware mug with a generous handle, safe for the microwave and dishwasher.',
        tags: ['mug', 'coffee', 'gift'],
      },
      {
        sub: ['Mugs & Cups'],
        title: 'Double-Wall Glass Cups, Set of 2, {v}',
        variants: [
          ['5 oz Espresso', 'Small 5 oz cups sized for a double espresso or a cortado.'],
          ['12 oz Latte', 'Tall 12 oz cups that show off the layers in a latte or iced tea.'],
        ],
        price: [19, 26],
        about: 'Hand-blown borosilicate glass with an insulating air gap, so drinks stay hot and the outside stays cool to touch.',
        tags: ['coffee', 'glass'],
      },
      {
        sub: ['Mugs & Cups'],
        title: 'Insulated Travel Mug 16 oz, Leakproof Lid',
        price: 28,
        about: 'A vacuum-insulated steel tumbler that keeps coffee hot for five hours and fits most car cup holders.',
        tags: ['coffee', 'travel', 'mug'],
      },
    ],
  },
  {
    name: 'Home Decor',
    palette: ['#8fa998', '#f1ece2', '#3f5448'],
    brands: ['Loomhouse', 'Quiet Hearth', 'Fernwick Studio'],
    tags: ['home'],
    extras: [
      'An easy way to refresh a room without repainting.',
      'Looks at home in a minimalist flat or a busy family living room.',
      'Designed in small runs in our studio.',
      'A welcome housewarming present.',
    ],
    items: [
      {
        sub: ['Candles'],
        title: 'Soy Wax Candle in Amber Jar, {v}',
        variants: [
          ['Cedar & Smoke', 'A warm, woody scent of cedar, vetiver and a hint of campfire smoke.'],
          ['Fig Leaf', 'A green, slightly sweet scent of crushed fig leaves and milky wood.'],
          ['Sea Salt & Sage', 'A fresh coastal scent of sea salt, sage and driftwood.'],
          ['Unscented', 'No fragrance at all, for dinner tables and scent-sensitive homes.'],
        ],
        price: 24,
        about: 'Hand-poured soy wax with a cotton wick in a reusable amber glass jar that burns for about fifty hours.',
        tags: ['candle', 'gift'],
      },
      {
        sub: ['Wall Art', 'Prints'],
        title: 'Botanical Line Art Print, {v}',
        variants: [
          ['Fern, 8 x 10 in', 'A single unfurling fern frond in a small size for shelves and desks.'],
          ['Ginkgo, 11 x 14 in', 'Fan-shaped ginkgo leaves in a medium size that suits a hallway.'],
          ['Eucalyptus, 16 x 20 in', 'A long eucalyptus branch in a large size for above a sofa or bed.'],
        ],
        price: [18, 44],
        about: 'A minimal ink drawing printed on heavyweight matte cotton paper with archival pigment inks; frame not included.',
        tags: ['art', 'print'],
      },
      {
        sub: ['Mirrors'],
        title: 'Round Wall Mirror, {v}',
        variants: [
          ['Brass Frame, 24-inch', 'A thin brushed brass frame around a 24-inch glass for entryways and bathrooms.', 119],
          ['Rattan Frame, 20-inch', 'A hand-woven rattan sunburst frame around a 20-inch glass for a relaxed boho look.', 89],
        ],
        price: 99,
        about: 'A round mirror with a sturdy hanging wire that bounces light around small or dark rooms.',
        tags: ['mirror'],
      },
      {
        sub: ['Textiles', 'Throw Pillows'],
        title: 'Linen Throw Pillow Cover 18 x 18 in, {v}',
        variants: [
          ['Oat', 'A neutral oat colour that sits with anything.'],
          ['Rust', 'A warm rust orange that brings autumn colour to a grey sofa.'],
          ['Olive', 'A muted olive green that pairs with wood and leather.'],
          ['Slate Blue', 'A cool slate blue for calm bedrooms and reading corners.'],
        ],
        price: 26,
        about: 'A stonewashed linen cover with a hidden zip; insert sold separately.',
        tags: ['pillow', 'linen'],
      },
      {
        sub: ['Textiles', 'Throws'],
        title: 'Chunky Knit Throw Blanket, {v}',
        variants: [
          ['Cream', 'Cream chunky knit that brightens a dark leather couch.'],
          ['Charcoal', 'Charcoal chunky knit that hides everyday wear and pet hair.'],
        ],
        price: 72,
        about: 'A thick hand-knit throw in soft acrylic-wool yarn, sized for two people on a sofa.',
        tags: ['blanket', 'cosy', 'gift'],
      },
      {
        sub: ['Vases & Planters'],
        title: 'Ceramic Bud Vase Set of 3, {v}',
        variants: [
          ['Matte White', 'Three chalky white forms that let a single stem stand out.'],
          ['Speckled Sand', 'Three sandy forms with iron speckles and an earthy feel.'],
        ],
        price: 32,
        about: 'Three small vases in different silhouettes for single stems, dried grasses or a cutting from the garden.',
        tags: ['vase', 'gift'],
      },
      {
        sub: ['Lighting'],
        title: 'Ceramic Table Lamp with Linen Shade, {v}',
        variants: [
          ['Sage Base', 'A sage glazed base with an ivory linen drum shade.'],
          ['Ivory Base', 'An ivory glazed base with an oat linen drum shade.'],
        ],
        price: 124,
        about: 'A bedside or side-table lamp with a fabric cord and an inline switch that gives off a warm, diffused light.',
        tags: ['lamp', 'lighting'],
      },
      {
        sub: ['Storage'],
        title: 'Woven Seagrass Basket, {v}',
        variants: [
          ['Small, 12-inch', 'A small basket for remote controls, mail or bath toys.'],
          ['Large, 16-inch with Handles', 'A large basket with handles that holds blankets or works as a plant pot cover.'],
        ],
        price: [24, 44],
        about: 'A hand-woven basket of natural seagrass that adds texture and hides clutter.',
        tags: ['storage', 'eco'],
      },
      {
        sub: ['Clocks'],
        title: 'Silent Wall Clock 12-inch, Oak and White',
        price: 46,
        about: 'A sweep-second movement with no ticking, so it can hang in a bedroom or study without distraction.',
        tags: ['clock'],
      },
    ],
  },
  {
    name: 'Bedding',
    palette: ['#9bb1c8', '#f5f1e8', '#4a607a'],
    brands: ['Drowsewell', 'Linenfold', 'Nightjar Home'],
    tags: ['bedroom'],
    extras: [
      'Machine wash warm and tumble dry low; it gets softer with every wash.',
      'Backed by a 100-night comfort promise.',
      'Woven in a mill certified free of harmful substances.',
      'A good choice for people who sleep hot.',
    ],
    items: [
      {
        sub: ['Sheets', 'Sheet Sets'],
        title: 'Percale Cotton Sheet Set, {v}',
        variants: [
          ['Twin, Sage', 'A twin set in muted sage for a child or guest bed.', 69],
          ['Queen, White', 'A crisp white queen set that looks like a hotel bed.', 99],
          ['Queen, Dusty Blue', 'A queen set in dusty blue for a calm, faded look.', 99],
          ['King, White', 'A white king set with deep pockets for mattresses up to 16 inches.', 119],
        ],
        price: 99,
        about: 'Long-staple cotton in a 300-thread-count percale weave that feels cool and crisp, with one fitted sheet, one flat sheet and two pillowcases.',
        tags: ['sheets', 'cotton'],
      },
      {
        sub: ['Sheets', 'Sheet Sets'],
        title: 'Stonewashed Linen Sheet Set, {v}',
        variants: [
          ['Queen, Natural', 'Undyed natural flax in a queen size.', 199],
          ['King, Terracotta', 'Sun-baked terracotta in a king size.', 239],
        ],
        price: 199,
        about: 'Breathable European flax linen, stonewashed for a relaxed rumpled texture that stays cool in summer.',
        tags: ['sheets', 'linen'],
      },
      {
        sub: ['Duvets & Comforters', 'Duvet Inserts'],
        title: 'Down-Alternative Duvet Insert, {v}',
        variants: [
          ['Full/Queen, All-Season', 'The all-season fill is warm enough for winter without overheating in spring.', 129],
          ['King, Lightweight Summer', 'The lightweight summer fill is thin and airy for warm nights.', 119],
        ],
        price: 129,
        about: 'A hypoallergenic recycled polyester fill in a baffle-box cotton shell with corner loops to keep the duvet in place.',
        tags: ['duvet', 'hypoallergenic'],
      },
      {
        sub: ['Duvets & Comforters', 'Duvet Covers'],
        title: 'Cotton Sateen Duvet Cover, {v}',
        variants: [
          ['Queen, Charcoal', 'A charcoal queen cover with a subtle sheen.', 109],
          ['King, Ivory', 'An ivory king cover for a bright, classic bed.', 129],
        ],
        price: 109,
        about: 'A silky sateen weave with button closure and interior ties, softer and warmer to the touch than percale.',
        tags: ['duvet', 'cotton'],
      },
      {
        sub: ['Pillows'],
        title: 'Shredded Memory Foam Pillow, {v}',
        variants: [
          ['Standard', 'The standard size fits most pillowcases.'],
          ['King', 'The king size gives side sleepers extra length.'],
        ],
        price: [49, 59],
        about: 'An adjustable pillow: unzip it and remove foam until the height suits back, side or stomach sleeping.',
        tags: ['pillow'],
      },
      {
        sub: ['Pillows'],
        title: 'Buckwheat Hull Pillow, Japanese Size',
        price: 54,
        about: 'Organic buckwheat hulls in a cotton case mould to the neck and stay cool, a firm alternative to foam.',
        tags: ['pillow', 'eco'],
      },
      {
        sub: ['Blankets'],
        title: 'Waffle Weave Cotton Blanket, {v}',
        variants: [
          ['Full/Queen, Oat', 'An oat blanket sized for full and queen beds.'],
          ['King, Fog Grey', 'A fog grey blanket sized for king beds.'],
        ],
        price: [89, 109],
        about: 'A lightweight waffle-textured cotton blanket that layers over sheets in summer and under a duvet in winter.',
        tags: ['blanket', 'cotton'],
      },
      {
        sub: ['Sleep Accessories'],
        title: 'Mulberry Silk Sleep Mask, {v}',
        variants: [
          ['Black', 'Black silk blocks the most light.'],
          ['Champagne', 'Champagne silk with an ivory lining.'],
        ],
        price: 29,
        about: 'A contoured silk mask with an adjustable strap that blocks morning light without pressing on the eyes.',
        tags: ['sleep', 'silk', 'gift', 'travel'],
      },
      {
        sub: ['Mattress Toppers'],
        title: 'Wool Mattress Topper, {v}',
        variants: [
          ['Queen', 'A queen topper with elastic corner straps.'],
          ['King', 'A king topper with elastic corner straps.'],
        ],
        price: [229, 279],
        about: 'A two-inch layer of washable wool that softens a firm mattress and regulates temperature through the night.',
        tags: ['mattress', 'wool'],
      },
    ],
  },
  {
    name: 'Outdoor & Camping',
    palette: ['#4f6d3a', '#e3d7a3', '#23361a'],
    brands: ['Ridgeback Outfitters', 'Tarn & Timber', 'Northcairn', 'Campfire Supply'],
    tags: ['outdoor'],
    extras: [
      'Tested on wet weekends in the hills before it went into the catalog.',
      'A reliable pick for a first backpacking kit.',
      'Packs down small enough for a bike tour or a canoe trip.',
      'Covered by our lifetime repair programme.',
    ],
    items: [
      {
        sub: ['Tents', 'Backpacking Tents'],
        title: 'Backpacking Tent, {v}',
        variants: [
          ['1-Person, 1.1 kg', 'The one-person model weighs 1.1 kg for solo thru-hikes.', 199],
          ['2-Person, 1.6 kg', 'The two-person model weighs 1.6 kg and has two doors and two vestibules.', 259],
          ['3-Person, 2.2 kg', 'The three-person model weighs 2.2 kg and fits a family of three or two adults with a dog.', 319],
        ],
        price: 259,
        about: 'A freestanding double-wall tent with an aluminium pole hub and taped seams for wet-weather trips.',
        tags: ['tent', 'backpacking'],
      },
      {
        sub: ['Tents', 'Family Tents'],
        title: 'Family Cabin Tent, 6-Person',
        price: 279,
        about: 'Near-vertical walls and 2 m of headroom make room for cots, a divider curtain and a rainy afternoon of board games.',
        tags: ['tent', 'family'],
      },
      {
        sub: ['Sleeping', 'Sleeping Bags'],
        title: 'Down Mummy Sleeping Bag, {v}',
        variants: [
          ['Rated 20°F / -7°C', 'The 20°F bag is built for shoulder seasons and high camps.', 249],
          ['Rated 35°F / 2°C', 'The 35°F bag is light and warm enough for summer mountain nights.', 189],
        ],
        price: 219,
        about: 'Responsibly sourced 800-fill down in a tapered mummy shape with a draft collar, packing to the size of a loaf of bread.',
        tags: ['sleeping-bag', 'backpacking'],
      },
      {
        sub: ['Sleeping', 'Sleeping Bags'],
        title: 'Synthetic Rectangular Sleeping Bag, {v}',
        variants: [
          ['Adult, 40°F', 'The adult size unzips flat as a quilt on warm nights.', 69],
          ['Kids, 45°F', 'The kids size comes with a glow-in-the-dark zipper pull.', 49],
        ],
        price: 59,
        about: 'A roomy rectangular bag with synthetic insulation that stays warm when damp and goes in a home washing machine.',
        tags: ['sleeping-bag', 'car-camping'],
      },
      {
        sub: ['Sleeping', 'Sleeping Pads'],
        title: 'Insulated Inflatable Sleeping Pad, {v}',
        variants: [
          ['Regular', 'The regular size is 183 cm long and 51 cm wide.'],
          ['Long Wide', 'The long wide size is 196 cm by 64 cm for tall or restless sleepers.'],
        ],
        price: [119, 149],
        about: 'A 7 cm air pad with reflective insulation and an R-value of 4.2, inflated in a few breaths with the included pump sack.',
        tags: ['sleeping-pad', 'backpacking'],
      },
      {
        sub: ['Camp Kitchen', 'Stoves'],
        title: 'Compact Canister Camp Stove with Piezo Igniter',
        price: 49,
        about: 'A folding burner that screws onto standard gas canisters and boils a litre of water in about four minutes.',
        tags: ['stove', 'backpacking'],
      },
      {
        sub: ['Camp Kitchen', 'Cookware'],
        title: 'Titanium Cook Pot with Lid, {v}',
        variants: [
          ['750 ml', 'The 750 ml pot doubles as a mug and nests a small gas canister inside.'],
          ['1.1 L', 'The 1.1 litre pot cooks dinner for two.'],
        ],
        price: [39, 52],
        about: 'An ultralight titanium pot with folding handles that will not dent or rust.',
        tags: ['cookware', 'backpacking', 'ultralight'],
      },
      {
        sub: ['Camp Kitchen', 'Drinkware'],
        title: 'Enamel Camp Mug 12 oz, {v}',
        variants: [
          ['Forest Green', 'Forest green with a speckled white rim.'],
          ['Campfire Red', 'Campfire red with a speckled white rim.'],
        ],
        price: 16,
        about: 'A tough enamelled steel mug for coffee at the campsite that can sit on a stove to reheat.',
        tags: ['mug', 'coffee'],
      },
      {
        sub: ['Lighting'],
        title: 'Rechargeable Headlamp, {v}',
        variants: [
          ['350 Lumen', 'The 350 lumen model is bright enough for camp chores and night walks.'],
          ['600 Lumen with Red Mode', 'The 600 lumen model adds a red light mode that preserves night vision.'],
        ],
        price: [29, 44],
        about: 'A USB-C rechargeable headlamp with a tilting head and a soft strap that stays put while running or climbing.',
        tags: ['headlamp', 'lighting'],
      },
      {
        sub: ['Lighting'],
        title: 'Collapsible LED Camp Lantern',
        price: 34,
        about: 'A lantern that squashes flat for packing and pulls open to light a whole tent with dimmable warm light.',
        tags: ['lantern', 'lighting'],
      },
      {
        sub: ['Packs', 'Daypacks'],
        title: 'Hiking Daypack, {v}',
        variants: [
          ['22 L', 'The 22 litre size holds water, lunch and a rain jacket.'],
          ['30 L with Rain Cover', 'The 30 litre size adds a hip belt and a stowaway rain cover for full-day hikes.'],
        ],
        price: [69, 99],
        about: 'A ventilated back panel, hydration sleeve and trekking pole loops in a lightweight ripstop pack.',
        tags: ['backpack', 'hiking'],
      },
      {
        sub: ['Furniture'],
        title: 'Folding Camp Chair, {v}',
        variants: [
          ['Low Beach Height', 'A low-slung frame for the beach or an outdoor concert.'],
          ['High-Back with Cup Holder', 'A tall back with a cup holder and a side pocket for evenings by the fire.'],
        ],
        price: [49, 69],
        about: 'An aluminium frame with a breathable mesh seat that folds into its own carry bag.',
        tags: ['chair', 'car-camping'],
      },
      {
        sub: ['Water'],
        title: 'Squeeze Water Filter with 1 L Pouch',
        price: 39,
        about: 'A hollow-fibre filter that removes bacteria and protozoa from stream water, light enough for any pack.',
        tags: ['water', 'backpacking'],
      },
    ],
  },
  {
    name: 'Running',
    palette: ['#e85d4a', '#fde8d7', '#2b2d42'],
    brands: ['Strideline', 'Paceworks', 'Trailhead Athletic'],
    tags: ['running'],
    extras: [
      'Built for runners who log real miles, from first 5K to marathon.',
      'Reflective details keep you visible on early morning runs.',
      'Tested by our staff run club through a full training block.',
      'Free exchanges if the fit is not right.',
    ],
    items: [
      {
        sub: ['Shoes', 'Road Running Shoes'],
        title: 'Cushioned Road Running Shoe, {v}',
        variants: [
          ["Men's, Graphite", "The men's version comes in graphite grey with a white midsole."],
          ["Women's, Coral", "The women's version comes in coral with a narrower heel."],
          ["Men's Wide, Navy", "The men's wide version in navy has a roomier toe box."],
        ],
        price: 129,
        about: 'A soft foam midsole with a gentle rocker and an 8 mm drop for long easy miles on pavement.',
        tags: ['shoes', 'road'],
      },
      {
        sub: ['Shoes', 'Trail Running Shoes'],
        title: 'Trail Running Shoe with Rock Plate, {v}',
        variants: [
          ["Men's, Moss", "The men's version in moss green."],
          ["Women's, Slate", "The women's version in slate blue."],
        ],
        price: 139,
        about: 'Deep 5 mm lugs and a flexible rock plate grip mud and protect the foot on rocky single track.',
        tags: ['shoes', 'trail'],
      },
      {
        sub: ['Apparel', 'Tops'],
        title: 'Lightweight Running Tee, {v}',
        variants: [
          ["Men's, Heather Blue", "The men's cut in heather blue."],
          ["Women's, Mint", "The women's cut in mint with a slightly cropped hem."],
        ],
        price: 32,
        about: 'A quick-drying recycled polyester knit with flatlock seams that will not chafe on a long run.',
        tags: ['apparel', 'recycled'],
      },
      {
        sub: ['Apparel', 'Shorts'],
        title: 'Running Shorts with Liner, {v}',
        variants: [
          ["Men's 5-inch, Black", "The men's 5-inch inseam in black."],
          ["Women's 3-inch, Plum", "The women's 3-inch inseam in plum with a wide waistband."],
        ],
        price: 38,
        about: 'Lined shorts with a zip back pocket for a key and side pockets sized for energy gels.',
        tags: ['apparel'],
      },
      {
        sub: ['Apparel', 'Jackets'],
        title: 'Packable Wind Jacket, {v}',
        variants: [
          ['Signal Orange', 'A bright signal orange that shows up in fog and dusk.'],
          ['Reflective Silver', 'A silver fabric that lights up in car headlights.'],
        ],
        price: 79,
        about: 'A featherweight unisex shell that blocks wind and light drizzle and stuffs into its own chest pocket.',
        tags: ['apparel', 'jacket'],
      },
      {
        sub: ['Accessories', 'Socks'],
        title: 'Merino Running Socks, 3 Pairs, {v}',
        variants: [
          ['Low Cut', 'A low cut for road shoes and summer runs.'],
          ['Quarter Crew', 'A quarter crew height that keeps trail grit out.'],
        ],
        price: 36,
        about: 'Merino wool blend socks with a seamless toe and arch support that stay fresh over multi-day trips.',
        tags: ['socks', 'merino'],
      },
      {
        sub: ['Accessories', 'Belts'],
        title: 'Running Belt with Phone Pocket',
        price: 22,
        about: 'A stretchy, bounce-free waist belt that holds a large phone, keys and a couple of gels.',
        tags: ['accessories'],
      },
      {
        sub: ['Hydration'],
        title: 'Hydration Running Vest, {v}',
        variants: [
          ['5 L', 'The 5 litre vest carries two soft flasks and the essentials for a half marathon.'],
          ['12 L', 'The 12 litre vest has room for mandatory kit on an ultra or a mountain race.'],
        ],
        price: [89, 129],
        about: 'A close-fitting vest with front flask pockets so you can drink without breaking stride.',
        tags: ['hydration', 'trail'],
      },
      {
        sub: ['Hydration'],
        title: 'Handheld Soft Flask 500 ml',
        price: 26,
        about: 'A collapsible flask in a hand strap with a zip pocket, for runs that are too long to go without water.',
        tags: ['hydration'],
      },
      {
        sub: ['Electronics'],
        title: 'GPS Running Watch, {v}',
        variants: [
          ['42 mm', 'The 42 mm case suits smaller wrists and lasts 14 days in watch mode.'],
          ['46 mm with Music', 'The 46 mm case stores music for phone-free runs with wireless earbuds.'],
        ],
        price: [199, 279],
        about: 'Tracks pace, distance, heart rate and intervals with multi-band GPS that stays accurate between tall buildings.',
        tags: ['watch', 'gps', 'electronics'],
      },
      {
        sub: ['Recovery'],
        title: 'Foam Roller, {v}',
        variants: [
          ['Smooth, 18-inch', 'A smooth 18-inch roller for gentle full-body work.'],
          ['Textured, 13-inch', 'A textured 13-inch roller with ridges that dig into tight calves.'],
        ],
        price: [22, 29],
        about: 'A firm foam roller for loosening quads, calves and IT bands after hard sessions.',
        tags: ['recovery', 'fitness'],
      },
    ],
  },
  {
    name: 'Yoga & Fitness',
    palette: ['#8e7dbe', '#f2e9f7', '#3e3162'],
    brands: ['Lotusline', 'Ironleaf Fitness', 'Groundwork Studio'],
    tags: ['fitness'],
    extras: [
      'Ideal for home practice in a small apartment.',
      'A good starting point for beginners and sturdy enough for daily use.',
      'Used in our partner studios for classes every day.',
      'Wipe clean with a damp cloth after each session.',
    ],
    items: [
      {
        sub: ['Yoga', 'Yoga Mats'],
        title: 'Natural Rubber Yoga Mat, {v}',
        variants: [
          ['4 mm, Moss', 'A 4 mm mat in moss green that gives a stable feel for standing poses.', 72],
          ['5 mm, Ocean', 'A 5 mm mat in ocean blue with extra cushioning for the knees.', 79],
          ['6 mm Extra-Long, Clay', 'A 6 mm mat in clay that is 200 cm long for tall practitioners.', 92],
        ],
        price: 79,
        about: 'Natural tree rubber with a polyurethane top layer that grips even in sweaty hot yoga classes.',
        tags: ['yoga', 'mat', 'eco'],
      },
      {
        sub: ['Yoga', 'Yoga Mats'],
        title: 'Foldable Travel Yoga Mat 1.5 mm',
        price: 48,
        about: 'A thin mat that folds like a towel into a suitcase and adds grip on top of hotel carpet or a studio mat.',
        tags: ['yoga', 'mat', 'travel'],
      },
      {
        sub: ['Yoga', 'Props'],
        title: 'Cork Yoga Block, {v}',
        variants: [
          ['Single', 'A single block for reaching the floor in triangle and half moon.'],
          ['Set of 2', 'A pair of blocks for supported bridges and restorative poses.'],
        ],
        price: [16, 29],
        about: 'A firm, heavy block of natural cork that does not slide and is kind to sweaty hands.',
        tags: ['yoga', 'props', 'eco'],
      },
      {
        sub: ['Yoga', 'Props'],
        title: 'Foam Yoga Blocks, Set of 2, {v}',
        variants: [
          ['Lavender', 'Lavender blocks that match our Lotusline mats.'],
          ['Charcoal', 'Charcoal blocks that hide scuffs.'],
        ],
        price: 18,
        about: 'Lightweight EVA foam blocks with bevelled edges, soft enough to kneel on and easy to carry to class.',
        tags: ['yoga', 'props'],
      },
      {
        sub: ['Yoga', 'Props'],
        title: 'Cotton Yoga Strap with D-Ring, {v}',
        variants: [
          ['6 ft', 'The 6 foot strap suits most people.'],
          ['8 ft', 'The 8 foot strap gives tall people and deep binds extra length.'],
        ],
        price: [11, 14],
        about: 'A woven cotton strap that helps with hamstring stretches and shoulder openers without forcing the pose.',
        tags: ['yoga', 'props'],
      },
      {
        sub: ['Yoga', 'Meditation'],
        title: 'Buckwheat Meditation Cushion, {v}',
        variants: [
          ['Indigo', 'Indigo cotton with a carry handle.'],
          ['Saffron', 'Saffron cotton with a carry handle.'],
        ],
        price: 54,
        about: 'A round zafu cushion filled with buckwheat hulls that lifts the hips so sitting cross-legged is comfortable for longer.',
        tags: ['meditation', 'yoga'],
      },
      {
        sub: ['Strength', 'Dumbbells'],
        title: 'Neoprene Dumbbell Pair, {v}',
        variants: [
          ['3 lb', 'A 3 pound pair for barre classes and rehab.'],
          ['5 lb', 'A 5 pound pair for toning workouts and arm circuits.'],
          ['8 lb', 'An 8 pound pair for presses, rows and curls.'],
        ],
        price: [19, 36],
        about: 'Cast iron dumbbells coated in soft neoprene with hexagonal ends that will not roll across the floor.',
        tags: ['weights', 'home-gym'],
      },
      {
        sub: ['Strength', 'Kettlebells'],
        title: 'Cast Iron Kettlebell, {v}',
        variants: [
          ['8 kg', 'An 8 kg bell for learning the swing and Turkish get-up.'],
          ['12 kg', 'A 12 kg bell for goblet squats and presses.'],
          ['16 kg', 'A 16 kg bell, the standard weight for two-handed swings.'],
        ],
        price: [39, 66],
        about: 'A single-piece cast iron kettlebell with a powder-coated handle that holds chalk well.',
        tags: ['weights', 'home-gym'],
      },
      {
        sub: ['Strength', 'Resistance Bands'],
        title: 'Fabric Resistance Loop Bands, Set of 3',
        price: 24,
        about: 'Light, medium and heavy cloth bands for glute activation, squats and physio exercises that do not roll up.',
        tags: ['bands', 'home-gym'],
      },
      {
        sub: ['Cardio'],
        title: 'Speed Jump Rope with Ball Bearings',
        price: 19,
        about: 'An adjustable coated steel cable on smooth bearings for double-unders and fast interval training.',
        tags: ['cardio'],
      },
    ],
  },
  {
    name: "Kids' Toys",
    palette: ['#f2b134', '#fff5d6', '#1f7a8c'],
    brands: ['Puddle & Pip', 'Tinker Meadow', 'Bramblewood Toys'],
    tags: ['kids', 'toys'],
    extras: [
      'Tested to toy safety standards and finished with water-based paints.',
      'A birthday present that grows with the child.',
      'Encourages open-ended play away from screens.',
      'Comes in a recyclable cardboard box with no plastic packaging.',
    ],
    items: [
      {
        sub: ['Building', 'Wooden Blocks'],
        title: 'Wooden Building Blocks, {v}',
        variants: [
          ['50 Pieces, Natural', 'Fifty unpainted beech blocks in classic shapes for toddlers.'],
          ['100 Pieces, Rainbow', 'One hundred blocks painted in rainbow colours, including arches and cylinders.'],
        ],
        price: [29, 49],
        about: 'Solid sustainably harvested hardwood blocks cut to matching units so towers, bridges and castles actually stack.',
        tags: ['blocks', 'wooden', 'toddler'],
      },
      {
        sub: ['Building', 'Magnetic Tiles'],
        title: 'Magnetic Building Tiles, {v}',
        variants: [
          ['32-Piece Starter Set', 'A 32-piece starter set of squares and triangles.'],
          ['64-Piece Deluxe Set', 'A 64-piece set with wheels, windows and large squares for garages and towers.'],
        ],
        price: [39, 69],
        about: 'Translucent tiles with strong sealed magnets that click together into 3D shapes, teaching geometry through play.',
        tags: ['stem', 'building'],
      },
      {
        sub: ['Puzzles', 'Floor Puzzles'],
        title: 'Floor Puzzle 48 Pieces, {v}',
        variants: [
          ['Ocean Life', 'Whales, octopuses and coral reefs.'],
          ['World Map', 'A friendly world map with animals and landmarks on each continent.'],
          ['Farm Animals', 'A busy farmyard with cows, sheep and a red barn.'],
        ],
        price: 19,
        about: 'Extra-thick cardboard pieces that build a puzzle 90 cm wide on the floor, for ages 3 and up.',
        tags: ['puzzle', 'preschool'],
      },
      {
        sub: ['Puzzles', 'Jigsaw Puzzles'],
        title: 'Jigsaw Puzzle 500 Pieces, {v}',
        variants: [
          ['Night Garden', 'An illustrated garden at night with moths and glowing lanterns.'],
          ['Mountain Village', 'A snowy mountain village with a little train winding through it.'],
        ],
        price: 22,
        about: 'A family jigsaw for ages 10 and up with a linen-finish print and a poster of the picture.',
        tags: ['puzzle', 'family'],
      },
      {
        sub: ['Pretend Play', 'Play Kitchens'],
        title: 'Wooden Play Kitchen Set, {v}',
        variants: [
          ['Pots & Utensils, 12 Pieces', 'Twelve pieces: two pots, a frying pan, a kettle and wooden utensils.'],
          ['Tea Party, 14 Pieces', 'Fourteen pieces: a teapot, four cups and saucers, and a sugar bowl.'],
        ],
        price: [27, 32],
        about: 'Smooth, chunky wooden cookware for play kitchens and picnic pretend.',
        tags: ['pretend-play', 'wooden'],
      },
      {
        sub: ['Pretend Play', 'Plush Toys'],
        title: 'Plush {v}, 12-inch',
        variants: [
          ['Sleepy Fox', 'A sleepy orange fox with a curled tail.'],
          ['Grey Elephant', 'A grey elephant with floppy ears.'],
          ['Brown Bear', 'A classic brown teddy bear with a stitched nose.'],
        ],
        price: 24,
        about: 'A soft, huggable stuffed animal with embroidered eyes, safe from birth and machine washable.',
        tags: ['plush', 'baby'],
      },
      {
        sub: ['Outdoor Play'],
        title: "Kids' Balance Bike, {v}",
        variants: [
          ['Teal', 'Teal frame with cream tyres.'],
          ['Sunflower Yellow', 'Sunflower yellow frame with black tyres.'],
        ],
        price: 89,
        about: 'A light pedal-free bike for ages 2 to 5 that teaches balance first, so the move to pedals is easy.',
        tags: ['bike', 'outdoor', 'toddler'],
      },
      {
        sub: ['Outdoor Play'],
        title: 'Sidewalk Chalk, 24 Jumbo Sticks',
        price: 12,
        about: 'Fat, bright chalk sticks that fit small fists and wash away with rain or a hose.',
        tags: ['outdoor', 'art'],
      },
      {
        sub: ['Arts & Crafts'],
        title: 'Washable Crayons in a Tin, {v}',
        variants: [
          ['16 Colours', 'Sixteen everyday colours.'],
          ['32 Colours', 'Thirty-two colours, including skin tones and metallics.'],
        ],
        price: [9, 15],
        about: 'Soft wax crayons that wipe off walls and wash out of clothes, in a tin that survives a school bag.',
        tags: ['art', 'crafts'],
      },
      {
        sub: ['Games'],
        title: 'Forest Rescue Cooperative Board Game',
        price: 34,
        about: 'Players work together to guide animals home before the storm arrives, a game for ages 5 and up with no losers at the table.',
        tags: ['game', 'family'],
      },
      {
        sub: ['Science Kits'],
        title: 'Kitchen Chemistry Kit for Kids',
        price: 29,
        about: 'Twenty safe experiments with pantry ingredients, from fizzing volcanoes to red cabbage pH indicator, for ages 8 and up.',
        tags: ['stem', 'science'],
      },
    ],
  },
  {
    name: 'Science & Lab',
    palette: ['#2a9d8f', '#e0f4f1', '#264653'],
    brands: ['Meniscus Lab Supply', 'Bunsen & Burette', 'Periodic Goods'],
    tags: ['science', 'lab'],
    extras: [
      'Popular with chemistry teachers stocking a school lab.',
      'Sold in classroom quantities with volume discounts at checkout.',
      'Suitable for high school and undergraduate teaching labs.',
      'A fun gift for chemistry students and science teachers.',
    ],
    items: [
      {
        sub: ['Glassware', 'Beakers'],
        title: 'Borosilicate Glass Beaker {v}, Griffin Low Form',
        variants: [
          ['50 ml', 'A small 50 ml beaker for measuring reagents and mixing indicator solutions.', 4.5],
          ['250 ml', 'The 250 ml beaker is the standard size for titration and heating experiments.', 6.5],
          ['600 ml', 'A 600 ml beaker for water baths and larger preparations.', 9.5],
          ['Set of 5, 50 to 1000 ml', 'A nested set of five beakers from 50 ml to 1 litre for a complete bench.', 32],
        ],
        price: 6.5,
        about: 'Heat-resistant borosilicate glass with a pouring spout and white printed graduations that can go on a hot plate.',
        tags: ['glassware', 'beaker', 'teacher'],
      },
      {
        sub: ['Glassware', 'Flasks'],
        title: 'Erlenmeyer Flask {v}, Borosilicate',
        variants: [
          ['125 ml', 'A 125 ml conical flask for titrations and swirling small samples.'],
          ['500 ml', 'A 500 ml conical flask for culturing, boiling and mixing.'],
        ],
        price: [5, 11],
        about: 'A narrow-necked conical flask that lets you swirl liquids without spilling, with a heavy rim that resists chipping.',
        tags: ['glassware', 'flask'],
      },
      {
        sub: ['Glassware', 'Graduated Cylinders'],
        title: 'Glass Graduated Cylinder with Hex Base, {v}',
        variants: [
          ['10 ml', 'A 10 ml cylinder with 0.2 ml divisions for small, accurate volumes.'],
          ['100 ml', 'A 100 ml cylinder with 1 ml divisions for everyday measuring.'],
        ],
        price: [8, 14],
        about: 'A tall borosilicate measuring cylinder on a hexagonal base that stops it rolling off the bench.',
        tags: ['glassware', 'measuring'],
      },
      {
        sub: ['Glassware', 'Test Tubes'],
        title: 'Glass Test Tubes 16 x 150 mm, {v}',
        variants: [
          ['Pack of 24', 'Twenty-four tubes, enough for a class working in pairs.'],
          ['Pack of 72', 'Seventy-two tubes to stock a whole teaching lab.'],
        ],
        price: [12, 29],
        about: 'Rimless borosilicate test tubes that can be heated directly in a flame and cleaned with a tube brush.',
        tags: ['glassware', 'test-tube'],
      },
      {
        sub: ['Safety', 'Goggles'],
        title: 'Chemical Splash Goggles, {v}',
        variants: [
          ['Indirect Vent, Anti-Fog', 'Indirect vents and an anti-fog coating keep the lens clear through a long practical.'],
          ['Over-Glasses Fit', 'A deeper frame fits over prescription glasses.'],
        ],
        price: [9, 13],
        about: 'Impact-rated polycarbonate goggles with a soft seal and adjustable strap that protect the eyes from chemical splashes.',
        tags: ['safety', 'goggles', 'teacher'],
      },
      {
        sub: ['Safety', 'Lab Coats'],
        title: 'Cotton Lab Coat, {v}',
        variants: [
          ['Adult Medium', 'An adult medium coat with three pockets.'],
          ['Adult Large', 'An adult large coat with three pockets.'],
          ['Student Size', 'A shorter coat cut for secondary school students.'],
        ],
        price: 29,
        about: 'A knee-length white coat in heavyweight cotton twill with snap buttons that come undone fast in an emergency.',
        tags: ['safety', 'apparel'],
      },
      {
        sub: ['Safety', 'Gloves'],
        title: 'Nitrile Lab Gloves, Box of 100, {v}',
        variants: [
          ['Medium', 'Medium size.'],
          ['Large', 'Large size.'],
        ],
        price: 14,
        about: 'Powder-free, latex-free nitrile gloves with textured fingertips for handling glassware and dilute reagents.',
        tags: ['safety', 'gloves'],
      },
      {
        sub: ['Equipment', 'Racks & Holders'],
        title: 'Test Tube Rack, {v}',
        variants: [
          ['Polypropylene, 40 Holes', 'An autoclavable plastic rack with 40 holes that stacks for storage.'],
          ['Wooden, 12 Holes', 'A classic wooden rack with 12 holes and drying pegs.'],
        ],
        price: [11, 16],
        about: 'Holds test tubes upright during reactions, with space to label each row.',
        tags: ['equipment', 'test-tube'],
      },
      {
        sub: ['Equipment', 'Balances'],
        title: 'Digital Pocket Scale 0.01 g / 200 g',
        price: 21,
        about: 'A pocket balance with 0.01 g resolution, calibration weight and tare, for weighing reagents in class.',
        tags: ['equipment', 'measuring'],
      },
      {
        sub: ['Equipment', 'Heating & Stirring'],
        title: 'Magnetic Stirrer with Stir Bars, 1 L Capacity',
        price: 64,
        about: 'A quiet variable-speed magnetic stirrer with PTFE-coated stir bars for dissolving solids and running titrations hands-free.',
        tags: ['equipment'],
      },
      {
        sub: ['Consumables'],
        title: 'Universal pH Test Strips 1-14, 100 Count',
        price: 8,
        about: 'Four-pad indicator strips with a colour chart, handy for testing soil, pool water and classroom acids and bases.',
        tags: ['consumables', 'ph'],
      },
      {
        sub: ['Models & Kits'],
        title: 'Molecular Model Kit, {v}',
        variants: [
          ['Student Set, 125 Pieces', 'A 125-piece student set for building simple molecules and VSEPR shapes.', 19],
          ['Organic Chemistry Set, 240 Pieces', 'A 240-piece set with enough carbons to build rings, isomers and amino acids.', 36],
        ],
        price: 24,
        about: 'Colour-coded atoms and flexible bonds that make bond angles and 3D structure easy to see.',
        tags: ['models', 'students', 'stem'],
      },
      {
        sub: ['Gifts', 'Mugs'],
        title: 'Periodic Table Mug, {v}',
        variants: [
          ['11 oz, White', 'An 11 oz white mug with the table printed in full colour.'],
          ['15 oz, Black Glaze', 'A big 15 oz black mug with the table in white and gold.'],
        ],
        price: [16, 21],
        about: 'A ceramic coffee mug printed with all 118 elements, their symbols and atomic numbers.',
        tags: ['mug', 'gift', 'teacher'],
      },
      {
        sub: ['Gifts', 'Posters'],
        title: 'Periodic Table Poster, {v}',
        variants: [
          ['18 x 24 in', 'An 18 by 24 inch print for a study wall or dorm room.'],
          ['24 x 36 in, Laminated', 'A laminated 24 by 36 inch poster that survives a classroom wall and dry-erase markers.'],
        ],
        price: [15, 29],
        about: 'A clear, colour-coded periodic table with element groups, electron configurations and atomic masses.',
        tags: ['poster', 'classroom'],
      },
    ],
  },
  {
    name: 'Stationery',
    palette: ['#d4a373', '#fefae0', '#5e3c1f'],
    brands: ['Inkwell & Quire', 'Paperbark', 'Margin Notes'],
    tags: ['stationery'],
    extras: [
      'Fountain-pen-friendly paper with very little bleed-through.',
      'A satisfying desk upgrade for students and office workers.',
      'Printed and bound by a family-run press.',
      'Makes a lovely small gift for writers and list-makers.',
    ],
    items: [
      {
        sub: ['Notebooks'],
        title: 'Dot Grid Notebook A5, {v}',
        variants: [
          ['Hardcover, Forest Green', 'A forest green cloth hardcover with two ribbon bookmarks.'],
          ['Softcover, Terracotta', 'A flexible terracotta softcover that is lighter in a bag.'],
          ['Hardcover, Black', 'A classic black hardcover with an elastic closure.'],
        ],
        price: [18, 22],
        about: 'Lay-flat bound notebook with 192 numbered pages of 100 gsm paper and a faint dot grid for journaling and sketches.',
        tags: ['notebook', 'journaling'],
      },
      {
        sub: ['Notebooks'],
        title: 'Lined Pocket Notebooks, 3-Pack, {v}',
        variants: [
          ['Kraft Cover', 'Plain kraft card covers you can decorate.'],
          ['Recycled Blue Cover', 'Recycled blue covers with white stitching.'],
        ],
        price: 12,
        about: 'Stapled pocket notebooks with ruled pages that fit a jeans pocket for shopping lists and quick notes.',
        tags: ['notebook', 'eco'],
      },
      {
        sub: ['Writing', 'Fountain Pens'],
        title: 'Fountain Pen, {v}',
        variants: [
          ['Fine Nib, Matte Black', 'A fine steel nib in a matte black aluminium body for small handwriting.'],
          ['Medium Nib, Translucent Teal', 'A medium steel nib in a translucent teal resin body that shows the ink level.'],
        ],
        price: [29, 34],
        about: 'A smooth steel-nib fountain pen that takes standard cartridges or the included converter for bottled ink.',
        tags: ['pen', 'fountain-pen', 'gift'],
      },
      {
        sub: ['Writing', 'Ink'],
        title: 'Bottled Fountain Pen Ink 50 ml, {v}',
        variants: [
          ['Deep Sea Blue', 'A saturated blue that dries fast on most papers.'],
          ['Walnut Brown', 'A warm brown with lovely shading in broad nibs.'],
          ['Evergreen', 'A dark pine green that reads as almost black in fine nibs.'],
        ],
        price: 15,
        about: 'A well-behaved water-based ink in a glass bottle with a wide base that will not tip over.',
        tags: ['ink', 'fountain-pen'],
      },
      {
        sub: ['Writing', 'Gel Pens'],
        title: 'Gel Pens 0.5 mm, {v}',
        variants: [
          ['Black, 12-Pack', 'Twelve black pens for everyday writing.'],
          ['Assorted Colours, 10-Pack', 'Ten colours for colour-coding notes and planners.'],
        ],
        price: [11, 13],
        about: 'Quick-drying gel pens with a fine 0.5 mm tip that write smoothly and do not smear for left-handers.',
        tags: ['pen'],
      },
      {
        sub: ['Writing', 'Pencils'],
        title: 'Cedar Graphite Pencils HB, 12-Pack',
        price: 9,
        about: 'Incense-cedar pencils with a break-resistant HB core, pre-sharpened and ready for crosswords and sketching.',
        tags: ['pencil', 'school'],
      },
      {
        sub: ['Planners'],
        title: 'Undated Weekly Planner, {v}',
        variants: [
          ['Linen Cover, Rose', 'A rose linen cover with gold foil edges.'],
          ['Vegan Leather, Navy', 'A navy vegan leather cover with a pen loop.'],
        ],
        price: 26,
        about: 'Fifty-two undated week-on-two-pages spreads with habit trackers, so you can start in any month.',
        tags: ['planner', 'organisation'],
      },
      {
        sub: ['Desk Accessories'],
        title: 'Walnut Desk Organizer with Pen Tray',
        price: 48,
        about: 'A solid walnut caddy with slots for pens, sticky notes and a phone to keep a work desk tidy.',
        tags: ['desk', 'wood', 'organisation'],
      },
      {
        sub: ['Cards & Envelopes'],
        title: 'Blank Greeting Cards with Envelopes, {v}',
        variants: [
          ['Letterpress Botanicals, 10 Pack', 'Ten letterpress cards with pressed-flower illustrations.'],
          ['Plain Kraft, 25 Pack', 'Twenty-five plain kraft cards to stamp or paint.'],
        ],
        price: [18, 14],
        about: 'Blank inside so they work for birthdays, thank-yous and sympathy notes, on heavy recycled card stock.',
        tags: ['cards', 'recycled'],
      },
      {
        sub: ['Art Supplies'],
        title: 'Watercolour Paint Set, {v}',
        variants: [
          ['12 Half Pans', 'Twelve half pans in a compact tin for travel sketching.'],
          ['24 Half Pans with Brush', 'Twenty-four half pans and a refillable water brush.'],
        ],
        price: [24, 42],
        about: 'Richly pigmented watercolours in a metal tin with a built-in mixing palette.',
        tags: ['art', 'painting'],
      },
    ],
  },
  {
    name: 'Audio',
    palette: ['#1d3557', '#a8dadc', '#e63946'],
    brands: ['Sonder Audio', 'Lowtide Sound', 'Halcyon Acoustics'],
    tags: ['audio', 'electronics'],
    extras: [
      'Includes a two-year warranty and free firmware updates.',
      'Tuned by our sound engineers for natural, balanced audio.',
      'A favourite for long flights and busy open-plan offices.',
      'Ships with a USB-C cable; no power adapter in the box.',
    ],
    items: [
      {
        sub: ['Headphones', 'Over-Ear Headphones'],
        title: 'Wireless Noise-Cancelling Headphones, {v}',
        variants: [
          ['Matte Black', 'A matte black finish with black cushions.'],
          ['Stone Grey', 'A stone grey finish with light grey cushions.'],
        ],
        price: 199,
        about: 'Adaptive noise cancellation, 30 hours of battery and soft memory-foam ear cups for flights and commutes.',
        tags: ['headphones', 'wireless', 'travel'],
      },
      {
        sub: ['Headphones', 'Over-Ear Headphones'],
        title: 'Closed-Back Studio Monitor Headphones, Wired',
        price: 99,
        about: 'Flat, accurate sound and a detachable coiled cable for mixing, podcast editing and home recording.',
        tags: ['headphones', 'studio'],
      },
      {
        sub: ['Headphones', 'Earbuds'],
        title: 'True Wireless Earbuds, {v}',
        variants: [
          ['Sport Fit with Ear Hooks', 'Flexible ear hooks and sweat resistance keep them in during runs and workouts.', 79],
          ['Compact with Noise Cancelling', 'A small, low-profile design with active noise cancelling for commuting.', 129],
        ],
        price: 99,
        about: 'Bluetooth earbuds with a pocketable charging case and clear call microphones.',
        tags: ['earbuds', 'wireless'],
      },
      {
        sub: ['Speakers', 'Portable Speakers'],
        title: 'Waterproof Bluetooth Speaker, {v}',
        variants: [
          ['Mini, Coral', 'A palm-sized coral speaker with a clip for backpacks.', 49],
          ['Mini, Pine', 'A palm-sized pine green speaker with a clip for backpacks.', 49],
          ['Large with Strap, Black', 'A larger black speaker with a carry strap and deep bass for parties.', 129],
        ],
        price: 49,
        about: 'A rugged IP67 speaker that survives rain, sand and the occasional drop into a pool.',
        tags: ['speaker', 'outdoor', 'wireless'],
      },
      {
        sub: ['Speakers', 'Bookshelf Speakers'],
        title: 'Powered Bookshelf Speakers, Pair, {v}',
        variants: [
          ['Walnut', 'Walnut veneer cabinets.'],
          ['White Oak', 'White oak veneer cabinets.'],
        ],
        price: 249,
        about: 'Active speakers with a built-in amplifier, Bluetooth, optical input and a phono stage for a turntable.',
        tags: ['speaker', 'hi-fi'],
      },
      {
        sub: ['Turntables & Vinyl'],
        title: 'Belt-Drive Turntable with Built-In Preamp',
        price: 229,
        about: 'A two-speed turntable with a pre-mounted cartridge that plugs straight into powered speakers.',
        tags: ['vinyl', 'hi-fi'],
      },
      {
        sub: ['Turntables & Vinyl'],
        title: 'Record Cleaning Kit with Carbon Fibre Brush',
        price: 24,
        about: 'A carbon fibre brush, microfibre pad and alcohol-free fluid that lift dust and static from vinyl records.',
        tags: ['vinyl', 'maintenance'],
      },
      {
        sub: ['Accessories'],
        title: 'Headphone Stand, {v}',
        variants: [
          ['Walnut', 'A curved walnut stand that looks good on a desk.'],
          ['Aluminium', 'A brushed aluminium stand with a cable hook.'],
        ],
        price: [29, 34],
        about: 'A weighted stand that keeps over-ear headphones in shape and off the desk.',
        tags: ['headphones', 'desk'],
      },
      {
        sub: ['Accessories'],
        title: 'Braided 3.5 mm Audio Extension Cable, {v}',
        variants: [
          ['1.5 m', 'A 1.5 metre cable for desk setups.'],
          ['3 m', 'A 3 metre cable for reaching a TV or stereo from the sofa.'],
        ],
        price: [9, 12],
        about: 'A gold-plated extension with a tough braided jacket that resists tangles.',
        tags: ['cable'],
      },
      {
        sub: ['Microphones'],
        title: 'USB Condenser Microphone with Desk Stand',
        price: 89,
        about: 'A plug-and-play cardioid microphone with a headphone jack and mute button for podcasts, streaming and video calls.',
        tags: ['microphone', 'podcast'],
      },
      {
        sub: ['Microphones'],
        title: 'Clip-On Lavalier Microphone, {v}',
        variants: [
          ['Wired 3.5 mm', 'A wired version with a long cable for cameras and recorders.', 19],
          ['Wireless USB-C Pair', 'A wireless pair with a USB-C receiver for two-person interviews on a phone.', 79],
        ],
        price: 49,
        about: 'A tiny omnidirectional microphone that clips to a collar for clear voice in videos.',
        tags: ['microphone', 'video'],
      },
    ],
  },
  {
    name: 'Computer Accessories',
    palette: ['#5c677d', '#e9ecef', '#0b132b'],
    brands: ['Keystone Peripherals', 'Deskbound', 'Bytewise'],
    tags: ['computer', 'electronics'],
    extras: [
      'Works with Windows, macOS, Linux and ChromeOS without drivers.',
      'A sensible upgrade for a home office.',
      'Designed to reduce wrist and neck strain over long workdays.',
      'Backed by a two-year warranty.',
    ],
    items: [
      {
        sub: ['Keyboards'],
        title: 'Mechanical Keyboard, {v}',
        variants: [
          ['75% Layout, Tactile Switches', 'A compact 75% layout with tactile switches that give a soft bump on each press.', 109],
          ['Full Size, Linear Switches', 'A full-size layout with a number pad and smooth linear switches.', 119],
          ['Low-Profile Wireless', 'A slim low-profile wireless board that pairs with three devices.', 99],
        ],
        price: 109,
        about: 'Hot-swappable switches, PBT keycaps and USB-C, for people who type all day.',
        tags: ['keyboard'],
      },
      {
        sub: ['Mice'],
        title: 'Ergonomic Vertical Mouse, {v}',
        variants: [
          ['Right-Handed', 'Shaped for the right hand.'],
          ['Left-Handed', 'Shaped for the left hand, which is hard to find.'],
        ],
        price: 49,
        about: 'A wireless mouse tilted at 57 degrees so the forearm rests in a natural handshake position.',
        tags: ['mouse', 'ergonomic'],
      },
      {
        sub: ['Mice'],
        title: 'Compact Bluetooth Travel Mouse',
        price: 29,
        about: 'A small, quiet-click mouse that runs for months on one AA battery and fits in a laptop sleeve pocket.',
        tags: ['mouse', 'travel'],
      },
      {
        sub: ['Desk Setup', 'Monitor Stands'],
        title: 'Monitor Riser with Drawer, {v}',
        variants: [
          ['Bamboo', 'A bamboo shelf with a natural finish.'],
          ['Black Steel', 'A black powder-coated steel shelf.'],
        ],
        price: [39, 44],
        about: 'Raises a monitor to eye level and hides cables and chargers in a slim drawer.',
        tags: ['desk', 'ergonomic'],
      },
      {
        sub: ['Desk Setup', 'Desk Mats'],
        title: 'Merino Felt Desk Mat, {v}',
        variants: [
          ['90 x 40 cm, Charcoal', 'A large 90 by 40 cm charcoal mat that fits a keyboard and mouse.'],
          ['60 x 30 cm, Light Grey', 'A smaller 60 by 30 cm light grey mat for a laptop setup.'],
        ],
        price: [39, 29],
        about: 'A dense wool felt mat that warms up a desk, quiets typing and doubles as a mouse pad.',
        tags: ['desk', 'wool'],
      },
      {
        sub: ['Desk Setup', 'Laptop Stands'],
        title: 'Adjustable Aluminium Laptop Stand',
        price: 39,
        about: 'A folding stand with six height settings that lifts a laptop screen to eye level and helps it stay cool.',
        tags: ['desk', 'ergonomic', 'laptop'],
      },
      {
        sub: ['Cables & Hubs'],
        title: 'USB-C Hub 7-in-1 with HDMI and SD Reader',
        price: 45,
        about: 'Adds 4K HDMI, two USB-A ports, SD and microSD slots and 100 W pass-through charging to a laptop.',
        tags: ['hub', 'laptop'],
      },
      {
        sub: ['Cables & Hubs'],
        title: 'Braided USB-C to USB-C Cable 100 W, {v}',
        variants: [
          ['1 m', 'A 1 metre cable for a laptop bag.'],
          ['2 m', 'A 2 metre cable that reaches from floor socket to desk.'],
        ],
        price: [12, 15],
        about: 'A nylon-braided cable rated for 100 W charging and fast data, tested to survive thousands of bends.',
        tags: ['cable'],
      },
      {
        sub: ['Storage', 'External Drives'],
        title: 'Portable SSD USB-C, {v}',
        variants: [
          ['500 GB', '500 GB holds a photo library or a few games.', 64],
          ['1 TB', '1 TB is room for video projects and full computer backups.', 94],
          ['2 TB', '2 TB for photographers and video editors working on the move.', 159],
        ],
        price: 94,
        about: 'A pocket-sized solid-state drive with read speeds up to 1,050 MB/s in a drop-resistant rubber shell.',
        tags: ['storage', 'backup'],
      },
      {
        sub: ['Webcams'],
        title: '1080p Webcam with Privacy Shutter',
        price: 59,
        about: 'A full HD webcam with auto light correction, dual microphones and a sliding cover for when the call is over.',
        tags: ['webcam', 'video'],
      },
      {
        sub: ['Bags & Sleeves'],
        title: 'Wool Felt Laptop Sleeve, {v}',
        variants: [
          ['13-inch', 'Fits 13-inch laptops and most small tablets.'],
          ['15-inch', 'Fits 15 and 16-inch laptops.'],
        ],
        price: [34, 39],
        about: 'A thick wool felt sleeve with a leather strap closure and a front pocket for a charger.',
        tags: ['laptop', 'wool'],
      },
    ],
  },
  {
    name: 'Pet Supplies',
    palette: ['#e9c46a', '#fff8e7', '#8a5a00'],
    brands: ['Wagtail & Whisker', 'Burrowbright Pets', 'Fetchling'],
    tags: ['pets'],
    extras: [
      'Chosen by our office dogs and cats, who are not easy to please.',
      'Made without toxic dyes or BPA.',
      'A nice welcome-home gift for a new rescue pet.',
      'Easy to clean, so it stays fresh between washes.',
    ],
    items: [
      {
        sub: ['Dogs', 'Beds'],
        title: 'Orthopedic Dog Bed, {v}',
        variants: [
          ['Medium, Charcoal', 'A medium bed in charcoal for dogs up to 25 kg.'],
          ['Large, Oatmeal', 'A large bed in oatmeal for dogs up to 45 kg.'],
        ],
        price: [79, 109],
        about: 'Supportive memory foam with a bolster pillow and a removable washable cover, kind to older dogs with stiff joints.',
        tags: ['dog', 'bed'],
      },
      {
        sub: ['Dogs', 'Leashes & Collars'],
        title: 'Climbing Rope Dog Leash 5 ft, {v}',
        variants: [
          ['Sunset Orange', 'Sunset orange rope that is easy to spot on the trail.'],
          ['Forest Green', 'Forest green rope with a brass clip.'],
        ],
        price: 34,
        about: 'A strong braided climbing rope leash with a padded handle that will not burn your palm when a dog pulls.',
        tags: ['dog', 'leash'],
      },
      {
        sub: ['Dogs', 'Leashes & Collars'],
        title: 'Padded No-Pull Dog Harness, {v}',
        variants: [
          ['Small', 'Small size for chest girths of 40 to 55 cm.'],
          ['Medium', 'Medium size for chest girths of 55 to 75 cm.'],
          ['Large', 'Large size for chest girths of 75 to 100 cm.'],
        ],
        price: [32, 39],
        about: 'A front-clip harness with padded straps and reflective trim that gently discourages pulling on walks.',
        tags: ['dog', 'harness'],
      },
      {
        sub: ['Dogs', 'Toys'],
        title: 'Natural Rubber Chew Toy, {v}',
        variants: [
          ['Treat-Dispensing Cone', 'A hollow cone you can stuff with treats or freeze with yogurt.'],
          ['Bone Shape', 'A solid bone for heavy chewers.'],
        ],
        price: [14, 16],
        about: 'A tough, bouncy natural rubber toy that keeps dogs busy and off the furniture.',
        tags: ['dog', 'toy'],
      },
      {
        sub: ['Dogs', 'Treats'],
        title: 'Single-Ingredient Dog Treats, {v}',
        variants: [
          ['Sweet Potato Chews', 'Slow-dried sweet potato slices, good for sensitive stomachs.'],
          ['Freeze-Dried Salmon', 'Freeze-dried salmon pieces, high-value rewards for training.'],
        ],
        price: [12, 17],
        about: 'One ingredient and nothing else, made in small batches and sealed in a resealable bag.',
        tags: ['dog', 'treats'],
      },
      {
        sub: ['Cats', 'Scratchers'],
        title: 'Sisal Cat Scratching Post, {v}',
        variants: [
          ['24-inch', 'A 24-inch post for kittens and small cats.'],
          ['32-inch with Perch', 'A tall 32-inch post with a carpeted perch on top.'],
        ],
        price: [34, 54],
        about: 'A heavy-based post wrapped in natural sisal rope that saves your sofa from sharp claws.',
        tags: ['cat', 'scratcher'],
      },
      {
        sub: ['Cats', 'Scratchers'],
        title: 'Cardboard Cat Scratcher Lounge',
        price: 29,
        about: 'A curved lounger of recycled corrugated cardboard that cats scratch, stretch and nap on.',
        tags: ['cat', 'scratcher', 'recycled'],
      },
      {
        sub: ['Cats', 'Toys'],
        title: 'Feather Wand Cat Toy with 5 Refills',
        price: 12,
        about: 'A flexible wand with natural feathers and crinkle tails that brings out the hunter in indoor cats.',
        tags: ['cat', 'toy'],
      },
      {
        sub: ['Feeding'],
        title: 'Ceramic Pet Bowl, {v}',
        variants: [
          ['Small, Sage', 'A small sage bowl for cats and small dogs.'],
          ['Large, Cream', 'A large cream bowl for big dogs.'],
        ],
        price: [16, 24],
        about: 'A heavy stoneware bowl with a non-slip base that is harder to push around than steel or plastic.',
        tags: ['bowl', 'dog', 'cat'],
      },
      {
        sub: ['Feeding'],
        title: 'Slow Feeder Dog Bowl with Maze Pattern',
        price: 18,
        about: 'A maze bowl that slows fast eaters down, helping with bloating and turning dinner into a puzzle.',
        tags: ['bowl', 'dog'],
      },
      {
        sub: ['Travel'],
        title: 'Collapsible Silicone Travel Bowls, Set of 2',
        price: 14,
        about: 'Pop-up food and water bowls that fold flat and clip to a backpack for hikes and road trips.',
        tags: ['dog', 'travel', 'outdoor'],
      },
    ],
  },
  {
    name: 'Garden',
    palette: ['#6a994e', '#f2e8cf', '#386641'],
    brands: ['Greenhollow', 'Potting Shed Works', 'Wildroot Garden'],
    tags: ['garden'],
    extras: [
      'Made for balconies and allotments alike.',
      'A good present for a new gardener or anyone with a fresh patch of soil.',
      'Built to be left outside through a wet season.',
      'Recommended by our growing team for organic gardens.',
    ],
    items: [
      {
        sub: ['Tools', 'Hand Tools'],
        title: 'Stainless Steel Hand Trowel, Ash Handle',
        price: 22,
        about: 'A rust-resistant trowel with depth markings for planting bulbs and seedlings at the right depth.',
        tags: ['tools', 'planting'],
      },
      {
        sub: ['Tools', 'Hand Tools'],
        title: 'Bypass Pruning Shears, {v}',
        variants: [
          ['Standard', 'The standard size cuts branches up to 2 cm thick.'],
          ['Small Hands', 'A lighter version with a shorter grip for small hands.'],
        ],
        price: 32,
        about: 'Sharp, replaceable blades make clean cuts that help roses and fruit trees heal quickly.',
        tags: ['tools', 'pruning'],
      },
      {
        sub: ['Tools', 'Hand Tools'],
        title: 'Hori Hori Garden Knife with Sheath',
        price: 29,
        about: 'A Japanese-style digging knife with one serrated edge for weeding, dividing perennials and opening compost bags.',
        tags: ['tools', 'weeding'],
      },
      {
        sub: ['Tools', 'Watering'],
        title: 'Galvanized Watering Can, {v}',
        variants: [
          ['1 Gallon', 'A one-gallon can for houseplants and balcony pots.'],
          ['2 Gallon', 'A two-gallon can with a detachable brass rose for seed beds.'],
        ],
        price: [34, 46],
        about: 'A classic galvanized steel can with a long spout that reaches the back of a border.',
        tags: ['watering'],
      },
      {
        sub: ['Tools', 'Watering'],
        title: 'Expandable Garden Hose with Spray Nozzle, {v}',
        variants: [
          ['50 ft', 'Stretches to 50 feet for patios and small yards.'],
          ['100 ft', 'Stretches to 100 feet for large gardens.'],
        ],
        price: [29, 49],
        about: 'A light hose that shrinks to a third of its length when empty, with a ten-pattern spray nozzle.',
        tags: ['watering', 'hose'],
      },
      {
        sub: ['Planters', 'Pots'],
        title: 'Terracotta Pot with Saucer, {v}',
        variants: [
          ['6-inch', 'A 6-inch pot for herbs and windowsill succulents.'],
          ['10-inch', 'A 10-inch pot for tomatoes, peppers and larger houseplants.'],
          ['14-inch', 'A 14-inch pot for small citrus trees and shrubs.'],
        ],
        price: [9, 34],
        about: 'Unglazed terracotta breathes so roots do not sit wet, and the saucer protects floors.',
        tags: ['planter', 'terracotta'],
      },
      {
        sub: ['Planters', 'Raised Beds'],
        title: 'Cedar Raised Garden Bed, {v}',
        variants: [
          ['2 x 4 ft', 'A 2 by 4 foot bed for a balcony or a small patio.'],
          ['4 x 8 ft', 'A 4 by 8 foot bed that grows enough salad for a family.'],
        ],
        price: [89, 189],
        about: 'A rot-resistant cedar bed that slots together without tools and warms up earlier in spring than open ground.',
        tags: ['raised-bed', 'vegetables'],
      },
      {
        sub: ['Seeds'],
        title: 'Heirloom Seed Packet, {v}',
        variants: [
          ['Cherry Tomato', 'Sweet red cherry tomatoes on vigorous vines that crop until the first frost.'],
          ['Genovese Basil', 'Large-leaved Italian basil for pesto and summer salads.'],
          ['Rainbow Chard', 'Chard with red, yellow and pink stems that looks good enough for flower beds.'],
          ['Sugar Snap Pea', 'Crunchy edible-pod peas that climb a trellis and are sweet straight from the vine.'],
          ['Wildflower Pollinator Mix', 'A mix of native annual and perennial wildflowers for bees and butterflies.'],
        ],
        price: 4,
        about: 'Open-pollinated, non-GMO seed with sowing instructions printed on the back.',
        tags: ['seeds', 'organic'],
      },
      {
        sub: ['Gloves & Apparel'],
        title: 'Bamboo Garden Gloves, {v}',
        variants: [
          ['Small/Medium', 'Sized for small to medium hands.'],
          ['Large/XL', 'Sized for large and extra-large hands.'],
        ],
        price: 14,
        about: 'Breathable bamboo knit gloves with a latex-coated palm that keep a good grip on tools and protect from thorns.',
        tags: ['gloves'],
      },
      {
        sub: ['Soil & Care'],
        title: 'Organic Potting Mix, {v}',
        variants: [
          ['8 Quart', 'An 8 quart bag that refills a few houseplants.'],
          ['25 Quart', 'A 25 quart bag for filling balcony planters.'],
        ],
        price: [11, 24],
        about: 'A peat-free mix of composted bark, coir and worm castings that feeds plants for the first weeks after potting.',
        tags: ['soil', 'organic', 'eco'],
      },
      {
        sub: ['Wildlife'],
        title: 'Hanging Cedar Bird Feeder',
        price: 36,
        about: 'A roofed feeder with a seed window and perches that attracts finches and tits to a window view.',
        tags: ['birds', 'wildlife'],
      },
      {
        sub: ['Wildlife'],
        title: 'Mason Bee House',
        price: 27,
        about: 'Nesting tubes under a small roof that give solitary bees a home close to fruit trees and vegetable beds.',
        tags: ['bees', 'wildlife', 'eco'],
      },
    ],
  },
  {
    name: 'Beauty & Care',
    palette: ['#e5989b', '#fff0f0', '#6d3b47'],
    brands: ['Fernbrook Apothecary', 'Saltmarsh Skin', 'Honeycomb & Oat'],
    tags: ['beauty'],
    extras: [
      'Cruelty-free, and never tested on animals.',
      'Dermatologist-tested for sensitive skin.',
      'Packed in recyclable glass and aluminium.',
      'A gentle treat to include in a care package.',
    ],
    items: [
      {
        sub: ['Skincare', 'Cleansers'],
        title: 'Gentle Cream Cleanser 150 ml, {v}',
        variants: [
          ['Fragrance-Free', 'Fragrance-free for reactive or acne-prone skin.'],
          ['Rose Geranium', 'Lightly scented with rose geranium essential oil.'],
        ],
        price: 22,
        about: 'A creamy, non-foaming cleanser with oat extract that removes sunscreen and makeup without leaving skin tight.',
        tags: ['skincare', 'cleanser'],
      },
      {
        sub: ['Skincare', 'Moisturizers'],
        title: 'Daily Moisturizer with Niacinamide, 50 ml',
        price: 28,
        about: 'A light gel-cream that hydrates, calms redness and sits well under makeup.',
        tags: ['skincare', 'moisturizer'],
      },
      {
        sub: ['Skincare', 'Moisturizers'],
        title: 'Rich Night Cream with Shea Butter, 50 ml',
        price: 34,
        about: 'A rich overnight cream with shea butter and ceramides for dry skin in winter.',
        tags: ['skincare', 'moisturizer'],
      },
      {
        sub: ['Skincare', 'Sunscreen'],
        title: 'Mineral Sunscreen SPF 30, {v}',
        variants: [
          ['Tinted, 50 ml', 'A sheer tint that evens skin tone and hides the white cast.'],
          ['Untinted, 100 ml', 'An untinted formula in a larger tube for face and body.'],
        ],
        price: [24, 29],
        about: 'Zinc oxide sunscreen that protects from UVA and UVB and is gentle enough for sensitive skin.',
        tags: ['skincare', 'sunscreen'],
      },
      {
        sub: ['Bath & Body', 'Soap'],
        title: 'Cold Process Bar Soap, {v}',
        variants: [
          ['Oatmeal & Honey', 'Ground oats and honey for a gentle, soothing scrub.'],
          ['Charcoal & Tea Tree', 'Activated charcoal and tea tree oil for a deep clean.'],
          ['Lavender', 'Lavender essential oil and dried buds for a calming evening shower.'],
        ],
        price: 9,
        about: 'A long-lasting olive and coconut oil soap, cured for six weeks and wrapped in paper instead of plastic.',
        tags: ['soap', 'plastic-free'],
      },
      {
        sub: ['Bath & Body', 'Body Care'],
        title: 'Whipped Body Butter 200 ml, {v}',
        variants: [
          ['Vanilla Bean', 'Warm vanilla bean scent.'],
          ['Unscented', 'No added scent, for sensitive skin and bedtime.'],
        ],
        price: 24,
        about: 'A fluffy blend of shea, cocoa butter and jojoba that sinks in after a shower without feeling greasy.',
        tags: ['body-care'],
      },
      {
        sub: ['Bath & Body', 'Bath Soaks'],
        title: 'Epsom Bath Salts, {v}',
        variants: [
          ['Eucalyptus, 1 lb', 'One pound of salts with eucalyptus oil to clear the head.'],
          ['Lavender, 2 lb', 'Two pounds of salts with lavender oil for a long, sleepy soak.'],
        ],
        price: [14, 22],
        about: 'Magnesium sulfate bath salts that ease sore muscles after a long run or a day in the garden.',
        tags: ['bath', 'relaxation'],
      },
      {
        sub: ['Hair Care'],
        title: 'Solid Shampoo Bar, {v}',
        variants: [
          ['for Dry Hair', 'Extra oils for curly, coloured or dry hair.'],
          ['for Oily Hair', 'A clarifying bar with rosemary and clay for oily roots.'],
        ],
        price: 14,
        about: 'A concentrated shampoo bar that lasts about eighty washes and travels without spilling.',
        tags: ['hair-care', 'plastic-free', 'travel'],
      },
      {
        sub: ['Hair Care'],
        title: 'Wide-Tooth Sandalwood Comb',
        price: 12,
        about: 'A smooth, static-free wooden comb that detangles wet or curly hair without snapping strands.',
        tags: ['hair-care', 'wood'],
      },
      {
        sub: ['Tools & Accessories'],
        title: 'Bamboo Toothbrush 4-Pack, {v}',
        variants: [
          ['Soft Bristles', 'Soft bristles for sensitive gums.'],
          ['Medium Bristles', 'Medium bristles for a firmer clean.'],
        ],
        price: 11,
        about: 'Compostable bamboo handles with plant-based bristles, numbered so each family member knows which is theirs.',
        tags: ['oral-care', 'eco'],
      },
      {
        sub: ['Tools & Accessories'],
        title: 'Dry Body Brush with Sisal Bristles',
        price: 16,
        about: 'A long-handled sisal brush for exfoliating before a shower, with a detachable head for hard-to-reach spots.',
        tags: ['body-care'],
      },
    ],
  },
  {
    name: 'Books',
    palette: ['#b56576', '#f8edeb', '#355070'],
    brands: ['Quillmoor Press', 'Tidewrack Books', 'Small Hours Publishing'],
    tags: ['books'],
    extras: [
      'Printed on paper from responsibly managed forests.',
      'A staff pick in our bookshop corner.',
      'A lovely gift, and we can add a handwritten note at checkout.',
    ],
    items: [
      {
        sub: ['Cookbooks'],
        title: 'The Weeknight Skillet: 80 One-Pan Dinners, {v}',
        variants: [
          ['Hardcover', 'A lay-flat hardcover that stays open on the counter.', 29],
          ['Paperback', 'A flexible paperback edition.', 19],
        ],
        price: 24,
        about: 'Eighty recipes for cast iron and carbon steel pans, from crispy chicken thighs to skillet cornbread, each with a single pan to wash.',
        tags: ['cookbook', 'cooking'],
      },
      {
        sub: ['Cookbooks'],
        title: "Slow Mornings: A Home Barista's Guide to Coffee",
        price: 26,
        about: 'How to buy, grind and brew great coffee at home, with pour-over, French press and espresso chapters and tasting notes.',
        tags: ['coffee', 'guide'],
      },
      {
        sub: ['Cookbooks'],
        title: 'Bread Without Fuss: No-Knead Loaves for Beginners',
        price: 22,
        about: 'Forty no-knead breads baked in a Dutch oven, with step-by-step photos for people who have never made a loaf.',
        tags: ['cookbook', 'baking'],
      },
      {
        sub: ['Outdoors & Travel'],
        title: 'Trails Less Walked: 50 Weekend Hikes',
        price: 21,
        about: 'A guidebook of quiet day hikes and overnight routes with maps, elevation profiles and where to camp.',
        tags: ['hiking', 'guide'],
      },
      {
        sub: ['Outdoors & Travel'],
        title: "The Lightweight Camper's Handbook",
        price: 18,
        about: 'Practical advice on choosing a tent, sleeping bag and stove, and packing them into a smaller, lighter backpack.',
        tags: ['camping', 'guide'],
      },
      {
        sub: ['Health & Fitness'],
        title: "Ten Minutes on the Mat: A Beginner's Yoga Practice",
        price: 17,
        about: 'Short illustrated sequences for stiff beginners, showing how blocks and straps make each pose accessible.',
        tags: ['yoga', 'guide'],
      },
      {
        sub: ['Health & Fitness'],
        title: 'Your First Half Marathon: A 16-Week Training Plan',
        price: 19,
        about: 'A friendly week-by-week plan from a running coach, with advice on shoes, fuelling and avoiding injury.',
        tags: ['running', 'guide'],
      },
      {
        sub: ['Science', 'Popular Science'],
        title: 'The Restless Elements: Stories from the Periodic Table',
        price: 24,
        about: 'Short, lively histories of how each element was found, who found it and how we use it today.',
        tags: ['chemistry', 'popular-science'],
      },
      {
        sub: ['Science', 'Study Guides'],
        title: 'Chemistry Made Visual: A High School Study Guide',
        price: 27,
        about: 'Diagrams and worked examples covering moles, bonding, equilibrium and lab technique, with practice questions and answers.',
        tags: ['chemistry', 'students', 'study'],
      },
      {
        sub: ["Children's Books", 'Picture Books'],
        title: 'The Fox Who Counted Stars',
        price: 16,
        about: 'A gentle bedtime picture book about a small fox who cannot sleep, for ages 2 to 6.',
        tags: ['kids', 'bedtime', 'picture-book'],
      },
      {
        sub: ["Children's Books", 'Board Books'],
        title: 'Pip and the Puddle Parade',
        price: 10,
        about: 'A sturdy board book about a duckling splashing through a rainy day, with lift-the-flap surprises for toddlers.',
        tags: ['kids', 'baby', 'board-book'],
      },
      {
        sub: ["Children's Books", 'Activity Books'],
        title: 'The Big Backyard Bug Hunt Activity Book',
        price: 12,
        about: 'Spotter sheets, drawing pages and simple experiments that get kids outside looking for beetles and snails.',
        tags: ['kids', 'nature', 'activity'],
      },
      {
        sub: ['Home & Garden'],
        title: 'The Small-Space Vegetable Garden',
        price: 23,
        about: 'How to grow tomatoes, salad and herbs in containers and raised beds on a balcony, patio or rooftop.',
        tags: ['gardening', 'guide'],
      },
      {
        sub: ['Home & Garden'],
        title: 'Rooms That Breathe: Decorating with Natural Materials',
        price: 35,
        about: 'A photo-rich book on furnishing with linen, wood, clay and plants for calm, lived-in homes.',
        tags: ['interiors', 'design'],
      },
      {
        sub: ['Fiction'],
        title: 'The Lighthouse Ledger: A Novel, {v}',
        variants: [
          ['Hardcover', 'The first-edition hardcover with deckled edges.', 27],
          ['Paperback', 'The paperback edition with a reading group guide.', 17],
        ],
        price: 22,
        about: "A keeper's logbook found in a storm-damaged lighthouse pulls a young archivist into a century-old family secret.",
        tags: ['fiction', 'novel'],
      },
      {
        sub: ['Fiction'],
        title: 'Salt Roads: Short Stories',
        price: 18,
        about: 'Twelve short stories set in fishing towns along a cold northern coast, about leaving home and coming back.',
        tags: ['fiction', 'short-stories'],
      },
      {
        sub: ['Pets'],
        title: 'Good Habits: Positive Training for Puppies',
        price: 19,
        about: 'Reward-based training for the first six months, from house training and leash walking to staying calm alone.',
        tags: ['dog', 'training', 'guide'],
      },
      {
        sub: ['Technology'],
        title: 'Your Quiet Desk: Ergonomics for Remote Workers',
        price: 21,
        about: 'How to set up a healthy home office, from monitor height and keyboard choice to lighting and taking breaks.',
        tags: ['work', 'ergonomic', 'guide'],
      },
    ],
  },
  {
    name: 'Tools',
    palette: ['#f77f00', '#fcefdc', '#3d405b'],
    brands: ['Forgeline Tools', 'Plumb & Level', 'Steadfast Hardware'],
    tags: ['tools', 'diy'],
    extras: [
      'Covered by a lifetime warranty against defects.',
      'A dependable addition to a first home tool kit.',
      'Trusted by weekend DIYers and working tradespeople.',
    ],
    items: [
      {
        sub: ['Hand Tools', 'Hammers'],
        title: 'Claw Hammer 16 oz, {v}',
        variants: [
          ['Hickory Handle', 'A traditional hickory handle that absorbs shock.'],
          ['Fiberglass Handle', 'A fibreglass handle with a rubber grip that will not loosen.'],
        ],
        price: [19, 24],
        about: 'A forged steel hammer with a curved claw for driving and pulling nails in everyday carpentry.',
        tags: ['hammer', 'hand-tools'],
      },
      {
        sub: ['Hand Tools', 'Screwdrivers'],
        title: 'Precision Screwdriver Set, {v}',
        variants: [
          ['32 Bits with Case', 'Thirty-two bits in a compact case for glasses, toys and remotes.'],
          ['64 Bits with Magnetic Mat', 'Sixty-four bits and a magnetic mat that keeps tiny screws from rolling away.'],
        ],
        price: [19, 34],
        about: 'An aluminium driver with a spinning cap and magnetic bit holder for repairing phones, laptops and game controllers.',
        tags: ['screwdriver', 'electronics', 'repair'],
      },
      {
        sub: ['Hand Tools', 'Screwdrivers'],
        title: 'Ratcheting Screwdriver with 12 Bits',
        price: 22,
        about: 'A ratcheting handle that drives screws without regripping, with bits stored in the handle.',
        tags: ['screwdriver', 'hand-tools'],
      },
      {
        sub: ['Hand Tools', 'Pliers'],
        title: 'Pliers Set of 3: Needle-Nose, Slip-Joint and Diagonal',
        price: 29,
        about: 'Three chrome vanadium pliers with cushioned grips for gripping, bending and cutting wire.',
        tags: ['pliers', 'hand-tools'],
      },
      {
        sub: ['Measuring'],
        title: 'Tape Measure 25 ft with Magnetic Hook',
        price: 16,
        about: 'A wide, stiff blade that stands out over 3 metres, with a magnetic hook that holds on steel studs.',
        tags: ['measuring'],
      },
      {
        sub: ['Measuring'],
        title: 'Magnetic Torpedo Level 9-inch',
        price: 14,
        about: 'A pocket spirit level with level, plumb and 45 degree vials for hanging shelves and pictures straight.',
        tags: ['measuring', 'level'],
      },
      {
        sub: ['Measuring'],
        title: 'Laser Distance Measure 30 m',
        price: 39,
        about: 'Measures rooms to the nearest millimetre and calculates area and volume, handy for flooring and paint estimates.',
        tags: ['measuring', 'laser'],
      },
      {
        sub: ['Power Tools', 'Drills'],
        title: 'Cordless Drill/Driver 20V, {v}',
        variants: [
          ['Tool Only', 'The bare tool, for anyone who already owns our 20V batteries.', 79],
          ['Kit with 2 Batteries', 'A kit with two batteries, a fast charger and a carry bag.', 149],
        ],
        price: 99,
        about: 'A compact brushless drill with a two-speed gearbox and LED work light for drilling and driving screws.',
        tags: ['drill', 'power-tools'],
      },
      {
        sub: ['Power Tools', 'Sanders'],
        title: 'Random Orbital Sander 5-inch',
        price: 64,
        about: 'A corded sander with variable speed and a dust bag that leaves a swirl-free finish on furniture and floors.',
        tags: ['sander', 'power-tools', 'woodworking'],
      },
      {
        sub: ['Storage'],
        title: 'Rolling Tool Box, {v}',
        variants: [
          ['18-inch', 'An 18-inch box for a home tool kit.'],
          ['22-inch with Organizer Lid', 'A 22-inch box with small-parts organisers in the lid.'],
        ],
        price: [44, 69],
        about: 'A tough plastic tool box with metal latches, a removable tray and wheels for moving between jobs.',
        tags: ['storage', 'organisation'],
      },
      {
        sub: ['Workwear'],
        title: 'Canvas Work Apron with Tool Loops, {v}',
        variants: [
          ['Waxed Tan', 'Waxed tan canvas that sheds sawdust and water.'],
          ['Navy', 'Heavy navy cotton canvas.'],
        ],
        price: 39,
        about: 'A cross-back apron with pockets for pencils, a tape measure and a hammer loop, for woodworking and pottery.',
        tags: ['apron', 'woodworking'],
      },
      {
        sub: ['Safety'],
        title: 'Anti-Scratch Safety Glasses, Clear, 3-Pack',
        price: 15,
        about: 'Wraparound safety glasses with side protection for drilling, sanding and mowing the lawn.',
        tags: ['safety', 'eye-protection'],
      },
      {
        sub: ['Safety'],
        title: 'Foldable Ear Defenders, SNR 30 dB',
        price: 21,
        about: 'Padded earmuffs that fold small and cut the noise of power tools, mowers and loud workshops.',
        tags: ['safety', 'hearing-protection'],
      },
      {
        sub: ['Fasteners'],
        title: 'Wood Screw Assortment, 500 Pieces',
        price: 19,
        about: 'Self-countersinking screws in eight common lengths, sorted in a compartment case.',
        tags: ['screws', 'fasteners'],
      },
    ],
  },
  {
    name: 'Travel',
    palette: ['#0081a7', '#e0fbfc', '#f07167'],
    brands: ['Farfield Travel Goods', 'Longhaul & Co', 'Tidewind'],
    tags: ['travel'],
    extras: [
      'Fits the carry-on limits of most airlines.',
      'Made for frequent flyers and weekend road trippers.',
      'Covered by our lifetime luggage warranty.',
      'Packs flat when not in use.',
    ],
    items: [
      {
        sub: ['Luggage', 'Carry-On'],
        title: 'Hardside Carry-On Spinner 21-inch, {v}',
        variants: [
          ['Graphite', 'A graphite shell that hides scuffs.'],
          ['Sage Green', 'A sage green shell that is easy to spot at the gate.'],
          ['Sand', 'A warm sand shell with tan leather handles.'],
        ],
        price: 219,
        about: 'A polycarbonate suitcase with four quiet spinner wheels, a TSA-approved lock and a compression panel inside.',
        tags: ['luggage', 'carry-on'],
      },
      {
        sub: ['Luggage', 'Checked'],
        title: 'Hardside Checked Spinner 27-inch, {v}',
        variants: [
          ['Graphite', 'A graphite shell for long trips.'],
          ['Sand', 'A sand shell with tan leather handles for long trips.'],
        ],
        price: 289,
        about: 'A large polycarbonate case with an expansion zip and a built-in scale on the handle for two-week holidays.',
        tags: ['luggage'],
      },
      {
        sub: ['Bags', 'Travel Backpacks'],
        title: 'Clamshell Travel Backpack 35 L',
        price: 159,
        about: 'A carry-on-sized backpack that opens flat like a suitcase, with a padded laptop sleeve and stowaway hip belt.',
        tags: ['backpack', 'carry-on'],
      },
      {
        sub: ['Bags', 'Duffels'],
        title: 'Waxed Canvas Weekender Duffel, {v}',
        variants: [
          ['Olive', 'Olive waxed canvas with dark brown leather.'],
          ['Tobacco', 'Tobacco brown waxed canvas with cognac leather.'],
        ],
        price: 139,
        about: 'A water-resistant duffel with leather handles and a shoe compartment for a long weekend away.',
        tags: ['bag', 'gift'],
      },
      {
        sub: ['Organizers'],
        title: 'Packing Cubes, {v}',
        variants: [
          ['Set of 4, Mixed Sizes', 'Four cubes in small, medium and large sizes.'],
          ['Set of 6 with Shoe Bag', 'Six cubes, a laundry bag and a shoe bag for a long trip.'],
        ],
        price: [29, 39],
        about: 'Lightweight ripstop cubes with mesh tops that keep clothes sorted and make a suitcase easy to repack.',
        tags: ['organisation', 'packing'],
      },
      {
        sub: ['Organizers'],
        title: 'Hanging Toiletry Bag, {v}',
        variants: [
          ['Charcoal', 'Charcoal nylon with a grey lining.'],
          ['Terracotta', 'Terracotta nylon with a cream lining.'],
        ],
        price: 34,
        about: 'A fold-out wash bag with a hanging hook and leakproof pockets, so small hotel bathrooms stay tidy.',
        tags: ['toiletry', 'organisation'],
      },
      {
        sub: ['Comfort'],
        title: 'Memory Foam Travel Pillow with Snap Clasp',
        price: 32,
        about: 'A neck pillow that supports the chin on overnight flights and clips onto a bag strap.',
        tags: ['pillow', 'flight'],
      },
      {
        sub: ['Comfort'],
        title: 'Compressible Travel Blanket in Pouch',
        price: 36,
        about: 'A soft fleece blanket that packs into its own pouch, for cold planes, trains and stadium seats.',
        tags: ['blanket', 'flight'],
      },
      {
        sub: ['Electronics'],
        title: 'Universal Travel Adapter with 2 USB-C Ports',
        price: 29,
        about: 'One adapter with sliding plugs for more than 150 countries and fast charging for a phone and laptop.',
        tags: ['adapter', 'electronics'],
      },
      {
        sub: ['Electronics'],
        title: 'Power Bank 10,000 mAh, {v}',
        variants: [
          ['USB-C', 'A USB-C model that fast-charges phones and tablets.'],
          ['Magnetic Wireless', 'A magnetic wireless model that snaps to the back of compatible phones.'],
        ],
        price: [29, 44],
        about: 'A slim battery pack that recharges a phone about twice and is allowed in hand luggage.',
        tags: ['power-bank', 'electronics'],
      },
      {
        sub: ['Accessories'],
        title: 'Leather Luggage Tags, Set of 2, {v}',
        variants: [
          ['Cognac', 'Cognac vegetable-tanned leather.'],
          ['Black', 'Black vegetable-tanned leather.'],
        ],
        price: 22,
        about: 'Full-grain leather tags with a privacy flap over your address and brass buckles.',
        tags: ['luggage', 'gift'],
      },
      {
        sub: ['Accessories'],
        title: 'RFID-Blocking Passport Wallet',
        price: 34,
        about: 'A slim wallet for a passport, boarding pass, cards and a pen, lined to block RFID skimming.',
        tags: ['wallet', 'passport'],
      },
    ],
  },
  {
    name: 'Baby',
    palette: ['#a3c4bc', '#fdfcdc', '#5b7f74'],
    brands: ['Hushabye Goods', 'Little Acornery', 'Dewdrop Nursery'],
    tags: ['baby'],
    extras: [
      'A thoughtful baby shower gift.',
      'Made from materials that meet strict safety standards for infants.',
      'Gets softer with every wash, and newborns need plenty of those.',
      'Designed with help from parents in our community.',
    ],
    items: [
      {
        sub: ['Nursery', 'Swaddles'],
        title: 'Muslin Swaddle Blankets, Set of 3, {v}',
        variants: [
          ['Woodland Print', 'Foxes, ferns and owls printed in soft earth tones.'],
          ['Solid Neutrals', 'Plain oat, sage and cream.'],
        ],
        price: 39,
        about: 'Breathable cotton muslin squares for swaddling, stroller shade, burping and tummy time.',
        tags: ['swaddle', 'cotton', 'newborn'],
      },
      {
        sub: ['Nursery', 'Sleep Sacks'],
        title: 'Cotton Sleep Sack, {v}',
        variants: [
          ['0-6 Months, 0.5 TOG', 'A lightweight 0.5 TOG sack for newborns in warm rooms.'],
          ['6-18 Months, 2.5 TOG', 'A padded 2.5 TOG sack for older babies in cooler rooms.'],
        ],
        price: [29, 39],
        about: 'A wearable blanket with a two-way zip for night changes, a safe alternative to loose bedding.',
        tags: ['sleep', 'cotton'],
      },
      {
        sub: ['Nursery', 'Crib Sheets'],
        title: 'Organic Cotton Fitted Crib Sheet, {v}',
        variants: [
          ['White', 'Plain white for a calm nursery.'],
          ['Tiny Stars', 'A small print of grey stars.'],
        ],
        price: 24,
        about: 'A snug fitted sheet with elastic all round, sized for standard crib mattresses.',
        tags: ['sheets', 'organic', 'cotton'],
      },
      {
        sub: ['Feeding', 'Plates & Bowls'],
        title: 'Silicone Suction Plate, {v}',
        variants: [
          ['Sage', 'Sage green.'],
          ['Dusty Pink', 'Dusty pink.'],
        ],
        price: 18,
        about: 'A divided plate that suctions to the high chair tray, so first meals stay on the table.',
        tags: ['feeding', 'silicone'],
      },
      {
        sub: ['Feeding', 'Bottles'],
        title: 'Glass Baby Bottles, 2-Pack, {v}',
        variants: [
          ['4 oz', 'Small 4 oz bottles for newborns.'],
          ['8 oz', 'Larger 8 oz bottles for older babies.'],
        ],
        price: [22, 26],
        about: 'Borosilicate glass bottles with silicone sleeves and slow-flow nipples, with no plastic touching the milk.',
        tags: ['feeding', 'bottle'],
      },
      {
        sub: ['Feeding', 'Utensils'],
        title: 'Soft-Tip Baby Spoons, Set of 4',
        price: 11,
        about: 'Bamboo handles and soft silicone tips that are gentle on gums when starting solids.',
        tags: ['feeding'],
      },
      {
        sub: ['Feeding', 'Bibs'],
        title: 'Waterproof Pocket Bibs, 3-Pack',
        price: 16,
        about: 'Wipe-clean bibs with a deep crumb pocket and an adjustable snap neck.',
        tags: ['feeding', 'bib'],
      },
      {
        sub: ['Toys', 'Teethers'],
        title: 'Natural Rubber Teether, {v}',
        variants: [
          ['Giraffe', 'A giraffe shape with easy-to-grip legs.'],
          ['Ring', 'A textured ring for small hands.'],
        ],
        price: 15,
        about: 'Soft natural rubber that is safe to chew on sore gums, free of BPA, PVC and phthalates.',
        tags: ['teether', 'toy'],
      },
      {
        sub: ['Toys', 'Soft Toys'],
        title: 'Crinkle Soft Book for Babies',
        price: 14,
        about: 'A fabric book with crinkly pages, mirrors and tags, made for little hands and mouths.',
        tags: ['toy', 'sensory'],
      },
      {
        sub: ['Toys', 'Stacking Toys'],
        title: 'Wooden Rainbow Stacker',
        price: 29,
        about: 'Six painted arches that stack, balance and rock, a toy that lasts from baby to preschool.',
        tags: ['toy', 'wooden'],
      },
      {
        sub: ['Bath'],
        title: 'Organic Cotton Hooded Baby Towel, {v}',
        variants: [
          ['Bear Ears', 'A hood with little bear ears.'],
          ['Bunny Ears', 'A hood with floppy bunny ears.'],
        ],
        price: 27,
        about: 'A thick, absorbent hooded towel that keeps a baby warm after the bath.',
        tags: ['bath', 'organic'],
      },
      {
        sub: ['Gear', 'Carriers'],
        title: 'Ergonomic Baby Carrier, {v}',
        variants: [
          ['Charcoal', 'Charcoal cotton with mesh panels.'],
          ['Navy', 'Navy cotton with mesh panels.'],
        ],
        price: 129,
        about: 'A padded carrier with front and back positions for babies from 3.5 to 20 kg that spreads weight across the hips.',
        tags: ['carrier'],
      },
      {
        sub: ['Gear', 'Changing'],
        title: 'Foldable Wipe-Clean Changing Mat',
        price: 24,
        about: 'A padded changing mat that folds into a clutch with pockets for nappies and wipes, for changes on the go.',
        tags: ['changing', 'travel'],
      },
    ],
  },
];

// ---------------------------------------------------------------------------------------
// Building the catalog
// ---------------------------------------------------------------------------------------

type Rng = SeededRandom;

/** FNV-1a, so each image depends only on its own product, not on catalog order. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

// Store-style price endings; a catalog where everything ends in .99 looks machine-made.
const PRICE_ENDINGS = [0.99, 0.99, 0.95, 0.5, 0.0, 0.49] as const;

function listPrice(item: BaseItem, variant: Variant | undefined, index: number, count: number): number {
  if (variant?.[2] !== undefined) return variant[2];
  if (typeof item.price === 'number') return item.price;
  const [low, high] = item.price;
  return count <= 1 ? low : low + ((high - low) * index) / (count - 1);
}

function finalPrice(nominal: number, factor: number, ending: number): number {
  const whole = Math.max(1, Math.floor(nominal * factor));
  return Math.round((whole + ending) * 100) / 100;
}

const TAG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_TAGS = 5;

/** The demo catalog for a seed. Pure: no I/O, no clock, no Math.random. */
export function buildCatalog(seed: number = DEFAULT_SEED): Catalog {
  const rng = mulberry32(seed);
  const products: Product[] = [];
  const seenTitles = new Set<string>();
  const seenDescriptions = new Set<string>();

  for (const cat of CATEGORIES) {
    for (const item of cat.items) {
      const variants: readonly (Variant | undefined)[] = item.variants ?? [undefined];
      if (item.variants !== undefined && !item.title.includes('{v}')) throw new Error(`"${item.title}" has variants but no {v}`);
      if (item.variants === undefined && item.title.includes('{v}')) throw new Error(`"${item.title}" has {v} but no variants`);

      // Drawn once per base item so colour variants of one product share a price and brand.
      const brand = pick(rng, cat.brands);
      const factor = 0.96 + rng() * 0.08;
      const ending = pick(rng, PRICE_ENDINGS);

      variants.forEach((variant, index) => {
        const title = variant === undefined ? item.title : item.title.replace('{v}', variant[0]);
        if (seenTitles.has(title)) throw new Error(`duplicate title "${title}"`);
        seenTitles.add(title);

        const extra = rng() < 0.55 ? pick(rng, cat.extras) : undefined;
        const description = [item.about, variant?.[1], extra].filter((s): s is string => s !== undefined).join(' ');
        if (seenDescriptions.has(description)) throw new Error(`duplicate description for "${title}"`);
        seenDescriptions.add(description);

        const tags = [...new Set([...item.tags, ...cat.tags])].slice(0, MAX_TAGS);
        for (const tag of tags) if (!TAG.test(tag)) throw new Error(`tag "${tag}" on "${title}" is not lowercase-kebab`);

        const id = `p-${String(products.length + 1).padStart(4, '0')}`;
        products.push({
          id,
          title,
          description,
          category: [cat.name, ...item.sub],
          brand,
          price: finalPrice(listPrice(item, variant, index, variants.length), factor, ending),
          in_stock: true,
          image: `catalog/images/${id}.svg`,
          tags,
        });
      });
    }
  }

  // Exactly one product in ten is out of stock, spread across the catalog by a seeded
  // shuffle, so the "hide unavailable items" path always has something to hide.
  const order = products.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  for (const i of order.slice(0, Math.round(products.length / 10))) {
    const product = products[i];
    if (product !== undefined) product.in_stock = false;
  }

  return parseCatalog({
    name: 'privet-demo',
    currency: 'USD',
    licence: 'CC0-1.0, written for the Privet project',
    products,
  });
}

// ---------------------------------------------------------------------------------------
// Placeholder images
// ---------------------------------------------------------------------------------------

const SIZE = 200;
const FALLBACK_PALETTE: readonly [string, string, string] = ['#999999', '#eeeeee', '#444444'];
const PALETTES = new Map(CATEGORIES.map((c) => [c.name, c.palette]));

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The start of the title, up to two short lines, so the card reads "Cast Iron Skillet / 10-inch". */
function captionLines(title: string): string[] {
  const head = title.split(',')[0] ?? title;
  const words = head.split(/\s+/).filter((w) => w !== '');
  const maxChars = 17;
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line === '' ? word : `${line} ${word}`;
    if (next.length <= maxChars || line === '') {
      line = next;
      continue;
    }
    lines.push(line);
    line = word;
    if (lines.length === 2) break;
  }
  if (lines.length < 2 && line !== '') lines.push(line);
  // A single very long word would overflow the card; clip it rather than shrink the font.
  return lines.map((l) => (l.length > maxChars + 3 ? `${l.slice(0, maxChars)}…` : l));
}

type Motif = (r: Rng, a: string, b: string) => string;

const int = (r: Rng, lo: number, hi: number): number => Math.floor(lo + r() * (hi - lo + 1));

// Each motif stays inside the top 140 px; the caption band covers the rest.
const MOTIFS: readonly Motif[] = [
  // overlapping discs
  (r, a, b) =>
    [a, b, a]
      .map((fill, i) => `<circle cx="${int(r, 40, 160)}" cy="${int(r, 35, 110)}" r="${int(r, 18, 44)}" fill="${fill}" fill-opacity="${i === 1 ? 0.8 : 0.55}"/>`)
      .join(''),
  // concentric rings
  (r, a, b) => {
    const cx = int(r, 70, 130);
    const cy = int(r, 55, 90);
    return [52, 36, 20].map((rad, i) => `<circle cx="${cx}" cy="${cy}" r="${rad}" fill="none" stroke="${i % 2 ? b : a}" stroke-width="${int(r, 6, 11)}"/>`).join('');
  },
  // diagonal stripes
  (r, a, b) => {
    const gap = int(r, 26, 38);
    const parts: string[] = [];
    for (let x = -120, i = 0; x < SIZE; x += gap, i++) {
      parts.push(`<path d="M${x} 140L${x + 140} 0" stroke="${i % 2 ? b : a}" stroke-width="${int(r, 7, 13)}"/>`);
    }
    return parts.join('');
  },
  // triangles
  (r, a, b) =>
    [a, b]
      .map((fill) => {
        const x = int(r, 20, 110);
        const w = int(r, 60, 90);
        return `<path d="M${x} ${int(r, 110, 130)}h${w}l${-Math.round(w / 2)} ${-int(r, 70, 100)}z" fill="${fill}" fill-opacity="0.8"/>`;
      })
      .join(''),
  // dot grid
  (r, a, b) => {
    const rad = int(r, 5, 9);
    const parts: string[] = [];
    for (let row = 0; row < 3; row++) {
      for (let col = 0; col < 5; col++) {
        parts.push(`<circle cx="${36 + col * 32}" cy="${32 + row * 34}" r="${rad}" fill="${(row + col) % 2 ? b : a}"/>`);
      }
    }
    return parts.join('');
  },
  // tilted squares
  (r, a, b) =>
    [a, b]
      .map((fill, i) => {
        const s = int(r, 46, 70);
        const x = int(r, 30, 110);
        const y = int(r, 20, 60);
        return `<rect x="${x}" y="${y}" width="${s}" height="${s}" rx="${i * 6}" fill="${fill}" fill-opacity="0.75" transform="rotate(${int(r, -30, 30)} ${x + s / 2} ${y + s / 2})"/>`;
      })
      .join(''),
  // hexagon
  (r, a, b) => {
    const cx = int(r, 75, 125);
    const cy = int(r, 60, 80);
    const rad = int(r, 38, 52);
    const points = Array.from({ length: 6 }, (_, k) => {
      const angle = (Math.PI / 3) * k + Math.PI / 6;
      return `${Math.round(cx + rad * Math.cos(angle))},${Math.round(cy + rad * Math.sin(angle))}`;
    }).join(' ');
    return `<polygon points="${points}" fill="${a}"/><circle cx="${cx}" cy="${cy}" r="${Math.round(rad / 2.4)}" fill="${b}"/>`;
  },
  // waves
  (r, a, b) =>
    [0, 1, 2]
      .map((i) => {
        const y = 40 + i * 32 + int(r, -6, 6);
        const amp = int(r, 10, 20);
        return `<path d="M0 ${y}q25 ${-amp} 50 0t50 0t50 0t50 0" fill="none" stroke="${i % 2 ? b : a}" stroke-width="9"/>`;
      })
      .join(''),
];

/** A small SVG placeholder for a product. Pure: same product, same bytes. */
export function renderProductSvg(product: Product): string {
  const [bg, a, b] = PALETTES.get(product.category[0] ?? '') ?? FALLBACK_PALETTE;
  const r = mulberry32(hashString(`${product.id}|${product.title}`));
  const motif = pick(r, MOTIFS);
  // Swapping accents doubles the visual variety within a category at no cost.
  const [first, second] = r() < 0.5 ? [a, b] : [b, a];
  const lines = captionLines(product.title);
  const caption = lines
    .map((line, i) => `<text x="100" y="${lines.length === 1 ? 177 : 166 + i * 21}">${escapeXml(line)}</text>`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}" role="img">` +
    `<title>${escapeXml(product.title)}</title>` +
    `<rect width="${SIZE}" height="${SIZE}" fill="${bg}"/>` +
    motif(r, first, second) +
    `<rect y="140" width="${SIZE}" height="60" fill="#fff" fill-opacity="0.9"/>` +
    `<g font-family="sans-serif" font-size="16" font-weight="600" fill="#222" text-anchor="middle">${caption}</g>` +
    `</svg>\n`
  );
}

// ---------------------------------------------------------------------------------------
// Script entry point
// ---------------------------------------------------------------------------------------

export const CATALOG_DIR = fileURLToPath(new URL('../public/catalog/', import.meta.url));
export const CATALOG_FILE = join(CATALOG_DIR, 'demo-catalog.json');
export const IMAGES_DIR = join(CATALOG_DIR, 'images');

export function catalogJson(catalog: Catalog): string {
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

function writeCatalog(seed: number): void {
  const catalog = buildCatalog(seed);
  mkdirSync(IMAGES_DIR, { recursive: true });
  // Remove images of products that no longer exist so the folder mirrors the catalog.
  const wanted = new Set(catalog.products.map((p) => `${p.id}.svg`));
  for (const name of readdirSync(IMAGES_DIR)) {
    if (name.endsWith('.svg') && !wanted.has(name)) rmSync(join(IMAGES_DIR, name));
  }
  let bytes = 0;
  for (const product of catalog.products) {
    const svg = renderProductSvg(product);
    bytes += Buffer.byteLength(svg);
    writeFileSync(join(IMAGES_DIR, `${product.id}.svg`), svg);
  }
  writeFileSync(CATALOG_FILE, catalogJson(catalog));
  const categories = new Set(catalog.products.map((p) => p.category[0])).size;
  console.log(`wrote ${catalog.products.length} products in ${categories} categories to ${CATALOG_FILE}`);
  console.log(`wrote ${catalog.products.length} images (${(bytes / 1024).toFixed(1)} KiB) to ${IMAGES_DIR}`);
}

const invokedPath = process.argv[1];
if (invokedPath !== undefined && import.meta.url === pathToFileURL(invokedPath).href) {
  // Always DEFAULT_SEED: the tests check the shipped files against buildCatalog(DEFAULT_SEED).
  writeCatalog(DEFAULT_SEED);
}
