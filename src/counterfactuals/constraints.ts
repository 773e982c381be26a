import { InvalidInputError } from '../core/errors.js';

/**
 * Feature constraints shared by every counterfactual method (Wachter counterfactuals, CEM, and
 * prototype-guided counterfactuals): each becomes a box `[lower_i, upper_i]` per feature that contains
 * the instance, and every iterate of every optimiser is projected onto it (clamped), so no candidate a
 * method returns can violate them.
 *
 * - `featureRange`: the values features may take at all, global or per feature (Alibi Explain's
 *   `feature_range`); the instance itself must lie inside it.
 * - `immutable`: features that must not change (box `[x_i, x_i]`).
 * - `range`: an allowed range for individual features, narrowing `featureRange`.
 * - `direction`: `'increase'` (only up: box `[x_i, upper_i]`) or `'decrease'` (only down).
 * - `increaseOnly` / `decreaseOnly`: the same as lists, the spelling of issue 5's example
 *   (`{ immutable: ['Race', 'Sex'], increaseOnly: ['Age', 'Education'] }`); they are folded into
 *   `direction`, so either spelling gives the same explanation, byte for byte.
 *
 * Features are addressed by their flat (row-major) index in the instance, or by name where the
 * explainer has feature names (CounterfactualProto's `featureNames`).
 */

/** A bound for every feature: one number for all, or one number per feature. */
export type Bound = number | ArrayLike<number>;
/** `[min, max]` of every feature: global numbers or one per feature. */
export type FeatureRange = readonly [Bound, Bound];

/** A direction of change. */
export type Direction = 'increase' | 'decrease';

/**
 * Constraints on the features of a counterfactual, by flat index (`F = number`) or, where the explainer
 * has feature names, by index or name (`F = number | string`).
 */
export interface FeatureConstraints<F extends number | string = number> {
  /** Features that must keep their value. */
  immutable?: readonly F[];
  /** `{ [feature]: [min, max] }`: an allowed range per feature, within `featureRange`. */
  range?: Readonly<Record<F, readonly [number, number]>>;
  /** `{ [feature]: 'increase' | 'decrease' }`: the only direction a feature may change in. */
  direction?: Readonly<Record<F, Direction>>;
  /** Features that may only increase (as `direction: { [feature]: 'increase' }`). */
  increaseOnly?: readonly F[];
  /** Features that may only decrease (as `direction: { [feature]: 'decrease' }`). */
  decreaseOnly?: readonly F[];
}

/** Constraints as explainers use them: by index, the lists folded into `direction`. */
export type ResolvedConstraints = Pick<FeatureConstraints, 'immutable' | 'range' | 'direction'>;

/** The allowed values of every feature: `lower[i] <= x'[i] <= upper[i]`. */
export interface Box {
  lower: Float32Array;
  upper: Float32Array;
}

/**
 * Alibi Explain's default `feature_range`, `(-1e10, 1e10)`: in effect unbounded, yet finite, so that
 * it serialises to JSON.
 */
export const UNBOUNDED_RANGE: FeatureRange = Object.freeze([-1e10, 1e10]) as FeatureRange;

/**
 * Expands a `featureRange` option to one `[lower, upper]` pair per feature.
 *
 * @throws InvalidInputError for anything but `[min, max]` with numbers or arrays of `d` numbers, or min > max.
 */
export function resolveFeatureRange(range: FeatureRange, d: number): Box {
  if (!Array.isArray(range) || range.length !== 2) {
    throw new InvalidInputError(`option featureRange is ${JSON.stringify(range)}; expected [min, max] with numbers, or arrays of ${d} numbers (one per feature)`);
  }
  const expand = (b: Bound, which: string): Float32Array => {
    if (typeof b === 'number') {
      if (Number.isNaN(b)) throw new InvalidInputError(`option featureRange ${which} is NaN; expected a number`);
      return new Float32Array(d).fill(b);
    }
    if (b === null || typeof b !== 'object' || (b as ArrayLike<number>).length !== d) {
      const got = b !== null && typeof b === 'object' ? `${(b as ArrayLike<number>).length} values` : JSON.stringify(b);
      throw new InvalidInputError(`option featureRange ${which} has ${got}; expected one number, or ${d} numbers (one per feature)`);
    }
    const out = Float32Array.from(b);
    const bad = out.findIndex((v) => Number.isNaN(v));
    if (bad >= 0) throw new InvalidInputError(`option featureRange ${which} of feature ${bad} is NaN; expected a number`);
    return out;
  };
  const lower = expand(range[0], 'min');
  const upper = expand(range[1], 'max');
  for (let i = 0; i < d; i++) {
    if (lower[i] > upper[i]) {
      throw new InvalidInputError(`option featureRange of feature ${i} is [${lower[i]}, ${upper[i]}]; expected min <= max`);
    }
  }
  return { lower, upper };
}

/**
 * A resolved feature range as an option again, for saving an explainer: `[min, max]` numbers when every
 * feature shares them, else one Float32Array per bound (which `resolveFeatureRange` reads back exactly).
 */
export function featureRangeOption(range: Box): FeatureRange {
  const { lower, upper } = range;
  const uniform = lower.every((v) => v === lower[0]) && upper.every((v) => v === upper[0]);
  return uniform ? [lower[0], upper[0]] : [Float32Array.from(lower), Float32Array.from(upper)];
}

const CONSTRAINT_NAMES = ['immutable', 'range', 'direction', 'increaseOnly', 'decreaseOnly'];

/**
 * Checks the constraints and resolves them to feature indices: features are indices in `[0, d)` or,
 * with `names`, feature names; ranges are `[min, max]` with min <= max; directions are `'increase'` or
 * `'decrease'`. `increaseOnly` and `decreaseOnly` are folded into `direction`. The result lists
 * `immutable`, `range` and `direction` in that order, so equivalent spellings serialise alike.
 *
 * @throws InvalidInputError for an unknown constraint or feature, a malformed range or direction, a
 *   feature given two directions (both lists, or a list and `direction` that disagree), or a feature
 *   both immutable and given a direction; the message names the feature.
 */
export function checkConstraints(
  constraints: FeatureConstraints<number | string> | undefined,
  d: number,
  names?: readonly string[],
): ResolvedConstraints {
  if (constraints === undefined) return {};
  if (constraints === null || typeof constraints !== 'object') {
    throw new InvalidInputError(`option constraints is ${JSON.stringify(constraints)}; expected { ${CONSTRAINT_NAMES.map((k) => `${k}?`).join(', ')} }`);
  }
  const unknown = Object.keys(constraints).filter((k) => !CONSTRAINT_NAMES.includes(k));
  if (unknown.length > 0) {
    throw new InvalidInputError(`unknown constraint${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; known constraints are: ${CONSTRAINT_NAMES.join(', ')}`);
  }
  const feature = (key: string | number, where: string): number => {
    const i = typeof key === 'string' && names !== undefined && !/^\d+$/.test(key) ? names.indexOf(key) : Number(key);
    if (Number.isInteger(i) && i >= 0 && i < d) return i;
    const expected = names === undefined ? `a feature index, an integer in 0..${d - 1}` : `a feature index or one of: ${names.join(', ')}`;
    throw new InvalidInputError(`constraints.${where} names feature ${JSON.stringify(key)}; expected ${expected}`);
  };
  const list = (where: 'immutable' | 'increaseOnly' | 'decreaseOnly'): number[] | undefined => {
    const keys = constraints[where];
    if (keys === undefined) return undefined;
    if (!Array.isArray(keys)) throw new InvalidInputError(`constraints.${where} is ${JSON.stringify(keys)}; expected an array of feature indices${names === undefined ? '' : ' or names'}`);
    return keys.map((key) => feature(key, where));
  };
  const immutable = list('immutable');
  const out: ResolvedConstraints = {};
  if (immutable !== undefined) out.immutable = immutable;
  if (constraints.range !== undefined) {
    const range: Record<number, readonly [number, number]> = {};
    for (const [key, r] of Object.entries(constraints.range)) {
      const i = feature(key, 'range');
      if (!Array.isArray(r) || r.length !== 2 || !r.every((v) => typeof v === 'number' && !Number.isNaN(v)) || r[0] > r[1]) {
        throw new InvalidInputError(`constraints.range[${key}] is ${JSON.stringify(r)}; expected [min, max] with min <= max`);
      }
      range[i] = r as readonly [number, number];
    }
    out.range = range;
  }
  const direction: Record<number, Direction> = {};
  const named: Record<number, string> = {}; // where each feature's direction was given, for messages
  const give = (key: string | number, dir: Direction, where: string) => {
    const i = feature(key, where);
    const label = String(key) === String(i) ? String(i) : `${JSON.stringify(key)} (${i})`;
    if (direction[i] !== undefined && direction[i] !== dir) {
      throw new InvalidInputError(`feature ${label} is constrained to ${direction[i]} (${named[i]}) and to ${dir} (${where}); give it one direction`);
    }
    if (immutable?.includes(i)) {
      throw new InvalidInputError(`feature ${label} is both immutable and constrained to ${dir}; give it one constraint`);
    }
    direction[i] = dir;
    named[i] = where;
  };
  for (const [key, dir] of Object.entries(constraints.direction ?? {})) {
    if (dir !== 'increase' && dir !== 'decrease') {
      feature(key, 'direction');
      throw new InvalidInputError(`constraints.direction[${key}] is ${JSON.stringify(dir)}; expected 'increase' or 'decrease'`);
    }
    give(key, dir, 'constraints.direction');
  }
  for (const [where, dir] of [['increaseOnly', 'increase'], ['decreaseOnly', 'decrease']] as const) {
    list(where); // checks the list's shape first
    for (const key of constraints[where] ?? []) give(key, dir, `constraints.${where}`);
  }
  if (constraints.direction !== undefined || constraints.increaseOnly !== undefined || constraints.decreaseOnly !== undefined) out.direction = direction;
  return out;
}

/**
 * The box every candidate of an explanation of `x` must stay in: `featureRange`, narrowed by
 * `constraints.range`, pinned at `x_i` for immutable features, and cut at `x_i` for directions.
 *
 * @throws InvalidInputError when `x` itself lies outside `featureRange` or a feature's allowed range,
 *   naming the feature, its value and the range.
 */
export function constraintBox(x: Float32Array, range: Box, constraints: ResolvedConstraints): Box {
  const d = x.length;
  const lower = Float32Array.from(range.lower);
  const upper = Float32Array.from(range.upper);
  for (let i = 0; i < d; i++) {
    if (!(x[i] >= lower[i] && x[i] <= upper[i])) {
      throw new InvalidInputError(`instance value ${i} (flat, row-major) is ${x[i]}, outside featureRange [${lower[i]}, ${upper[i]}]; expected every value inside it`);
    }
  }
  for (const [key, [lo, hi]] of Object.entries(constraints.range ?? {})) {
    const i = Number(key);
    if (!(x[i] >= lo && x[i] <= hi)) {
      throw new InvalidInputError(`instance value ${i} is ${x[i]}, outside its allowed range [${lo}, ${hi}] (constraints.range); expected the instance inside its constraints`);
    }
    lower[i] = Math.max(lower[i], lo);
    upper[i] = Math.min(upper[i], hi);
  }
  for (const i of constraints.immutable ?? []) {
    lower[i] = x[i];
    upper[i] = x[i];
  }
  for (const [key, dir] of Object.entries(constraints.direction ?? {})) {
    const i = Number(key);
    if (dir === 'increase') lower[i] = x[i];
    else upper[i] = x[i];
  }
  return { lower, upper };
}

/** Clamps `v` onto the box, in place, and returns it: the Euclidean projection onto a box. */
export function project(v: Float32Array, box: Box): Float32Array {
  const { lower, upper } = box;
  for (let i = 0; i < v.length; i++) {
    if (v[i] < lower[i]) v[i] = lower[i];
    else if (v[i] > upper[i]) v[i] = upper[i];
  }
  return v;
}

/** The features the box lets change (`lower < upper`): the only ones worth a gradient. */
export function mutableFeatures(box: Box): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < box.lower.length; i++) if (box.lower[i] < box.upper[i]) out.push(i);
  return Int32Array.from(out);
}

