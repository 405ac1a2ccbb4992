"""The strings every runtime must embed identically (tests/golden/encoder.json).

Chosen to stress what differs between tokenizer and runtime implementations: casing,
accents, CJK, emoji, punctuation and numbers, whitespace, the empty string and input far
past the token budget.
"""

from __future__ import annotations

PRODUCT_TITLES = [
    "Stainless Steel Insulated Water Bottle, 750 ml",
    "Organic Cotton Crew-Neck T-Shirt (Men's, Navy)",
    "Wireless Noise-Cancelling Over-Ear Headphones",
    "Cast Iron Skillet 10\" Pre-Seasoned",
    "Kids' Waterproof Rain Jacket with Hood",
    "Bamboo Cutting Board Set of 3",
    "LED Desk Lamp with USB-C Charging Port",
    "Ceramic Pour-Over Coffee Dripper",
    "Yoga Mat 6mm Non-Slip, Lavender",
    "Hardcover Notebook A5 Dotted 160 pages",
    "Periodic Table Coffee Mug 11oz",
    "Digital Kitchen Scale 0.1 g Precision",
    "Trail Running Shoes Women's Size 8",
    "Mechanical Keyboard, Brown Switches, 75% Layout",
    "Scented Soy Candle — Cedar & Sage",
    "Microscope Slide Kit for Students (50 prepared slides)",
    "Wooden Train Set, 80 Pieces",
    "Merino Wool Hiking Socks 3-Pack",
    "Cordless Drill Driver 18V with 2 Batteries",
    "Reusable Silicone Food Storage Bags",
    "Glass Beaker Set 50/100/250/500 ml",
    "Electric Kettle 1.7L Temperature Control",
    "Leather Bifold Wallet RFID Blocking",
    "Watercolor Paint Set, 24 Colours",
    "Smart Plug Wi-Fi, Works with Voice Assistants",
    "Dog Harness No-Pull, Medium",
    "Insulated Lunch Box for Adults",
    "Chemistry Set for Kids 8+",
    "Bluetooth Speaker IPX7 Waterproof",
    "Linen Duvet Cover Queen, Oat",
    "Stainless Steel Measuring Spoons",
    "Board Game: Strategy for 2–4 Players",
    "Sunscreen SPF 50 Mineral, Reef-Safe, 100 ml",
    "Portable Phone Charger 20000mAh",
    "Graphing Calculator with Color Display",
    "Climbing Chalk Bag with Belt",
    "Air Fryer 5.5 qt Digital",
    "Hand-Thrown Stoneware Bowl",
    "Safety Goggles Anti-Fog ANSI Z87.1",
    "Set of 12 Colored Pencils in Tin",
]

SHOPPING_QUERIES = [
    "gift for a chemistry teacher under $30",
    "waterproof jacket for kids",
    "cheap wireless earbuds",
    "best coffee grinder for espresso",
    "birthday present for dad who likes fishing",
    "running shoes wide feet",
    "something cozy for winter",
    "desk lamp",
    "lab goggles",
    "vegan leather handbag black",
    "toys for 3 year old girl",
    "ergonomic office chair lumbar support",
    "compare noise cancelling headphones",
    "deal on air fryer",
    "housewarming gift ideas",
    "usb c cable 2m",
    "red dress size m",
    "non stick pan induction",
    "science kit ages 10-12",
    "quiet mechanical keyboard",
    "eco friendly water bottle",
    "anniversary gift for wife under 100",
    "camping stove lightweight",
    "replacement filter for water pitcher",
    "what to buy a new grad",
    "books about astronomy for beginners",
    "baby monitor with camera",
    "gluten free snacks",
    "hiking socks",
    "a gift for someone who has everything",
]

ACCENTED = [
    "Crème brûlée torch",
    "Café au lait bowl, porcelaine française",
    "Jalapeño hot sauce",
    "Müsli mit Früchten",
    "Smörgåsbord serving tray",
    "Piñata for birthday party",
    "Über-soft façade cushion",
    "São Paulo coffee beans",
    "Ångström-scale ruler (novelty)",
    "Ça coûte combien ?",
    "naïve résumé template",
    "Łódź ceramika — kubek",
    "Ελληνικό ελαιόλαδο",
    "Русский чай в пакетиках",
    "Türk kahvesi fincanı",
]

CHINESE = [
    "无线蓝牙耳机",
    "保温杯 500毫升 不锈钢",
    "送给化学老师的礼物",
    "儿童防水雨衣",
    "咖啡机 家用 全自动",
    "机械键盘 茶轴",
    "有机棉T恤 男款",
    "显微镜 学生 套装",
    "母亲节礼物 100元以内",
    "手工陶瓷碗",
    "日本の緑茶ティーバッグ",
    "한국 전통 찻잔 세트",
]

EMOJI = [
    "🎁 gift ideas",
    "☕️ coffee lovers",
    "🔬🧪 science kit",
    "best 🎧 under $50",
    "👶 baby shower",
    "🏃‍♀️ running gear",
    "❤️❤️❤️",
    "🐶 dog toys that squeak",
    "🌱 plant pots",
    "🎄 christmas decorations 🎅",
]

EDGE_CASES = [
    "",
    " ",
    "   \t\n  ",
    "a",
    "I",
    "?",
    "$",
    "$$$",
    "123",
    "0.1 g",
    "3/4\" NPT",
    "50% off!!!",
    "ALL CAPS SHOUTING QUERY",
    "MiXeD CaSe QuErY",
    "e-mail: shop@example.com",
    "https://example.com/product/42",
    "#hashtag @mention",
    "C++ programming book",
    "100% cotton, 200 thread-count",
    "size: XL / colour: teal",
    "tab\tseparated\twords",
    "line\nbreaks\nin\nquery",
    "multiple     spaces    between",
    "trailing punctuation...",
    "(parenthesised) [bracketed] {braced}",
    "unbelievablyextraordinarilylongcompoundwordwithoutanyspacesatallwhatsoever",
    "x" * 120,
    "antidisestablishmentarianism",
    "\u200bzero width space",
    "non\u00a0breaking space",
    "ﬁ ligature ﬂ",
    "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ",
    "café CAFÉ cafe\u0301",
    "<script>alert(1)</script>",
    "'; DROP TABLE products; --",
    "\\backslash\\path",
    "emoji in the m🙂ddle of a word",
    "½ price ¾ done ⅓",
    "™ ® © symbols",
    "°C and °F thermometer",
]


def _long_text() -> str:
    sentence = (
        "This handcrafted stoneware mug holds twelve ounces, keeps tea warm for longer, "
        "survives the dishwasher and microwave, and arrives gift-boxed with a care card. "
    )
    text = (sentence * 20)[:2000]
    assert len(text) == 2000
    return text


def _combinations() -> list[str]:
    """Query templates filled with products: realistic and numerous."""
    templates = ["{} for a friend", "cheap {}", "{} under $25", "best {} 2026", "{} gift set"]
    nouns = ["water bottle", "yoga mat", "coffee mug", "headphones", "notebook",
             "backpack", "candle", "puzzle", "skillet", "telescope", "tea kettle", "scarf"]
    return [template.format(noun) for noun in nouns for template in templates]


def golden_strings() -> list[str]:
    strings = (
        PRODUCT_TITLES + SHOPPING_QUERIES + ACCENTED + CHINESE + EMOJI + EDGE_CASES
        + _combinations() + [_long_text(), "gift " * 400]
    )
    if len(set(strings)) != len(strings):
        raise ValueError("golden strings must be unique")
    return strings
