import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';

/**
 * Reading explanations from files: the JSON Lines that `explain-batch` writes (`{"row", "explanation"}`
 * or `{"row", "error"}` per line), JSON Lines of bare explanations (`{meta, data}` per line, row k the
 * k-th line), or one JSON document holding an explanation (`explain --json`, a summary).
 */

/**
 * The largest explanation file read: 2,000 Adult explanations take about 20 MB, and the text must fit in
 * one JavaScript string (V8 caps strings just under 512 MiB, which a 512 MiB file overran).
 */
export const MAX_EXPLANATION_FILE_BYTES = 256 * 1024 * 1024;

/** One explained row of an explain-batch output file. */
export interface ExplanationLine {
  row: number;
  explanation: Explanation<unknown>;
}

/** An explain-batch output file, read: its explanations by row, and how many rows failed. */
export interface ExplanationFile {
  explanations: ExplanationLine[];
  /** Error lines of a batch file: rows that could not be explained. */
  failed: number;
}

/** Reads a file of explanations (see the module's doc); `.json` is one document, anything else JSON Lines. */
export function readExplanationFile(path: string): ExplanationFile {
  const text = readBounded(path);
  if (extname(path).toLowerCase() === '.json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new InvalidInputError(`${path} is not JSON (${(err as Error).message}); expected an explanation ({meta, data})`);
    }
    return { explanations: [{ row: 0, explanation: asExplanation(value, path) }], failed: 0 };
  }
  const explanations: ExplanationLine[] = [];
  let failed = 0;
  let k = 0;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const where = `${path} line ${i + 1}`;
    let value: { row?: unknown; explanation?: unknown; error?: unknown; meta?: unknown };
    try {
      value = JSON.parse(line) as typeof value;
    } catch (err) {
      throw new InvalidInputError(`${where} is not JSON (${(err as Error).message}); expected one explanation per line`);
    }
    if (value !== null && typeof value === 'object' && 'row' in value) {
      if (!Number.isSafeInteger(value.row)) throw new InvalidInputError(`${where} has row ${JSON.stringify(value.row)}; expected an integer`);
      if (value.error !== undefined) failed++;
      else explanations.push({ row: value.row as number, explanation: asExplanation(value.explanation, where) });
    } else {
      explanations.push({ row: k, explanation: asExplanation(value, where) });
    }
    k++;
  });
  if (explanations.length === 0 && failed === 0) throw new InvalidInputError(`${path} holds no explanations; expected at least one line`);
  return { explanations, failed };
}

function asExplanation(value: unknown, where: string): Explanation<unknown> {
  const v = value as { meta?: { name?: unknown }; data?: unknown } | null;
  if (v === null || typeof v !== 'object' || typeof v.meta?.name !== 'string' || v.data === null || typeof v.data !== 'object') {
    throw new InvalidInputError(`${where} is not an explanation; expected {meta: {name, ...}, data: {...}} or a batch line {row, explanation}`);
  }
  return v as Explanation<unknown>;
}

function readBounded(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new InvalidInputError(`explanation file ${path} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_EXPLANATION_FILE_BYTES) {
      throw new InvalidInputError(`explanation file ${path} has ${size} bytes; expected at most ${MAX_EXPLANATION_FILE_BYTES} (split the batch with --rows or --shard)`);
    }
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
