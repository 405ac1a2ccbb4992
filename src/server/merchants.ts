/**
 * The merchants a server serves, in one place: each one's API key (as its SHA-256 only), the
 * origins its store pages are served from (CORS), the catalogues it may upload, and its
 * rate limits. Read at start-up from the JSON file named by PRIVET_MERCHANTS_FILE:
 *
 *   { "merchants": { "acme": {
 *       "keySha256": "<64 hex digits: printf %s \"$KEY\" | sha256sum>",
 *       "origins": ["https://shop.acme.example"],          (default: none, same-origin only)
 *       "catalogs": ["acme", "acme-outlet"],              (default: [its id])
 *       "limits": { "merchant": {"perMinute": 120, "burst": 30},   (its own API calls, per key)
 *                   "checkIn":  {"perMinute": 60,  "burst": 20},   (shoppers' check-ins, per address)
 *                   "upload":   {"perMinute": 30,  "burst": 8} }   (SecAgg+ uploads, per round token)
 *   } } }
 *
 * and from PRIVET_MERCHANT_KEYS="merchant:<sha256 hex>,…" (keys only, every default), which
 * is how keys were given before this file existed. Without either, no merchant exists: the
 * demo store still works (its pages are same-origin) but no round opens.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkRateLimit, type RateLimit } from '../core/token-bucket.ts';

export type LimitKind = 'merchant' | 'checkIn' | 'upload';

export type MerchantLimits = Record<LimitKind, RateLimit>;

export const DEFAULT_LIMITS: MerchantLimits = {
  merchant: { perMinute: 120, burst: 30 },
  // Shoppers behind one office or carrier NAT share an address: room for a crowd.
  checkIn: { perMinute: 60, burst: 20 },
  // A client sends four messages a round; anything far beyond that is a broken or hostile client.
  upload: { perMinute: 30, burst: 8 },
};

export interface Merchant {
  id: string;
  /** SHA-256 (hex) of its API key. */
  keySha256: string;
  origins: readonly string[];
  catalogs: readonly string[];
  limits: MerchantLimits;
}

const MERCHANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function origin(value: unknown, where: string): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    parsed = undefined;
  }
  // Browsers send the Origin header as scheme://host[:port], nothing more: compare exactly that.
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== value) {
    throw new Error(`${where} must be an origin like "https://shop.example" (scheme, host, optional port; no path or trailing slash), got ${JSON.stringify(value)}`);
  }
  return value;
}

function names(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && MERCHANT_ID.test(v))) {
    throw new Error(`${where} must be a list of names (letters, digits, '_' and '-')`);
  }
  return value as string[];
}

function parseMerchant(id: string, value: unknown): Merchant {
  const where = `merchants.${id}`;
  if (!MERCHANT_ID.test(id)) throw new Error(`${where}: a merchant id may only use letters, digits, '_' and '-'`);
  if (!isRecord(value)) throw new Error(`${where} must be an object`);
  const keySha256 = value.keySha256;
  if (typeof keySha256 !== 'string' || !SHA256_HEX.test(keySha256)) throw new Error(`${where}.keySha256 must be 64 lowercase hex digits (the SHA-256 of its API key)`);
  const origins = value.origins === undefined ? [] : value.origins;
  if (!Array.isArray(origins)) throw new Error(`${where}.origins must be a list of origins`);
  const limits = value.limits ?? {};
  if (!isRecord(limits)) throw new Error(`${where}.limits must be an object`);
  const unknown = Object.keys(limits).filter((k) => !(k in DEFAULT_LIMITS));
  if (unknown.length > 0) throw new Error(`${where}.limits: unknown limit ${JSON.stringify(unknown[0])} (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
  const limit = (kind: LimitKind) => (limits[kind] === undefined ? DEFAULT_LIMITS[kind] : checkRateLimit(limits[kind] as RateLimit, `${where}.limits.${kind}`));
  return {
    id,
    keySha256,
    origins: origins.map((o, i) => origin(o, `${where}.origins[${i}]`)),
    catalogs: value.catalogs === undefined ? [id] : names(value.catalogs, `${where}.catalogs`),
    limits: { merchant: limit('merchant'), checkIn: limit('checkIn'), upload: limit('upload') },
  };
}

/** PRIVET_MERCHANT_KEYS: "merchant:<sha256 hex>,…". */
export function parseMerchantKeys(spec: string): Merchant[] {
  return spec.split(',').filter(Boolean).map((entry) => {
    const [id, hash] = entry.split(':');
    if (!id || !SHA256_HEX.test(hash ?? '')) throw new Error(`PRIVET_MERCHANT_KEYS: "${entry}" is not merchant:<64 hex digits of SHA-256>`);
    return parseMerchant(id, { keySha256: hash });
  });
}

export class MerchantDirectory {
  readonly #merchants = new Map<string, Merchant>();
  /** Every merchant's origins: what shared, merchant-neutral resources (the manifest, models) answer. */
  readonly allOrigins: ReadonlySet<string>;

  constructor(merchants: readonly Merchant[]) {
    for (const merchant of merchants) {
      if (this.#merchants.has(merchant.id)) throw new Error(`merchant "${merchant.id}" is configured twice`);
      this.#merchants.set(merchant.id, merchant);
    }
    const owners = new Map<string, string>();
    for (const merchant of merchants) {
      for (const catalog of merchant.catalogs) {
        const owner = owners.get(catalog);
        if (owner) throw new Error(`catalogue "${catalog}" is claimed by merchants "${owner}" and "${merchant.id}"`);
        owners.set(catalog, merchant.id);
      }
    }
    this.allOrigins = new Set(merchants.flatMap((m) => m.origins));
  }

  /** The JSON configuration file's contents (see the top of this file) plus any merchants from PRIVET_MERCHANT_KEYS. */
  static parse(json: unknown, extra: readonly Merchant[] = []): MerchantDirectory {
    if (!isRecord(json) || !isRecord(json.merchants)) throw new Error('the merchants file must be a JSON object {"merchants": {"<id>": {...}}}');
    return new MerchantDirectory([...Object.entries(json.merchants).map(([id, value]) => parseMerchant(id, value)), ...extra]);
  }

  /** From PRIVET_MERCHANTS_FILE and PRIVET_MERCHANT_KEYS; errors name the variable. */
  static fromEnvironment(env: NodeJS.ProcessEnv): MerchantDirectory {
    const extra = parseMerchantKeys(env.PRIVET_MERCHANT_KEYS ?? '');
    const file = env.PRIVET_MERCHANTS_FILE;
    if (!file) return new MerchantDirectory(extra);
    try {
      return MerchantDirectory.parse(JSON.parse(readFileSync(file, 'utf8')), extra);
    } catch (error) {
      throw new Error(`PRIVET_MERCHANTS_FILE (${file}): ${(error as Error).message}`);
    }
  }

  get(id: string): Merchant | undefined {
    return this.#merchants.get(id);
  }

  /** Merchant id → SHA-256 (hex) of its key, as the round API takes them. */
  keyHashes(): Map<string, string> {
    return new Map([...this.#merchants.values()].map((m) => [m.id, m.keySha256]));
  }

  /** The merchant whose API key this is, compared in constant time; undefined for none. */
  byKey(key: string | undefined): Merchant | undefined {
    const id = merchantForKey(this.keyHashes(), key);
    return id === undefined ? undefined : this.#merchants.get(id);
  }
}

/** Which merchant (id → SHA-256 hex of its key) holds `key`, compared in constant time. */
export function merchantForKey(keys: ReadonlyMap<string, string>, key: string | undefined): string | undefined {
  if (!key) return undefined;
  const hash = createHash('sha256').update(key).digest();
  for (const [merchant, expected] of keys) if (timingSafeEqual(hash, Buffer.from(expected, 'hex'))) return merchant;
  return undefined;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(authorization: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
}
