/**
 * The merchant's objective: what a click, a purchase and revenue are worth. The ranker's
 * click and purchase outputs are logits of two separate softmaxes, so they are only
 * comparable once both are probabilities; then one ranking score per row is the expected
 * value  wClick·p_click + wPurchase·p_purchase + wRevenue·p_purchase·price/scale.
 * (trainer/recsys/ranker.py combine_outputs is the same without the revenue term.)
 */
import type { Product } from './catalog.ts';
import { softmax } from './softmax.ts';

export interface Objective {
  click: number;
  purchase: number;
  revenue: number;
}

export const DEFAULT_OBJECTIVE: Readonly<Objective> = Object.freeze({ click: 0.5, purchase: 0.5, revenue: 0 });

/** The ranker's outputs for one shopper: one logit per catalogue row and output. */
export interface ModelScores {
  click: ArrayLike<number>;
  purchase: ArrayLike<number>;
}

export function checkObjective(objective: Objective): Objective {
  for (const key of ['click', 'purchase', 'revenue'] as const) {
    const weight = objective[key];
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new Error(`objective: weight "${key}" must be a non-negative number, got ${String(weight)}`);
    }
  }
  if (objective.click + objective.purchase + objective.revenue === 0) throw new Error('objective: at least one weight must be positive');
  return objective;
}

/**
 * The price that turns revenue into purchase units: the median positive price. Dividing
 * by it makes a median-priced sale's revenue term equal to its purchase term, so a weight
 * means the same in a dollar store and a yen store; the median rather than the mean so a
 * few luxury items do not shrink every other item's revenue. Free items earn nothing, so
 * they are left out (and a catalogue of only free items gets 1, where revenue is 0 anyway).
 * Compute it once per catalogue.
 */
export function revenueScale(products: readonly Product[]): number {
  const prices = products.map((p) => p.price).filter((price) => price > 0).sort((a, b) => a - b);
  if (prices.length === 0) return 1;
  const mid = prices.length >> 1;
  return prices.length % 2 === 1 ? prices[mid]! : (prices[mid - 1]! + prices[mid]!) / 2;
}

/**
 * Softmax of `logits` restricted to `rows`: each output's probability mass sums to 1 over
 * what can actually be shown, so rows removed by business rules take no share of it.
 */
export function softmaxOver(logits: ArrayLike<number>, rows: readonly number[]): Float64Array {
  const picked = rows.map((row) => {
    const logit = logits[row];
    if (logit === undefined || !Number.isFinite(logit)) throw new Error(`objective: logit of row ${row} is ${String(logit)}`);
    return logit;
  });
  return softmax(picked);
}

/** The objective's expected value of each of `rows` (parallel to `rows`). */
export function expectedValue(model: ModelScores, rows: readonly number[], products: readonly Product[], objective: Objective, scale: number): Float64Array {
  checkObjective(objective);
  for (const key of ['click', 'purchase'] as const) {
    if (model[key].length !== products.length) throw new Error(`objective: ${key} scores have ${model[key].length} rows, the catalogue has ${products.length}`);
  }
  if (!(scale > 0)) throw new Error(`objective: revenue scale must be positive, got ${scale}`);
  // p_click, overwritten in place by the value. A plain loop: it runs over the whole catalogue per render.
  const value = softmaxOver(model.click, rows);
  const purchase = softmaxOver(model.purchase, rows);
  for (let i = 0; i < rows.length; i++) {
    value[i] = objective.click * value[i]! + objective.purchase * purchase[i]! + objective.revenue * purchase[i]! * (products[rows[i]!]!.price / scale);
  }
  return value;
}
