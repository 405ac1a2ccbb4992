/**
 * Folds completed federated rounds into their catalogue's ranker and publishes it (DESIGN.md,
 * federated protocol step 4): decode the exact SecAgg+ sum, add Gaussian noise σ = z·C drawn
 * from node:crypto (central DP), divide by the planned cohort, take one FedAdam step
 * (src/core/server-optimizer.ts, the trainer's optimizer) on the federated parameters, and
 * list the new ranker in the current model version's manifest with the (ε, δ) of every round the
 * merchant has completed so far (privacy-budget.ts releasedGuarantee). Widgets pick it up on their next load.
 *
 * Each round is applied at most once. The optimizer's moments and the list of applied rounds
 * live in a state file under the server's data folder, written before the manifest: a crash
 * after the state write re-points the manifest on the next start instead of stepping twice.
 * A round whose base ranker is no longer the catalogue's (the catalogue was re-indexed, or the
 * job runner published a new version) is recorded as skipped: its ε was still spent.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { federatedLength, federatedVector, withFederatedVector } from '../core/federated-parameters.ts';
import { decodeSum, l2Norm } from '../core/fixed-point.ts';
import { gaussianNoise, uniformFrom } from '../core/gaussian-noise.ts';
import { withRanker, type DpGuarantee, type ModelManifest } from '../core/manifest.ts';
import { parseRanker, serializeRanker } from '../core/ranker.ts';
import type { RoundPlan } from '../core/round-plan.ts';
import { decodeWords } from '../core/secagg-wire.ts';
import { checkFedAdam, fedadam, noisyMean, zeroState, type FedAdamSettings, type FedAdamState } from '../core/server-optimizer.ts';
import { currentVersion } from './current-version.ts';
import { describeBytes, writeAtomically } from './model-files.ts';
import { releasedGuarantee, type RoundPrivacy } from './privacy-budget.ts';
import type { RoundRecord, RoundStore } from './storage/round-store.ts';

/** The simulation's server settings (trainer/federated/simulate.py FederatedConfig), which bench/results/federated.json measured. */
export const SERVER_OPTIMIZER = { projectionRate: 0.001, smallRate: 0.01, beta1: 0.9, beta2: 0.99, tau: 1e-3 } as const;

export interface AppliedRound {
  roundId: string;
  /** Published: the ranker file it produced; skipped: why not. */
  ranker: string | null;
  skipped: string | null;
  survivors: number;
  noiseStd: number;
  dp: DpGuarantee;
  at: number;
}

interface CatalogState {
  /** The ranker file this state's moments belong to. */
  ranker: string;
  m: string;
  v: string;
  applied: AppliedRound[];
}

interface RoundConfigWithPlan {
  length: number;
  privacy: RoundPrivacy;
  plan: RoundPlan;
}

export interface FederatedRankerOptions {
  modelsDir: string;
  /** Where the optimizer state lives (not served). */
  dataDir: string;
  delta: number;
  /** Called after a new ranker is listed, so the server serves the new manifest. */
  onPublished?: (manifest: ModelManifest) => unknown;
  /**
   * Runs each round's apply where no model version is switched in meanwhile (the registry's
   * queue, ModelRegistry.exclusive): a training candidate being published then carries the
   * ranker this writes. Directly when not given.
   */
  exclusive?: <T>(work: () => T) => Promise<T>;
  /** Random bytes for the noise; node:crypto unless a test pins them. */
  randomBytes?: (count: number) => Uint8Array;
  now?: () => number;
}

const f64 = (x: Float64Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64');
const fromF64 = (text: string) => {
  const bytes = Buffer.from(text, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

export class FederatedRanker {
  readonly #options: FederatedRankerOptions;
  #queue: Promise<unknown> = Promise.resolve();
  /**
   * Rounds this process has already looked at: each catch-up would otherwise parse a
   * catalogue's state (its FedAdam moments, ~0.5 MB of JSON) once per completed round ever.
   * The first catch-up after a start still looks at every round (crash repair).
   */
  readonly #settled = new Set<string>();

  constructor(options: FederatedRankerOptions) {
    this.#options = options;
  }

  /** Applies every completed round of `store` not yet applied, oldest first (at start-up, and after each round). */
  catchUp(store: RoundStore): Promise<AppliedRound[]> {
    const run = this.#queue.then(async () => {
      const done: AppliedRound[] = [];
      const completed = (await store.rounds({ state: 'completed' })).reverse();
      const exclusive = this.#options.exclusive ?? (async <T>(work: () => T) => work());
      for (const record of completed) {
        if (this.#settled.has(record.id)) continue;
        const applied = await exclusive(() => this.#apply(record, completed));
        // Applied, skipped, finished after a crash or a bare sum: never read its state again.
        this.#settled.add(record.id);
        if (applied) done.push(applied);
      }
      return done;
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** What was applied to a catalogue so far (dashboard, audit). */
  history(merchant: string, catalog: string): AppliedRound[] {
    return this.#readState(merchant, catalog)?.applied ?? [];
  }

  /** Every applied round of a merchant's catalogues, by round id (the rounds list on the dashboard). */
  publishedBy(merchant: string): Map<string, AppliedRound> {
    const out = new Map<string, AppliedRound>();
    const dir = this.#merchantDir(merchant);
    if (!existsSync(dir)) return out;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      const state = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CatalogState;
      for (const applied of state.applied) out.set(applied.roundId, applied);
    }
    return out;
  }

  #statePath(merchant: string, catalog: string): string {
    return join(this.#merchantDir(merchant), `${encodeURIComponent(catalog)}.json`);
  }

  #merchantDir(merchant: string): string {
    return join(this.#options.dataDir, 'federated', encodeURIComponent(merchant));
  }

  #readState(merchant: string, catalog: string): CatalogState | null {
    const path = this.#statePath(merchant, catalog);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as CatalogState) : null;
  }

  #apply(record: RoundRecord, completed: readonly RoundRecord[]): AppliedRound | null {
    const config = record.config as Partial<RoundConfigWithPlan>;
    const task = config.plan?.task;
    if (!task || !config.plan || !config.privacy) return null; // a bare sum updates nothing
    const { modelsDir, delta } = this.#options;
    const previous = this.#readState(record.merchant, task.catalog);
    const already = previous?.applied.find((a) => a.roundId === record.id);
    const { manifest, versionDir } = currentVersion(modelsDir);
    const entry = manifest.catalogs.find((c) => c.name === task.catalog);
    if (already) {
      // Crashed between the state and the manifest write: finish the publish.
      if (already.ranker && previous?.ranker === already.ranker && entry && entry.ranker !== already.ranker && existsSync(join(versionDir, already.ranker))) {
        this.#list(manifest, versionDir, task.catalog, already.ranker, readFileSync(join(versionDir, already.ranker)), already.dp);
      }
      return null;
    }
    const outcome = record.outcome as { survivors: number[]; sum: string };
    const { privacy, plan } = config;
    const dp = releasedGuarantee(completed, record, delta);
    const noiseStd = privacy.noiseMultiplier * privacy.clipNorm;
    const base = { roundId: record.id, survivors: outcome.survivors.length, noiseStd, dp, at: (this.#options.now ?? Date.now)() };
    const skip = (why: string): AppliedRound => {
      const skipped = { ...base, ranker: null, skipped: why };
      this.#saveState(record.merchant, task.catalog, previous ?? null, skipped, null);
      return skipped;
    };
    if (!entry || entry.ranker !== task.ranker) return skip(`catalogue "${task.catalog}" no longer uses ranker ${task.ranker} (now ${entry?.ranker ?? 'none'})`);
    const ranker = parseRanker(JSON.parse(readFileSync(join(versionDir, task.ranker), 'utf8')));
    const length = federatedLength(ranker);
    if (length !== config.length) return skip(`round length ${config.length} is not ranker ${task.ranker}'s ${length}`);

    const sum = decodeSum(decodeWords(outcome.sum, 'sum'), outcome.survivors.length, { length, clip: privacy.clipNorm, scale: plan.fixedPointScale });
    // SecAgg+ hides each input, so the one norm check left is the sum's: n inputs clipped to C
    // sum to at most n·C (plus each code's rounding, ½ per value). More means some client sent
    // an unclipped or oversized input; its update is refused, not averaged in.
    const bound = outcome.survivors.length * (privacy.clipNorm + Math.sqrt(length) / (2 * plan.fixedPointScale));
    if (l2Norm(sum) > bound) return skip(`the decoded sum's L2 norm ${l2Norm(sum).toFixed(4)} is over ${outcome.survivors.length} clients × C = ${bound.toFixed(4)}: some input was not clipped`);
    const noise = gaussianNoise(length, noiseStd, uniformFrom(this.#options.randomBytes ?? randomBytes));
    const mean = noisyMean(sum, noise, plan.expectedCohort);
    const moments: FedAdamState = previous && previous.ranker === task.ranker ? { m: fromF64(previous.m), v: fromF64(previous.v) } : zeroState(length);
    const { params, state } = fedadam(federatedVector(ranker), mean, moments, serverSettings(ranker.dims * ranker.inputDims, length));

    const bytes = new TextEncoder().encode(JSON.stringify(serializeRanker(withFederatedVector(ranker, params))) + '\n');
    const name = `ranker.${task.catalog}.${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.json`;
    writeAtomically(join(versionDir, name), bytes);
    const published = { ...base, ranker: name, skipped: null };
    this.#saveState(record.merchant, task.catalog, previous ?? null, published, { ranker: name, state });
    this.#list(manifest, versionDir, task.catalog, name, bytes, dp);
    return published;
  }

  #saveState(merchant: string, catalog: string, previous: CatalogState | null, applied: AppliedRound, next: { ranker: string; state: FedAdamState } | null): void {
    const kept: CatalogState = previous ?? { ranker: '', m: '', v: '', applied: [] };
    const state: CatalogState = next
      ? { ranker: next.ranker, m: f64(next.state.m), v: f64(next.state.v), applied: [...kept.applied, applied] }
      : { ...kept, applied: [...kept.applied, applied] };
    mkdirSync(this.#merchantDir(merchant), { recursive: true });
    writeAtomically(this.#statePath(merchant, catalog), JSON.stringify(state));
  }

  /** Lists `name` as the catalogue's ranker, with its guarantee; the old ranker file stays on disk for widgets mid-load. */
  #list(manifest: ModelManifest, versionDir: string, catalog: string, name: string, bytes: Uint8Array, dp: DpGuarantee): void {
    const updated = withRanker(manifest, catalog, describeBytes(name, bytes, 'json'), dp);
    writeAtomically(join(versionDir, 'manifest.json'), JSON.stringify(updated, null, 2) + '\n');
    void this.#options.onPublished?.(updated);
  }
}

/** FedAdam with the projection's smaller step, as the simulation ran it. */
export function serverSettings(projectionSize: number, length: number): FedAdamSettings {
  const rates = new Float64Array(length).fill(SERVER_OPTIMIZER.smallRate);
  rates.fill(SERVER_OPTIMIZER.projectionRate, 0, projectionSize);
  return checkFedAdam({ rates, beta1: SERVER_OPTIMIZER.beta1, beta2: SERVER_OPTIMIZER.beta2, tau: SERVER_OPTIMIZER.tau });
}

/**
 * The round API's view of a catalogue's ranker: the file the current manifest names and its
 * federated length. Read from disk each time (a parse per round opened), so a ranker this
 * module just published is the base of the next round.
 */
export function currentRankerOf(modelsDir: string): (catalog: string) => { ranker: string; length: number } | null {
  return (catalog) => {
    const { manifest, versionDir } = currentVersion(modelsDir);
    const file = manifest.catalogs.find((c) => c.name === catalog)?.ranker;
    if (!file) return null;
    return { ranker: file, length: federatedLength(parseRanker(JSON.parse(readFileSync(join(versionDir, file), 'utf8')))) };
  };
}
