/**
 * The server's step after a round (defined by trainer/federated/server_optimizer.py and
 * trainer/federated/aggregation.py; checked against tests/golden/server-optimizer.json):
 *
 *   mean = (Σ clipped updates + noise) / expected cohort          (central DP: noise ~ N(0, (z·C)²))
 *   FedAvg:  x ← x + η Δ
 *   FedAdam: m ← β1 m + (1 − β1) Δ,  v ← β2 v + (1 − β2) Δ²,  x ← x + η m / (√v + τ)
 *
 * Updates are model deltas, so they are added. The denominator is the cohort the round was
 * planned for (q·N), not the number that turned up: the realised count is itself information
 * about who took part, and DP-FedAvg's guarantee assumes the fixed denominator.
 */

export type Vector = Float64Array<ArrayBuffer>;

export interface FedAdamSettings {
  /** One rate per coordinate (the projection wants a smaller step than the small weights). */
  rates: Float64Array;
  beta1: number;
  beta2: number;
  tau: number;
}

export interface FedAdamState {
  m: Float64Array<ArrayBuffer>;
  v: Float64Array<ArrayBuffer>;
}

function checkUpdate(params: ArrayLike<number>, update: ArrayLike<number>, rates: ArrayLike<number>): void {
  if (params.length !== update.length || rates.length !== params.length) {
    throw new Error(`server optimizer: params (${params.length}), update (${update.length}) and rates (${rates.length}) must have one length`);
  }
  for (let i = 0; i < update.length; i++) {
    if (!Number.isFinite(update[i])) throw new Error(`server optimizer: the mean update's coordinate ${i} is ${update[i]}`);
  }
}

/** (Σ + noise) / expectedCohort: the noisy mean the optimizer steps with. */
export function noisyMean(sum: ArrayLike<number>, noise: ArrayLike<number>, expectedCohort: number): Vector {
  if (!(expectedCohort > 0) || !Number.isFinite(expectedCohort)) throw new Error(`server optimizer: the expected cohort must be > 0, got ${expectedCohort}`);
  if (noise.length !== sum.length) throw new Error(`server optimizer: noise has ${noise.length} values, the sum ${sum.length}`);
  const out = new Float64Array(sum.length);
  for (let i = 0; i < sum.length; i++) out[i] = (sum[i]! + noise[i]!) / expectedCohort;
  return out;
}

export function fedavg(params: ArrayLike<number>, update: ArrayLike<number>, rates: ArrayLike<number>): Vector {
  checkUpdate(params, update, rates);
  const out = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) out[i] = params[i]! + rates[i]! * update[i]!;
  return out;
}

export function zeroState(size: number): FedAdamState {
  return { m: new Float64Array(size), v: new Float64Array(size) };
}

export function checkFedAdam(settings: FedAdamSettings): FedAdamSettings {
  const { beta1, beta2, tau } = settings;
  if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && tau > 0)) throw new Error(`server optimizer: FedAdam needs 0 ≤ β1, β2 < 1 and τ > 0, got β1 ${beta1}, β2 ${beta2}, τ ${tau}`);
  if (!settings.rates.every((r) => r > 0 && Number.isFinite(r))) throw new Error('server optimizer: every learning rate must be a positive number');
  return settings;
}

/** One FedAdam step (no bias correction, as in Reddi et al. 2021, Algorithm 2). Pure: returns new arrays. */
export function fedadam(params: ArrayLike<number>, update: ArrayLike<number>, state: FedAdamState, settings: FedAdamSettings): { params: Vector; state: FedAdamState } {
  checkUpdate(params, update, settings.rates);
  if (state.m.length !== params.length || state.v.length !== params.length) throw new Error('server optimizer: the FedAdam state does not match the parameters');
  const { beta1, beta2, tau, rates } = settings;
  const next = new Float64Array(params.length);
  const m = new Float64Array(params.length);
  const v = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const d = update[i]!;
    m[i] = beta1 * state.m[i]! + (1 - beta1) * d;
    v[i] = beta2 * state.v[i]! + (1 - beta2) * d * d;
    next[i] = params[i]! + (rates[i]! * m[i]!) / (Math.sqrt(v[i]!) + tau);
  }
  return { params: next, state: { m, v } };
}
