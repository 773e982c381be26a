import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '../core/errors.js';
import type { TabularSchema } from '../core/tabular-schema.js';
import { NUMBER } from '../core/decimal.js';

/**
 * The instances of a batch run's data file. Row r of the run is the file's instance r (0-based):
 * - `.jsonl` / `.ndjson`: one JSON value per line in the explainer's input form (a row as an array or
 *   an object keyed by feature name, a text as a string, an image as nested arrays); blank lines are
 *   skipped.
 * - `.csv` (tabular explainers): a header of feature names, then one row per line (csv-parse, RFC 4180).
 *   Cells stay strings here; {@link csvRecordToRow} types them by the explainer's schema.
 */
export type DataFormat = 'jsonl' | 'csv';

export interface DataFile {
  format: DataFormat;
  instances: unknown[];
}

const FORMATS: Record<string, DataFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' };

/** Reads a data file; its format is its extension. */
export function readDataFile(path: string): DataFile {
  const format = FORMATS[extname(path).toLowerCase()];
  if (format === undefined) {
    throw new InvalidInputError(`data file ${path} has extension "${extname(path)}"; expected .jsonl, .ndjson or .csv`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InvalidInputError(`data file ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  const instances = format === 'csv' ? parseCsvRecords(text, path) : parseJsonLines(text, path);
  if (instances.length === 0) throw new InvalidInputError(`data file ${path} holds no instances; expected at least one`);
  return { format, instances };
}

function parseJsonLines(text: string, path: string): unknown[] {
  const instances: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      instances.push(JSON.parse(line));
    } catch (err) {
      throw new InvalidInputError(`${path} line ${i + 1} is not JSON (${(err as Error).message}); expected one instance per line`);
    }
  });
  return instances;
}

function parseCsvRecords(text: string, path: string): Record<string, string>[] {
  try {
    return parse(text, { columns: true, bom: true, trim: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new InvalidInputError(`${path} is not a CSV file with a header line: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A CSV record as a tabular row: cells of numeric features become numbers when they are decimal numbers
 * (anything else is left for the schema to reject by name), cells of categorical features stay category
 * names. Columns that are not features are left in, for the schema to name.
 */
export function csvRecordToRow(schema: TabularSchema, record: Record<string, string>): Record<string, string | number> {
  const row: Record<string, string | number> = { ...record };
  schema.featureNames.forEach((name, f) => {
    const cell = record[name];
    if (!schema.isCategorical(f) && typeof cell === 'string' && NUMBER.test(cell)) row[name] = Number(cell);
  });
  return row;
}
