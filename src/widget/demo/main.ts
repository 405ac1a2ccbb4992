/**
 * Placeholder storefront: one product of the demo catalog and its "similar items",
 * ranked by embeddings that the encoder worker computes in this browser.
 */
import { parseCatalog, productText, type Product } from '../../core/catalog.ts';
import { topKByDot } from '../../core/similarity.ts';
import { startEncoderWorker } from '../encoder-client.ts';

const SIMILAR_COUNT = 8;
// Small batches keep the list refreshing while the catalogue is embedded.
const BATCH = 16;

const productSection = document.querySelector<HTMLElement>('#product')!;
const statusLine = document.querySelector<HTMLElement>('#similar-status')!;
const list = document.querySelector<HTMLOListElement>('#similar-list')!;

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

function renderSimilar(products: Product[], scores: number[]): void {
  list.replaceChildren(
    ...products.map((p, i) => {
      const item = element(
        'li',
        {},
        element(
          'a',
          { href: `?product=${encodeURIComponent(p.id)}` },
          element('img', { src: `/${p.image}`, alt: '', loading: 'lazy' }),
          element('p', { className: 'title' }, p.title),
          element('p', { className: 'price' }, money.format(p.price)),
          element('p', { className: 'score' }, `similarity ${scores[i]!.toFixed(3)}`),
        ),
      );
      item.dataset.productId = p.id;
      return item;
    }),
  );
}

/**
 * Catalogue embeddings computed in this page, filled in as the worker returns them. The
 * list is re-ranked after every batch, so a shopper sees neighbours within a second or
 * two and the final answer once the whole catalogue is in.
 */
class CatalogIndex {
  readonly matrix: Float32Array;
  readonly #pending = new Set<number>();

  constructor(readonly products: Product[], readonly dims: number) {
    this.matrix = new Float32Array(products.length * dims);
    products.forEach((_, i) => this.#pending.add(i));
  }

  get done(): number {
    return this.products.length - this.#pending.size;
  }

  isEmbedded(index: number): boolean {
    return !this.#pending.has(index);
  }

  set(index: number, vector: Float32Array): void {
    this.matrix.set(vector, index * this.dims);
    this.#pending.delete(index);
  }

  /** Next rows to embed, `first` ahead of the rest when it is still missing. */
  nextBatch(size: number, first: number): number[] {
    const batch = this.#pending.has(first) ? [first] : [];
    for (const index of this.#pending) {
      if (batch.length >= size) break;
      if (index !== first) batch.push(index);
    }
    return batch;
  }

  similarTo(index: number, k: number) {
    const skip = new Set(this.#pending).add(index);
    return topKByDot(this.matrix.subarray(index * this.dims, (index + 1) * this.dims), this.matrix, this.dims, k, skip);
  }
}

async function main(): Promise<void> {
  const response = await fetch('/catalog/demo-catalog.json');
  if (!response.ok) throw new Error(`catalog: HTTP ${response.status}`);
  const { products } = parseCatalog(await response.json());
  const selectedIndex = () => Math.max(0, products.findIndex((p) => p.id === new URLSearchParams(location.search).get('product')));
  let selected = selectedIndex();

  const encoder = startEncoderWorker();
  const info = await encoder.init({ manifestUrl: new URL('/v1/manifest', location.href).href, backend: 'wasm', dtype: 'int8' });
  const index = new CatalogIndex(products, info.dims);
  const texts = products.map(productText);

  const show = () => {
    renderProduct(products[selected]!);
    if (!index.isEmbedded(selected)) return;
    const neighbours = index.similarTo(selected, SIMILAR_COUNT);
    renderSimilar(neighbours.map((n) => products[n.index]!), neighbours.map((n) => n.score));
  };
  // Moving between products re-ranks the embeddings already in this page: no reload.
  list.addEventListener('click', (event) => {
    const link = (event.target as Element).closest('a');
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    history.pushState(null, '', link.href);
    selected = selectedIndex();
    show();
    window.scrollTo({ top: 0 });
  });
  window.addEventListener('popstate', () => {
    selected = selectedIndex();
    show();
  });

  renderProduct(products[selected]!);
  const started = performance.now();
  while (index.done < products.length) {
    statusLine.textContent = `Embedding the catalogue in your browser: ${index.done} of ${products.length} products…`;
    const batch = index.nextBatch(BATCH, selected);
    const vectors = await encoder.embed(batch.map((i) => texts[i]!));
    batch.forEach((row, i) => index.set(row, vectors[i]!));
    show();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  statusLine.textContent = `Computed in your browser by ${info.version} (${info.dtype}, ${info.backend}, ${info.threads} thread) in ${seconds} s.`;
  document.body.dataset.similarReady = 'true';
}

main().catch((err: unknown) => {
  statusLine.textContent = `Similar items are unavailable: ${(err as Error).message}`;
  document.body.dataset.similarReady = 'error';
  console.error(err);
});
