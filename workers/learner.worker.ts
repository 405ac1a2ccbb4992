/**
 * The learner worker: learns the shopper's profile on their device, off the main thread
 * (DESIGN.md: learner = local adaptation, later the federated client). It reads the events
 * the page stored in IndexedDB, takes one step on the personal offset per new event
 * (src/core/profile-learning.ts) and writes the profile back. It runs only in modes
 * `local` and `contribute`, and it never creates the database: no events, nothing to learn.
 */
import * as Comlink from 'comlink';
import { readEvent, type BehaviourEvent } from '../src/core/behaviour-event.ts';
import { CatalogRanker } from '../src/core/catalog-ranker.ts';
import { parseItemMatrix } from '../src/core/item-matrix.ts';
import { manifestCatalog } from '../src/core/manifest.ts';
import { learnProfile, type ProfileModel } from '../src/core/profile-learning.ts';
import { parseRanker } from '../src/core/ranker.ts';
import { openExistingPrivetDatabase } from '../src/store/schema.ts';
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

let model: Promise<ProfileModel | null> | null = null;

/** The catalogue's ranker and item matrix (Cache Storage hits: the inference worker fetched them). */
async function loadModel(init: LearnerInit): Promise<ProfileModel | null> {
  const assets = await ModelAssets.open(init.manifestUrl);
  const entry = manifestCatalog(assets.manifest, init.catalog);
  if (!entry.ranker) return null; // a catalogue without a ranker has no personal offset to learn
  const items = new CatalogRanker(parseItemMatrix(await assets.bytes(entry.items)), await assets.json<string[]>(entry.ids));
  const ids = new Map(items.ids.map((id, row) => [id, row]));
  return {
    file: entry.ranker,
    weights: parseRanker(await assets.json<unknown>(entry.ranker)),
    context: { matrix: items.matrix, neighbours: null, popularity: null },
    rowOf: (id) => ids.get(id),
  };
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

  /** This worker's own downloads (model files missing from Cache Storage), for the network log. */
  requests(): ResourceRequest[] {
    return resourceRequests();
  },
};

export type LearnerWorkerApi = typeof api;

Comlink.expose(api);
