import { InvalidInputError } from './errors.js';

/**
 * Min-max scaling of some numeric columns of tabular rows, the preprocessing of Alibi Explain's
 * prototype-guided counterfactual examples on Adult: column j goes from its training range
 * `[lower_j, upper_j]` to `range` (default `[-1, 1]`) by x′ = a + (b − a)(x − lower_j)/(upper_j − lower_j),
 * so that distances weigh a change of each column by its share of the column's range; other columns
 * (category codes) pass through unchanged. `integer` columns (years, dollars, hours) are rounded when
 * unscaled, so that a scaled value an optimiser moved reads as the whole number it stands for.
 */

/** A {@link MinMaxScaling} as plain JSON, as `toJSON` writes it. */
export interface MinMaxScalingState {
  /** Row length. */
  size: number;
  /** The scaled columns, by index, ascending. */
  features: number[];
  /** Per scaled column (in the order of `features`), its training minimum and maximum. */
  lower: number[];
  upper: number[];
  /** `[a, b]`, the range scaled columns are mapped to. */
  range: [number, number];
  /** Whether unscaled values are rounded to whole numbers. */
  integer: boolean;
}

/**
 * Options of {@link MinMaxScaling.fit}: which columns to scale, to which range, and whether unscaled values are
 * rounded.
 */
export interface MinMaxScalingFitOptions {
  /** The numeric columns to scale, by index. */
  features: readonly number[];
  /** The range scaled columns are mapped to. Default `[-1, 1]`, as Alibi's Adult examples. */
  range?: readonly [number, number];
  /** Round unscaled values to whole numbers. Default false. */
  integer?: boolean;
}

/**
 * A min–max scaling of chosen numeric columns to a range (Alibi's Adult counterfactual examples scale to `[-1,
 * 1]`), fitted on training rows, saved with an explainer (`inputScaling`) and inverted exactly for the model.
 */
export class MinMaxScaling {
  private readonly scaled: Array<{ lower: number; upper: number } | undefined>;

  private constructor(private readonly state: MinMaxScalingState) {
    this.scaled = Array.from({ length: state.size }, () => undefined);
    state.features.forEach((f, i) => (this.scaled[f] = { lower: state.lower[i], upper: state.upper[i] }));
  }

  /**
   * The scaling of `features` fitted on `rows`: each column's minimum and maximum.
   *
   * @throws InvalidInputError for no rows, ragged or non-finite rows, a column index out of range, a
   *   constant column (its range would be 0) or a bad `range`.
   */
  static fit(rows: readonly (ArrayLike<number>)[], options: MinMaxScalingFitOptions): MinMaxScaling {
    if (!Array.isArray(rows) || rows.length === 0) throw new InvalidInputError('MinMaxScaling.fit needs at least one row');
    const size = rows[0].length;
    const features = [...new Set(options.features)].sort((a, b) => a - b);
    const lower = features.map(() => Infinity);
    const upper = features.map(() => -Infinity);
    rows.forEach((row, r) => {
      if (row.length !== size) throw new InvalidInputError(`row ${r} has ${row.length} values; expected ${size}, as row 0`);
      features.forEach((f, i) => {
        const v = row[f];
        if (!Number.isFinite(v)) throw new InvalidInputError(`row ${r}, column ${f} is ${v}; expected a finite number`);
        lower[i] = Math.min(lower[i], v);
        upper[i] = Math.max(upper[i], v);
      });
    });
    return MinMaxScaling.fromJSON({ size, features, lower, upper, range: [...(options.range ?? [-1, 1])] as [number, number], integer: options.integer ?? false });
  }

  /**
   * A scaling from its JSON; `what` names the JSON in error messages.
   *
   * @throws InvalidInputError naming the field that is wrong, what was expected and what was found.
   */
  static fromJSON(json: unknown, what = 'the scaling'): MinMaxScaling {
    const fail = (field: string, expected: string, found: unknown): never => {
      throw new InvalidInputError(`${what}: "${field}" should be ${expected}; found ${JSON.stringify(found) ?? 'nothing'}`);
    };
    if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('(top level)', 'an object', json);
    const o = json as Record<string, unknown>;
    const size = o.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) fail('size', 'a positive integer (the row length)', size);
    const numbers = (field: string) => {
      const v = o[field];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) fail(field, 'an array of finite numbers', v);
      return v as number[];
    };
    const features = numbers('features');
    features.forEach((f, i) => {
      if (!Number.isInteger(f) || f < 0 || f >= (size as number) || (i > 0 && f <= features[i - 1])) {
        fail(`features[${i}]`, `a column index in 0..${(size as number) - 1}, ascending`, f);
      }
    });
    const lower = numbers('lower');
    const upper = numbers('upper');
    if (lower.length !== features.length) fail('lower', `${features.length} numbers, one per scaled column`, lower);
    if (upper.length !== features.length) fail('upper', `${features.length} numbers, one per scaled column`, upper);
    features.forEach((f, i) => {
      if (!(upper[i] > lower[i])) fail(`upper[${i}]`, `greater than lower[${i}] = ${lower[i]} (column ${f} is constant: leave it out)`, upper[i]);
    });
    const range = numbers('range');
    if (range.length !== 2 || !(range[0] < range[1])) fail('range', '[a, b] with a < b', range);
    if (typeof o.integer !== 'boolean') fail('integer', 'true or false', o.integer);
    return new MinMaxScaling({ size: size as number, features: [...features], lower: [...lower], upper: [...upper], range: [range[0], range[1]], integer: o.integer as boolean });
  }

  /** The scaling's state as plain JSON (what `explainer.json` keeps as `inputScaling`). */
  toJSON(): MinMaxScalingState {
    const { size, features, lower, upper, range, integer } = this.state;
    return { size, features: [...features], lower: [...lower], upper: [...upper], range: [range[0], range[1]], integer };
  }

  /** The row length. */
  get size(): number {
    return this.state.size;
  }

  /** Whether column `f` is scaled. */
  isScaled(f: number): boolean {
    return this.scaled[f] !== undefined;
  }

  /**
   * A row as the model reads it to a scaled row.
   *
   * @throws InvalidInputError for a row of the wrong length or with a value that is not a finite number.
   */
  scale(row: ArrayLike<number>, what = 'the row'): number[] {
    if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
      const got = row === null ? 'null' : typeof row === 'object' ? 'an object without a length' : `a ${typeof row}`;
      throw new InvalidInputError(`${what} is ${got}; expected an array of ${this.size} numbers`);
    }
    if (row.length !== this.size) throw new InvalidInputError(`${what} has ${row.length} values; expected ${this.size}`);
    const [a, b] = this.state.range;
    const out = new Array<number>(row.length);
    for (let j = 0; j < row.length; j++) {
      const v = row[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new InvalidInputError(`${what}, column ${j} is ${JSON.stringify(v) ?? 'missing'}; expected a finite number`);
      }
      const s = this.scaled[j];
      out[j] = s === undefined ? v : a + ((b - a) * (v - s.lower)) / (s.upper - s.lower);
    }
    return out;
  }

  /** A scaled row back to the model's values (rounded with `integer`). Called for every row sent to the model: a plain loop. */
  unscale(row: ArrayLike<number>): number[] {
    const out = new Array<number>(row.length);
    for (let j = 0; j < row.length; j++) out[j] = this.scaled[j] === undefined ? row[j] : this.unscaleValue(j, row[j]);
    return out;
  }

  /** One scaled value of column `f` back to the model's value. */
  unscaleValue(f: number, value: number): number {
    const s = this.scaled[f];
    if (s === undefined) return value;
    const range = this.state.range;
    const v = s.lower + ((value - range[0]) / (range[1] - range[0])) * (s.upper - s.lower);
    return this.state.integer ? Math.round(v) : v;
  }
}
