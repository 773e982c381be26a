import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.js';
import type { TabularDataset, TabularSplit } from './types.js';

/**
 * Loader for the bundled UCI Adult (Census Income) data set.
 *
 * Data: Becker, B. & Kohavi, R. (1996). Adult [Dataset]. UCI Machine Learning Repository,
 * https://doi.org/10.24432/C5XW20, CC BY 4.0. The files in `datasets/adult/` are byte-identical copies
 * of the originals (see `datasets/adult/NOTES.md`).
 *
 * Preprocessing: `datasets/adult/grouping.json`, the grouping used by the anchors literature and its
 * reference examples (Ribeiro et al., AAAI 2018; Alibi Explain's `fetch_adult`): keep 12 of the 15
 * columns (fnlwgt and Education-Num are dropped), merge fine-grained categories (e.g. the school grades
 * into `Dropout`), and code each categorical feature 0..k-1 in the byte-wise alphabetical order of its
 * grouped category names, with the missing value `?` a category of its own.
 */

/** The package's `datasets/adult/` folder: this module sits two levels below the package root. */
const DEFAULT_DIR = fileURLToPath(new URL('../../datasets/adult/', import.meta.url));

/** The numeric columns of Adult (NOTES.md, adult.names); every other column but the target is categorical. */
const NUMERIC_COLUMNS = new Set(['Age', 'fnlwgt', 'Education-Num', 'Capital Gain', 'Capital Loss', 'Hours per week']);

/** Labels of the income column: adult.data uses `<=50K` / `>50K`, adult.test ends them with a period. */
const LABELS: Record<string, number> = { '<=50K': 0, '>50K': 1, '<=50K.': 0, '>50K.': 1 };

/** The parsed `grouping.json`. */
interface Grouping {
  columns: string[];
  features: string[];
  targetNames: string[];
  groupings: Record<string, Record<string, string>>;
}

/** Options of {@link loadAdult}. */
export interface LoadAdultOptions {
  /**
   * The folder holding `adult.data`, `adult.test` and `grouping.json`. Defaults to the package's
   * bundled `datasets/adult/`.
   */
  dir?: string;
}

/**
 * Loads the Adult data set, grouped and coded as `grouping.json` says: train = `adult.data`
 * (32,561 rows), test = `adult.test` (16,281 rows). Features, in order: Age, Workclass, Education,
 * Marital Status, Occupation, Relationship, Race, Sex, Capital Gain, Capital Loss, Hours per week,
 * Country; target 1 means income `>50K`.
 *
 * Category codes come from the union of the categories of both files, so they are the same for both
 * splits. Synchronous and fast (tens of milliseconds), for a CLI that must start at once.
 *
 * @returns the `train` and `test` splits (each `{ rows, target }`: coded rows and 0/1 labels), with
 *   `featureNames`, `categoryMap` (column index -> category names) and `targetNames` (`['<=50K', '>50K']`).
 * @throws InvalidInputError when a file is missing, or a line is malformed (wrong number of fields,
 *   a non-numeric number, an unknown income label), naming the file and line number.
 */
export function loadAdult(options: LoadAdultOptions = {}): TabularDataset {
  const dir = options.dir ?? DEFAULT_DIR;
  const grouping = parseGrouping(readText(join(dir, 'grouping.json')), join(dir, 'grouping.json'));

  const { columns, features } = grouping;
  const targetColumn = columns.indexOf('Target');
  const sourceColumn = features.map((name) => columns.indexOf(name));
  const isNumeric = features.map((name) => NUMERIC_COLUMNS.has(name));
  // Categorical features get provisional codes in order of first appearance; they are renumbered in
  // alphabetical order once both files are read, so that codes come from the union of both.
  const interners = features.map((name, j) =>
    isNumeric[j] ? null : new Interner(grouping.groupings[name] ?? {}),
  );

  const parse = (file: string): TabularSplit =>
    parseFile(readText(join(dir, file)), join(dir, file), {
      fieldCount: columns.length,
      targetColumn,
      sourceColumn,
      isNumeric,
      interners,
    });
  const train = parse('adult.data');
  const test = parse('adult.test');

  const categoryMap: Record<number, string[]> = {};
  interners.forEach((interner, j) => {
    if (interner === null) return;
    const { names, recode } = interner.sorted();
    categoryMap[j] = names;
    for (const split of [train, test]) {
      for (const row of split.rows) row[j] = recode[row[j]];
    }
  });

  return {
    name: 'adult',
    featureNames: [...features],
    categoryMap,
    targetNames: [...grouping.targetNames],
    train,
    test,
  };
}

/** Maps raw category strings to grouped names, and grouped names to provisional integer codes. */
class Interner {
  /** Raw value -> provisional code: a cache over grouping + numbering, so each row costs one lookup. */
  private readonly rawCodes = new Map<string, number>();
  private readonly codes = new Map<string, number>();
  private readonly names: string[] = [];

  constructor(private readonly groups: Record<string, string>) {}

  /** The provisional code of a raw value, after grouping (values not in the grouping keep their name). */
  code(raw: string): number {
    const cached = this.rawCodes.get(raw);
    if (cached !== undefined) return cached;
    const name = Object.hasOwn(this.groups, raw) ? this.groups[raw] : raw;
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.names.length;
      this.codes.set(name, code);
      this.names.push(name);
    }
    this.rawCodes.set(raw, code);
    return code;
  }

  /** The grouped names in byte-wise order, and the map from provisional code to final code. */
  sorted(): { names: string[]; recode: Int32Array } {
    const names = [...this.names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const recode = new Int32Array(this.names.length);
    names.forEach((name, code) => {
      recode[this.codes.get(name) as number] = code;
    });
    return { names, recode };
  }
}

interface ParseSpec {
  fieldCount: number;
  targetColumn: number;
  sourceColumn: number[];
  isNumeric: boolean[];
  interners: (Interner | null)[];
}

/**
 * Parses one Adult file: fields separated by `", "`, an optional first line starting with `|`
 * (adult.test's `|1x3 Cross validator`), blank lines allowed only at the end.
 *
 * It scans the text by index rather than splitting every line into strings: this keeps loading both
 * files near 50 ms instead of several hundred.
 */
function parseFile(text: string, path: string, spec: ParseSpec): TabularSplit {
  const rows: number[][] = [];
  const target: number[] = [];
  const { fieldCount, sourceColumn, isNumeric, interners } = spec;
  const featureCount = sourceColumn.length;
  const starts = new Int32Array(fieldCount + 1);
  const ends = new Int32Array(fieldCount + 1);
  let blankLine = 0; // the number of the first blank line seen, if no row followed it yet
  let pos = 0;
  for (let lineNo = 1; pos < text.length; lineNo++) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = text.length;
    const lineStart = pos;
    let lineEnd = eol;
    pos = eol + 1;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--; // tolerate CRLF
    if (lineEnd === lineStart) {
      if (blankLine === 0) blankLine = lineNo;
      continue;
    }
    if (lineNo === 1 && text.charCodeAt(lineStart) === 124 /* | */) continue;
    if (blankLine !== 0) malformed(path, blankLine, 'blank line inside the data; expected one row per line', '');

    let count = 0;
    for (let s = lineStart; ; ) {
      const sep = text.indexOf(', ', s);
      const fieldEnd = sep < 0 || sep >= lineEnd ? lineEnd : sep;
      if (count <= fieldCount) {
        starts[count] = s;
        ends[count] = fieldEnd;
      }
      count++;
      if (fieldEnd === lineEnd) break;
      s = fieldEnd + 2;
    }
    if (count !== fieldCount) fail(text, lineStart, lineEnd, path, lineNo, `expected ${fieldCount} fields separated by ", ", found ${count}`);

    const label = LABELS[text.slice(starts[spec.targetColumn], ends[spec.targetColumn])];
    if (label === undefined) {
      fail(
        text,
        lineStart,
        lineEnd,
        path,
        lineNo,
        `unknown income label ${JSON.stringify(text.slice(starts[spec.targetColumn], ends[spec.targetColumn]))}; ` +
          "expected <=50K or >50K (with a '.' in adult.test)",
      );
    }
    const row = new Array<number>(featureCount);
    for (let j = 0; j < featureCount; j++) {
      const c = sourceColumn[j];
      if (isNumeric[j]) {
        const v = parseNumber(text, starts[c], ends[c]);
        if (Number.isNaN(v)) fail(text, lineStart, lineEnd, path, lineNo, `field ${c + 1} is ${JSON.stringify(text.slice(starts[c], ends[c]))}; expected a number`);
        row[j] = v;
      } else {
        if (ends[c] === starts[c]) fail(text, lineStart, lineEnd, path, lineNo, `field ${c + 1} is empty; expected a category (missing values are '?')`);
        row[j] = (interners[j] as Interner).code(text.slice(starts[c], ends[c]));
      }
    }
    rows.push(row);
    target.push(label);
  }
  return { rows, target };
}

/** Throws the error for a malformed line `text[from, to)`, number `lineNo` of the file at `path`. */
function fail(text: string, from: number, to: number, path: string, lineNo: number, what: string): never {
  malformed(path, lineNo, what, to - from > 80 ? `${text.slice(from, from + 80)}…` : text.slice(from, to));
}

function malformed(path: string, lineNo: number, what: string, line: string): never {
  throw new InvalidInputError(`${path} line ${lineNo}: ${what}; the line reads ${JSON.stringify(line)}`);
}

/**
 * The number written in `text[start, end)`, which must match `-?\d+(\.\d+)?` (nothing else is
 * coerced: no blanks, exponents or `NaN`); NaN when it does not.
 */
function parseNumber(text: string, start: number, end: number): number {
  let i = start;
  const negative = text.charCodeAt(i) === 45; /* - */
  if (negative) i++;
  if (i === end) return NaN;
  let value = 0;
  for (; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
  }
  if (i === end) return negative ? -value : value;
  // A decimal fraction: validate, then let Number() do the correctly rounded conversion.
  const s = text.slice(start, end);
  return /^-?\d+\.\d+$/.test(s) ? Number(s) : NaN;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT'
        ? `Adult data file not found: ${path}; expected adult.data, adult.test and grouping.json in that folder`
        : `cannot read Adult data file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/** Parses and checks `grouping.json`: every feature must be one of the columns, and `Target` a column. */
function parseGrouping(text: string, path: string): Grouping {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const bad = (what: string): never => {
    throw new InvalidInputError(`${path}: ${what}`);
  };
  const g = json as Record<string, unknown>;
  const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
  if (json === null || typeof json !== 'object') bad('expected a JSON object');
  if (!isStrings(g.columns)) bad('"columns" must be an array of column names');
  if (!isStrings(g.features)) bad('"features" must be an array of column names');
  if (!isStrings(g.target_names) || g.target_names.length !== 2) bad('"target_names" must name the two classes');
  const columns = g.columns as string[];
  if (!columns.includes('Target')) bad('"columns" must include "Target"');
  for (const f of g.features as string[]) {
    if (!columns.includes(f) || f === 'Target') bad(`feature ${JSON.stringify(f)} is not one of the data columns`);
  }
  const groupings = (g.groupings ?? {}) as Record<string, unknown>;
  if (typeof groupings !== 'object' || groupings === null) bad('"groupings" must be an object');
  for (const [column, map] of Object.entries(groupings)) {
    if (typeof map !== 'object' || map === null || !Object.values(map).every((v) => typeof v === 'string')) {
      bad(`grouping of ${JSON.stringify(column)} must map category names to group names`);
    }
  }
  return {
    columns,
    features: g.features as string[],
    targetNames: g.target_names as string[],
    groupings: groupings as Record<string, Record<string, string>>,
  };
}
