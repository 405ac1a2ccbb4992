/**
 * What every Privet element on the page shares: the merchant's settings and the one engine,
 * imported on first need so the initial script stays small (docs/architecture.md, widget).
 */
import type { WidgetConfig } from './config.ts';
import type { WidgetEngine } from './engine.ts';

let config: WidgetConfig | null = null;
let engine: Promise<WidgetEngine> | null = null;

export function configure(settings: WidgetConfig): void {
  config = settings;
}

export function settings(): WidgetConfig {
  if (!config) throw new Error('privet: privet.js has not configured the widget');
  return config;
}

/** The engine module and its behaviour store; the model itself loads on engine.warm(). */
export function loadEngine(): Promise<WidgetEngine> {
  engine ??= import('./engine.ts').then(({ WidgetEngine }) => new WidgetEngine(settings()));
  return engine;
}

export function productHref(id: string): string {
  return settings().productUrl.replace('{id}', encodeURIComponent(id));
}

/** Catalogue images are absolute or relative to the storefront's root (src/core/catalog.ts). */
export function imageUrl(image: string): string {
  return new URL(image, `${location.origin}/`).href;
}

const money = new Map<string, Intl.NumberFormat>();
export function formatPrice(amount: number, currency = 'USD'): string {
  if (!money.has(currency)) money.set(currency, new Intl.NumberFormat(undefined, { style: 'currency', currency }));
  return money.get(currency)!.format(amount);
}

/** A card's price; blank where the catalogue lists 0 (no prices, e.g. the Scientific developer feed): unknown, not free. */
export function priceLabel(item: { product: { price: number }; currency: string }): string {
  return item.product.price > 0 ? formatPrice(item.product.price, item.currency) : '';
}

/**
 * Records a click, then lets its navigation happen (to `href`, or the caller's own when
 * null). It waits for the write, at most NAVIGATION_HOLD_MS: an IndexedDB transaction
 * still open at unload is lost, and a shopper must never wait on us for long.
 */
const NAVIGATION_HOLD_MS = 400;
export async function followAfterRecording(href: string | null, record: () => Promise<void>): Promise<void> {
  await Promise.race([record().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, NAVIGATION_HOLD_MS))]);
  if (href !== null) location.assign(href);
}
