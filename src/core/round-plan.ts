/**
 * What a federated round is for and how it is run, beyond the SecAgg+ parameters: the catalogue
 * model its sum updates (the ranker or the intent head), the cohort it was planned for, the
 * fixed-point scale that lets that cohort's sum decode exactly, and when check-in closes.
 * Browsers read it (GET /v1/rounds/open) before they decide to take part; the server keeps it
 * with the round.
 */
import { checkCohort } from './fixed-point.ts';

/**
 * The catalogue models rounds train. Each round trains one, so each is clipped to its own C and
 * a device contributes only to a model it has data for (the intent head needs searches).
 */
export const FEDERATED_MODELS = ['ranker', 'intent'] as const;
export type FederatedModel = (typeof FEDERATED_MODELS)[number];

/** The server's step with a round's noisy mean (server-optimizer.ts): FedAdam by default, plain FedAvg on request. */
export const SERVER_OPTIMIZERS = ['fedadam', 'fedavg'] as const;
export type ServerOptimizer = (typeof SERVER_OPTIMIZERS)[number];

export interface RoundTask {
  /** The catalogue (manifest entry) whose model the round updates, which model, and its file. */
  catalog: string;
  model: FederatedModel;
  file: string;
  optimizer: ServerOptimizer;
}

/**
 * The task a stored plan names. Rounds logged before the intent head was federated stored
 * `{catalog, ranker}`, and before the optimizer could be chosen no optimizer (FedAdam, the only
 * one then): they read as such, so a server upgraded mid-history still applies or settles them.
 */
export function readTask(plan: Pick<RoundPlan, 'task'> | null | undefined): RoundTask | null {
  const task = plan?.task as (Partial<RoundTask> & { ranker?: string }) | null | undefined;
  if (!task?.catalog) return null;
  const optimizer = task.optimizer ?? 'fedadam';
  if (task.model === undefined && task.ranker) return { catalog: task.catalog, model: 'ranker', file: task.ranker, optimizer };
  return task.model && task.file ? { catalog: task.catalog, model: task.model, file: task.file, optimizer } : null;
}

export interface RoundPlan {
  /** Null for a bare sum (protocol tests, load tests): nothing is published from it. */
  task: RoundTask | null;
  /** q·N, the cohort the round was planned for: the noisy sum is divided by it, whoever turns up. */
  expectedCohort: number;
  /** Check-ins past this are refused; the fixed-point scale is chosen so this many sum exactly. */
  maxClients: number;
  fixedPointScale: number;
  /** Epoch ms: check-in closes and the scheduler closes advertising. */
  checkInUntil: number;
}

/** The largest power-of-two scale at which `maxClients` updates clipped to `clip` cannot wrap the ring. */
export function fixedPointScaleFor(maxClients: number, clip: number): number {
  if (!Number.isInteger(maxClients) || maxClients < 1) throw new Error(`round plan: maxClients must be a positive integer, got ${maxClients}`);
  let scale = 2 ** Math.floor(Math.log2((2 ** 31 - 1) / (maxClients * clip)));
  // ⌈C·scale⌉ can round the bound up past 2^31 − 1: step down until it fits.
  while (maxClients * Math.ceil(clip * scale) >= 2 ** 31) scale /= 2;
  return scale;
}

export function checkRoundPlan(plan: RoundPlan, clip: number, length: number): RoundPlan {
  const { expectedCohort, maxClients, fixedPointScale, checkInUntil } = plan;
  if (!(expectedCohort >= 1) || !Number.isFinite(expectedCohort)) throw new Error(`round plan: expectedCohort must be ≥ 1, got ${expectedCohort}`);
  if (!Number.isInteger(maxClients) || maxClients < 3) throw new Error(`round plan: maxClients must be a whole number ≥ 3 (SecAgg+ needs three), got ${maxClients}`);
  if (!Number.isFinite(checkInUntil)) throw new Error('round plan: checkInUntil must be a time');
  checkCohort(maxClients, { length, clip, scale: fixedPointScale });
  if (plan.task && !(plan.task.catalog && plan.task.file && FEDERATED_MODELS.includes(plan.task.model) && SERVER_OPTIMIZERS.includes(plan.task.optimizer))) {
    throw new Error(`round plan: a task names a catalogue, a model (${FEDERATED_MODELS.join(' or ')}), its file and the server's optimizer (${SERVER_OPTIMIZERS.join(' or ')})`);
  }
  return plan;
}
