import { describe, expect, it } from 'vitest';
import { manifestFile, parseManifest, parsePointer } from '../../src/core/manifest.ts';

const valid = {
  version: 'minilm-l6-v2-abc123',
  created: '2026-11-26T00:00:00+00:00',
  base_model: 'sentence-transformers/all-MiniLM-L6-v2',
  dims: 384,
  max_tokens: 128,
  opset: 17,
  inputs: ['input_ids', 'attention_mask'],
  output: 'embedding',
  files: [{ name: 'encoder.int8.onnx', bytes: 10, sha256: 'a'.repeat(64), dtype: 'int8' }],
  backends: { wasm: 'encoder.int8.onnx', webgpu: 'encoder.int8.onnx' },
  intents: [],
  metrics: {},
  dp: { epsilon: 0, delta: 0, rounds: 0 },
};

describe('parseManifest', () => {
  it('accepts a well-formed manifest', () => {
    const manifest = parseManifest(valid);
    expect(manifestFile(manifest, 'encoder.int8.onnx').bytes).toBe(10);
    expect(() => manifestFile(manifest, 'missing.onnx')).toThrow(/no file "missing.onnx"/);
  });

  it.each([
    ['a version that escapes its folder', { ...valid, version: '../etc' }, /version/],
    ['a file name with a slash', { ...valid, files: [{ ...valid.files[0], name: 'a/b.onnx' }] }, /file name/],
    ['a short sha256', { ...valid, files: [{ ...valid.files[0], sha256: 'abc' }] }, /sha256/],
    ['no files', { ...valid, files: [] }, /files/],
    ['duplicate files', { ...valid, files: [valid.files[0], valid.files[0]] }, /unique/],
    ['fractional dims', { ...valid, dims: 38.4 }, /dims/],
    ['negative epsilon', { ...valid, dp: { epsilon: -1, delta: 0, rounds: 0 } }, /epsilon/],
    ['not an object', 'manifest', /object/],
    ['a backend file that is not listed', { ...valid, backends: { wasm: 'encoder.int8.onnx', webgpu: 'x.onnx' } }, /backends.webgpu/],
    ['a catalog whose items are not listed', { ...valid, catalogs: [{ name: 'demo', items: 'items.int8', ids: 'ids.json', rows: 3, source_sha256: 'b'.repeat(64) }] }, /not in files/],
  ])('rejects %s', (_, input, message) => {
    expect(() => parseManifest(input)).toThrow(message);
  });
});

describe('parsePointer', () => {
  it('accepts the pointer the trainer writes and rejects one pointing elsewhere', () => {
    expect(parsePointer({ current: 'v1', manifest: 'v1/manifest.json' }).current).toBe('v1');
    expect(() => parsePointer({ current: 'v1', manifest: '../v2/manifest.json' })).toThrow(/pointer/);
  });
});
