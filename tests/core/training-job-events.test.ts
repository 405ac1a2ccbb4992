import { describe, expect, it } from 'vitest';
import {
  applyTrainingJobEvent,
  NO_PROGRESS,
  parseTrainingJobEvent,
  TrainingProtocolError,
  type TrainingJobEvent,
} from '../../src/core/training-job-events.ts';

const line = (event: object) => JSON.stringify(event);
const started = { event: 'started', device: 'cuda', gpus: 2, pid: 4242 };
const progress = { event: 'progress', stage: 'finetune', step: 3, of: 10, loss: 0.5, samples_per_s: 812.5 };
const done = { event: 'done', candidate: 'ft-1', metrics: { 'ndcg@10': 0.07 }, baseline: { 'ndcg@10': 0.06 }, regressed: false, summary: 'ndcg@10 +0.01' };

describe('parseTrainingJobEvent', () => {
  it('reads each kind of line of the contract', () => {
    expect(parseTrainingJobEvent(line(started))).toEqual(started);
    expect(parseTrainingJobEvent(line(progress))).toEqual(progress);
    expect(parseTrainingJobEvent(line({ ...progress, stage: 'export', loss: null, samples_per_s: null }))).toMatchObject({ stage: 'export', loss: null, samples_per_s: null });
    expect(parseTrainingJobEvent(line(done))).toEqual(done);
    expect(parseTrainingJobEvent(line({ event: 'error', message: 'cancelled' }))).toEqual({ event: 'error', message: 'cancelled' });
  });

  it('keeps only the contract fields (a newer trainer may add more)', () => {
    expect(parseTrainingJobEvent(line({ ...started, host: 'gpu-1' }))).toEqual(started);
  });

  it.each([
    ['not JSON', 'Loading checkpoint shards: 100%', /not a JSON line/],
    ['an array', '[1, 2]', /must be a JSON object/],
    ['no event', line({ device: 'cpu' }), /unknown event \(none\)/],
    ['an unknown event', line({ event: 'finished' }), /unknown event "finished"/],
    ['a device the contract does not name', line({ ...started, device: 'mps' }), /"device" as "cpu" or "cuda"/],
    ['a negative GPU count', line({ ...started, gpus: -1 }), /"gpus"/],
    ['pid 0', line({ ...started, pid: 0 }), /"pid"/],
    ['an unknown stage', line({ ...progress, stage: 'distil' }), /"stage" as one of finetune, export/],
    ['a fractional step', line({ ...progress, step: 1.5 }), /"step"/],
    ['a step past of', line({ ...progress, step: 11 }), /step 11 is past its "of" 10/],
    ['of 0', line({ ...progress, step: 0, of: 0 }), /"of"/],
    ['a loss that is text', line({ ...progress, loss: 'nan' }), /"loss" as a number or null/],
    ['a missing loss', line({ event: 'progress', stage: 'export', step: 1, of: 1, samples_per_s: null }), /"loss".*got nothing/],
    ['negative throughput', line({ ...progress, samples_per_s: -3 }), /"samples_per_s"/],
    ['regressed as a string', line({ ...done, regressed: 'false' }), /"regressed" as true or false/],
    ['metrics as a list', line({ ...done, metrics: [0.07] }), /"metrics" as an object/],
    ['an empty error message', line({ event: 'error', message: ' ' }), /"message"/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parseTrainingJobEvent(text)).toThrow(TrainingProtocolError);
    expect(() => parseTrainingJobEvent(text)).toThrow(message);
  });
});

describe('applyTrainingJobEvent', () => {
  const fold = (events: object[], candidate = 'ft-1') =>
    events.reduce((state: typeof NO_PROGRESS, event) => applyTrainingJobEvent(state, event as TrainingJobEvent, candidate), NO_PROGRESS);

  it('keeps the device, the latest stage and step, and the outcome', () => {
    const state = fold([started, progress, { ...progress, stage: 'evaluate', step: 1, of: 1, loss: null, samples_per_s: null }, done]);
    expect(state).toEqual({ device: 'cuda', gpus: 2, pid: 4242, stage: 'evaluate', step: 1, of: 1, loss: null, samplesPerS: null, outcome: done });
  });

  it('accepts an error before "started" (the trainer may fail while it starts)', () => {
    expect(fold([{ event: 'error', message: 'no CUDA device' }]).outcome).toEqual({ event: 'error', message: 'no CUDA device' });
  });

  it.each([
    ['progress before started', [progress], /"progress" before "started"/],
    ['done before started', [done], /"done" before "started"/],
    ['a second started', [started, started], /a second "started"/],
    ['anything after done', [started, done, progress], /"progress" after the job already ended with "done"/],
    ['a second outcome', [started, { event: 'error', message: 'x' }, done], /"done" after the job already ended with "error"/],
  ])('refuses %s', (_what, events, message) => {
    expect(() => fold(events)).toThrow(message);
  });

  it('refuses a "done" for a version the job did not ask for', () => {
    expect(() => fold([started, done], 'ft-2')).toThrow('"done" names candidate "ft-1", the job asked for "ft-2"');
  });
});
