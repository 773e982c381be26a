import { explainBatch, type BatchSummary, type ExplainBatchOptions } from '../batch/explain-batch.js';
import type { Explanation } from '../core/explanation.js';
import { checkAnchorTabular, checkSummaryOptions, pickAnchors, type AnchorSummaryData, type ExplainedRow, type SummaryOptions } from './anchor-summary.js';
import { readExplanationFile } from './explanation-file.js';

/**
 * The summary of `explain-batch` output files (or any files {@link readExplanationFile} reads): their
 * explanations' anchors picked by {@link pickAnchors}, in row order, their error lines counted as
 * `rows_failed`. The files of the shards of a run (`--shard I/N`) give the summary of the whole run,
 * byte for byte.
 *
 * @throws ExplanationTypeError when a line is not an AnchorTabular explanation; InvalidInputError when
 *   a row appears twice (in one file or across files).
 */
export function summarizeBatchFile(paths: string | readonly string[], options: SummaryOptions): Explanation<AnchorSummaryData> {
  const explained: ExplainedRow[] = [];
  let failed = 0;
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    const file = readExplanationFile(path);
    failed += file.failed;
    for (const { row, explanation } of file.explanations) explained.push({ row, explanation: checkAnchorTabular(explanation, `${path} row ${row}`) });
  }
  return pickAnchors(explained.sort((a, b) => a.row - b.row), options, failed);
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
