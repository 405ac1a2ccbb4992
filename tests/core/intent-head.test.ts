import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intentProbabilities, parseIntentHead, predictIntents } from '../../src/core/intent-head.ts';
import { currentManifest, readJson, repoRoot, versionDir } from '../support/models.ts';
import { loadNodeEncoder } from '../../src/server/node-encoder.ts';

interface IntentGolden {
  head: unknown;
  inputs: number[][];
  category_probabilities: number[][];
  behaviour_probabilities: number[][];
}

const golden = readJson(join(repoRoot, 'tests/golden/intent-head.json')) as IntentGolden;

describe('intent head forward pass', () => {
  const head = parseIntentHead(golden.head);

  it('matches PyTorch softmax and sigmoid outputs on the golden inputs', () => {
    golden.inputs.forEach((input, i) => {
      const { categories, behaviours } = intentProbabilities(head, Float32Array.from(input));
      categories.forEach((p, c) => expect(Math.abs(p - golden.category_probabilities[i]![c]!)).toBeLessThan(1e-6));
      behaviours.forEach((p, b) => expect(Math.abs(p - golden.behaviour_probabilities[i]![b]!)).toBeLessThan(1e-6));
    });
  });

  it('ranks categories and behaviours most probable first', () => {
    const prediction = predictIntents(head, Float32Array.from(golden.inputs[0]!), 3);
    expect(prediction.categories).toHaveLength(3);
    expect(prediction.categories[0]!.probability).toBeGreaterThanOrEqual(prediction.categories[1]!.probability);
    expect(prediction.behaviours.map((b) => b.name).sort()).toEqual(['browse', 'compare', 'deal', 'gift']);
  });

  it('rejects malformed heads and wrong-width embeddings clearly', () => {
    expect(() => parseIntentHead({ ...(golden.head as object), format: 2 })).toThrow(/format/);
    expect(() => parseIntentHead({ ...(golden.head as object), categories: ['only one'] })).toThrow(/category_layer must have 1 rows/);
    expect(() => intentProbabilities(head, new Float32Array(3))).toThrow(/3 dims, expected 384/);
  });
});

describe('the demo catalogue intent head published with the model', () => {
  it('reads real shopping queries as the right department and behaviour', async () => {
    const manifest = currentManifest();
    const entry = manifest.catalogs.find((c) => c.name === 'demo')!;
    const head = parseIntentHead(JSON.parse(readFileSync(join(versionDir(manifest), entry.intent_head!), 'utf8')));
    const encoder = await loadNodeEncoder(versionDir(manifest), manifest, 'int8');
    const cases: [string, RegExp, string | null][] = [
      ['pour over coffee dripper', /^Coffee & Tea/, null],
      ['cheap yoga mat', /^Yoga & Fitness/, 'deal'],
      ['birthday gift for my dog', /^Pet Supplies/, 'gift'],
      ['safety goggles for the lab', /^Science & Lab/, null],
    ];
    for (const [query, department, behaviour] of cases) {
      const [vector] = await encoder.embed([query]);
      const prediction = predictIntents(head, vector!);
      expect(prediction.categories.slice(0, 3).some((c) => department.test(c.name)), query).toBe(true);
      if (behaviour) expect(prediction.behaviours[0]!.name, query).toBe(behaviour);
    }
  });
});
