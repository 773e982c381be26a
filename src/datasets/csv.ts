import { readFileSync, statSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { rejectUnknownOptions } from '../anchors/options.js';
import { NUMBER } from '../core/decimal.js';
import { InvalidInputError } from '../core/errors.js';

/**
 * Tabular data from a CSV file with a header line, typed and coded the way explainers take it: numbers
 * stay numbers, and each categorical column is coded 0..k-1 over the categories it holds.
 *
 * Parsing is csv-parse's (RFC 4180: quoted fields, quotes doubled inside them, CRLF or LF lines), with
 * a byte-order mark dropped, blanks around fields trimmed and empty lines skipped.
 *
 * Column types: a column is numeric when every value is a decimal number (`39`, `-1.5`, `2e3`; not
 * `NaN`, `Infinity` or hex), categorical when most values are not; a column of mostly numbers with a
 * few other values (`abc`, `NaN`) is an error rather than a column of categories, since coding it
 * would feed the model rank codes for numbers. The `categorical` and `numeric` options override this
 * per column (a column of integer codes or 0/1 flags is read as numeric unless named categorical).
 *
 * Strict reading: the file must be UTF-8 (a UTF-16 byte-order mark, NUL bytes or invalid UTF-8 are
 * errors), a header of one column that holds another delimiter is an error suggesting `delimiter`,
 * and an unclosed quote is named by the line where it opens.
 *
 * Category codes follow scikit-learn's OrdinalEncoder and LabelEncoder (`numpy.unique` order): a
 * column's distinct values sorted, by number when they are all numbers, else by their UTF-8 bytes
 * (code point order). A model trained on codes made that way from the same rows receives the same
 * codes here. A categorical column whose categories are all numbers is explained by category but fed
 * to the model as the numbers themselves (`CsvTable.modelRows`), so that naming a numeric column
 * categorical does not change what the model sees.
 */

export interface CsvOptions {
  /** The target (label) column: left out of the features and kept as {@link CsvTable.target}. */
  target?: string;
  /** Columns read as categorical whatever their values. */
  categorical?: readonly string[];
  /** Columns read as numbers (every value must be one). */
  numeric?: readonly string[];
  /** The field delimiter: one character, `,` by default. */
  delimiter?: string;
}

/** A CSV file's feature columns, coded, and its target column. */
export interface CsvTable {
  /** Where the rows came from (the file path), for messages. */
  source: string;
  /** The feature columns, in file order (the target left out). */
  featureNames: string[];
  /** Category names by code for each categorical feature, keyed by feature index. */
  categoryMap: Record<number, string[]>;
  /** The rows, one number per feature: the value of numeric features, the code of categorical ones. */
  rows: number[][];
  /** The target column's name and its value in each row, as written; absent without a target. */
  targetName?: string;
  target?: string[];
  /** The target's distinct values, sorted as category codes are: class k is `targetNames[k]`. */
  targetNames?: string[];
  /**
   * Per feature, for a categorical feature whose categories are all numbers, the number each code
   * stands for (what the model is fed); `undefined` where the code itself is fed.
   */
  modelValues: ReadonlyArray<readonly number[] | undefined>;
}

/** A value that looks like a number but is not a finite decimal one: `NaN`, `Infinity`, `-inf`. */
const NON_FINITE = /^[+-]?(nan|inf|infinity)$/i;

/** Delimiters a one-column header is checked for (`;` is Excel's in many locales). */
const OTHER_DELIMITERS = [';', '\t', '|', ','];

/**
 * The largest CSV file read: its text must fit in one JavaScript string (V8 caps strings at about
 * 512 MiB) beside the parsed rows; training data larger than this is sampled before it is given here.
 */
export const MAX_CSV_BYTES = 256 * 1024 * 1024;

/** Reads a CSV file with a header line; see the module comment for typing and coding. */
export function loadCsv(path: string, options: CsvOptions = {}): CsvTable {
  let bytes: Buffer;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InvalidInputError(`CSV file ${path} is not a regular file; expected a file of rows`);
    if (stat.size > MAX_CSV_BYTES) throw new InvalidInputError(`CSV file ${path} has ${stat.size} bytes; expected at most ${MAX_CSV_BYTES} (sample the rows first)`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof InvalidInputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(code === 'ENOENT' ? `CSV file not found: ${path}` : `cannot read CSV file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseCsv(utf8Text(bytes, path), { ...options, source: path });
}

/** The bytes as UTF-8 text; a UTF-16 byte-order mark or bytes that are not UTF-8 are errors naming the line. */
function utf8Text(bytes: Buffer, source: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InvalidInputError(
      `${source} is UTF-16 text (it starts with the byte-order mark ${bytes[0].toString(16).toUpperCase()} ${bytes[1].toString(16).toUpperCase()}); ` +
        'expected UTF-8: save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = new TextDecoder('utf-8').decode(bytes);
    const at = text.indexOf('\uFFFD');
    throw new InvalidInputError(`${source} line ${lineAt(text, at)} holds bytes that are not UTF-8; expected a UTF-8 text file`);
  }
}

/** The 1-based line of character `index` of `text`. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Parses CSV text with a header line; `source` names it in messages.
 *
 * @throws InvalidInputError naming the source, line and column for: no header or no rows, a header
 *   with an empty or repeated name, a row with more or fewer fields than the header, an empty field, a
 *   non-number in a numeric column, an option naming a column the header lacks (or naming one column
 *   both categorical and numeric), malformed CSV (an unclosed quote).
 */
export function parseCsv(text: string, options: CsvOptions & { source?: string } = {}): CsvTable {
  rejectUnknownOptions(options, ['target', 'categorical', 'numeric', 'delimiter', 'source']);
  const source = options.source ?? 'the CSV text';
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || [...delimiter].length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new InvalidInputError(`option delimiter is ${JSON.stringify(delimiter)}; expected one character other than a quote or a line break`);
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    throw new InvalidInputError(`${source} line ${lineAt(text, nul)} holds a NUL byte; expected UTF-8 text (is the file UTF-16 or binary?)`);
  }
  const records = parseRecords(text, source, delimiter);
  if (records.length === 0) throw new InvalidInputError(`${source} is empty; expected a header line and at least one row`);
  const header = records[0].record;
  checkHeader(header, source);
  checkDelimiter(header, delimiter, source);
  if (records.length === 1) throw new InvalidInputError(`${source} has a header but no rows`);
  const columnOf = new Map(header.map((name, c) => [name, c]));

  const column = (name: string, what: string): number => {
    const c = columnOf.get(name);
    if (c === undefined) throw new InvalidInputError(`${what} "${name}" is not a column of ${source}; its columns are: ${header.join(', ')}`);
    return c;
  };
  const targetColumn = options.target === undefined ? -1 : column(options.target, 'target column');
  const forced = new Map<number, 'categorical' | 'numeric'>();
  for (const kind of ['categorical', 'numeric'] as const) {
    const names = options[kind] ?? [];
    if (!Array.isArray(names)) throw new InvalidInputError(`option ${kind} must be an array of column names`);
    for (const name of names) {
      const c = column(name, `${kind} column`);
      if (c === targetColumn) throw new InvalidInputError(`${kind} column "${name}" is the target column; the target is not a feature`);
      if (forced.has(c) && forced.get(c) !== kind) throw new InvalidInputError(`column "${name}" is named both categorical and numeric`);
      forced.set(c, kind);
    }
  }

  const body = records.slice(1);
  for (const { record, info } of body) {
    if (record.length !== header.length) {
      throw new InvalidInputError(
        `${source} line ${info.lines} has ${record.length} field${record.length === 1 ? '' : 's'}; expected ${header.length}, one per header column`,
      );
    }
    const empty = record.indexOf('');
    if (empty >= 0) {
      throw new InvalidInputError(
        `${source} line ${info.lines}, column "${header[empty]}" is empty; expected a value (fill in missing values, e.g. with "?" in a categorical column)`,
      );
    }
  }

  const featureColumns = header.map((_, c) => c).filter((c) => c !== targetColumn);
  const featureNames = featureColumns.map((c) => header[c]);
  const categoryMap: Record<number, string[]> = {};
  const modelValues: Array<number[] | undefined> = featureNames.map(() => undefined);
  const rows = body.map(() => new Array<number>(featureColumns.length));
  featureColumns.forEach((c, j) => {
    const values = body.map((r) => r.record[c]);
    const isNumeric = forced.get(c) === 'numeric' || (!forced.has(c) && numericColumn(values, header[c], body, source));
    if (isNumeric) {
      values.forEach((v, i) => {
        if (!NUMBER.test(v)) {
          throw new InvalidInputError(`${source} line ${body[i].info.lines}, column "${header[c]}" is ${JSON.stringify(v)}; expected a number (the column is numeric)`);
        }
        rows[i][j] = Number(v);
      });
      return;
    }
    const { names, numbers } = sortedCategories(values);
    categoryMap[j] = names;
    modelValues[j] = numbers;
    const codeOf = new Map(names.map((name, k) => [name, k]));
    values.forEach((v, i) => {
      rows[i][j] = codeOf.get(v) as number;
    });
  });

  const table: CsvTable = { source, featureNames, categoryMap, rows, modelValues };
  if (options.target !== undefined) {
    table.targetName = options.target;
    table.target = body.map((r) => r.record[targetColumn]);
    table.targetNames = sortedCategories(table.target).names;
  }
  return table;
}

/**
 * Encodes a record such as `{"Age": 39, "Workclass": "State-gov", ...}` as a row of `table`: every
 * feature must be given (the target may be given and is ignored), numbers for numeric features and
 * category names (or, for categories that are numbers, the numbers) for categorical ones.
 *
 * @throws InvalidInputError naming the field for an unknown field, a missing feature, a value of the
 *   wrong type, or a category the CSV does not hold.
 */
export function encodeCsvRecord(table: CsvTable, record: unknown, what = 'the record'): number[] {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    throw new InvalidInputError(`${what} is ${Array.isArray(record) ? 'an array' : record === null ? 'null' : typeof record}; expected an object keyed by column name`);
  }
  const fields = record as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key !== table.targetName && !table.featureNames.includes(key)) {
      throw new InvalidInputError(`${what} has a field "${key}" that is not a column of ${table.source}; its features are: ${table.featureNames.join(', ')}`);
    }
  }
  return table.featureNames.map((name, j) => {
    if (!Object.hasOwn(fields, name)) throw new InvalidInputError(`${what} has no value for feature "${name}"`);
    const value = fields[name];
    const names = table.categoryMap[j];
    if (names === undefined) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidInputError(`${what}, feature "${name}" is ${JSON.stringify(value)}; expected a number (the column is numeric)`);
      }
      return value;
    }
    const numbers = table.modelValues[j];
    const code =
      typeof value === 'number' && numbers !== undefined
        ? numbers.indexOf(value)
        : typeof value === 'string' || typeof value === 'number'
          ? names.indexOf(String(value))
          : -1;
    if (code < 0) {
      throw new InvalidInputError(
        `${what}, feature "${name}" has category ${JSON.stringify(value)}, which ${table.source} never holds; its categories are: ${names.join(', ')}`,
      );
    }
    return code;
  });
}

/**
 * The rows as the model takes them: category codes replaced by the numbers they stand for in
 * categorical columns of numbers ({@link CsvTable.modelValues}); the rows themselves when there are none.
 */
export function csvModelRows(table: CsvTable, rows: readonly number[][]): readonly number[][] {
  const mapped = table.modelValues.flatMap((values, j) => (values === undefined ? [] : [[j, values] as const]));
  if (mapped.length === 0) return rows;
  return rows.map((row) => {
    const out = [...row];
    for (const [j, values] of mapped) out[j] = values[row[j]];
    return out;
  });
}

/**
 * How to feed `table`'s rows to a model that takes one input per column (an ONNX pipeline): for each
 * input, the feature of the same name, categories as their names where the input takes strings, numbers
 * (values, or the numbers categories stand for) where it takes numbers. Returns the row mapping.
 *
 * @throws InvalidInputError naming the column for an input the CSV lacks, a feature no input takes, a
 *   numeric column fed to a string input (`--categorical COL` makes it categorical), or a column of
 *   category names fed to a number input.
 */
export function csvColumnFeeder(
  table: CsvTable,
  inputNames: readonly string[],
  takesStrings: readonly boolean[],
  model = 'the model',
): (rows: readonly number[][]) => (number | string)[][] {
  const featureOf = new Map(table.featureNames.map((name, j) => [name, j]));
  const missing = inputNames.filter((name) => !featureOf.has(name));
  if (missing.length > 0) {
    throw new InvalidInputError(
      `${model} takes input${missing.length === 1 ? '' : 's'} ${missing.map((m) => JSON.stringify(m)).join(', ')}, not ${missing.length === 1 ? 'a column' : 'columns'} of ` +
        `${table.source}; it takes one input per column, named after it: ${inputNames.join(', ')}`,
    );
  }
  const unused = table.featureNames.filter((name) => !inputNames.includes(name));
  if (unused.length > 0) {
    throw new InvalidInputError(
      `${table.source} has feature column${unused.length === 1 ? '' : 's'} ${unused.map((u) => JSON.stringify(u)).join(', ')} that ${model} does not take ` +
        `(its inputs: ${inputNames.join(', ')}); remove ${unused.length === 1 ? 'it' : 'them'} from the CSV`,
    );
  }
  const decoders = inputNames.map((name, k) => {
    const j = featureOf.get(name) as number;
    const names = table.categoryMap[j];
    const numbers = table.modelValues[j];
    if (takesStrings[k]) {
      if (names === undefined) {
        throw new InvalidInputError(
          `${model} takes column "${name}" as strings (categories), but it is numeric in ${table.source}; pass --categorical ${name} (option categorical) to read it as categories`,
        );
      }
      return (row: readonly number[]) => names[row[j]];
    }
    if (names === undefined) return (row: readonly number[]) => row[j];
    if (numbers === undefined) {
      throw new InvalidInputError(`${model} takes column "${name}" as numbers, but ${table.source} holds category names in it (${names.slice(0, 3).join(', ')}, ...)`);
    }
    return (row: readonly number[]) => numbers[row[j]];
  });
  return (rows) => rows.map((row) => decoders.map((decode) => decode(row)));
}

interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Whether a column whose type no option forces is numeric: every value a decimal number. A column of
 * mostly number-like values (decimal numbers, `NaN`, `Infinity`) with others is an error naming the
 * first value that is not a number, never a column of categories.
 */
function numericColumn(values: readonly string[], name: string, body: readonly CsvRecord[], source: string): boolean {
  let numbers = 0;
  let numberLike = 0;
  let first = -1;
  values.forEach((v, i) => {
    if (NUMBER.test(v)) numbers++;
    else if (first < 0) first = i;
    if (NUMBER.test(v) || NON_FINITE.test(v)) numberLike++;
  });
  if (first < 0) return true;
  if (2 * numberLike <= values.length) return false;
  throw new InvalidInputError(
    `${source} line ${body[first].info.lines}, column "${name}" is ${JSON.stringify(values[first])}, but ${numbers} of the column's ` +
      `${values.length} values are numbers; a numeric column must hold only finite numbers: fix the value, or pass --categorical ${name} ` +
      '(option categorical) to read the column as categories',
  );
}

function parseRecords(text: string, source: string, delimiter: string): CsvRecord[] {
  try {
    return parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, delimiter }) as unknown as CsvRecord[];
  } catch (err) {
    const opens = (err as { code?: string }).code === 'CSV_QUOTE_NOT_CLOSED' ? unclosedQuoteLine(text, delimiter) : undefined;
    if (opens !== undefined) {
      throw new InvalidInputError(`${source} line ${opens} opens a quoted field that is never closed; expected a closing quote (")`, { cause: err });
    }
    throw new InvalidInputError(`${source} is not valid CSV: ${(err as Error).message}`, { cause: err });
  }
}

/** The line where the quoted field left open at the end of `text` starts (RFC 4180 quoting); `undefined` if none is. */
function unclosedQuoteLine(text: string, delimiter: string): number | undefined {
  let line = 1;
  let opened: number | undefined;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (opened !== undefined) {
      if (ch === '"' && text[i + 1] === '"') i++;
      else if (ch === '"') opened = undefined;
      else if (ch === '\n') line++;
      continue;
    }
    if (ch === '"' && atFieldStart) opened = line;
    else if (ch === '\n') line++;
    atFieldStart = ch === delimiter || ch === '\n' || ch === '\r' || (atFieldStart && (ch === ' ' || ch === '\t'));
  }
  return opened;
}

/** A header of one column holding another delimiter: the file is delimited by that one. */
function checkDelimiter(header: readonly string[], delimiter: string, source: string): void {
  if (header.length !== 1) return;
  const other = OTHER_DELIMITERS.find((d) => d !== delimiter && header[0].includes(d));
  if (other === undefined) return;
  const shown = other === '\t' ? '\\t' : other;
  throw new InvalidInputError(
    `${source} has one column, "${header[0]}": its fields look separated by ${JSON.stringify(other)}, not ${JSON.stringify(delimiter)}; ` +
      `pass --delimiter '${shown}' (option delimiter) to read it`,
  );
}

function checkHeader(header: string[], source: string): void {
  const seen = new Set<string>();
  header.forEach((name, c) => {
    if (name === '') throw new InvalidInputError(`${source} header: column ${c + 1} has no name; expected a name for every column`);
    if (seen.has(name)) throw new InvalidInputError(`${source} header names column "${name}" twice; column names must be unique`);
    seen.add(name);
  });
}

/**
 * The distinct values, sorted as numbers when they all are (with those numbers), else by UTF-8 bytes.
 */
function sortedCategories(values: readonly string[]): { names: string[]; numbers?: number[] } {
  const distinct = [...new Set(values)];
  if (distinct.every((v) => NUMBER.test(v))) {
    const names = distinct.sort((a, b) => Number(a) - Number(b));
    return { names, numbers: names.map(Number) };
  }
  return { names: distinct.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))) };
}
