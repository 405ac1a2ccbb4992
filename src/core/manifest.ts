/**
 * The model manifest written by `python -m trainer.export` (trainer/manifest.py).
 * Server, worker and tests read it through this one parser so a malformed manifest
 * fails in one place with one message.
 */

export type Backend = 'wasm' | 'webgpu';

export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
  dtype: string;
}

/** (ε, δ)-differential privacy over `rounds` federated rounds; rounds 0 means no shopper data. */
export interface DpGuarantee {
  epsilon: number;
  delta: number;
  rounds: number;
}

export interface ModelManifest {
  version: string;
  created: string;
  base_model: string;
  dims: number;
  max_tokens: number;
  opset: number;
  inputs: string[];
  output: string;
  files: ManifestFile[];
  /** The encoder file each browser execution provider loads. */
  backends: Record<Backend, string>;
  intents: string[];
  metrics: Record<string, unknown>;
  dp: DpGuarantee;
  catalogs: ManifestCatalog[];
}

/**
 * A catalogue embedded with this model version (src/server/catalog-index.ts): the int8
 * item matrix and the product ids of its rows, both listed in `files`.
 */
export interface ManifestCatalog {
  name: string;
  items: string;
  ids: string;
  rows: number;
  /** sha256 of the product ids and texts that were embedded: re-index when it changes. */
  source_sha256: string;
  /** The catalogue's intent head (trainer/catalog_intents.py), once trained. */
  intent_head?: string;
  /** The catalogue's ranker (trainer/recsys/publish_ranker.py), once published. */
  ranker?: string;
  /**
   * The privacy guarantee of the federated rounds folded into this catalogue's ranker and intent
   * head (src/server/federated-publisher.ts): (ε, δ) over every round of the merchant so far.
   */
  dp?: DpGuarantee;
}

/** A version's guarantee is its weakest part's: the catalogue with the largest ε, or `fallback` (the version's own) when that is larger. */
export function weakestGuarantee(catalogs: readonly ManifestCatalog[], fallback: DpGuarantee): DpGuarantee {
  return catalogs.reduce((worst, c) => (c.dp && c.dp.epsilon > worst.epsilon ? c.dp : worst), fallback);
}

/** The catalogue files federated rounds train (round-plan.ts FEDERATED_MODELS), by their manifest key. */
export type FederatedFileKey = 'ranker' | 'intent_head';

/**
 * `manifest` with `file` as catalogue `catalog`'s ranker or intent head (`key`) and `dp` as the
 * catalogue's guarantee (none: no rounds trained its models): the file it named before is no
 * longer listed, and the version's guarantee is recomputed. The catalogue must be in the manifest.
 */
export function withCatalogFile(manifest: ModelManifest, catalog: string, key: FederatedFileKey, file: ManifestFile, dp: DpGuarantee | undefined): ModelManifest {
  const entry = manifest.catalogs.find((c) => c.name === catalog);
  if (!entry) throw new Error(`model ${manifest.version} has no catalogue "${catalog}"`);
  const catalogs = manifest.catalogs.map((c) => {
    if (c.name !== catalog) return c;
    const { dp: _previous, ...rest } = c;
    return dp ? { ...rest, [key]: file.name, dp } : { ...rest, [key]: file.name };
  });
  return {
    ...manifest,
    files: [...manifest.files.filter((f) => f.name !== entry[key] && f.name !== file.name), file],
    catalogs,
    dp: weakestGuarantee(catalogs, manifest.dp),
  };
}

/** models/manifest.json: which version is current. */
export interface ManifestPointer {
  current: string;
  manifest: string;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
// Versions and file names become URL path segments: keep them to a safe alphabet.
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function fail(what: string): never {
  throw new Error(`invalid model manifest: ${what}`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  return value as Record<string, unknown>;
}

function string(obj: Record<string, unknown>, key: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') fail(`"${key}" must be a non-empty string`);
  return value;
}

function positiveInteger(obj: Record<string, unknown>, key: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(`"${key}" must be a positive integer`);
  return value;
}

function segment(value: string, what: string): string {
  if (!SAFE_SEGMENT.test(value)) fail(`${what} "${value}" may only use letters, digits, '.', '_' and '-'`);
  return value;
}

function parseFile(value: unknown, index: number): ManifestFile {
  const file = record(value, `files[${index}]`);
  const sha256 = string(file, 'sha256');
  if (!SHA256_HEX.test(sha256)) fail(`files[${index}].sha256 must be 64 lowercase hex digits`);
  const bytes = file.bytes;
  if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) fail(`files[${index}].bytes must be a byte count`);
  return { name: segment(string(file, 'name'), 'file name'), bytes, sha256, dtype: string(file, 'dtype') };
}

function parseBackends(value: unknown, names: ReadonlySet<string>): Record<Backend, string> {
  const backends = record(value, '"backends"');
  const out = {} as Record<Backend, string>;
  for (const backend of ['wasm', 'webgpu'] as const) {
    const file = string(backends, backend);
    if (!names.has(file)) fail(`backends.${backend} names "${file}", which is not in files`);
    out[backend] = file;
  }
  return out;
}

function parseCatalogEntry(value: unknown, index: number, names: ReadonlySet<string>): ManifestCatalog {
  const entry = record(value, `catalogs[${index}]`);
  const items = string(entry, 'items');
  const ids = string(entry, 'ids');
  for (const file of [items, ids]) if (!names.has(file)) fail(`catalogs[${index}] names "${file}", which is not in files`);
  const source = string(entry, 'source_sha256');
  if (!SHA256_HEX.test(source)) fail(`catalogs[${index}].source_sha256 must be 64 lowercase hex digits`);
  const parsed: ManifestCatalog = { name: segment(string(entry, 'name'), 'catalog name'), items, ids, rows: positiveInteger(entry, 'rows'), source_sha256: source };
  for (const key of ['intent_head', 'ranker'] as const) {
    if (entry[key] === undefined) continue;
    const file = string(entry, key);
    if (!names.has(file)) fail(`catalogs[${index}] names "${file}", which is not in files`);
    parsed[key] = file;
  }
  if (entry.dp !== undefined) parsed.dp = parseDp(entry.dp, `catalogs[${index}].dp`);
  return parsed;
}

function parseDp(value: unknown, what: string): DpGuarantee {
  const dp = record(value, what);
  for (const key of ['epsilon', 'delta', 'rounds']) {
    if (typeof dp[key] !== 'number' || !(dp[key] as number >= 0)) fail(`${what}.${key} must be a non-negative number`);
  }
  return { epsilon: dp.epsilon as number, delta: dp.delta as number, rounds: dp.rounds as number };
}

export function parseManifest(json: unknown): ModelManifest {
  const obj = record(json, 'manifest');
  if (!Array.isArray(obj.files) || obj.files.length === 0) fail('"files" must be a non-empty array');
  const files = obj.files.map(parseFile);
  const names = new Set(files.map((f) => f.name));
  if (names.size !== files.length) fail('file names must be unique');
  const inputs = obj.inputs;
  if (!Array.isArray(inputs) || !inputs.every((i) => typeof i === 'string')) fail('"inputs" must be a list of names');
  const dp = parseDp(obj.dp, 'dp');
  return {
    version: segment(string(obj, 'version'), 'version'),
    created: string(obj, 'created'),
    base_model: string(obj, 'base_model'),
    dims: positiveInteger(obj, 'dims'),
    max_tokens: positiveInteger(obj, 'max_tokens'),
    opset: positiveInteger(obj, 'opset'),
    inputs: inputs as string[],
    output: string(obj, 'output'),
    files,
    backends: parseBackends(obj.backends, names),
    intents: Array.isArray(obj.intents) ? obj.intents.map(String) : [],
    metrics: obj.metrics === undefined ? {} : record(obj.metrics, '"metrics"'),
    dp,
    catalogs: Array.isArray(obj.catalogs) ? obj.catalogs.map((c, i) => parseCatalogEntry(c, i, names)) : [],
  };
}

/** A version name from outside (an API request, a job): throws unless it is one safe path segment. */
export function checkVersionName(version: string): string {
  return segment(version, 'version');
}

export function parsePointer(json: unknown): ManifestPointer {
  const obj = record(json, 'pointer');
  const current = segment(string(obj, 'current'), 'version');
  const manifest = string(obj, 'manifest');
  if (manifest !== `${current}/manifest.json`) fail(`pointer.manifest must be "${current}/manifest.json"`);
  return { current, manifest };
}

export function manifestCatalog(manifest: ModelManifest, name: string): ManifestCatalog {
  const catalog = manifest.catalogs.find((c) => c.name === name);
  if (!catalog) throw new Error(`model ${manifest.version} has no embedded catalog "${name}"`);
  return catalog;
}

export function manifestFile(manifest: ModelManifest, name: string): ManifestFile {
  const file = manifest.files.find((f) => f.name === name);
  if (!file) throw new Error(`model ${manifest.version} has no file "${name}"`);
  return file;
}
