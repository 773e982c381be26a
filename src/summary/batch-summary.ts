import { explainBatch, type BatchSummary, type ExplainBatchOptions } from '../batch/explain-batch.js';
import type { Explanation } from '../core/explanation.js';
import { checkAnchorTabular, checkSummaryOptions, pickAnchors, type AnchorSummaryData, type SummaryOptions } from './anchor-summary.js';
import { readExplanationFile } from './explanation-file.js';

/**
 * The summary of an `explain-batch` output file (or any file {@link readExplanationFile} reads): its
 * explanations' anchors picked by {@link pickAnchors}, its error lines counted as `rows_failed`.
 *
 * @throws ExplanationTypeError when a line is not an AnchorTabular explanation.
 */
export function summarizeBatchFile(path: string, options: SummaryOptions): Explanation<AnchorSummaryData> {
  const { explanations, failed } = readExplanationFile(path);
  const explained = explanations.map(({ row, explanation }) => ({ row, explanation: checkAnchorTabular(explanation, `${path} row ${row}`) }));
  return pickAnchors(explained, options, failed);
}

/**
 * Explains a batch's rows on worker threads with {@link explainBatch} (resumable, sharded: an unfinished
 * output of the same job is continued) and summarises its output file.
 */
export async function summarizeBatch(
  options: ExplainBatchOptions & SummaryOptions,
): Promise<{ summary: Explanation<AnchorSummaryData>; batch: BatchSummary }> {
  const { budget, perClass, ...batchOptions } = options;
  checkSummaryOptions({ budget, perClass });
  const batch = await explainBatch(batchOptions);
  return { summary: summarizeBatchFile(batch.out, { budget, perClass }), batch };
}
