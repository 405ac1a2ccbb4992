/**
 * Does the browser's ranker code give the trainer's answer on real data? Run by
 * `python -m trainer.recsys.evaluate` (so by `npm run eval`) on the ranker it just trained:
 * node --import tsx bench/ranker-parity.ts DIR
 *
 * DIR holds what a browser would download (ranker.json, items.int8, neighbours.json,
 * popularity.json) and cases.json: test shoppers' histories with the trainer's top-10 rows
 * and scores. src/core/ranker.ts ranks each shopper here and the result is compared.
 * Prints one JSON line; exits 1 if any top-10 differs other than by swapping exact ties.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseItemMatrix } from '../src/core/item-matrix.ts';
import { neighboursFromLists } from '../src/core/neighbours.ts';
import { parseRanker, rankerForward, type RankerContext } from '../src/core/ranker.ts';
import { topK } from '../src/core/similarity.ts';
import { softmax } from '../src/core/softmax.ts';

interface ParityCase {
  history: number[];
  rows: number[];
  scores: number[];
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: ranker-parity.ts DIR');
const json = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const bytes = readFileSync(join(dir, 'items.int8'));
const matrix = parseItemMatrix(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
const context: RankerContext = {
  matrix,
  neighbours: neighboursFromLists(json('neighbours.json') as [number, number][][]),
  popularity: Float32Array.from(json('popularity.json') as number[]),
};
const ranker = parseRanker(json('ranker.json'));
const cases = json('cases.json') as ParityCase[];

// A swap is a tie when the two scores agree to float32 rounding of probabilities.
const TIE = 1e-7;
let identical = 0;
let tiesOnly = 0;
let worst = 0;
const mismatches: number[] = [];
cases.forEach((c, index) => {
  const forward = rankerForward(ranker, context, c.history);
  const click = softmax(forward.click);
  const purchase = softmax(forward.purchase);
  const mixed = click.map((p, row) => 0.5 * p + 0.5 * purchase[row]!);
  const top = topK(mixed, c.rows.length);
  top.forEach(({ score }, i) => (worst = Math.max(worst, Math.abs(score - c.scores[i]!))));
  if (top.every(({ index: row }, i) => row === c.rows[i])) identical++;
  else if (top.every(({ index: row, score }, i) => row === c.rows[i] || Math.abs(score - c.scores[i]!) <= TIE)) tiesOnly++;
  else mismatches.push(index);
});
console.log(JSON.stringify({ shoppers: cases.length, identical_top10: identical, differing_only_by_ties: tiesOnly, mismatches: mismatches.length, max_score_difference: worst }));
process.exit(mismatches.length ? 1 : 0);
