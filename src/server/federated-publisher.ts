/**
 * Folds completed federated rounds into the catalogue model each one trained, its ranker or its
 * intent head, and publishes it (DESIGN.md, federated protocol step 4): decode the exact SecAgg+
 * sum, add Gaussian noise σ = z·C drawn from node:crypto (central DP), divide by the planned
 * cohort, take one FedAdam step (src/core/server-optimizer.ts, the trainer's optimizer) on the
 * model's federated parameters (src/core/federated-files.ts), and list the new file in the
 * current model version's manifest with the (ε, δ) of every round the merchant has completed so
 * far (privacy-budget.ts releasedGuarantee). Widgets pick it up on their next load.
 *
 * Each round is applied at most once. Each (catalogue, model)'s optimizer moments and its list
 * of applied rounds live in a state file under the server's data folder, written before the
 * manifest: a crash after the state write re-points the manifest on the next start instead of
 * stepping twice. A round whose base file is no longer the catalogue's (the catalogue was
 * re-indexed, or the job runner published a new version) is recorded as skipped: its ε was
 * still spent.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { federatedFile, MANIFEST_KEY, SERVER_OPTIMIZER, type FederatedFile } from '../core/federated-files.ts';
import { decodeSum, l2Norm } from '../core/fixed-point.ts';
import { gaussianNoise, uniformFrom } from '../core/gaussian-noise.ts';
import { withCatalogFile, type DpGuarantee, type ModelManifest } from '../core/manifest.ts';
import { readTask, type FederatedModel, type RoundPlan, type ServerOptimizer } from '../core/round-plan.ts';
import { decodeWords } from '../core/secagg-wire.ts';
import { fedadam, fedavg, noisyMean, zeroState, type FedAdamState } from '../core/server-optimizer.ts';
import { currentVersion } from './current-version.ts';
import { describeBytes, writeAtomically } from './model-files.ts';
import { releasedGuarantee, type RoundPrivacy } from './privacy-budget.ts';
import type { RoundRecord, RoundStore } from './storage/round-store.ts';

export interface AppliedRound {
  roundId: string;
  /** The catalogue model the round trained, and the server's step. */
  model: FederatedModel;
  optimizer: ServerOptimizer;
  /** Published: the file it produced; skipped: why not. */
  file: string | null;
  skipped: string | null;
  survivors: number;
  noiseStd: number;
  dp: DpGuarantee;
  at: number;
}

interface ModelState {
  /** The file this state's moments belong to. */
  file: string;
  m: string;
  v: string;
  applied: AppliedRound[];
}

/** A state file as written before the intent head was federated: ranker rounds only, named by `ranker`. */
type StoredState = Omit<ModelState, 'file' | 'applied'> & { file?: string; ranker?: string; applied: (Omit<AppliedRound, 'model' | 'file' | 'optimizer'> & Partial<Pick<AppliedRound, 'model' | 'file' | 'optimizer'>> & { ranker?: string | null })[] };

function readStoredState(text: string): ModelState {
  const stored = JSON.parse(text) as StoredState;
  return {
    file: stored.file ?? stored.ranker ?? '',
    m: stored.m,
    v: stored.v,
    applied: stored.applied.map(({ ranker, ...a }) => ({ ...a, model: a.model ?? 'ranker', optimizer: a.optimizer ?? 'fedadam', file: a.file !== undefined ? a.file : (ranker ?? null) })),
  };
}

interface RoundConfigWithPlan {
  length: number;
  privacy: RoundPrivacy;
  plan: RoundPlan;
}

export interface FederatedPublisherOptions {
  modelsDir: string;
  /** Where the optimizer state lives (not served). */
  dataDir: string;
  delta: number;
  /** Called after a new file is listed, so the server serves the new manifest. */
  onPublished?: (manifest: ModelManifest) => unknown;
  /**
   * Runs each round's apply where no model version is switched in meanwhile (the registry's
   * queue, ModelRegistry.exclusive): a training candidate being published then carries the
   * ranker this writes (carry-rankers.ts). Directly when not given.
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

export class FederatedPublisher {
  readonly #options: FederatedPublisherOptions;
  #queue: Promise<unknown> = Promise.resolve();
  /**
   * Rounds this process has already looked at: each catch-up would otherwise parse a model's
   * state (its FedAdam moments, ~0.5 MB of JSON for a ranker) once per completed round ever.
   * The first catch-up after a start still looks at every round (crash repair).
   */
  readonly #settled = new Set<string>();

  constructor(options: FederatedPublisherOptions) {
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

  /** What was applied to a catalogue's model so far (dashboard, audit). */
  history(merchant: string, catalog: string, model: FederatedModel = 'ranker'): AppliedRound[] {
    return this.#readState(merchant, catalog, model)?.applied ?? [];
  }

  /** Every applied round of a merchant's catalogue models, by round id (the rounds list on the dashboard). */
  publishedBy(merchant: string): Map<string, AppliedRound> {
    const out = new Map<string, AppliedRound>();
    const dir = this.#merchantDir(merchant);
    if (!existsSync(dir)) return out;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.json')) continue;
      for (const applied of readStoredState(readFileSync(join(dir, file), 'utf8')).applied) out.set(applied.roundId, applied);
    }
    return out;
  }

  /** `<catalog>.json` for the ranker (as before the intent head was federated), `<catalog>@intent.json` for the head: '@' is escaped in names, so they cannot collide. */
  #statePath(merchant: string, catalog: string, model: FederatedModel): string {
    return join(this.#merchantDir(merchant), `${encodeURIComponent(catalog)}${model === 'ranker' ? '' : `@${model}`}.json`);
  }

  #merchantDir(merchant: string): string {
    return join(this.#options.dataDir, 'federated', encodeURIComponent(merchant));
  }

  #readState(merchant: string, catalog: string, model: FederatedModel): ModelState | null {
    const path = this.#statePath(merchant, catalog, model);
    return existsSync(path) ? readStoredState(readFileSync(path, 'utf8')) : null;
  }

  #apply(record: RoundRecord, completed: readonly RoundRecord[]): AppliedRound | null {
    const config = record.config as Partial<RoundConfigWithPlan>;
    const task = readTask(config.plan);
    if (!task || !config.plan || !config.privacy) return null; // a bare sum updates nothing
    const { modelsDir, delta } = this.#options;
    const { catalog, model, optimizer } = task;
    const key = MANIFEST_KEY[model];
    const previous = this.#readState(record.merchant, catalog, model);
    const already = previous?.applied.find((a) => a.roundId === record.id);
    const { manifest, versionDir } = currentVersion(modelsDir);
    const entry = manifest.catalogs.find((c) => c.name === catalog);
    if (already) {
      // Crashed between the state and the manifest write: finish the publish.
      if (already.file && previous?.file === already.file && entry && entry[key] !== already.file && existsSync(join(versionDir, already.file))) {
        this.#list(manifest, versionDir, catalog, model, already.file, readFileSync(join(versionDir, already.file)), already.dp);
      }
      return null;
    }
    const outcome = record.outcome as { survivors: number[]; sum: string };
    const { privacy, plan } = config;
    const dp = releasedGuarantee(completed, record, delta);
    const noiseStd = privacy.noiseMultiplier * privacy.clipNorm;
    const base = { roundId: record.id, model, optimizer, survivors: outcome.survivors.length, noiseStd, dp, at: (this.#options.now ?? Date.now)() };
    const skip = (why: string): AppliedRound => {
      const skipped = { ...base, file: null, skipped: why };
      this.#saveState(record.merchant, catalog, model, previous, skipped, null);
      return skipped;
    };
    if (!entry || entry[key] !== task.file) return skip(`catalogue "${catalog}" no longer uses ${model} ${task.file} (now ${entry?.[key] ?? 'none'})`);
    let file: FederatedFile;
    try {
      file = federatedFile(model, JSON.parse(readFileSync(join(versionDir, task.file), 'utf8')));
    } catch (error) {
      // Retrying would block every later round, of every model and merchant, behind this one.
      return skip(`${model} ${task.file} could not be read: ${(error as Error).message}`);
    }
    const { length } = file;
    if (length !== config.length) return skip(`round length ${config.length} is not ${model} ${task.file}'s ${length}`);

    const sum = decodeSum(decodeWords(outcome.sum, 'sum'), outcome.survivors.length, { length, clip: privacy.clipNorm, scale: plan.fixedPointScale });
    // SecAgg+ hides each input, so the one norm check left is the sum's: n inputs clipped to C
    // sum to at most n·C (plus each code's rounding, ½ per value). More means some client sent
    // an unclipped or oversized input; its update is refused, not averaged in.
    const bound = outcome.survivors.length * (privacy.clipNorm + Math.sqrt(length) / (2 * plan.fixedPointScale));
    if (l2Norm(sum) > bound) return skip(`the decoded sum's L2 norm ${l2Norm(sum).toFixed(4)} is over ${outcome.survivors.length} clients × C = ${bound.toFixed(4)}: some input was not clipped`);
    const noise = gaussianNoise(length, noiseStd, uniformFrom(this.#options.randomBytes ?? randomBytes));
    const mean = noisyMean(sum, noise, plan.expectedCohort);
    const moments: FedAdamState = previous && previous.file === task.file ? { m: fromF64(previous.m), v: fromF64(previous.v) } : zeroState(length);
    // FedAvg leaves FedAdam's moments as they were, for the model's next FedAdam round.
    const { params, state } = optimizer === 'fedavg'
      ? { params: fedavg(file.vector, mean, new Float64Array(length).fill(SERVER_OPTIMIZER.fedavgRate)), state: moments }
      : fedadam(file.vector, mean, moments, file.settings);

    const bytes = file.withVector(params);
    const name = `${model}.${catalog}.${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.json`;
    writeAtomically(join(versionDir, name), bytes);
    const published = { ...base, file: name, skipped: null };
    this.#saveState(record.merchant, catalog, model, previous, published, { file: name, state });
    this.#list(manifest, versionDir, catalog, model, name, bytes, dp);
    return published;
  }

  #saveState(merchant: string, catalog: string, model: FederatedModel, previous: ModelState | null, applied: AppliedRound, next: { file: string; state: FedAdamState } | null): void {
    const kept: ModelState = previous ?? { file: '', m: '', v: '', applied: [] };
    const state: ModelState = next
      ? { file: next.file, m: f64(next.state.m), v: f64(next.state.v), applied: [...kept.applied, applied] }
      : { ...kept, applied: [...kept.applied, applied] };
    mkdirSync(this.#merchantDir(merchant), { recursive: true });
    writeAtomically(this.#statePath(merchant, catalog, model), JSON.stringify(state));
  }

  /**
   * Lists `name` as the catalogue's `model` file; the file it replaces stays on disk for widgets
   * mid-load. The catalogue's guarantee covers both of its models' rounds: it only grows.
   */
  #list(manifest: ModelManifest, versionDir: string, catalog: string, model: FederatedModel, name: string, bytes: Uint8Array, dp: DpGuarantee): void {
    const before = manifest.catalogs.find((c) => c.name === catalog)?.dp;
    const updated = withCatalogFile(manifest, catalog, MANIFEST_KEY[model], describeBytes(name, bytes, 'json'), before && before.epsilon > dp.epsilon ? before : dp);
    writeAtomically(join(versionDir, 'manifest.json'), JSON.stringify(updated, null, 2) + '\n');
    void this.#options.onPublished?.(updated);
  }
}

/**
 * The round API's view of a catalogue's models: the file the current manifest names for
 * `model` and its federated length. Read from disk each time (a parse per round opened), so a
 * file this module just published is the base of the next round.
 */
export function currentModelOf(modelsDir: string): (catalog: string, model: FederatedModel) => { file: string; length: number } | null {
  return (catalog, model) => {
    const { manifest, versionDir } = currentVersion(modelsDir);
    const file = manifest.catalogs.find((c) => c.name === catalog)?.[MANIFEST_KEY[model]];
    if (!file) return null;
    return { file, length: federatedFile(model, JSON.parse(readFileSync(join(versionDir, file), 'utf8'))).length };
  };
}
