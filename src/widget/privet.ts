/**
 * privet.js, the one script a merchant adds:
 *
 *   <script type="module" src="https://store.example/privet.js" data-endpoint="https://store.example/" data-merchant="demo"></script>
 *
 * It registers <privet-recs> and <privet-search>, exposes `window.privet` (track, setMode,
 * openPrivacyPanel, audit, exportData, erase) and records product views (`data-privet-view="ID"`) and add-to-cart
 * clicks (`data-privet-add-to-cart="ID"`). Everything heavy — the behaviour store, the
 * worker, the model — loads later, on first need (docs/architecture.md, widget).
 */
import type { Mode } from '../core/modes.ts';
import { isMode } from '../core/modes.ts';
import type { AuditReport, DataExport } from '../core/audit-report.ts';
import type { BehaviourEvent, EventType } from '../core/behaviour-event.ts';
import { ownScript, readConfig, warn } from './config.ts';
import './elements/PrivetRecs.svelte';
import './elements/PrivetSearch.svelte';
import { configure, followAfterRecording, formatPrice, loadEngine } from './runtime.ts';

// EVENT_TYPES without impressions (the shelves' own record), written out: importing the
// list would pull behaviour-event.ts into privet.js (+300 bytes gzip on the initial script).
const TRACKABLE: readonly EventType[] = ['view', 'click', 'add_to_cart', 'purchase', 'search', 'dismiss'];

export interface PrivetApi {
  /** Records something the shopper did, on this device (nothing in mode off survives the page). */
  track(event: { type: EventType; itemId?: string; query?: string; placement?: string }): Promise<void>;
  setMode(mode: Mode): Promise<void>;
  openPrivacyPanel(): Promise<void>;
  /** The machine-readable audit report: stores, counts, ages, sizes, retention, every request, the model's guarantee. */
  audit(): Promise<AuditReport>;
  /** Every record the widget keeps, each store described (what "Download my data" saves). */
  exportData(): Promise<DataExport>;
  /** Erases every store and cached file the widget wrote on this device. */
  erase(): Promise<void>;
}

declare global {
  interface Window {
    privet?: PrivetApi;
  }
}

configure(readConfig(ownScript(import.meta.url), import.meta.url));

// The first Intl.NumberFormat loads ICU's locale data (~40 ms on this project's CI
// machine): do it while the page is idle, not inside the first shelf's render.
(globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200)))(() => formatPrice(0));

function track({ type, itemId, query, placement }: Parameters<PrivetApi['track']>[0]): Promise<void> {
  if (!TRACKABLE.includes(type)) {
    warn(`privet.track: unknown event type "${type}"; expected one of ${TRACKABLE.join(', ')}`);
    return Promise.resolve();
  }
  // Only the public fields: a query's embedding and a result's category come from the widget's
  // own search box, so no script on the page can plant rows for the intent head's update.
  const event: Omit<BehaviourEvent, 'at'> = { type, ...(itemId !== undefined && { itemId }), ...(query !== undefined && { query }), ...(placement !== undefined && { placement }) };
  return loadEngine()
    .then((engine) => engine.track(event))
    .catch((err: unknown) => warn(`could not record a ${type} event (${(err as Error).message})`));
}

async function openPrivacyPanel(): Promise<void> {
  await import('./elements/PrivacyPanel.svelte');
  const panel = document.querySelector('privet-privacy-panel') as (HTMLElement & { show?(): Promise<void> }) | null;
  // A new panel opens itself once mounted; an existing one is shown again.
  if (panel?.show) await panel.show();
  else if (!panel) document.body.append(document.createElement('privet-privacy-panel'));
}

window.privet = {
  track,
  async setMode(mode) {
    if (!isMode(mode)) throw new Error(`privet.setMode: "${mode}" is not one of off, local, contribute`);
    await (await loadEngine()).setMode(mode);
  },
  openPrivacyPanel,
  audit: async () => (await loadEngine()).audit(),
  exportData: async () => (await loadEngine()).exportData(),
  erase: async () => (await loadEngine()).erase(),
};

// Automatic tracking from the merchant's markup.
function recordViews(): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-privet-view]')) {
    const itemId = element.dataset.privetView?.trim();
    if (itemId) void track({ type: 'view', itemId });
  }
}

document.addEventListener(
  'click',
  (event) => {
    const target = event.target as Element | null;
    if (target?.closest('[data-privet-open-privacy]')) {
      event.preventDefault();
      void openPrivacyPanel();
      return;
    }
    const button = target?.closest<HTMLElement>('[data-privet-add-to-cart]');
    const itemId = button?.dataset.privetAddToCart?.trim();
    if (!button || !itemId) return;
    // Unless the merchant's own handler took the click over (an AJAX cart: it ran first,
    // this listener is on the document in the bubble phase), the click starts a
    // navigation: hold it until the event is written (at most a moment).
    const submits = button instanceof HTMLButtonElement && button.type === 'submit' && button.form !== null;
    const link = button.closest('a');
    if (submits && !event.defaultPrevented) {
      event.preventDefault();
      const form = button.form!;
      void followAfterRecording(null, () => track({ type: 'add_to_cart', itemId })).then(() => form.requestSubmit(button));
    } else if (link && !event.defaultPrevented) {
      event.preventDefault();
      void followAfterRecording(link.href, () => track({ type: 'add_to_cart', itemId }));
    } else {
      void track({ type: 'add_to_cart', itemId });
    }
  },
);

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', recordViews, { once: true });
else recordViews();
