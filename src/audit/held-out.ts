import { csvRecordToRow } from '../batch/data-file.js';
import { HeldOutColumnsError, InvalidInputError } from '../core/errors.js';
import type { TabularSchema } from '../core/tabular-schema.js';

/** Held-out rows read from a CSV file, encoded by the explainer's schema, with their labels when the file has them. */
export interface HeldOutSet {
  rows: number[][];
  labels?: number[];
}

/**
 * The rows of a held-out CSV file (its records, header names as keys) for `auditAnchors`: one column
 * per feature of `schema`, in any order, plus the `target` column when given, whose cells are class
 * names (`targetNames`) or class indices. `where` names the file in errors.
 *
 * @throws HeldOutColumnsError when columns are missing or are neither a feature nor the target;
 *   InvalidInputError for a value the schema rejects or an unknown label.
 */
export function heldOutFromRecords(
  records: readonly Record<string, string>[],
  schema: TabularSchema,
  where: string,
  { target, targetNames }: { target?: string; targetNames?: readonly string[] } = {},
): HeldOutSet {
  if (records.length === 0) throw new InvalidInputError(`${where} holds no rows; expected at least one`);
  const columns = Object.keys(records[0]);
  const missing = schema.featureNames.filter((f) => !columns.includes(f));
  const extra = columns.filter((c) => !schema.featureNames.includes(c) && c !== target);
  if (missing.length > 0 || extra.length > 0) throw new HeldOutColumnsError(missing, extra, where, schema.featureNames);
  if (target !== undefined && !columns.includes(target)) throw new InvalidInputError(`${where} has no target column "${target}"; its columns are: ${columns.join(', ')}`);
  const rows: number[][] = [];
  const labels: number[] = [];
  records.forEach((record, i) => {
    const { [target ?? '']: label, ...features } = record;
    rows.push(schema.encodeRow(csvRecordToRow(schema, target === undefined ? record : features), `${where} row ${i + 1}`));
    if (target !== undefined) labels.push(labelOf(label, targetNames, `${where} row ${i + 1}, column "${target}"`));
  });
  return target === undefined ? { rows } : { rows, labels };
}

/** A label cell: a class name of `targetNames` (a trailing period, as adult.test writes them, ignored) or a class index. */
function labelOf(cell: string | undefined, targetNames: readonly string[] | undefined, where: string): number {
  const text = (cell ?? '').trim();
  const byName = targetNames?.indexOf(text.replace(/\.$/, '')) ?? -1;
  if (byName >= 0) return byName;
  if (/^\d+$/.test(text) && (targetNames === undefined || Number(text) < targetNames.length)) return Number(text);
  throw new InvalidInputError(`${where} is ${JSON.stringify(cell)}; expected ${targetNames === undefined ? 'a class index' : `one of ${targetNames.join(', ')} or a class index 0..${targetNames.length - 1}`}`);
}
