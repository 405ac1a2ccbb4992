import { describe, expect, it } from 'vitest';
import type { BehaviourEvent } from '../../src/core/behaviour-event.ts';
import { adaptationStep, DEFAULT_ADAPTATION } from '../../src/core/local-adaptation.ts';
import { learnProfile, type ProfileModel } from '../../src/core/profile-learning.ts';
import { profileVector } from '../../src/core/recommendations.ts';
import { context, ranker } from '../support/ranker-golden.ts';

const ids = Array.from({ length: context.matrix.rows }, (_, row) => `p${row}`);
const model: ProfileModel = { file: 'ranker.test.abc.json', weights: ranker, context, rowOf: (id) => (ids.includes(id) ? ids.indexOf(id) : undefined) };
const T = Date.UTC(2026, 10, 26);
const events = (list: Omit<BehaviourEvent, 'at'>[]) => list.map((event, i) => ({ key: i + 1, event: { ...event, at: T + i } }));

const journey = events([
  { type: 'view', itemId: 'p3' },
  { type: 'impression', itemIds: ['p1', 'p2'] },
  { type: 'search', query: 'mug' },
  { type: 'view', itemId: 'gone-from-catalogue' },
  { type: 'click', itemId: 'p7' },
  { type: 'add_to_cart', itemId: 'p7' },
]);

describe('learnProfile', () => {
  it('takes one adaptation step per wanted item, in order, each with the items before it as history', () => {
    const profile = learnProfile(model, journey, null, T);
    let offset: Float32Array = new Float32Array(ranker.dims);
    offset = adaptationStep(ranker, context, [], 3, 'view', offset, DEFAULT_ADAPTATION).personal;
    offset = adaptationStep(ranker, context, [3], 7, 'click', offset, DEFAULT_ADAPTATION).personal;
    offset = adaptationStep(ranker, context, [3, 7], 7, 'add_to_cart', offset, DEFAULT_ADAPTATION).personal;
    expect(profile.offset).toEqual(Array.from(offset));
    expect(profile).toMatchObject({ ranker: model.file, events: 3, lastEventKey: 6, updatedAt: T });
    expect(profile.vector).toEqual(Array.from(profileVector(context.matrix, [3, 7, 7])!));
  });

  it('learns each event once: a second call with new events continues where the first stopped', () => {
    const before = learnProfile(model, journey.slice(0, 5), null, T);
    const continued = learnProfile(model, journey, before, T + 10);
    const atOnce = learnProfile(model, journey, null, T + 10);
    expect(before.events).toBe(2);
    expect(continued.events).toBe(3);
    expect(continued.offset).toEqual(atOnce.offset);
    // Nothing new: the same offset.
    expect(learnProfile(model, journey, continued, T + 20).offset).toEqual(continued.offset);
  });

  it('starts afresh for a new ranker version', () => {
    const old = { ...learnProfile(model, journey, null, T), ranker: 'ranker.test.old.json', offset: Array(ranker.dims).fill(9) };
    expect(learnProfile(model, journey, old, T)).toEqual(learnProfile(model, journey, null, T));
  });

  it('moves the offset towards what the shopper wanted', () => {
    const repeated = events(Array.from({ length: 6 }, () => ({ type: 'view' as const, itemId: 'p11' })));
    const profile = learnProfile(model, repeated, null, T);
    const zero = new Float32Array(ranker.dims);
    const lossWith = adaptationStep(ranker, context, [11], 11, 'view', Float32Array.from(profile.offset), DEFAULT_ADAPTATION).loss;
    const lossWithout = adaptationStep(ranker, context, [11], 11, 'view', zero, DEFAULT_ADAPTATION).loss;
    expect(lossWith).toBeLessThan(lossWithout);
  });

  it('with no wanted items, learns nothing', () => {
    const profile = learnProfile(model, events([{ type: 'search', query: 'x' }, { type: 'view', itemId: 'unknown' }]), null, T);
    expect(profile).toMatchObject({ events: 0, lastEventKey: 2, vector: null }); // read up to the last event all the same
    expect(profile.offset.every((v) => v === 0)).toBe(true);
  });
});
