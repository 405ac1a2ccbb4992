/**
 * The learner worker: learns the shopper's profile on their device, off the main thread
 * (DESIGN.md: learner = local adaptation + federated client). It reads the events the page
 * stored in IndexedDB, takes one step on the personal offset per new event
 * (src/core/profile-learning.ts) and writes the profile back. It runs only in modes `local`
 * and `contribute`, and it never creates the database: no events, nothing to learn.
 *
 * In mode `contribute` only, `contribute` takes part in the merchant's open federated round
 * (src/client/federated-participant.ts): eligibility and the Poisson draw
 * (src/core/federated-eligibility.ts), the local update of the model the round trains (the
 * shared ranker, src/core/federated-update.ts, from the products the shopper wanted; or the
 * intent head, src/core/federated-intent-update.ts, from their searches and the products they
 * chose from the results), clipped and encoded to fixed point, then SecAgg+ over HTTP.
 * Each request it makes is written to the network log with its purpose and bytes; the outbox
 * keeps one record per round it found, so it never draws or contributes twice in one round.
 */
import * as Comlink from 'comlink';
import { ParticipationStoppedError, participate } from '../src/client/federated-participant.ts';
import { fetchOpenRound, type RoundRequest } from '../src/client/round-http-client.ts';
import { isWanted, readEvent, type BehaviourEvent } from '../src/core/behaviour-event.ts';
import { CatalogRanker } from '../src/core/catalog-ranker.ts';
import { parseItemMatrix } from '../src/core/item-matrix.ts';
import { eligibility, sampledIn } from '../src/core/federated-eligibility.ts';
import { intentLength, intentLocalUpdate, intentRows } from '../src/core/federated-intent-update.ts';
import { federatedLength } from '../src/core/federated-parameters.ts';
import { localUpdate, MAX_CONTRIBUTION_ROWS, trainingRows, wantedItems } from '../src/core/federated-update.ts';
import { parseIntentHead, type IntentHead } from '../src/core/intent-head.ts';
import { encodeUpdate } from '../src/core/fixed-point.ts';
import { manifestCatalog } from '../src/core/manifest.ts';
import { learnProfile, type ProfileModel } from '../src/core/profile-learning.ts';
import { parseRanker } from '../src/core/ranker.ts';
import { announcementMismatch } from '../src/core/round-announcement.ts';
import { FEDERATED_MODELS, type FederatedModel } from '../src/core/round-plan.ts';
import { openExistingPrivetDatabase, type OutboxRecord, type PrivetSchema } from '../src/store/schema.ts';
import type { IDBPDatabase } from 'idb';
import { ModelAssets } from '../src/widget/model-assets.ts';
import { resourceRequests, type ResourceRequest } from '../src/widget/resource-requests.ts';

export interface LearnerInit {
  manifestUrl: string;
  catalog: string;
}

export interface LearnResult {
  /** Events learned from in this call, and in all. */
  learned: number;
  events: number;
  ms: number;
}

export interface ContributeRequest extends LearnerInit {
  /** The widget's server (data-endpoint) and the merchant whose rounds to look for (data-merchant). */
  endpoint: string;
  merchant: string;
  /** When the shopper last interacted with the page (ms since the epoch). */
  idleSince: number;
}

export type ContributeResult =
  /** None open, or none this device may still join (it already decided about the open one). */
  | { status: 'no-round'; reason?: string }
  | { status: 'ineligible'; reason: string }
  | { status: 'sampled-out'; roundId: string }
  | { status: 'sent'; roundId: string; index: number; bytes: number }
  | { status: 'stopped'; roundId: string; reason: string };

/** How often to ask for a phase's reply while the merchant has not closed the phase. */
const REPLY_POLL_MS = 1_000;
/** A round not finished this long after check-in is left (as a dropout). */
const ROUND_DEADLINE_MS = 10 * 60_000;

type LearnerModel = ProfileModel & { version: string };

let model: Promise<LearnerModel | null> | null = null;
/** The catalogue's intent head, loaded for the first intent round only (learning never needs it). */
let intentHead: Promise<{ file: string; head: IntentHead } | null> | null = null;
let contribution: AbortController | null = null;

/** The catalogue's ranker and item matrix (Cache Storage hits: the inference worker fetched them). */
async function loadModel(init: LearnerInit): Promise<LearnerModel | null> {
  const assets = await ModelAssets.open(init.manifestUrl);
  const entry = manifestCatalog(assets.manifest, init.catalog);
  if (!entry.ranker) return null; // a catalogue without a ranker has no personal offset to learn
  const items = new CatalogRanker(parseItemMatrix(await assets.bytes(entry.items)), await assets.json<string[]>(entry.ids));
  const ids = new Map(items.ids.map((id, row) => [id, row]));
  return {
    version: assets.manifest.version,
    file: entry.ranker,
    weights: parseRanker(await assets.json<unknown>(entry.ranker)),
    context: { matrix: items.matrix, neighbours: null, popularity: null },
    rowOf: (id) => ids.get(id),
  };
}

/** The intent head the manifest names for the catalogue, or null when it has none or it cannot be read (then no intent round is joined). */
async function loadIntentHead(init: LearnerInit): Promise<{ file: string; head: IntentHead } | null> {
  try {
    const assets = await ModelAssets.open(init.manifestUrl);
    const file = manifestCatalog(assets.manifest, init.catalog).intent_head;
    return file ? { file, head: parseIntentHead(await assets.json<unknown>(file)) } : null;
  } catch {
    return null;
  }
}

const api = {
  /** Learns from the events stored since the last call; null when there is nothing to learn from. */
  async learn(init: LearnerInit): Promise<LearnResult | null> {
    const started = performance.now();
    // Never creates the database: an erase that just ran must stay erased.
    const db = await openExistingPrivetDatabase();
    if (!db) return null;
    try {
      // Consent first: in mode off nothing is loaded, cached or written.
      if ((await db.get('consent', 'mode'))?.mode === 'off') return null;
      model ??= loadModel(init);
      const profileModel = await model;
      if (!profileModel) return null;
      const read = db.transaction(['events', 'profile']);
      const events: { key: number; event: BehaviourEvent }[] = [];
      for (let cursor = await read.objectStore('events').openCursor(); cursor; cursor = await cursor.continue()) {
        const event = readEvent(cursor.value); // unreadable records are the page's to report
        if (event) events.push({ key: cursor.key, event });
      }
      const previous = (await read.objectStore('profile').get('current')) ?? null;
      if (events.length === 0 || (previous && events[events.length - 1]!.key <= previous.lastEventKey && previous.ranker === profileModel.file)) return null;
      const profile = learnProfile(profileModel, events, previous, Date.now());
      // Written only if the events are still there and the shopper has not chosen off meanwhile:
      // a profile must not outlive its events.
      const write = db.transaction(['events', 'profile', 'consent'], 'readwrite');
      const stillAllowed = (await write.objectStore('consent').get('mode'))?.mode !== 'off' && (await write.objectStore('events').count()) > 0;
      if (stillAllowed) await write.objectStore('profile').put(profile, 'current');
      await write.done;
      return stillAllowed ? { learned: profile.events - (previous?.ranker === profile.ranker ? previous.events : 0), events: profile.events, ms: performance.now() - started } : null;
    } finally {
      db.close();
    }
  },

  /** Takes part in the merchant's open round if this device is eligible and draws itself in (one at a time). */
  async contribute(request: ContributeRequest): Promise<ContributeResult> {
    if (contribution) return { status: 'ineligible', reason: 'a contribution is already running' };
    const controller = (contribution = new AbortController());
    // Never creates the database: an erase that just ran must stay erased.
    const db = await openExistingPrivetDatabase();
    try {
      return db ? await contribute(db, request, controller.signal) : { status: 'ineligible', reason: 'nothing is stored on this device' };
    } finally {
      db?.close();
      contribution = null;
    }
  },

  /** Stops a running contribution (the shopper left mode contribute): the device drops out of the round. */
  stopContributing(): void {
    contribution?.abort(new ParticipationStoppedError('the page stopped the contribution'));
  },

  /**
   * This worker's own downloads (model files missing from Cache Storage), for the network log.
   * Round requests are left out: `contribute` logs them itself, with the bytes it sent.
   */
  requests(): ResourceRequest[] {
    return resourceRequests().filter((request) => !new URL(request.url).pathname.includes('/v1/rounds'));
  },
};

async function contribute(db: IDBPDatabase<PrivetSchema>, request: ContributeRequest, signal: AbortSignal): Promise<ContributeResult> {
  const contributing = async () => (await db.get('consent', 'mode'))?.mode === 'contribute';
  // Consent first: unless the shopper chose contribute (a merchant's default is not their
  // consent), the round API is never contacted.
  const mode = (await db.get('consent', 'mode'))?.mode;
  if (mode !== 'contribute') return { status: 'ineligible', reason: mode ? `mode "${mode}" does not contribute` : 'the shopper has not chosen to contribute' };
  model ??= loadModel(request);
  const loaded = await model;
  if (!loaded) return { status: 'ineligible', reason: 'the catalogue has no ranker' };
  let bytes = 0;
  // A write after an erase fails (the connection was closed for the deletion): the round stops with it.
  const log = (entry: RoundRequest) => {
    bytes += entry.bytesSent;
    void db.add('requests', { ...entry, context: 'learner worker' }).catch(() => contribution?.abort(new ParticipationStoppedError('the network log is gone (data erased)')));
  };
  const read = db.transaction(['events', 'outbox']);
  const events: { key: number; event: BehaviourEvent }[] = [];
  for (let cursor = await read.objectStore('events').openCursor(); cursor; cursor = await cursor.continue()) {
    const event = readEvent(cursor.value);
    if (event) events.push({ key: cursor.key, event });
  }
  const outbox = await read.objectStore('outbox').getAll();
  // New events count per model: a contribution to the ranker does not use up the intent head's.
  const lastSent = (model: FederatedModel) => Math.max(-1, ...outbox.flatMap((r) => (r.status === 'sent' && (r.model ?? 'ranker') === model && r.lastEventKey !== undefined ? [r.lastEventKey] : [])));
  const verdict = (roundId: string | null, since: number) => eligibility({
    mode,
    newEvents: events.filter(({ key, event }) => key > since && isWanted(event.type)).length,
    idleMs: Date.now() - request.idleSince,
    decided: outbox.some((r) => r.round === roundId),
  });
  // A device that could not join any round does not even ask whether one is open.
  const before = verdict(null, Math.min(...FEDERATED_MODELS.map(lastSent)));
  if (!before.eligible) return { status: 'ineligible', reason: before.reason };

  const round = await fetchOpenRound(request.endpoint, request.merchant, { onRequest: log, signal });
  if (!round) return { status: 'no-round' };
  const intent = round.model === 'intent' ? await (intentHead ??= loadIntentHead(request)) : null;
  const mismatch = announcementMismatch(round, {
    modelVersion: loaded.version,
    catalog: request.catalog,
    models: {
      ranker: { file: loaded.file, length: federatedLength(loaded.weights) },
      ...(intent && { intent: { file: intent.file, length: intentLength(intent.head.categoryLayer) } }),
    },
  });
  if (mismatch) return { status: 'ineligible', reason: mismatch };
  // An intent round learns from searches that led to a product: a device without one has nothing to say.
  const searches = intent
    ? intentRows(events.map((e) => e.event), { version: loaded.version, categories: intent.head.categories, dims: intent.head.categoryLayer.cols }, MAX_CONTRIBUTION_ROWS)
    : [];
  if (round.model === 'intent' && searches.length === 0) return { status: 'ineligible', reason: 'no search on this device led to a product: nothing for the intent head to learn' };
  if (Date.now() >= round.checkInUntil) return { status: 'ineligible', reason: 'the round no longer admits clients' };
  const now = verdict(round.roundId, lastSent(round.model));
  if (!now.eligible) return { status: 'no-round', reason: now.reason };

  // The draw is recorded before anything is sent: whatever happens next, no second draw in this round.
  const joins = sampledIn(round.privacy.sampleRate, crypto.getRandomValues(new Uint32Array(2)));
  const record: OutboxRecord = { round: round.roundId, model: round.model, createdAt: Date.now(), status: joins ? 'sending' : 'sampled-out', bytes: 0 };
  const key = await db.add('outbox', record);
  if (!joins) return { status: 'sampled-out', roundId: round.roundId };

  const update = round.model === 'intent'
    ? intentLocalUpdate(intent!.head.categoryLayer, searches)
    : localUpdate(loaded.weights, loaded.context.matrix, trainingRows(wantedItems(events.map((e) => e.event), loaded.rowOf), loaded.weights.maxHistory, MAX_CONTRIBUTION_ROWS));
  const input = encodeUpdate(update, { length: round.length, clip: round.privacy.clipNorm, scale: round.fixedPoint.scale });
  const deadline = AbortSignal.any([signal, AbortSignal.timeout(ROUND_DEADLINE_MS)]);
  try {
    const { index } = await participate(request.endpoint, round, input, { onRequest: log, signal: deadline, pollMs: REPLY_POLL_MS, stillAllowed: contributing });
    await db.put('outbox', { ...record, status: 'sent', bytes, lastEventKey: events[events.length - 1]!.key }, key);
    return { status: 'sent', roundId: round.roundId, index, bytes };
  } catch (error) {
    await db.put('outbox', { ...record, status: 'stopped', bytes, reason: (error as Error).message }, key).catch(() => undefined);
    return { status: 'stopped', roundId: round.roundId, reason: (error as Error).message };
  }
}

export type LearnerWorkerApi = typeof api;

Comlink.expose(api);
