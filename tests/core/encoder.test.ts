/** The shared encoder code on onnxruntime-node reproduces the PyTorch golden vectors. */
import type * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SentenceEncoder } from '../../src/core/encoder.ts';
import { loadNodeEncoder } from '../../src/server/node-encoder.ts';
import { cosine, currentManifest, loadGolden, maxAbsDiff, versionDir } from '../support/models.ts';

const golden = loadGolden();
const manifest = currentManifest();

const encoderFor = (dtype: 'fp32' | 'int8') => loadNodeEncoder(versionDir(manifest), manifest, dtype);

describe('SentenceEncoder on onnxruntime-node', () => {
  let fp32: SentenceEncoder<ort.Tensor>;
  beforeAll(async () => {
    fp32 = await encoderFor('fp32');
  });

  it('reproduces every fp32 golden embedding within 1e-4 per component', async () => {
    const vectors = await fp32.embed(golden.cases.map((c) => c.text));
    const worst = Math.max(...vectors.map((v, i) => maxAbsDiff(v, golden.cases[i]!.embedding)));
    expect(worst).toBeLessThan(1e-4);
  });

  it('keeps answers apart when called concurrently', async () => {
    const texts = golden.cases.slice(0, 12).map((c) => c.text);
    const results = await Promise.all(texts.map((t) => fp32.embed([t])));
    results.forEach(([v], i) => expect(maxAbsDiff(v!, golden.cases[i]!.embedding)).toBeLessThan(1e-4));
  });

  it('int8 stays close to the fp32 reference', async () => {
    const int8 = await encoderFor('int8');
    const vectors = await int8.embed(golden.cases.map((c) => c.text));
    const cosines = vectors.map((v, i) => cosine(v, golden.cases[i]!.embedding));
    expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.98);
    expect(cosines.reduce((a, b) => a + b) / cosines.length).toBeGreaterThanOrEqual(0.99);
  });

  it('puts a query nearer its product than an unrelated one', async () => {
    const [query, mug, drill] = await fp32.embed(['gift for a chemistry teacher', 'Periodic Table Coffee Mug 11oz', 'Cordless Drill Driver 18V']);
    expect(cosine(query!, mug!)).toBeGreaterThan(cosine(query!, drill!));
  });
});
