import { describe, expect, it } from 'vitest';
import { TextTokenizer } from '../../src/core/tokenize.ts';
import { loadTokenizer } from '../../src/server/node-encoder.ts';
import { currentManifest, loadGolden, readJson, versionDir } from '../support/models.ts';
import { join } from 'node:path';

const golden = loadGolden();
const tokenizer = loadTokenizer(versionDir(), currentManifest());

describe('TextTokenizer', () => {
  it('gives exactly the Python token ids on every golden string', () => {
    const mismatches = golden.cases
      .map((c) => ({ text: c.text, expected: c.input_ids, actual: tokenizer.encode(c.text) }))
      .filter((m) => JSON.stringify(m.actual) !== JSON.stringify(m.expected));
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(golden.cases.length).toBeGreaterThanOrEqual(200);
  });

  it('truncates long input to max_tokens with [SEP] last', () => {
    const ids = tokenizer.encode('gift '.repeat(5000));
    expect(ids).toHaveLength(currentManifest().max_tokens);
    expect(ids.at(-1)).toBe(102);
    expect(ids[0]).toBe(101);
  });

  it('pads a batch to its longest row and masks the padding', () => {
    const batch = tokenizer.encodeBatch(['gift', 'a much longer shopping query for a teacher']);
    const longest = tokenizer.encode('a much longer shopping query for a teacher').length;
    expect(batch.batch).toBe(2);
    expect(batch.sequence).toBe(longest);
    const firstMask = Array.from(batch.attentionMask.slice(0, batch.sequence), Number);
    expect(firstMask).toEqual([1, 1, 1, ...Array(longest - 3).fill(0)]);
    expect(Number(batch.inputIds[batch.sequence - 1])).toBe(0);
  });

  it('rejects a token budget that cannot hold [CLS] and [SEP]', () => {
    const dir = versionDir();
    const json = readJson(join(dir, 'tokenizer.json')) as object;
    const config = readJson(join(dir, 'tokenizer_config.json')) as object;
    expect(() => new TextTokenizer(json, config, 2)).toThrow(/maxTokens/);
  });
});
