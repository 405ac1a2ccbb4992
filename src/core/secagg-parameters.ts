/**
 * SecAgg+ parameters (Bell et al. 2020): how many neighbours k each client shares with and how
 * many of them, t, must help to rebuild one of its secrets, for a cohort of n clients of which at
 * most D = ⌊δn⌋ drop out and at most C = ⌊γn⌋ collude with the server. Which clients drop out or
 * collude is taken to be independent of the graph (drawn from the round id once the cohort is
 * fixed), so the number of them among k neighbours is hypergeometric. Three conditions:
 *
 * 1. The sum stays the only thing revealed: honest survivors must form one connected graph, or the
 *    server learns each component's sum. On a Harary graph over a random ring a client is adjacent
 *    to the next honest survivor along the ring unless k/2 positions in a row between them are
 *    bad (dropped or colluding); splitting the survivors takes two such runs, k bad positions in
 *    all: P ≤ n²/2 · C(D+C, k)/C(n, k) ≤ 2^−PRIVACY_BITS.
 * 2. Each input stays hidden: fewer than t of a client's neighbours may collude, or they rebuild
 *    both its self-mask seed and its masking key: n · P[colluding neighbours ≥ t] ≤ 2^−PRIVACY_BITS.
 * 3. The round completes: every client keeps t neighbours to the end:
 *    n · P[dropped neighbours > k − t] ≤ 2^−LIVENESS_BITS.
 *
 * k is the smallest even degree (else n − 1, the complete graph of the original SecAgg) for which
 * some t ≥ 2 meets 2 and 3; t is the largest such, at most ⌊k/2⌋ + 1: a majority of the
 * neighbours, so that even a server telling neighbours different stories about who dropped out
 * could not gather t shares of both secrets (each honest client reveals only one). Bell et al.'s
 * own bounds are tighter and their k larger; these are the conditions this implementation rests on.
 */

export const PRIVACY_BITS = 40;
export const LIVENESS_BITS = 20;

export interface SecAggTolerance {
  /** Largest fraction of the cohort that may drop out, at any step after advertising keys (δ). */
  dropout: number;
  /** Largest fraction of the cohort that may share everything it sees with the server (γ). */
  collusion: number;
}

export interface SecAggParameters {
  /** Neighbours per client (k). */
  degree: number;
  /** Shares needed to rebuild a client's secret (t). */
  threshold: number;
}

function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 2; i <= n; i++) out[i] = out[i - 1]! + Math.log(i);
  return out;
}

export function secaggParameters(clients: number, tolerance: SecAggTolerance): SecAggParameters {
  const n = clients;
  if (!Number.isInteger(n) || n < 3) throw new Error(`secagg: a cohort needs at least 3 clients, got ${n}`);
  const { dropout, collusion } = tolerance;
  for (const [name, value] of [['dropout', dropout], ['collusion', collusion]] as const) {
    if (!(value >= 0 && value < 1)) throw new Error(`secagg: the tolerated ${name} fraction must be in [0, 1), got ${value}`);
  }
  const dropped = Math.floor(dropout * n);
  const colluding = Math.floor(collusion * n);
  const lf = logFactorials(n);
  const logChoose = (a: number, b: number) => (b < 0 || b > a ? -Infinity : lf[a]! - lf[b]! - lf[a - b]!);
  // P[X ≥ atLeast] for X ~ Hypergeometric(n − 1 others, `bad` of them bad, `draws` neighbours).
  const tail = (bad: number, draws: number, atLeast: number) => {
    let p = 0;
    for (let x = Math.max(atLeast, 0); x <= Math.min(bad, draws); x++) {
      p += Math.exp(logChoose(bad, x) + logChoose(n - 1 - bad, draws - x) - logChoose(n - 1, draws));
    }
    return p;
  };
  const privacy = 2 ** -PRIVACY_BITS / n;
  const liveness = 2 ** -LIVENESS_BITS / n;
  const degrees: number[] = [];
  for (let k = 2; k < n - 1; k += 2) degrees.push(k);
  for (const k of [...degrees, n - 1]) {
    if (k < n - 1 && (n / 2) * Math.exp(logChoose(dropped + colluding, k) - logChoose(n, k)) > privacy) continue;
    let threshold = Math.floor(k / 2) + 1;
    while (threshold >= 2 && tail(dropped, k, k - threshold + 1) > liveness) threshold--;
    if (threshold >= 2 && tail(colluding, k, threshold) <= privacy) return { degree: k, threshold };
  }
  throw new Error(`secagg: ${n} clients cannot tolerate ${dropped} dropouts and ${colluding} colluders`);
}
