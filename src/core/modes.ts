/**
 * The shopper's privacy modes (DESIGN.md), strictest first: `off` keeps nothing on the
 * device, `local` keeps behaviour on it, `contribute` also joins federated rounds.
 */
export const MODES = ['off', 'local', 'contribute'] as const;
export type Mode = (typeof MODES)[number];

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

