/**
 * Placeholder storefront: one product of the demo catalog, its "similar items", a search
 * box and "recommended for you". The inference worker embeds the product's text (or the
 * query) in this browser with the real model and ranks the whole catalogue's item matrix
 * exactly; for-you runs the catalogue's ranker over the products viewed in this visit
 * (held in memory only, until the IndexedDB store exists).
 */
import { parseCatalog, productText, type Product } from '../../core/catalog.ts';
import type { IntentPrediction } from '../../core/intent-head.ts';
import { startInferenceWorker } from '../inference-client.ts';

const SIMILAR_COUNT = 8;
const SEARCH_DEBOUNCE_MS = 150;

const productSection = document.querySelector<HTMLElement>('#product')!;
const statusLine = document.querySelector<HTMLElement>('#similar-status')!;
const similarList = document.querySelector<HTMLOListElement>('#similar-list')!;
const searchInput = document.querySelector<HTMLInputElement>('#search-input')!;
const searchSection = document.querySelector<HTMLElement>('#search-results')!;
const searchList = document.querySelector<HTMLOListElement>('#search-list')!;
const intentChips = document.querySelector<HTMLUListElement>('#intent-chips')!;
const forYouList = document.querySelector<HTMLOListElement>('#for-you-list')!;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

function renderProduct(product: Product): void {
  productSection.replaceChildren(
    element('img', { src: `/${product.image}`, alt: '' }),
    element(
      'div',
      {},
      element('p', { className: 'path' }, product.category.join(' › ')),
      element('h1', {}, product.title),
      element('p', {}, product.description),
      element('p', { className: 'price' }, money.format(product.price)),
      element('p', { className: product.in_stock ? '' : 'stock-out' }, product.in_stock ? `In stock · ${product.brand}` : `Out of stock · ${product.brand}`),
    ),
  );
  document.title = `${product.title} · Privet demo store`;
}

function renderCards(list: HTMLOListElement, items: { product: Product; score: number; reason?: string }[]): void {
  list.replaceChildren(
    ...items.map(({ product, score, reason }) => {
      const item = element(
        'li',
        {},
        element(
          'a',
          { href: `?product=${encodeURIComponent(product.id)}` },
          element('img', { src: `/${product.image}`, alt: '', loading: 'lazy' }),
          element('p', { className: 'title' }, product.title),
          element('p', { className: 'price' }, money.format(product.price)),
          element('p', { className: 'score' }, reason ?? `similarity ${score.toFixed(3)}`),
        ),
      );
      item.dataset.productId = product.id;
      return item;
    }),
  );
}

/** The head's reading of a query: likely departments, and behaviours it is fairly sure of. */
function renderIntents(intents: IntentPrediction | null): void {
  if (!intents) return intentChips.replaceChildren();
  const percent = (p: number) => `${Math.round(p * 100)}%`;
  intentChips.replaceChildren(
    ...intents.categories.slice(0, 3).map((c) => element('li', {}, `${c.name.replace(' > ', ' › ')} · ${percent(c.probability)}`)),
    ...intents.behaviours.filter((b) => b.probability >= 0.5).map((b) => element('li', { className: 'behaviour' }, `${b.name} · ${percent(b.probability)}`)),
  );
}

async function main(): Promise<void> {
  const response = await fetch('/catalog/demo-catalog.json');
  if (!response.ok) throw new Error(`catalog: HTTP ${response.status}`);
  const { products } = parseCatalog(await response.json());
  const byId = new Map(products.map((p) => [p.id, p]));
  const selected = () => byId.get(new URLSearchParams(location.search).get('product') ?? '') ?? products[0]!;
  const withProducts = (items: { id: string; score: number; reason?: string }[]) =>
    items.flatMap((item) => (byId.has(item.id) ? [{ ...item, product: byId.get(item.id)! }] : []));
  const viewed: string[] = [];

  renderProduct(selected());
  const engine = startInferenceWorker();
  const info = await engine.init({
    manifestUrl: new URL('/v1/manifest', location.href).href,
    backend: 'auto',
    catalog: 'demo',
    catalogUrl: new URL('/catalog/demo-catalog.json', location.href).href,
  });

  const showSimilar = async () => {
    const product = selected();
    renderProduct(product);
    const { items, ms } = await engine.rank({ text: productText(product), k: SIMILAR_COUNT, excludeIds: [product.id] });
    renderCards(similarList, withProducts(items));
    statusLine.textContent =
      `Computed in your browser by ${info.version} (${info.dtype}, ${info.backend}) in ${ms.toFixed(0)} ms ` +
      `over all ${info.catalog?.rows} products.`;
    if (viewed.at(-1) !== product.id) viewed.push(product.id);
    const forYou = await engine.recommend({ history: viewed, k: SIMILAR_COUNT });
    renderCards(forYouList, withProducts(forYou.items));
    forYouList.dataset.history = viewed.join(' ');
  };

  // Following a card re-ranks in place: the model stays loaded, nothing reloads.
  const follow = (event: MouseEvent) => {
    const link = (event.target as Element).closest('a');
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    history.pushState(null, '', link.href);
    window.scrollTo({ top: 0 });
    void showSimilar();
  };
  similarList.addEventListener('click', follow);
  forYouList.addEventListener('click', follow);
  searchList.addEventListener('click', follow);
  window.addEventListener('popstate', () => void showSimilar());

  // As-you-type search; an answer to an outdated query is dropped.
  let latest = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  document.querySelector('#search-form')!.addEventListener('submit', (event) => event.preventDefault());
  searchInput.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = searchInput.value.trim();
      const ticket = ++latest;
      if (query === '') {
        searchSection.hidden = true;
        return;
      }
      const { items, intents } = await engine.rank({ text: query, k: SIMILAR_COUNT });
      if (ticket !== latest) return;
      renderIntents(intents);
      renderCards(searchList, withProducts(items));
      searchSection.hidden = false;
      searchSection.dataset.query = query;
    }, SEARCH_DEBOUNCE_MS);
  });

  await showSimilar();
  document.body.dataset.similarReady = 'true';
}

main().catch((err: unknown) => {
  statusLine.textContent = `Similar items are unavailable: ${(err as Error).message}`;
  document.body.dataset.similarReady = 'error';
  console.error(err);
});
