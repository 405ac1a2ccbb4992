/**
 * Geometry of the dashboard's ε-over-time plot (an inline SVG, no chart library): where each
 * round's point, the budget line and the axis ticks go in a width × height box with margins.
 * Pure numbers; the component draws them and formats the labels.
 */
import type { EpsilonPoint } from './epsilon-series.ts';

export interface PlotBox {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export interface Tick {
  value: number;
  /** Pixel position along its axis (x for time ticks, y for ε ticks). */
  at: number;
}

export interface EpsilonPlotLayout {
  points: (EpsilonPoint & { x: number; y: number })[];
  /** The budget line's y; the ε axis always reaches the budget, so it is always drawn. */
  budgetY: number;
  xTicks: Tick[];
  yTicks: Tick[];
  /** The plotting area inside the margins. */
  area: { left: number; right: number; top: number; bottom: number };
}

/** Maps [d0, d1] onto [r0, r1]; a zero-width domain maps to the middle of the range. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/**
 * About `count` round tick values covering [min, max]: steps of 1, 2 or 5 × 10^k, starting at
 * the first multiple of the step at or above min.
 */
export function niceTicks(min: number, max: number, count: number): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || max < min) throw new Error(`niceTicks: [${min}, ${max}] is not a range`);
  if (!(Number.isInteger(count) && count >= 1)) throw new Error(`niceTicks: count must be a whole number ≥ 1, got ${count}`);
  if (max === min) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  // Integer multiples of the step, so 0.1 + 0.2 never shows as 0.30000000000000004.
  for (let k = Math.ceil(min / step); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** The plot of `points` (oldest first) against an ε budget in `box`. */
export function layoutEpsilonPlot(points: readonly EpsilonPoint[], budget: number, box: PlotBox): EpsilonPlotLayout {
  if (!(budget > 0)) throw new Error(`the ε budget must be positive, got ${budget}`);
  const area = { left: box.margin.left, right: box.width - box.margin.right, top: box.margin.top, bottom: box.height - box.margin.bottom };
  // Head-room above the budget (or the highest point, if a budget was lowered below it).
  const top = Math.max(budget, ...points.map((p) => p.epsilon)) * 1.1;
  const y = linearScale(0, top, area.bottom, area.top);
  const times = points.map((p) => p.at);
  const first = times.length ? Math.min(...times) : 0;
  const last = times.length ? Math.max(...times) : 0;
  // Points sit inside the axis, not on its ends: 4 % of the span (or of the drawing) either side.
  const pad = (area.right - area.left) * 0.04;
  const x = linearScale(first, last, area.left + pad, area.right - pad);
  const xTicks = times.length === 0 ? [] : [...new Set(times.length > 2 ? [first, (first + last) / 2, last] : times)].map((value) => ({ value, at: x(value) }));
  return {
    points: points.map((p) => ({ ...p, x: x(p.at), y: y(p.epsilon) })),
    budgetY: y(budget),
    xTicks,
    yTicks: niceTicks(0, top, 5).map((value) => ({ value, at: y(value) })),
    area,
  };
}
