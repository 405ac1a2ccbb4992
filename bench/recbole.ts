/**
 * Amazon Scientific as the benchmarks read it: RecBole atomic files, as trainer/recsys/data.py
 * reads them (research data in ../shared/datasets; never copied into the repository).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RecboleRow {
  user: string;
  /** Dataset item indices, oldest first. */
  history: number[];
  target: number;
}

/** Tab-separated rows of a RecBole file; `header` drops the first line (.inter files have one, item2index none). */
export function recboleLines(path: string, header = true): string[][] {
  return readFileSync(path, 'utf8').split('\n').slice(header ? 1 : 0).filter((line) => line.trim()).map((line) => line.split('\t'));
}

/** One split of `<dir>/Scientific.<split>.inter`: user, history, target; every item checked to be below `items`. */
export function readSplit(datasetDir: string, split: string, items: number): RecboleRow[] {
  const path = join(datasetDir, `Scientific.${split}.inter`);
  return recboleLines(path).map((fields, i) => {
    if (fields.length !== 3) throw new Error(`${path}:${i + 2}: expected user, history, target`);
    const history = fields[1]!.split(' ').filter(Boolean).map(Number);
    const target = Number(fields[2]);
    for (const row of [...history, target]) if (!Number.isInteger(row) || row < 0 || row >= items) throw new Error(`${path}:${i + 2}: item ${row} outside 0..${items - 1}`);
    return { user: fields[0]!, history, target };
  });
}

/** The item ids of Scientific.item2index, by dataset index. */
export function itemIds(datasetDir: string): string[] {
  const ids: string[] = [];
  for (const [id, index] of recboleLines(join(datasetDir, 'Scientific.item2index'), false)) ids[Number(index)] = id!;
  return ids;
}
