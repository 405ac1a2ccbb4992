/**
 * The training job's stdout protocol (`python -m trainer.training_job`): one JSON object a
 * line, `started` first, then `progress` lines, then exactly one `done` or `error`. The server
 * parses every line through here and folds it into the job's progress; a line that breaks the
 * protocol is an error, never guessed at, because a job the server misreads could publish a
 * model nobody evaluated.
 */

export const TRAINING_STAGES = ['finetune', 'export', 'quantize', 'index', 'evaluate'] as const;
export type TrainingStage = (typeof TRAINING_STAGES)[number];
export type TrainingDevice = 'cpu' | 'cuda';

export interface StartedEvent {
  event: 'started';
  device: TrainingDevice;
  gpus: number;
  pid: number;
}

export interface ProgressEvent {
  event: 'progress';
  stage: TrainingStage;
  step: number;
  of: number;
  loss: number | null;
  samples_per_s: number | null;
}

export interface DoneEvent {
  event: 'done';
  candidate: string;
  /** The candidate's offline metrics and the current version's, on the same benchmark. */
  metrics: Record<string, unknown>;
  baseline: Record<string, unknown>;
  /** True when the candidate is worse than the current version on the gate metric. */
  regressed: boolean;
  summary: string;
}

export interface ErrorEvent {
  event: 'error';
  message: string;
}

export type TrainingJobEvent = StartedEvent | ProgressEvent | DoneEvent | ErrorEvent;

export class TrainingProtocolError extends Error {
  override name = 'TrainingProtocolError';
}

function fail(what: string): never {
  throw new TrainingProtocolError(what);
}

function field<T>(obj: Record<string, unknown>, key: string, check: (value: unknown) => value is T, expected: string): T {
  const value = obj[key];
  if (!check(value)) fail(`"${obj.event as string}" needs "${key}" as ${expected}, got ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isPositiveCount = (v: unknown): v is number => isCount(v) && v > 0;
const isMeasure = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));
const isRate = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v) && v >= 0);
const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isDevice = (v: unknown): v is TrainingDevice => v === 'cpu' || v === 'cuda';
const isStage = (v: unknown): v is TrainingStage => (TRAINING_STAGES as readonly unknown[]).includes(v);

/** One stdout line → a checked event; anything else throws TrainingProtocolError. */
export function parseTrainingJobEvent(line: string): TrainingJobEvent {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    fail(`not a JSON line: ${JSON.stringify(line.slice(0, 200))}`);
  }
  if (!isObject(json)) fail(`a line must be a JSON object: ${JSON.stringify(line.slice(0, 200))}`);
  switch (json.event) {
    case 'started':
      return { event: 'started', device: field(json, 'device', isDevice, '"cpu" or "cuda"'), gpus: field(json, 'gpus', isCount, 'a GPU count'), pid: field(json, 'pid', isPositiveCount, 'a process id') };
    case 'progress': {
      const step = field(json, 'step', isCount, 'a step number');
      const of = field(json, 'of', isPositiveCount, 'a positive step count');
      if (step > of) fail(`"progress" step ${step} is past its "of" ${of}`);
      return {
        event: 'progress',
        stage: field(json, 'stage', isStage, `one of ${TRAINING_STAGES.join(', ')}`),
        step,
        of,
        loss: field(json, 'loss', isMeasure, 'a number or null'),
        samples_per_s: field(json, 'samples_per_s', isRate, 'a non-negative number or null'),
      };
    }
    case 'done':
      return {
        event: 'done',
        candidate: field(json, 'candidate', isText, 'the candidate version'),
        metrics: field(json, 'metrics', isObject, 'an object'),
        baseline: field(json, 'baseline', isObject, 'an object'),
        regressed: field(json, 'regressed', isBoolean, 'true or false'),
        summary: field(json, 'summary', (v): v is string => typeof v === 'string', 'a string'),
      };
    case 'error':
      return { event: 'error', message: field(json, 'message', isText, 'a message') };
    default:
      fail(`unknown event ${JSON.stringify(json.event) ?? '(none)'}`);
  }
}

/** What a running job has reported so far (the API and the dashboard show this). */
export interface TrainingJobProgress {
  device: TrainingDevice | null;
  gpus: number | null;
  pid: number | null;
  stage: TrainingStage | null;
  step: number | null;
  of: number | null;
  loss: number | null;
  samplesPerS: number | null;
  /** The trainer's last word: `done` or `error`, once it came. */
  outcome: DoneEvent | ErrorEvent | null;
}

export const NO_PROGRESS: TrainingJobProgress = { device: null, gpus: null, pid: null, stage: null, step: null, of: null, loss: null, samplesPerS: null, outcome: null };

/**
 * Folds one event into the progress, in protocol order: `started` once and first, nothing
 * after `done`/`error`, and a `done` only for the version the job asked for.
 */
export function applyTrainingJobEvent(progress: TrainingJobProgress, event: TrainingJobEvent, expectedCandidate: string): TrainingJobProgress {
  if (progress.outcome) fail(`"${event.event}" after the job already ended with "${progress.outcome.event}"`);
  const started = progress.device !== null;
  if (event.event === 'started') {
    if (started) fail('a second "started"');
    return { ...progress, device: event.device, gpus: event.gpus, pid: event.pid };
  }
  if (!started && event.event !== 'error') fail(`"${event.event}" before "started"`);
  switch (event.event) {
    case 'progress':
      return { ...progress, stage: event.stage, step: event.step, of: event.of, loss: event.loss, samplesPerS: event.samples_per_s };
    case 'done':
      if (event.candidate !== expectedCandidate) fail(`"done" names candidate "${event.candidate}", the job asked for "${expectedCandidate}"`);
      return { ...progress, outcome: event };
    case 'error':
      return { ...progress, outcome: event };
  }
}
