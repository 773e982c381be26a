import type { AnchorTabularData } from '../../anchors/tabular/anchor-tabular.js';
import type { Explanation } from '../../core/explanation.js';
import type { TabularDataset } from '../../datasets/types.js';
import { pairAnchorCounterfactual } from '../../keeps-and-flips/anchor-counterfactual.js';
import { formatAnchor } from '../format.js';
import type { CliIO } from '../io.js';
import { writeRenderings, type RenderingFiles } from '../renderings.js';
import { adultDiverse } from './counterfactual-diverse.js';

/**
 * `glassbox explain adult --row N --with-counterfactual [--count C] [--immutable LIST]`: the anchor
 * already explained, and the diverse counterfactuals of the same held-out row as `counterfactual adult
 * --count C [--immutable LIST]` finds them (genetic search, 4 and no feature kept by default), printed
 * one after the other and written as one AnchorCounterfactual explanation and card. Both explain the
 * bundled model in its own units, so the counterfactuals re-predict with the model the anchor explains.
 */
export async function explainWithCounterfactualCommand(
  anchor: Explanation<AnchorTabularData>,
  row: number,
  dataset: TabularDataset,
  options: { json: boolean; elapsedMs: number; files: RenderingFiles; count: number; immutable: string[] },
  io: CliIO,
): Promise<number> {
  const diverse = await adultDiverse(row, { count: options.count, immutable: options.immutable, method: 'genetic' });
  const both = pairAnchorCounterfactual(anchor, diverse.explanation);
  if (options.json) io.stdout(`${JSON.stringify(both)}\n`);
  else io.stdout(`What keeps it:\n${formatAnchor(anchor, { targetNames: dataset.targetNames, elapsedMs: options.elapsedMs })}\nWhat flips it:\n${diverse.text}`);
  await writeRenderings(both, { ...dataset, ...diverse.render }, options.files);
  return 0;
}
