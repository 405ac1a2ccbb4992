/**
 * One thing a shopper did, as the widget keeps it on their device, and the check every
 * record read back from storage passes: a record that another version, an extension or a
 * damaged disk left in an unknown shape is skipped and counted, never trusted.
 */
export const EVENT_TYPES = ['view', 'click', 'add_to_cart', 'purchase', 'search', 'dismiss', 'impression'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface BehaviourEvent {
  type: EventType;
  /** Milliseconds since the epoch. */
  at: number;
  itemId?: string;
  /** An impression: the products a shelf showed, in order. */
  itemIds?: string[];
  /** A search: the query as typed. Never leaves the device. */
  query?: string;
  /**
   * A search: the query's embedding as the encoder gave it (L2-normalised), kept so the
   * intent head's federated update (federated-intent-update.ts) can learn from it without
   * running the encoder again. Never leaves the device; erased with the query.
   */
  embedding?: number[];
  /** The model version whose encoder made `embedding`: another version's head reads another space. */
  embeddedBy?: string;
  /** The product's category path, top level first, where the page knew it (a search result chosen). */
  category?: string[];
  /** Which shelf or element it happened in ("similar", "search"). */
  placement?: string;
}

/** The event as kept where the shopper has not chosen to contribute: without the query's embedding, which only contributions read. */
export function withoutEmbedding(event: BehaviourEvent): BehaviourEvent {
  if (event.embedding === undefined && event.embeddedBy === undefined) return event;
  const { embedding: _embedding, embeddedBy: _by, ...rest } = event;
  return rest;
}

/** The events that say the shopper wanted an item: the shelves' history and what the learner learns from. */
export const WANTED_TYPES = ['view', 'click', 'add_to_cart', 'purchase'] as const;
export type WantedType = (typeof WANTED_TYPES)[number];
export const isWanted = (type: string): type is WantedType => (WANTED_TYPES as readonly string[]).includes(type);

const isEventType = (value: unknown): value is EventType => (EVENT_TYPES as readonly unknown[]).includes(value);
const optionalString = (value: unknown) => value === undefined || typeof value === 'string';
const optionalStrings = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((v) => typeof v === 'string'));

/** The record as an event, or null when it is not one (wrong type, no time, bad fields). */
export function readEvent(value: unknown): BehaviourEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  if (!isEventType(record.type) || typeof record.at !== 'number' || !Number.isFinite(record.at)) return null;
  if (!optionalString(record.itemId) || !optionalString(record.query) || !optionalString(record.placement) || !optionalString(record.embeddedBy)) return null;
  if (!optionalStrings(record.itemIds) || !optionalStrings(record.category)) return null;
  if (record.embedding !== undefined && !(Array.isArray(record.embedding) && record.embedding.every(Number.isFinite))) return null;
  return record as unknown as BehaviourEvent;
}
