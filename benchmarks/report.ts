import os from 'node:os';
import { mean, median, quantile } from 'simple-statistics';
import { tfBackendInfo } from '../src/tf/tf.js';

/**
 * What the benchmarks measure and print alike: the machine line, median / mean spreads, one timed
 * explanation, and the summary of a run of anchor explanations.
 */

/** The median and mean of a statistic. */
export interface Spread {
  median: number;
  mean: number;
}

/** The median and mean of `pick` over `items` (at least one). */
export function spread<T>(items: readonly T[], pick: (item: T) => number): Spread {
  const values = items.map(pick);
  return { median: median(values), mean: mean(values) };
}

/** A spread as a table cell, `median / mean` with at most `digits` decimals; `-` for none. */
export function formatSpread(x: Spread | null, digits = 1): string {
  if (x === null) return '-';
  const n = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: digits });
  return `${n(x.median)} / ${n(x.mean)}`;
}

/** The CPU, its cores and Node's version, and with `tfjs` the TensorFlow.js backend in use. */
export async function machineLine(options: { tfjs?: boolean } = {}): Promise<string> {
  const line = `${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}`;
  return options.tfjs ? `${line}, TensorFlow.js on ${(await tfBackendInfo()).backend}` : line;
}

/** Runs `explain` once and returns its result with the milliseconds it took. */
export async function timed<T>(explain: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await explain();
  return { value, ms: performance.now() - started };
}

/** One anchor explanation as measured: its time, the part of it spent outside the model, and its model usage. */
export interface AnchorSample {
  ms: number;
  outsideMs: number;
  calls: number;
  rows: number;
  success: boolean;
}

/** `x` rounded to `digits` decimals, for printing. */
export function round(x: number, digits = 1): number {
  return Number(x.toFixed(digits));
}

/** Throughput, latency quantiles and model usage of a run of anchor explanations. */
export function summariseAnchors(samples: readonly AnchorSample[]) {
  const r = round;
  const total = samples.map((s) => s.ms);
  const rows = samples.map((s) => s.rows);
  const calls = samples.map((s) => s.calls);
  return {
    explanations: samples.length,
    successes: samples.filter((s) => s.success).length,
    explanationsPerSecond: r(1000 / mean(total)),
    medianMs: r(quantile(total, 0.5)),
    p90Ms: r(quantile(total, 0.9)),
    maxMs: r(Math.max(...total)),
    medianOutsideModelMs: r(quantile(samples.map((s) => s.outsideMs), 0.5)),
    medianModelRows: quantile(rows, 0.5),
    meanModelRows: r(mean(rows)),
    medianModelCalls: quantile(calls, 0.5),
    meanModelCalls: r(mean(calls)),
  };
}

/**
 * Explains once with a predictor wrapped by `timedPredictor` (whose `clock` it resets) and returns the
 * sample: total time, time outside the model, model calls and rows, success, and the explanation itself
 * (for figures of one explainer's own).
 */
export async function anchorSample<E extends { data: { raw: { model_calls: number; model_rows: number; success: boolean } } }>(
  clock: { ms: number },
  explain: () => Promise<E>,
): Promise<AnchorSample & { explanation: E }> {
  clock.ms = 0;
  const { value, ms } = await timed(explain);
  const { model_calls: modelCalls, model_rows: modelRows, success } = value.data.raw;
  return { ms, outsideMs: ms - clock.ms, calls: modelCalls, rows: modelRows, success, explanation: value };
}

/**
 * Prints a benchmark's results: `{ machine, results }` as JSON with `json`, else the machine line and a
 * Markdown table with one column per `[header, cell]`.
 */
export async function printResults<R>(
  results: readonly R[],
  options: { json: boolean; tfjs?: boolean; columns: ReadonlyArray<readonly [string, (r: R) => string | number]> },
): Promise<void> {
  const machine = await machineLine({ tfjs: options.tfjs });
  if (options.json) {
    console.log(JSON.stringify({ machine, results }, null, 2));
    return;
  }
  const { columns } = options;
  console.log(`${machine}\n`);
  console.log(`| ${columns.map(([header]) => header).join(' | ')} |`);
  console.log(`|${columns.map(() => '---').join('|')}|`);
  for (const r of results) console.log(`| ${columns.map(([, cell]) => cell(r)).join(' | ')} |`);
}
