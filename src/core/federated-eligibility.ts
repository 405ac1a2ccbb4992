/**
 * Whether this device takes part in a federated round it has discovered (DESIGN.md, protocol
 * step 1): only with the shopper's consent (mode `contribute`), only with enough new events to
 * say something the last contribution did not, only while the shopper is idle (the work costs
 * a second or more of CPU), once per round, and then only if the device draws itself into the
 * round's Poisson sample.
 */
import type { Mode } from './modes.ts';

/**
 * New events (items the shopper wanted) since this device's last contribution. Each event is a
 * new training row; with fewer than five, most of an update would repeat the last one, and the
 * device would spend its CPU and a round's place to say almost nothing new.
 */
export const MIN_NEW_EVENTS = 5;
/** How long the shopper must have left the page alone before the device starts (not while they interact). */
export const MIN_IDLE_MS = 5_000;

export interface EligibilityInput {
  mode: Mode;
  /** Wanted events stored after the last one this device contributed. */
  newEvents: number;
  /** Milliseconds since the shopper last interacted with the page. */
  idleMs: number;
  /** This device already decided about this round (joined, or drew itself out): never a second draw. */
  decided: boolean;
}

export type Eligibility = { eligible: true } | { eligible: false; reason: string };

/** Everything but the sampling draw (which is spent only on a device that could join). */
export function eligibility(input: EligibilityInput): Eligibility {
  if (input.mode !== 'contribute') return { eligible: false, reason: `mode "${input.mode}" does not contribute` };
  if (input.decided) return { eligible: false, reason: 'this device already took its one chance in this round' };
  if (input.newEvents < MIN_NEW_EVENTS) return { eligible: false, reason: `${input.newEvents} new events since the last contribution, fewer than ${MIN_NEW_EVENTS}` };
  if (input.idleMs < MIN_IDLE_MS) return { eligible: false, reason: 'the shopper is using the page' };
  return { eligible: true };
}

/**
 * Poisson sampling: joins with probability `sampleRate`, from two uniformly random 32-bit words
 * (crypto.getRandomValues). The server's privacy accountant assumes exactly this (RDP
 * amplification by subsampling: each device in a round independently with probability q), so
 * the draw is the device's own, from a cryptographic source the server cannot steer, and it is
 * drawn once per round whatever its outcome.
 */
export function sampledIn(sampleRate: number, words: Uint32Array): boolean {
  if (!(sampleRate > 0 && sampleRate <= 1)) throw new Error(`federated eligibility: sampleRate must be in (0, 1], got ${sampleRate}`);
  if (words.length !== 2) throw new Error('federated eligibility: the draw needs two random 32-bit words');
  // 53 uniform bits: a double in [0, 1) with every value equally likely.
  const uniform = ((words[0]! >>> 5) * 2 ** 26 + (words[1]! >>> 6)) / 2 ** 53;
  return uniform < sampleRate;
}
