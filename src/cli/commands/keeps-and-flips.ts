import type { AnchorTabularData } from '../../anchors/tabular/anchor-tabular.js';
import type { Explanation } from '../../core/explanation.js';
import type { TabularDataset } from '../../datasets/types.js';
import { pairAnchorCounterfactual } from '../../keeps-and-flips/anchor-counterfactual.js';
import { formatAnchor } from '../format.js';
import type { CliIO } from '../io.js';
import { writeRenderings, type RenderingFiles } from '../renderings.js';
import { adultProto } from './counterfactual-proto.js';

/**
 * `glassbox explain adult --row N --with-counterfactual`: the anchor already explained, and the
 * prototype-guided counterfactual of the same held-out row as `counterfactual adult --method proto`
 * finds it, printed one after the other and written as one AnchorCounterfactual explanation and card.
 * (When the diverse counterfactual search lands, it can replace `adultProto` here: the pairing takes
 * any counterfactual explanation with `data.cf` or `data.cfs`.)
 */
export async function explainWithCounterfactualCommand(
  anchor: Explanation<AnchorTabularData>,
  row: number,
  dataset: TabularDataset,
  options: { json: boolean; elapsedMs: number; files: RenderingFiles },
  io: CliIO,
): Promise<number> {
  const proto = await adultProto(row, io);
  const both = pairAnchorCounterfactual(anchor, proto.explanation);
  if (options.json) io.stdout(`${JSON.stringify(both)}\n`);
  else io.stdout(`What keeps it:\n${formatAnchor(anchor, { targetNames: dataset.targetNames, elapsedMs: options.elapsedMs })}\nWhat flips it:\n${proto.text}`);
  await writeRenderings(both, { ...dataset, ...proto.render }, options.files);
  return 0;
}
