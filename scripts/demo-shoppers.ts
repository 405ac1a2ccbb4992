/**
 * npm run demo:shoppers [-- --endpoint http://127.0.0.1:8787 --merchant demo --shoppers 8 --seed 1]
 *
 * Simulated shoppers for the demo store, so that one person with one browser can watch real
 * federated rounds complete: SecAgg+ needs at least three clients in a cohort, and the demo
 * server (`npm run demo`) opens a round on its own every two minutes. Start the demo, choose
 * "Help improve the store" in a browser, browse and search a little, then run this beside it.
 *
 * Each simulated shopper browses products of one department of the demo catalogue and
 * searches for two of them. A query is the product's title without its last word, and the
 * label is the product's category intent, as the search box records them. Shoppers run the
 * browser's own code for everything a round asks of them:
 * - the round API client and Poisson self-sampling at the round's q;
 * - the ranker's or the intent head's local update, on files fetched from the server as a
 *   widget fetches them;
 * - clipping and fixed point;
 * - SecAgg+ on WebCrypto.
 *
 * Query embeddings come from the same model version's encoder, run here on onnxruntime-node
 * from `--models-dir`. The shoppers' data is made up from the catalogue and kept in memory
 * only. Stop with Ctrl-C.
 */
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { participate } from '../src/client/federated-participant.ts';
import { fetchOpenRound } from '../src/client/round-http-client.ts';
import { parseCatalog, type Product } from '../src/core/catalog.ts';
import { sampledIn } from '../src/core/federated-eligibility.ts';
import { intentLength, intentLocalUpdate, intentOf, type IntentRow } from '../src/core/federated-intent-update.ts';
import { federatedLength } from '../src/core/federated-parameters.ts';
import { localUpdate, MAX_CONTRIBUTION_ROWS, trainingRows } from '../src/core/federated-update.ts';
import { encodeUpdate } from '../src/core/fixed-point.ts';
import { parseIntentHead } from '../src/core/intent-head.ts';
import { parseItemMatrix } from '../src/core/item-matrix.ts';
import { manifestCatalog, parseManifest, type ModelManifest } from '../src/core/manifest.ts';
import { parseRanker } from '../src/core/ranker.ts';
import { announcementMismatch, type RoundAnnouncement } from '../src/core/round-announcement.ts';
import { mulberry32 } from '../src/core/seeded-random.ts';
import { loadNodeEncoder } from '../src/server/node-encoder.ts';

const { values } = parseArgs({
  options: {
    endpoint: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 8787}` },
    merchant: { type: 'string', default: 'demo' },
    shoppers: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    'models-dir': { type: 'string', default: 'models' },
    catalog: { type: 'string', default: 'public/catalog/demo-catalog.json' },
  },
});
const endpoint = values.endpoint!;
const merchant = values.merchant!;
const shopperCount = Number(values.shoppers);
if (!(Number.isInteger(shopperCount) && shopperCount >= 1 && shopperCount <= 200)) throw new Error(`--shoppers must be a whole number from 1 to 200, got ${values.shoppers}`);
const POLL_MS = 2_000;
const VIEWS = 8;
const SEARCHES = 2;

interface Shopper {
  name: string;
  viewed: Product[];
  searched: { query: string; product: Product }[];
  decided: Set<string>;
}

/** The served model a round may update: the manifest, and the files fetched for it (by name). */
interface Served {
  manifest: ModelManifest;
  json: (file: string) => Promise<unknown>;
  bytes: (file: string) => Promise<ArrayBuffer>;
}

async function served(): Promise<Served> {
  const get = async (path: string) => {
    const response = await fetch(new URL(path, endpoint));
    if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
    return response;
  };
  const manifest = parseManifest(await (await get('/v1/manifest')).json());
  return {
    manifest,
    json: async (file) => (await get(`/models/${manifest.version}/${file}`)).json() as Promise<unknown>,
    bytes: async (file) => (await get(`/models/${manifest.version}/${file}`)).arrayBuffer(),
  };
}

function makeShoppers(products: readonly Product[], random: () => number): Shopper[] {
  const departments = [...new Set(products.map((p) => p.category[0]!))];
  return Array.from({ length: shopperCount }, (_, i) => {
    const department = departments[Math.floor(random() * departments.length)]!;
    const pool = products.filter((p) => p.category[0] === department);
    const pick = () => pool[Math.floor(random() * pool.length)]!;
    const searched = Array.from({ length: SEARCHES }, () => {
      const product = pick();
      const words = product.title.split(/\s+/);
      return { query: (words.length > 2 ? words.slice(0, -1) : words).join(' '), product };
    });
    return { name: `shopper ${i + 1} (${department})`, viewed: Array.from({ length: VIEWS }, pick), searched, decided: new Set() };
  });
}

/** The shopper's update for the round, encoded, or why it sits the round out. */
async function updateFor(shopper: Shopper, round: RoundAnnouncement, embed: (texts: string[], version: string) => Promise<Float32Array[]>): Promise<Uint32Array | string> {
  const model = await served();
  const entry = manifestCatalog(model.manifest, round.catalog);
  const ranker = entry.ranker ? parseRanker(await model.json(entry.ranker)) : null;
  const head = entry.intent_head ? parseIntentHead(await model.json(entry.intent_head)) : null;
  const mismatch = announcementMismatch(round, {
    modelVersion: model.manifest.version,
    catalog: round.catalog,
    models: {
      ...(ranker && { ranker: { file: entry.ranker!, length: federatedLength(ranker) } }),
      ...(head && { intent: { file: entry.intent_head!, length: intentLength(head.categoryLayer) } }),
    },
  });
  if (mismatch) return mismatch;
  const fixedPoint = { length: round.length, clip: round.privacy.clipNorm, scale: round.fixedPoint.scale };
  if (round.model === 'intent') {
    const vectors = await embed(shopper.searched.map((s) => s.query), model.manifest.version);
    const rows: IntentRow[] = shopper.searched.flatMap((s, i) => {
      const label = head!.categories.indexOf(intentOf(s.product.category));
      return label < 0 ? [] : [{ embedding: vectors[i]!, label }];
    });
    if (rows.length === 0) return 'none of its searches is in a category the head knows';
    return encodeUpdate(intentLocalUpdate(head!.categoryLayer, rows), fixedPoint);
  }
  const ids = (await model.json(entry.ids)) as string[];
  const rowOf = new Map(ids.map((id, row) => [id, row]));
  const matrix = parseItemMatrix(await model.bytes(entry.items));
  const items = shopper.viewed.flatMap((p) => rowOf.get(p.id) ?? []);
  return encodeUpdate(localUpdate(ranker!, matrix, trainingRows(items, ranker!.maxHistory, MAX_CONTRIBUTION_ROWS)), fixedPoint);
}

async function shop(shopper: Shopper, embed: (texts: string[], version: string) => Promise<Float32Array[]>, stopped: AbortSignal): Promise<void> {
  while (!stopped.aborted) {
    const round = await fetchOpenRound(endpoint, merchant, { signal: stopped }).catch((error: Error) => (stopped.aborted ? null : (console.warn(`${shopper.name}: ${error.message}`), null)));
    if (round && !shopper.decided.has(round.roundId) && Date.now() < round.checkInUntil) {
      shopper.decided.add(round.roundId);
      // Self-sampling with the round's q, from WebCrypto, as the learner worker draws.
      if (!sampledIn(round.privacy.sampleRate, crypto.getRandomValues(new Uint32Array(2)))) {
        console.log(`${shopper.name}: sampled out of ${round.model} round ${round.roundId.slice(0, 8)}`);
      } else {
        const input = await updateFor(shopper, round, embed);
        if (typeof input === 'string') console.log(`${shopper.name}: sits out round ${round.roundId.slice(0, 8)}: ${input}`);
        else {
          console.log(`${shopper.name}: joins ${round.model} round ${round.roundId.slice(0, 8)}`);
          // In the background: the shopper keeps looking for the next round meanwhile.
          void participate(endpoint, round, input, { pollMs: 1_000, stillAllowed: async () => !stopped.aborted, signal: stopped })
            .then(({ index }) => console.log(`${shopper.name}: sent its masked update to round ${round.roundId.slice(0, 8)} as client ${index}`))
            .catch((error: Error) => console.log(`${shopper.name}: left round ${round.roundId.slice(0, 8)}: ${error.message}`));
        }
      }
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

const catalog = parseCatalog(JSON.parse(readFileSync(resolve(values.catalog!), 'utf8')));
const shoppers = makeShoppers(catalog.products.filter((p) => p.in_stock), mulberry32(Number(values.seed)));
// One encoder per model version, loaded on the first intent round that needs it.
const encoders = new Map<string, Promise<{ embed(texts: readonly string[]): Promise<Float32Array[]> }>>();
const embed = async (texts: string[], version: string) => {
  const versionDir = join(resolve(values['models-dir']!), version);
  if (!encoders.has(version)) encoders.set(version, loadNodeEncoder(versionDir, parseManifest(JSON.parse(readFileSync(join(versionDir, 'manifest.json'), 'utf8'))), 'int8', 1));
  return (await encoders.get(version)!).embed(texts);
};
const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());
console.log(`${shoppers.length} simulated shoppers for merchant "${merchant}" at ${endpoint}; Ctrl-C stops them`);
await Promise.all(shoppers.map((shopper) => shop(shopper, embed, stop.signal)));
