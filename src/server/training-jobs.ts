/**
 * Training jobs: the server runs the Python trainer (`python -m trainer.training_job`) as a
 * child process, one job at a time, reads its JSON-lines progress (src/core/training-job-events.ts),
 * and when the trainer reports a candidate that does not regress, publishes it through the
 * model registry, which verifies every file before models/manifest.json moves. Cancel and
 * timeout send SIGTERM (the trainer stops at its next step and removes its temporary folder),
 * then SIGKILL to the whole process group after a grace period (torchrun's workers included).
 * Job records live in memory: a restart forgets them, never the published versions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  applyTrainingJobEvent,
  NO_PROGRESS,
  parseTrainingJobEvent,
  TrainingProtocolError,
  type TrainingJobProgress,
} from '../core/training-job-events.ts';
import { carryCurrentRankers } from './carry-rankers.ts';
import type { ModelRegistry } from './model-registry.ts';

/** `stopping`: SIGTERM sent (cancel, timeout, protocol breach), the trainer not yet gone. */
export type TrainingJobState = 'running' | 'stopping' | 'publishing' | 'published' | 'regressed' | 'failed' | 'cancelled' | 'timed-out';
export type TrainingDeviceChoice = 'auto' | 'cpu' | 'cuda';

export interface TrainingJobRequest {
  merchant: string;
  /** The catalogue the trainer fine-tunes on, indexes and evaluates (a name in the current manifest). */
  catalog: string;
  device?: TrainingDeviceChoice;
  maxSteps?: number;
  timeBudgetS?: number;
}

export interface TrainingJobResult {
  metrics: Record<string, unknown>;
  baseline: Record<string, unknown>;
  regressed: boolean;
  summary: string;
  /** Whether the candidate became the current version. */
  published: boolean;
  /** Where an unpublished candidate was moved (models/.rejected/…), if it existed. */
  setAsideTo: string | null;
}

/** A job as the API and the dashboard see it. */
export interface TrainingJob {
  id: string;
  merchant: string;
  catalog: string;
  /** The version name the trainer writes its candidate under. */
  candidate: string;
  /** The version that was current when the job started (what the candidate is compared with). */
  baseVersion: string;
  device: TrainingDeviceChoice;
  maxSteps: number | null;
  timeBudgetS: number | null;
  state: TrainingJobState;
  progress: Omit<TrainingJobProgress, 'outcome'>;
  startedAt: string;
  endedAt: string | null;
  result: TrainingJobResult | null;
  error: string | null;
  exitCode: number | null;
  signal: string | null;
  /** The last few KB of the trainer's stderr (free-form log text). */
  stderrTail: string;
}

/** The logger Fastify hands out (pino): structured object first, then the message. */
export interface JobLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface TrainerCommand {
  command: string;
  /** Arguments before the contract's own (`--models-dir … --out-version …`). */
  args: readonly string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface TrainingRunnerOptions {
  registry: ModelRegistry;
  log: JobLogger;
  /** Default: `.venv/bin/python -m trainer.training_job` from the working directory. */
  trainer?: TrainerCommand;
  /** Hard limit on a job's wall time, whatever budget the trainer was given (default 2 h). */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL on cancel or timeout (default 15 s). */
  killGraceMs?: number;
  /** The feeds the server serves, by catalogue: a job embeds every catalogue of the version again (--feed). */
  feedPaths?: ReadonlyMap<string, string>;
}

export class TrainingJobConflictError extends Error {
  override name = 'TrainingJobConflictError';
}

export class TrainingJobNotFoundError extends Error {
  override name = 'TrainingJobNotFoundError';
}

export const DEFAULT_TRAINER: TrainerCommand = { command: '.venv/bin/python', args: ['-m', 'trainer.training_job'] };
const STDERR_TAIL_CHARS = 8192;
// A progress line is ~150 bytes; a "line" this long is a trainer printing something else.
const MAX_LINE_CHARS = 1 << 20;
const ENDED: ReadonlySet<TrainingJobState> = new Set(['published', 'regressed', 'failed', 'cancelled', 'timed-out']);

/** A fresh version name: never reused, so `/models/<version>/…` may stay immutable in caches. */
export function candidateVersionName(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `ft-${stamp}-${randomBytes(3).toString('hex')}`;
}

function trainerArgs(trainer: TrainerCommand, modelsDir: string, job: TrainingJob, feedPaths: ReadonlyMap<string, string>): string[] {
  const args = [...trainer.args, '--models-dir', modelsDir, '--catalog', job.catalog, '--out-version', job.candidate, '--device', job.device];
  for (const [name, path] of feedPaths) args.push('--feed', `${name}=${path}`);
  if (job.maxSteps !== null) args.push('--max-steps', String(job.maxSteps));
  if (job.timeBudgetS !== null) args.push('--time-budget-s', String(job.timeBudgetS));
  return args;
}

/** One running child: its protocol state and how it is being stopped. */
interface Run {
  job: TrainingJob;
  child: ChildProcess;
  progress: TrainingJobProgress;
  stdoutBuffer: string;
  /** Why the server is stopping it, if it is. */
  stopping: 'cancelled' | 'timed-out' | 'protocol' | null;
  protocolError: string | null;
  timers: NodeJS.Timeout[];
  finished: Promise<TrainingJob>;
}

export class TrainingJobRunner {
  readonly #jobs = new Map<string, TrainingJob>();
  readonly #finished = new Map<string, Promise<TrainingJob>>();
  #active: Run | null = null;
  readonly #trainer: TrainerCommand;
  readonly #timeoutMs: number;
  readonly #killGraceMs: number;

  constructor(private readonly options: TrainingRunnerOptions) {
    this.#trainer = options.trainer ?? DEFAULT_TRAINER;
    this.#timeoutMs = options.timeoutMs ?? 2 * 3600_000;
    this.#killGraceMs = options.killGraceMs ?? 15_000;
  }

  /** The registry jobs publish to. */
  get registry(): ModelRegistry {
    return this.options.registry;
  }

  /** The running (or publishing) job, if any. */
  get active(): TrainingJob | null {
    return this.#active?.job ?? null;
  }

  /** Starts a job now, or throws TrainingJobConflictError while another one holds the trainer. */
  start(request: TrainingJobRequest): TrainingJob {
    if (this.#active) throw new TrainingJobConflictError(`training job ${this.#active.job.id} is still ${this.#active.job.state}; one job runs at a time`);
    const { registry } = this.options;
    const job: TrainingJob = {
      id: randomUUID(),
      merchant: request.merchant,
      catalog: request.catalog,
      candidate: candidateVersionName(),
      baseVersion: registry.current.version,
      device: request.device ?? 'auto',
      maxSteps: request.maxSteps ?? null,
      timeBudgetS: request.timeBudgetS ?? null,
      state: 'running',
      progress: withoutOutcome(NO_PROGRESS),
      startedAt: new Date().toISOString(),
      endedAt: null,
      result: null,
      error: null,
      exitCode: null,
      signal: null,
      stderrTail: '',
    };
    const child = spawn(this.#trainer.command, trainerArgs(this.#trainer, registry.modelsDir, job, this.options.feedPaths ?? new Map()), {
      cwd: this.#trainer.cwd,
      env: this.#trainer.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so SIGKILL reaches torchrun's workers too.
      detached: true,
    });
    let settle!: (job: TrainingJob) => void;
    const finished = new Promise<TrainingJob>((resolve) => (settle = resolve));
    const run: Run = { job, child, progress: NO_PROGRESS, stdoutBuffer: '', stopping: null, protocolError: null, timers: [], finished };
    this.#active = run;
    this.#jobs.set(job.id, job);
    this.#finished.set(job.id, finished);
    this.options.log.info({ trainingJob: job.id, candidate: job.candidate, baseVersion: job.baseVersion, device: job.device, catalog: job.catalog }, 'training job started');

    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.#onStdout(run, chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      job.stderrTail = (job.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    run.timers.push(setTimeout(() => this.#stop(run, 'timed-out'), this.#timeoutMs));
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
      if (ended) return;
      ended = true;
      for (const timer of run.timers) clearTimeout(timer);
      this.#finish(run, code, signal, spawnError)
        .catch((err: Error) => {
          this.#fail(job, `the server failed to finish the job: ${err.message}`);
          return job;
        })
        .then(settle);
    };
    child.on('error', (err) => {
      // Spawning failed (no such command); a failed kill also lands here, and the child lives on.
      if (child.pid === undefined) end(null, null, err);
    });
    child.on('close', (code, signal) => end(code, signal));
    return job;
  }

  list(merchant?: string): TrainingJob[] {
    return [...this.#jobs.values()].filter((job) => merchant === undefined || job.merchant === merchant);
  }

  get(id: string): TrainingJob | undefined {
    return this.#jobs.get(id);
  }

  /** Resolves with the job once it has ended (published, kept the current version, failed…). */
  whenEnded(id: string): Promise<TrainingJob> {
    const finished = this.#finished.get(id);
    if (!finished) throw new TrainingJobNotFoundError(`no training job ${id}`);
    return finished;
  }

  /** SIGTERM now, SIGKILL after the grace period; the job ends as `cancelled`. */
  cancel(id: string): TrainingJob {
    const job = this.#jobs.get(id);
    if (!job) throw new TrainingJobNotFoundError(`no training job ${id}`);
    const run = this.#active;
    if (ENDED.has(job.state) || !run || run.job !== job) throw new TrainingJobConflictError(`training job ${id} has already ended (${job.state})`);
    if (job.state === 'publishing') throw new TrainingJobConflictError(`training job ${id} is publishing its candidate and can no longer be cancelled; roll back instead`);
    this.#stop(run, 'cancelled'); // a second cancel while it stops changes nothing
    return job;
  }

  /** On server shutdown: cancel the running job and wait for it, so no trainer outlives the server. */
  async shutdown(): Promise<void> {
    const run = this.#active;
    if (!run) return;
    if (run.job.state === 'running') this.#stop(run, 'cancelled');
    await run.finished;
  }

  #onStdout(run: Run, chunk: string): void {
    if (run.protocolError) return;
    run.stdoutBuffer += chunk;
    let newline: number;
    while ((newline = run.stdoutBuffer.indexOf('\n')) >= 0) {
      const line = run.stdoutBuffer.slice(0, newline).trim();
      run.stdoutBuffer = run.stdoutBuffer.slice(newline + 1);
      if (line !== '') this.#onLine(run, line);
      if (run.protocolError) return;
    }
    if (run.stdoutBuffer.length > MAX_LINE_CHARS) this.#breach(run, new TrainingProtocolError(`a stdout line longer than ${MAX_LINE_CHARS} characters`));
  }

  #onLine(run: Run, line: string): void {
    const { job } = run;
    try {
      const event = parseTrainingJobEvent(line);
      run.progress = applyTrainingJobEvent(run.progress, event, job.candidate);
      job.progress = withoutOutcome(run.progress);
      this.options.log.info({ trainingJob: job.id, ...event }, `training job ${event.event}`);
    } catch (err) {
      if (!(err instanceof TrainingProtocolError)) throw err;
      this.#breach(run, err);
    }
  }

  /** The trainer broke the protocol: nothing it says can be trusted, so stop it. */
  #breach(run: Run, err: TrainingProtocolError): void {
    run.protocolError = `the trainer broke the JSON-lines protocol: ${err.message}`;
    this.options.log.error({ trainingJob: run.job.id, error: run.protocolError }, 'training job protocol error');
    this.#stop(run, 'protocol');
  }

  #stop(run: Run, why: NonNullable<Run['stopping']>): void {
    if (run.stopping) return;
    run.stopping = why;
    run.job.state = 'stopping';
    this.options.log.warn({ trainingJob: run.job.id, reason: why, pid: run.child.pid }, 'stopping training job');
    signal(run.child, 'SIGTERM', false);
    run.timers.push(setTimeout(() => signal(run.child, 'SIGKILL', true), this.#killGraceMs));
  }

  async #finish(run: Run, code: number | null, exitSignal: NodeJS.Signals | null, spawnError?: Error): Promise<TrainingJob> {
    const { job } = run;
    job.exitCode = code;
    job.signal = exitSignal;
    // A last line without its newline still counts.
    if (!run.protocolError && run.stdoutBuffer.trim() !== '') this.#onLine(run, run.stdoutBuffer.trim());
    const outcome = run.progress.outcome;
    try {
      if (spawnError) {
        this.#fail(job, `could not start the trainer (${this.#trainer.command}): ${spawnError.message}`);
      } else if (run.stopping === 'cancelled' || run.stopping === 'timed-out') {
        job.state = run.stopping;
        job.error = run.stopping === 'cancelled' ? 'cancelled' : `timed out after ${this.#timeoutMs / 1000} s`;
      } else if (run.protocolError) {
        this.#fail(job, run.protocolError);
      } else if (outcome?.event === 'error') {
        this.#fail(job, `the trainer failed: ${outcome.message}`);
      } else if (outcome?.event !== 'done') {
        this.#fail(job, `the trainer exited (${exitSignal ? `signal ${exitSignal}` : `code ${code}`}) without a "done" line`);
      } else if (code !== 0) {
        this.#fail(job, `the trainer reported "done" but exited with code ${code}`);
      } else {
        job.result = { metrics: outcome.metrics, baseline: outcome.baseline, regressed: outcome.regressed, summary: outcome.summary, published: false, setAsideTo: null };
        if (outcome.regressed) {
          job.state = 'regressed';
          this.options.log.info({ trainingJob: job.id, candidate: job.candidate, metrics: outcome.metrics, baseline: outcome.baseline, summary: outcome.summary }, 'candidate regressed; the current version stays');
        } else {
          await this.#publish(job);
        }
      }
      if (job.state !== 'published') await this.#setAside(job);
    } finally {
      job.endedAt = new Date().toISOString();
      this.#active = null;
      this.options.log.info({ trainingJob: job.id, state: job.state, error: job.error, exitCode: code, signal: exitSignal }, 'training job ended');
    }
    return job;
  }

  async #publish(job: TrainingJob): Promise<void> {
    job.state = 'publishing';
    try {
      const { registry, log } = this.options;
      await registry.makeCurrent(job.candidate, job.baseVersion, () => {
        const carried = carryCurrentRankers(registry.modelsDir, job.candidate);
        if (carried.length > 0) log.info({ trainingJob: job.id, candidate: job.candidate, catalogs: carried }, 'carried the rankers federated rounds published during the job');
      });
      job.state = 'published';
      job.result!.published = true;
      this.options.log.info({ trainingJob: job.id, version: job.candidate, previous: job.baseVersion }, 'published a new model version');
    } catch (err) {
      this.#fail(job, `the candidate ${job.candidate} was refused: ${(err as Error).message}`);
    }
  }

  #fail(job: TrainingJob, message: string): void {
    job.state = 'failed';
    job.error = message;
  }

  /** Whatever the trainer left under the candidate's name moves out of the versions folder. */
  async #setAside(job: TrainingJob): Promise<void> {
    try {
      const to = await this.options.registry.setAside(job.candidate);
      if (job.result) job.result.setAsideTo = to;
      if (to) this.options.log.warn({ trainingJob: job.id, candidate: job.candidate, to }, 'unpublished candidate set aside');
    } catch (err) {
      this.options.log.error({ trainingJob: job.id, candidate: job.candidate, error: (err as Error).message }, 'could not set the candidate aside');
    }
  }
}

function withoutOutcome(progress: TrainingJobProgress): Omit<TrainingJobProgress, 'outcome'> {
  const { outcome: _outcome, ...rest } = progress;
  return rest;
}

/**
 * SIGTERM to the trainer itself (it cleans up and reports "cancelled"); SIGKILL to its whole
 * process group, so nothing it started (torchrun's workers) lives on. A process already gone is fine.
 */
function signal(child: ChildProcess, name: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined) return;
  try {
    if (group) process.kill(-child.pid, name);
    else if (child.exitCode === null && child.signalCode === null) child.kill(name);
  } catch {
    // ESRCH: it (or its group) has already exited.
  }
}

/**
 * The round scheduler's hook: call the returned function after each completed round; every
 * `rounds` completed rounds it starts a job (`request`). While a job is running the count is
 * kept and the next completed round tries again. Returns the job it started, if any.
 */
export function trainEveryRounds(runner: TrainingJobRunner, rounds: number, request: TrainingJobRequest): () => TrainingJob | null {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`training every ${rounds} rounds: give a whole number ≥ 1`);
  let completed = 0;
  return () => {
    completed += 1;
    if (completed < rounds || runner.active) return null;
    completed = 0;
    return runner.start(request);
  };
}
