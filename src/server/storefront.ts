/**
 * The demo storefront, rendered by the Node server the way any merchant's shop would be:
 * plain HTML pages, a cart the merchant keeps (one cookie), and the Privet widget embedded
 * with nothing but its script tag and custom elements. Nothing here knows how the widget
 * works; if the storefront needed a widget internal to function, a real merchant would too.
 *
 * Every page is built with the `html` tagged template below, which escapes every
 * interpolated value, so catalogue text (written by the merchant, or by whoever fed the
 * merchant's feed) can never become markup. There is no inline script and no inline event
 * handler, so the pages work under a strict Content-Security-Policy.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Catalog, Product } from '../core/catalog.ts';

export interface StorefrontOptions {
  /** Parsed with parseCatalog from src/core/catalog.ts (public/catalog/demo-catalog.json in production). */
  catalog: Catalog;
  /** Written into the script tag's data-merchant (the demo uses "demo"). */
  merchant: string;
  /** Extra data-* attributes for the widget's script tag, e.g. { backend: 'webgpu', 'default-mode': 'local' } → data-backend="webgpu" data-default-mode="local" */
  widgetAttributes?: Record<string, string>;
  /** A local research catalogue for the developer page at /developer; without it that page says how to enable it. */
  developer?: DeveloperCatalog;
}

/**
 * The catalogue behind /developer (src/server/main.ts passes the Amazon Scientific one when
 * `npm run setup` has built and published it). Research data: local only, never shipped.
 */
export interface DeveloperCatalog {
  /** Its name in the manifest, and the page's data-merchant (e.g. "scientific"). */
  merchant: string;
  /** The feed file, served at /v1/catalog/<merchant> (buildApp adds it to the feeds). */
  feedPath: string;
  /** The same feed, parsed with parseCatalog. */
  catalog: Catalog;
}

// ---------------------------------------------------------------------------------------
// Escaping templates

/** Markup that is already safe: the only thing `html` inserts without escaping. */
class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolation = Html | string | number | false | null | undefined | readonly Interpolation[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for use in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: Interpolation): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  // `false` lets a template write `${condition && html`…`}`.
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** A template whose interpolations are escaped unless they are Html (nested `html` results). */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

// ---------------------------------------------------------------------------------------
// The store's shape

interface Department {
  name: string;
  slug: string;
  products: Product[];
}

/** Lower-case, runs of anything but a-z0-9 become '-', no leading or trailing '-'. */
export function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Departments (top-level categories) in catalogue order, each with a unique slug. */
function departmentsOf(catalog: Catalog): Department[] {
  const byName = new Map<string, Department>();
  const taken = new Set<string>();
  for (const product of catalog.products) {
    const name = product.category[0]!;
    let department = byName.get(name);
    if (!department) {
      // "Kids' Toys" and "Kids Toys" would both be "kids-toys": number the later one so
      // every slug still names exactly one department.
      const base = slugify(name) || 'department';
      let slug = base;
      for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
      taken.add(slug);
      department = { name, slug, products: [] };
      byName.set(name, department);
    }
    department.products.push(product);
  }
  return [...byName.values()];
}

/** "privet-demo" → "Privet Demo": the catalogue's name is an identifier, the header wants words. */
function displayName(catalogName: string): string {
  return catalogName
    .split(/[-_\s]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

const TAGLINE = 'Everyday goods, recommended on your own device';
/** Products listed on the developer page (spread evenly over the catalogue). */
const DEVELOPER_LIST = 24;

// Attribute names cannot be escaped, only checked: the widget's options are lower-case words.
const ATTRIBUTE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
// The tag writes these itself; a second copy would be ambiguous (browsers keep the first).
const RESERVED_ATTRIBUTES = new Set(['endpoint', 'merchant']);

function widgetScriptTag(merchant: string, attributes: Record<string, string>): Html {
  const extra = Object.entries(attributes).map(([name, value]) => {
    if (!ATTRIBUTE_NAME.test(name)) throw new Error(`storefront: widget attribute name ${JSON.stringify(name)} must be lower-case words joined by '-'`);
    if (RESERVED_ATTRIBUTES.has(name)) throw new Error(`storefront: widget attribute "${name}" is set by the storefront itself`);
    return html` data-${name}="${value}"`;
  });
  return html`<script type="module" src="/privet.js" data-endpoint="/" data-merchant="${merchant}"${extra}></script>`;
}

// ---------------------------------------------------------------------------------------
// The developer page's catalogue

interface DeveloperPage {
  name: string;
  size: number;
  licence: string;
  productsById: Map<string, Product>;
  /** The widget's tag for this catalogue: its merchant, and cards that link back to /developer. */
  scriptTag: Html;
  search: string;
  listed: Product[];
  money: Intl.NumberFormat;
}

function developerPage(dev: DeveloperCatalog, options: StorefrontOptions): DeveloperPage {
  if (dev.merchant === options.merchant) throw new Error(`storefront: the developer catalogue needs a merchant name of its own, not "${dev.merchant}"`);
  const products = dev.catalog.products;
  const shown = Math.min(DEVELOPER_LIST, products.length);
  return {
    name: displayName(dev.catalog.name) || dev.catalog.name,
    size: products.length,
    licence: dev.catalog.licence,
    productsById: new Map(products.map((p) => [p.id, p])),
    scriptTag: widgetScriptTag(dev.merchant, { ...options.widgetAttributes, 'product-url': '/developer?item={id}' }),
    search: `Search ${products.length.toLocaleString('en')} ${displayName(dev.catalog.name) || dev.catalog.name} products`,
    // Evenly spaced rather than the first few: the feed is in dataset order, which clusters.
    listed: Array.from({ length: shown }, (_, i) => products[Math.floor((i * products.length) / shown)]!),
    money: new Intl.NumberFormat('en', { style: 'currency', currency: dev.catalog.currency }),
  };
}

/** What /developer says on a server started without a developer catalogue. */
const DEVELOPER_OFF = html`<h1>The developer page is off</h1>
<p>It shows the widget over the Amazon Scientific catalogue (4,385 products of research data, kept on this machine only), and this server was started without it.</p>
<p>To turn it on:</p>
<ol>
<li>Put the dataset at <code>../shared/datasets/amazon_scientific_unisrec/</code> (or set <code>PRIVET_DATASETS</code> to the folder that holds <code>amazon_scientific_unisrec/</code>).</li>
<li>Run <code>npm run setup</code>: it converts <code>Scientific.text</code> to <code>.cache/dev-catalogs/scientific.json</code> and publishes it with the current model as the catalogue <code>scientific</code>.</li>
<li>Restart the server.</li>
</ol>
<p><a href="/">Back to the store</a></p>`;

// ---------------------------------------------------------------------------------------
// The cart: the merchant's state, in one cookie the widget never sees (HttpOnly)

const CART_COOKIE = 'demo_cart';
const MAX_CART_LINES = 50;
const CART_MAX_AGE_S = 30 * 24 * 60 * 60;
// A form post carries one product id; anything bigger is not our form.
const FORM_BODY_LIMIT = 1024;

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const raw = pair.slice(eq + 1).trim();
    return raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
  }
  return undefined;
}

/**
 * The cart's product ids, in the order they were added. The cookie is shopper-controlled:
 * ids the catalogue does not have, repeats and lines past the limit are dropped.
 */
function readCart(request: FastifyRequest, productsById: Map<string, Product>): string[] {
  const raw = cookieValue(request.headers.cookie, CART_COOKIE);
  if (!raw) return [];
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return []; // malformed %-escape: treat as no cart rather than a 500
  }
  const ids: string[] = [];
  for (const id of decoded.split(/[\s,]+/)) {
    if (productsById.has(id) && !ids.includes(id) && ids.length < MAX_CART_LINES) ids.push(id);
  }
  return ids;
}

function writeCart(request: FastifyRequest, reply: FastifyReply, ids: string[]): void {
  // A cookie value may not hold a raw space (RFC 6265 cookie-octet): %20 it.
  const value = encodeURIComponent(ids.join(' '));
  const lifetime = ids.length === 0 ? 'Max-Age=0' : `Max-Age=${CART_MAX_AGE_S}`;
  const secure = request.protocol === 'https' ? '; Secure' : '';
  reply.header('Set-Cookie', `${CART_COOKIE}=${value}; Path=/; ${lifetime}; SameSite=Lax; HttpOnly${secure}`);
}

function formId(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const id = (body as Record<string, unknown>).id;
  return typeof id === 'string' ? id.trim() : '';
}

// ---------------------------------------------------------------------------------------
// Pages

export async function registerStorefront(app: FastifyInstance, options: StorefrontOptions): Promise<void> {
  const { catalog } = options;
  const storeName = displayName(catalog.name) || catalog.name;
  const departments = departmentsOf(catalog);
  const departmentBySlug = new Map(departments.map((d) => [d.slug, d]));
  const departmentByName = new Map(departments.map((d) => [d.name, d]));
  const productsById = new Map(catalog.products.map((p) => [p.id, p]));
  // Built once and checked now: a bad attribute name stops the server, not the first page.
  const scriptTag = widgetScriptTag(options.merchant, options.widgetAttributes ?? {});
  const money = new Intl.NumberFormat('en', { style: 'currency', currency: catalog.currency });
  const developer = options.developer && developerPage(options.developer, options);

  const productUrl = (p: Product): string => `/product/${encodeURIComponent(p.id)}`;
  const departmentUrl = (d: Department): string => `/category/${d.slug}`;
  // Catalogue images are relative to the storefront root unless the feed gave a full URL.
  const imageUrl = (p: Product): string => (/^(https?:)?\/\//.test(p.image) || p.image.startsWith('/') ? p.image : `/${p.image}`);
  const countLabel = (n: number): string => `${n} ${n === 1 ? 'product' : 'products'}`;

  /** `script` and `search` replace the store's widget tag and search box (the developer page's merchant is another catalogue). */
  function layout(page: { title: string; cart: string[]; current?: Department; body: Html; bodyAttributes?: Html; script?: Html; search?: string }): Html {
    const nav = departments.map(
      (d) => html`<li><a href="${departmentUrl(d)}"${d === page.current ? html` aria-current="page"` : ''}>${d.name}</a></li>`,
    );
    return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title === storeName ? storeName : `${page.title} · ${storeName}`}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/store/store.css">
${page.script ?? scriptTag}
</head>
<body${page.bodyAttributes}>
<a class="skip-link" href="#content">Skip to content</a>
<header class="site-header">
<div class="bar">
<a class="store-name" href="/">${storeName}</a>
<privet-search placeholder="${page.search ?? 'Search the store'}"></privet-search>
<a class="cart-link" id="cart-link" href="/cart">Cart (${page.cart.length})</a>
</div>
<nav aria-label="Departments"><ul class="departments">${nav}</ul></nav>
</header>
<main id="content">
${page.body}
</main>
<footer class="site-footer">
<button type="button" data-privet-open-privacy>Privacy choices</button>
<p>Recommendations on this store are computed in your browser, on your device. What you browse is not sent to us or to anyone else.</p>
${developer && html`<a href="/developer">Developer page</a>`}
</footer>
</body>
</html>
`;
  }

  function send(reply: FastifyReply, status: number, page: Html): FastifyReply {
    return reply
      .code(status)
      .header('Content-Type', 'text/html; charset=utf-8')
      // The header shows the cart, so no page may be reused without asking.
      .header('Cache-Control', 'no-cache')
      .send(page.value);
  }

  function message(reply: FastifyReply, status: number, cart: string[], heading: string, text: string): FastifyReply {
    const body = html`<h1>${heading}</h1>
<p>${text}</p>
<p><a href="/">Back to the store</a></p>`;
    return send(reply, status, layout({ title: heading, cart, body }));
  }

  const notFound = (reply: FastifyReply, cart: string[], text: string): FastifyReply => message(reply, 404, cart, 'Not found', text);

  function price(p: Product): Html {
    return html`<p class="price">${money.format(p.price)}</p>`;
  }

  function stock(p: Product): Html | false {
    return !p.in_stock && html`<p class="stock-out">Out of stock</p>`;
  }

  function productCard(p: Product): Html {
    return html`<li class="card">
<img src="${imageUrl(p)}" alt="${p.title}" width="200" height="200" loading="lazy">
<h2 class="card-title"><a href="${productUrl(p)}">${p.title}</a></h2>
${price(p)}${stock(p)}
</li>`;
  }

  function recs(placement: string, heading: string, itemIds?: string[]): Html {
    const item = itemIds ? html` item-id="${itemIds.join(' ')}"` : '';
    return html`<privet-recs placement="${placement}"${item} limit="8" heading="${heading}"></privet-recs>`;
  }

  const developerUrl = (p: Product): string => `/developer?item=${encodeURIComponent(p.id)}`;
  // The research catalogue has no prices: its feed says 0, which here means unknown, not free.
  const developerPrice = (d: DeveloperPage, p: Product): Html =>
    p.price > 0 ? html`<p class="price">${d.money.format(p.price)}</p>` : html`<p class="price">Price unknown</p>`;

  function developerNote(d: DeveloperPage): Html {
    return html`<p>The widget on this page runs over ${d.size.toLocaleString('en')} products from a research dataset read on this machine, instead of the demo store's catalogue. It is research data for local evaluation only: it is not part of the demo, is never committed or shipped, and must not be redistributed. The data has no prices or pictures, so prices are unknown (the feed says 0, which the widget's cards show as ${d.money.format(0)}) and every image is a placeholder.</p>
<p class="fine-print">Licence: ${d.licence}</p>`;
  }

  function developerList(d: DeveloperPage): Html {
    const cards = d.listed.map(
      (p) => html`<li class="card">
<img src="${imageUrl(p)}" alt="" width="200" height="200" loading="lazy">
<h3 class="card-title"><a href="${developerUrl(p)}">${p.title}</a></h3>
${p.brand.trim() !== '' && html`<p class="card-brand">${p.brand}</p>`}
${developerPrice(d, p)}
</li>`,
    );
    return html`<h1>${d.name} catalogue <span class="tagline">Developer page</span></h1>
${developerNote(d)}
${recs('for-you', 'Recommended for you')}
${recs('trending', 'Popular in the catalogue')}
<section aria-labelledby="developer-products">
<h2 id="developer-products">${d.listed.length} of ${d.size.toLocaleString('en')} products</h2>
<ul class="products">${cards}</ul>
</section>`;
  }

  function developerItem(d: DeveloperPage, product: Product): Html {
    const crumbs = product.category.map((name) => html`<li>${name}</li>`);
    return html`<article class="product" data-privet-view="${product.id}">
<img class="product-image" src="${imageUrl(product)}" alt="" width="200" height="200">
<div class="product-info">
<nav aria-label="Breadcrumb"><ol class="breadcrumb">${crumbs}</ol></nav>
<h1>${product.title}</h1>
${product.brand.trim() !== '' && html`<p class="brand">${product.brand}</p>`}
${developerPrice(d, product)}
${product.description.trim() !== '' && html`<p class="description">${product.description}</p>`}
<p class="fine-print">Item ${product.id} of the ${d.name} research catalogue. <a href="/developer">All products</a></p>
</div>
</article>
${recs('similar', 'Similar items', [product.id])}
${recs('recently-viewed', 'Recently viewed')}`;
  }

  // Form posts are parsed here, only for the storefront's routes (the plugin scope keeps
  // the parser away from the API), with URLSearchParams: no dependency for one field.
  await app.register(async (store) => {
    store.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    store.get('/', async (request, reply) => {
      const cart = readCart(request, productsById);
      const tiles = departments.map((d) => {
        const first = d.products[0]!;
        // The image is decoration here: the link's text already names the department.
        return html`<li><a class="tile" href="${departmentUrl(d)}">
<img src="${imageUrl(first)}" alt="" width="200" height="200" loading="lazy">
<span class="tile-name">${d.name}</span>
<span class="tile-count">${countLabel(d.products.length)}</span>
</a></li>`;
      });
      const body = html`<h1><span class="store-title">${storeName}</span> <span class="tagline">${TAGLINE}</span></h1>
<section aria-labelledby="departments-heading">
<h2 id="departments-heading">Departments</h2>
<ul class="tiles">${tiles}</ul>
</section>
${recs('for-you', 'Recommended for you')}
${recs('trending', 'Popular in the store')}`;
      return send(reply, 200, layout({ title: storeName, cart, body }));
    });

    store.get<{ Params: { slug: string } }>('/category/:slug', async (request, reply) => {
      const cart = readCart(request, productsById);
      const department = departmentBySlug.get(request.params.slug);
      if (!department) return notFound(reply, cart, 'There is no such department in this store.');
      const body = html`<h1>${department.name}</h1>
<p class="count">${countLabel(department.products.length)}</p>
<ul class="products">${department.products.map(productCard)}</ul>
${recs('for-you', 'Picked for you')}`;
      return send(reply, 200, layout({ title: department.name, cart, current: department, body }));
    });

    store.get<{ Params: { id: string } }>('/product/:id', async (request, reply) => {
      const cart = readCart(request, productsById);
      const product = productsById.get(request.params.id);
      if (!product) return notFound(reply, cart, 'There is no such product in this store.');
      const department = departmentByName.get(product.category[0]!)!;
      const [, ...rest] = product.category;
      const crumbs = [html`<li><a href="${departmentUrl(department)}">${department.name}</a></li>`, ...rest.map((name) => html`<li>${name}</li>`)];
      const button = product.in_stock
        ? html`<button type="submit" data-privet-add-to-cart="${product.id}">Add to cart</button>`
        : html`<button type="submit" data-privet-add-to-cart="${product.id}" disabled>Out of stock</button>`;
      const body = html`<article class="product" data-privet-view="${product.id}">
<img class="product-image" src="${imageUrl(product)}" alt="${product.title}" width="200" height="200">
<div class="product-info">
<nav aria-label="Breadcrumb"><ol class="breadcrumb">${crumbs}</ol></nav>
<h1>${product.title}</h1>
${product.brand.trim() !== '' && html`<p class="brand">${product.brand}</p>`}
${price(product)}
<p class="${product.in_stock ? 'stock-in' : 'stock-out'}">${product.in_stock ? 'In stock' : 'Out of stock'}</p>
<form method="post" action="/cart"><input type="hidden" name="id" value="${product.id}">${button}</form>
${product.description.trim() !== '' && html`<p class="description">${product.description}</p>`}
</div>
</article>
${recs('similar', 'Similar items', [product.id])}
${recs('recently-viewed', 'Recently viewed')}`;
      return send(reply, 200, layout({ title: product.title, cart, current: department, body }));
    });

    store.get('/cart', async (request, reply) => {
      const cart = readCart(request, productsById);
      const products = cart.map((id) => productsById.get(id)!);
      let body: Html;
      if (products.length === 0) {
        body = html`<h1>Your cart</h1>
<p>Your cart is empty.</p>
${recs('for-you', 'Recommended for you')}`;
      } else {
        // Sum in cents: 0.1 + 0.2 style drift must not reach the total.
        const total = products.reduce((sum, p) => sum + Math.round(p.price * 100), 0) / 100;
        const lines = products.map(
          (p) => html`<li class="cart-line">
<img src="${imageUrl(p)}" alt="" width="64" height="64">
<a href="${productUrl(p)}">${p.title}</a>
${price(p)}${stock(p)}
<form method="post" action="/cart/remove"><input type="hidden" name="id" value="${p.id}"><button type="submit">Remove<span class="visually-hidden"> ${p.title}</span></button></form>
</li>`,
        );
        body = html`<h1>Your cart</h1>
<ul class="cart-lines">${lines}</ul>
<p class="cart-total">Total: <strong>${money.format(total)}</strong></p>
${recs('goes-well-with', 'Goes well with your cart', cart)}`;
      }
      // The widget reads the cart from the page, never from the cookie (which it cannot see).
      return send(reply, 200, layout({ title: 'Your cart', cart, body, bodyAttributes: html` data-privet-cart="${cart.join(' ')}"` }));
    });

    store.get<{ Querystring: { item?: string | string[] } }>('/developer', async (request, reply) => {
      const cart = readCart(request, productsById);
      if (!developer) return send(reply, 404, layout({ title: 'Developer page', cart, body: DEVELOPER_OFF }));
      const page = (status: number, title: string, body: Html): FastifyReply =>
        send(reply, status, layout({ title, cart, body, script: developer.scriptTag, search: developer.search }));
      const { item } = request.query;
      if (item === undefined) return page(200, `${developer.name} catalogue (developer)`, developerList(developer));
      const product = typeof item === 'string' ? developer.productsById.get(item) : undefined;
      if (!product) {
        return page(404, 'Not found', html`<h1>Not found</h1>
<p>There is no such product in the ${developer.name} catalogue.</p>
<p><a href="/developer">All ${developer.name} products</a></p>`);
      }
      return page(200, product.title, developerItem(developer, product));
    });

    store.post('/cart', { bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const cart = readCart(request, productsById);
      const id = formId(request.body);
      if (!productsById.has(id)) {
        const text = id === '' ? 'The form did not say which product to add.' : `There is no product with id "${id}" in this store.`;
        return message(reply, 400, cart, 'Could not add to cart', text);
      }
      if (!cart.includes(id)) {
        if (cart.length >= MAX_CART_LINES) return message(reply, 400, cart, 'Could not add to cart', `Your cart already holds ${MAX_CART_LINES} products, the most it can.`);
        cart.push(id);
      }
      writeCart(request, reply, cart);
      // 303: the browser follows with a GET, so reloading the cart page does not re-post.
      return reply.header('Cache-Control', 'no-cache').redirect('/cart', 303);
    });

    store.post('/cart/remove', { bodyLimit: FORM_BODY_LIMIT }, async (request, reply) => {
      const cart = readCart(request, productsById);
      const id = formId(request.body);
      if (id === '') return message(reply, 400, cart, 'Could not remove from cart', 'The form did not say which product to remove.');
      // Removing what is not there is already done: no error for a double submit.
      writeCart(request, reply, cart.filter((line) => line !== id));
      return reply.header('Cache-Control', 'no-cache').redirect('/cart', 303);
    });
  });
}
