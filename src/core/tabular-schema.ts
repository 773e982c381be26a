import { InvalidInputError } from './errors.js';

/** Categories of the categorical columns, keyed by column index or feature name. Column `f` holds
 * codes `0..k-1` that stand for `categoryMap[f][0..k-1]`. */
export type CategoryMap = Record<number | string, readonly string[]>;

/** A row as users have it: numbers (category codes for categorical columns) or category strings,
 * by position or as an object keyed by feature name. */
export type TabularRowInput = ArrayLike<number | string> | Readonly<Record<string, number | string>>;

/**
 * The columns of a tabular data set: their names and which are categorical. It turns the rows users
 * pass (numbers or category strings, arrays or objects) into validated numeric rows, and names the
 * offending row, column and value when one does not fit.
 */
export class TabularSchema {
  readonly featureNames: readonly string[];
  /** Per column, its category names, or `undefined` for a numeric column. */
  readonly categories: ReadonlyArray<readonly string[] | undefined>;
  private readonly columnOf: ReadonlyMap<string, number>;

  constructor(featureNames: readonly string[], categoryMap: CategoryMap = {}) {
    if (!Array.isArray(featureNames) || featureNames.length === 0) {
      throw new InvalidInputError('featureNames must be a non-empty array of strings, one per column');
    }
    const columnOf = new Map<string, number>();
    featureNames.forEach((name, f) => {
      if (typeof name !== 'string' || name.length === 0) {
        throw new InvalidInputError(`featureNames[${f}] is ${JSON.stringify(name)}; expected a non-empty string`);
      }
      if (columnOf.has(name)) throw new InvalidInputError(`featureNames has "${name}" twice; names must be unique`);
      columnOf.set(name, f);
    });
    this.featureNames = [...featureNames];
    this.columnOf = columnOf;

    const categories: Array<readonly string[] | undefined> = featureNames.map(() => undefined);
    if (categoryMap === null || typeof categoryMap !== 'object' || Array.isArray(categoryMap)) {
      throw new InvalidInputError('categoryMap must be an object { [column index or feature name]: string[] }');
    }
    for (const [key, names] of Object.entries(categoryMap)) {
      const f = /^\d+$/.test(key) ? Number(key) : columnOf.get(key);
      if (f === undefined || f >= featureNames.length) {
        throw new InvalidInputError(
          `categoryMap key "${key}" is neither a column index 0..${featureNames.length - 1} nor a feature name`,
        );
      }
      if (!Array.isArray(names) || names.length === 0 || names.some((n) => typeof n !== 'string')) {
        throw new InvalidInputError(`categoryMap["${key}"] must be a non-empty array of category names (strings)`);
      }
      if (new Set(names).size !== names.length) {
        throw new InvalidInputError(`categoryMap["${key}"] lists a category twice; category names must be unique`);
      }
      if (categories[f] !== undefined) {
        throw new InvalidInputError(`categoryMap gives categories for column ${f} ("${featureNames[f]}") twice`);
      }
      categories[f] = [...names];
    }
    this.categories = categories;
  }

  get numFeatures(): number {
    return this.featureNames.length;
  }

  /** Whether feature `f` (a column index) is categorical, i.e. has category names in the category map. */
  isCategorical(f: number): boolean {
    return this.categories[f] !== undefined;
  }

  /** The readable value of column `f`: its category name, or the number itself. */
  valueName(f: number, value: number): string {
    return this.categories[f]?.[value] ?? String(value);
  }

  /** Validates and encodes one row; `what` names it in error messages (e.g. `row 12`). */
  encodeRow(row: TabularRowInput, what = 'row'): number[] {
    if (row === null || typeof row !== 'object') {
      throw new InvalidInputError(`${what} is ${row === null ? 'null' : typeof row}; expected an array or an object keyed by feature name`);
    }
    const d = this.featureNames.length;
    if (isArrayLike(row)) {
      if (row.length !== d) {
        throw new InvalidInputError(
          `${what} has ${row.length} values; expected ${d}, one per feature (${this.featureNames.join(', ')})`,
        );
      }
      const out = new Array<number>(d);
      for (let f = 0; f < d; f++) out[f] = this.encodeValue(f, row[f], what);
      return out;
    }
    const record = row as Readonly<Record<string, number | string>>;
    for (const key of Object.keys(record)) {
      if (!this.columnOf.has(key)) {
        throw new InvalidInputError(`${what} has a field "${key}" that is not a feature; features are: ${this.featureNames.join(', ')}`);
      }
    }
    return this.featureNames.map((name, f) => {
      if (!(name in record)) throw new InvalidInputError(`${what} has no value for feature "${name}"`);
      return this.encodeValue(f, record[name], what);
    });
  }

  /** Validates and encodes many rows; errors name the row by its index. */
  encodeRows(rows: readonly TabularRowInput[], what = 'row'): number[][] {
    if (!Array.isArray(rows)) throw new InvalidInputError(`expected an array of rows; got ${typeof rows}`);
    return rows.map((row, i) => this.encodeRow(row, `${what} ${i}`));
  }

  private encodeValue(f: number, value: unknown, what: string): number {
    const where = `${what}, feature "${this.featureNames[f]}" (column ${f})`;
    const cats = this.categories[f];
    if (typeof value === 'string') {
      if (cats === undefined) throw new InvalidInputError(`${where} is the string ${JSON.stringify(value)}; expected a number`);
      const code = cats.indexOf(value);
      if (code < 0) {
        throw new InvalidInputError(`${where} has unknown category ${JSON.stringify(value)}; expected one of: ${cats.join(', ')}`);
      }
      return code;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InvalidInputError(`${where} is ${describe(value)}; expected a finite number`);
    }
    if (cats !== undefined && (!Number.isInteger(value) || value < 0 || value >= cats.length)) {
      throw new InvalidInputError(
        `${where} has category code ${value}; expected an integer code 0..${cats.length - 1} (${cats.join(', ')}) or a category name`,
      );
    }
    return value;
  }
}

function isArrayLike(row: object): row is ArrayLike<number | string> {
  return Array.isArray(row) || ArrayBuffer.isView(row);
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined || value === null) return String(value);
  return `a ${typeof value} (${JSON.stringify(value)})`;
}
