import { describe, expect, it } from 'vitest';
import { announcementMismatch, parseRoundAnnouncement, type LoadedModels, type RoundAnnouncement } from '../../src/core/round-announcement.ts';

const announced: RoundAnnouncement = {
  roundId: 'r1', merchant: 'demo', modelVersion: 'v1', catalog: 'demo', model: 'ranker', file: 'ranker.demo.json', length: 24_700,
  tolerance: { dropout: 0.3, collusion: 0.05 }, privacy: { sampleRate: 0.05, noiseMultiplier: 1, clipNorm: 2 }, fixedPoint: { scale: 65_536 }, checkInUntil: 1_700_000_000_000,
};
const loaded: LoadedModels = { modelVersion: 'v1', catalog: 'demo', models: { ranker: { file: 'ranker.demo.json', length: 24_700 }, intent: { file: 'intent.demo.json', length: 41_580 } } };

describe('round announcements', () => {
  it('reads a well-formed announcement as it is', () => {
    expect(parseRoundAnnouncement(JSON.parse(JSON.stringify(announced)))).toEqual(announced);
  });

  it.each([
    ['length', { length: 0 }],
    ['privacy.sampleRate', { privacy: { ...announced.privacy, sampleRate: 2 } }],
    ['privacy.clipNorm', { privacy: { ...announced.privacy, clipNorm: -1 } }],
    ['tolerance.dropout', { tolerance: { dropout: 1, collusion: 0 } }],
    ['fixedPoint', { fixedPoint: null }],
    ['file', { file: '' }],
    ['model', { model: 'encoder' }],
  ])('names the malformed field: %s', (what, change) => {
    expect(() => parseRoundAnnouncement({ ...announced, ...change })).toThrow(`"${what}"`);
  });

  it('accepts only a round for the model version, file and length this page has loaded', () => {
    expect(announcementMismatch(announced, loaded)).toBeNull();
    expect(announcementMismatch(announced, { ...loaded, modelVersion: 'v2' })).toMatch(/model v1, this page runs v2/);
    expect(announcementMismatch(announced, { ...loaded, models: { ...loaded.models, ranker: { file: 'ranker.demo.old.json', length: 24_700 } } })).toMatch(/ranker/);
    expect(announcementMismatch(announced, { ...loaded, models: { ...loaded.models, ranker: { file: 'ranker.demo.json', length: 10 } } })).toMatch(/24700 values/);
  });

  it('matches an intent round against the intent head, and refuses it on a page without one', () => {
    const intent = { ...announced, model: 'intent' as const, file: 'intent.demo.json', length: 41_580 };
    expect(announcementMismatch(intent, loaded)).toBeNull();
    expect(announcementMismatch(intent, { ...loaded, models: { ranker: loaded.models.ranker! } })).toMatch(/this page runs no intent/);
  });
});
