/**
 * The one softmax in src/core (intent head, ranker attention and loss, merchant objective),
 * in float64 and shifted by the maximum so large logits cannot overflow exp.
 */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < logits.length; i++) out[i]! /= sum;
  return out;
}
