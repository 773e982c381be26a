import type { Explanation } from '../core/explanation.js';

/** The part of an anchor explanation (tabular, text …) that the summary prints. */
export interface AnchorSummaryData {
  anchor: readonly string[];
  precision: number;
  coverage: number;
  raw: { prediction: number; model_rows: number; model_calls: number; warning?: string; prediction_interval?: readonly [number, number] };
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The readable summary of an anchor explanation that the CLI prints:
 *
 *     Prediction: <=50K
 *     Anchor:     Marital Status = Separated AND Sex = Female
 *     Precision:  0.96   Coverage: 0.11   (2,401 model rows in 25 calls, 38 ms)
 */
export function formatAnchor(
  explanation: Explanation<AnchorSummaryData>,
  { targetNames, elapsedMs }: { targetNames?: readonly string[]; elapsedMs: number },
): string {
  const { anchor, precision, coverage, raw } = explanation.data;
  const interval = raw.prediction_interval;
  // A regression model's value, with the interval the anchor keeps it in (precision is P(inside | anchor)).
  const prediction =
    interval === undefined
      ? (targetNames?.[raw.prediction] ?? String(raw.prediction))
      : `${raw.prediction.toFixed(2)}, kept inside [${interval[0].toFixed(2)}, ${interval[1].toFixed(2)}]`;
  const lines = [
    `Prediction: ${prediction}`,
    `Anchor:     ${anchor.length > 0 ? anchor.join(' AND ') : '(empty: the model predicts this almost everywhere)'}`,
    `Precision:  ${precision.toFixed(2)}   Coverage: ${coverage.toFixed(2)}   ` +
      `(${count(raw.model_rows)} model rows in ${count(raw.model_calls)} calls, ${Math.round(elapsedMs)} ms)`,
  ];
  if (raw.warning !== undefined) lines.push(`Warning:    ${raw.warning}`);
  return `${lines.join('\n')}\n`;
}
