/** How the merchant dashboard writes its figures (pure; the components only place them). */

/** ε to two decimals, or two significant digits when smaller (0.0042, not 0.00). */
export function formatEpsilon(epsilon: number): string {
  if (!Number.isFinite(epsilon)) return String(epsilon);
  return epsilon !== 0 && Math.abs(epsilon) < 0.01 ? epsilon.toPrecision(2) : epsilon.toFixed(2);
}

/** A metric as the trainer reported it: whole numbers as they are, others to 4 significant digits. */
export function formatMetric(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return String(value);
    return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? 'none';
}

/** Round ids and job ids are long UUIDs or stamps; their first 8 characters tell them apart on one page. */
export function shortId(id: string): string {
  return id.length > 8 ? `${id.slice(0, 8)}…` : id;
}

/** Training progress as words: "step 3 of 10 (30 %)", or what is known of it. */
export function formatProgress(step: number | null, of: number | null): string {
  if (step === null) return 'not started';
  if (of === null || of <= 0) return `step ${step}`;
  return `step ${step} of ${of} (${Math.round((100 * step) / of)} %)`;
}

/** Where a merchant stands against its ε budget, in one sentence (the page and the plot's description say the same). */
export function formatPrivacyStanding(spent: { epsilon: number; rounds: number }, budget: { epsilon: number; delta: number }): string {
  return `ε spent: ${formatEpsilon(spent.epsilon)} of a budget of ${budget.epsilon} at δ ${budget.delta}, over ${spent.rounds} ${spent.rounds === 1 ? 'round that was' : 'rounds that were'} not aborted.`;
}
