/**
 * The merchant's settings, read once from the script tag that loaded privet.js:
 *
 *   <script type="module" src="https://store.example/privet.js" data-endpoint="https://store.example/"
 *           data-merchant="demo" data-default-mode="local"></script>
 *
 * A bad value never breaks the page: it gets one console warning that names the attribute
 * and what was used instead.
 */
import { isMode, type Mode } from '../core/modes.ts';

export type BackendChoice = 'auto' | 'wasm' | 'webgpu';

export interface WidgetConfig {
  /** The Privet server: manifest, models and catalogue feed. */
  endpoint: URL;
  /** The catalogue's name in the manifest; null = the manifest's only catalogue. */
  merchant: string | null;
  backend: BackendChoice;
  defaultMode: Mode;
  /** Where a product card links, `{id}` replaced by the product id. */
  productUrl: string;
  /** How long a shelf waits for the catalogue before saying it is unavailable. */
  timeoutMs: number;
  /**
   * data-retention-days and data-max-events as written: checked by the engine
   * (retention-attributes.ts), which is the only part that needs them.
   */
  retention: { days?: string; maxEvents?: string };
}

export function warn(message: string): void {
  console.warn(`privet: ${message}`);
}

const DEFAULT_TIMEOUT_S = 30;
const BACKENDS: readonly BackendChoice[] = ['auto', 'wasm', 'webgpu'];

/** The <script> element that loaded this module (document.currentScript is null for modules). */
export function ownScript(moduleUrl: string): HTMLScriptElement | null {
  return [...document.querySelectorAll<HTMLScriptElement>('script[src]')].find((s) => s.src === moduleUrl) ?? null;
}

export function readConfig(script: HTMLScriptElement | null, moduleUrl: string): WidgetConfig {
  const data = script?.dataset ?? {};
  let endpoint: URL;
  try {
    endpoint = new URL(data.endpoint ?? '/', data.endpoint ? document.baseURI : moduleUrl);
  } catch {
    endpoint = new URL('/', moduleUrl);
    warn(`data-endpoint "${data.endpoint}" is not a URL; using ${endpoint.href}`);
  }
  if (!endpoint.pathname.endsWith('/')) endpoint.pathname += '/';

  const merchant = data.merchant?.trim() || null;
  if (merchant === null) warn('data-merchant is missing; using the server\'s only catalogue');

  let backend: BackendChoice = 'auto';
  if (data.backend !== undefined) {
    if ((BACKENDS as readonly string[]).includes(data.backend)) backend = data.backend as BackendChoice;
    else warn(`data-backend "${data.backend}" is not one of ${BACKENDS.join(', ')}; using auto`);
  }

  let defaultMode: Mode = 'local';
  if (data.defaultMode !== undefined) {
    if (isMode(data.defaultMode)) defaultMode = data.defaultMode;
    else warn(`data-default-mode "${data.defaultMode}" is not one of off, local, contribute; using local`);
  }

  let productUrl = '/product/{id}';
  if (data.productUrl !== undefined) {
    if (data.productUrl.includes('{id}')) productUrl = data.productUrl;
    else warn(`data-product-url "${data.productUrl}" has no {id} placeholder; using ${productUrl}`);
  }
  let timeoutMs = DEFAULT_TIMEOUT_S * 1000;
  if (data.timeout !== undefined) {
    const seconds = Number(data.timeout);
    if (Number.isFinite(seconds) && seconds >= 1 && seconds <= 300) timeoutMs = seconds * 1000;
    else warn(`data-timeout "${data.timeout}" must be a number of seconds from 1 to 300; using ${DEFAULT_TIMEOUT_S}`);
  }
  const retention = { ...(data.retentionDays !== undefined && { days: data.retentionDays }), ...(data.maxEvents !== undefined && { maxEvents: data.maxEvents }) };
  return { endpoint, merchant, backend, defaultMode, productUrl, timeoutMs, retention };
}
