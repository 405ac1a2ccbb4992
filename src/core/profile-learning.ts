/**
 * The shopper's profile, learned on their device from their events (the learner worker runs
 * this; DESIGN.md, personal state): the personal offset δ of the ranker, one online step per
 * event (local-adaptation.ts), and the mean embedding of their latest items. Each event is
 * learned from once: the profile remembers the key of the last one.
 */
import { isWanted, type BehaviourEvent } from './behaviour-event.ts';
import { adaptationStep, DEFAULT_ADAPTATION, type AdaptationSettings } from './local-adaptation.ts';
import type { RankerContext, RankerWeights } from './ranker.ts';
import { profileVector } from './recommendations.ts';

/** Stored as plain arrays: IndexedDB keeps them, export prints them. */
export interface PersonalProfile {
  /** The ranker file the offset was learned for: a new ranker starts a new offset. */
  ranker: string;
  /** The personal offset δ added to the ranker's user vector. */
  offset: number[];
  /** Mean embedding of the latest items the shopper wanted (search leans towards it). */
  vector: number[] | null;
  /** Events learned from so far, and the key of the last event read (learnable or not). */
  events: number;
  lastEventKey: number;
  updatedAt: number;
}

/** As many items as the search profile averages (recommendations.ts, profileVector callers). */
const PROFILE_ITEMS = 20;
const MAX_REPLAY = 200;

export interface ProfileModel {
  /** The manifest's ranker file name. */
  file: string;
  weights: RankerWeights;
  context: RankerContext;
  /** Catalogue row of a product id, undefined for one that left the catalogue. */
  rowOf(id: string): number | undefined;
}

/**
 * The profile after `events` (every stored event, in key order, with its key). Events at or
 * before `previous.lastEventKey` only rebuild the history; later ones are learned from. A
 * profile learned for another ranker is started afresh from every event.
 */
export function learnProfile(model: ProfileModel, events: readonly { key: number; event: BehaviourEvent }[], previous: PersonalProfile | null,
  now: number, settings: AdaptationSettings = DEFAULT_ADAPTATION): PersonalProfile {
  const wanted = events.flatMap(({ key, event }) => {
    const row = event.itemId === undefined ? undefined : model.rowOf(event.itemId);
    return isWanted(event.type) && row !== undefined ? [{ key, row, kind: event.type }] : [];
  });
  const fresh = !previous || previous.ranker !== model.file || previous.offset.length !== model.weights.dims;
  let offset: Float32Array = fresh ? new Float32Array(model.weights.dims) : Float32Array.from(previous.offset);
  let learned = fresh ? 0 : previous.events;
  let lastEventKey = fresh ? -1 : previous.lastEventKey;
  // A fresh start learns from the latest MAX_REPLAY events only: a long history costs
  // seconds of worker time per hundred events, and the newest say most about the shopper.
  const after = fresh ? (wanted[wanted.length - MAX_REPLAY - 1]?.key ?? -Infinity) : previous.lastEventKey;
  wanted.forEach(({ key, row, kind }, i) => {
    if (key <= after) return;
    const history = wanted.slice(Math.max(0, i - model.weights.maxHistory), i).map((w) => w.row);
    offset = adaptationStep(model.weights, model.context, history, row, kind, offset, settings).personal;
    learned++;
    lastEventKey = key;
  });
  // Remember the last event seen, learnable or not: nothing before it needs reading again.
  lastEventKey = Math.max(lastEventKey, events[events.length - 1]?.key ?? -1);
  const vector = profileVector(model.context.matrix, wanted.slice(-PROFILE_ITEMS).map((w) => w.row));
  return { ranker: model.file, offset: Array.from(offset), vector: vector ? Array.from(vector) : null, events: learned, lastEventKey, updatedAt: now };
}
