import { InvalidInputError } from '../../core/errors.js';
import { CategoricalSpace } from '../categorical/space.js';
import { constraintBox, type Box, type FeatureConstraints } from '../constraints.js';
import { flattenInstance, type InstanceInput } from '../instance.js';

/**
 * The space the optimiser of prototype-guided counterfactuals moves in, and the way back to a valid
 * input for the model. For numeric inputs (images, numeric tables) it is the input itself. With
 * categorical features it is a {@link CategoricalSpace}: one dimension per feature, each category at
 * its coordinate on a line, and every point snapped to the nearest category allowed for each
 * categorical feature before the model sees it (Van Looveren & Klaise, 2019, §3.4).
 */
export interface SearchSpace {
  /** Dimensions of the optimiser's space. */
  readonly size: number;
  /** The embedding of the categories, when there are categorical features. */
  readonly categorical?: CategoricalSpace;
  /** An input (model encoding) as a point of the space. */
  toPoint(input: InstanceInput, what?: string): Float32Array;
  /** The box, snapping and model rows for explaining the instance at `x`, under `constraints`. */
  forInstance(x: Float32Array, constraints: FeatureConstraints): InstanceSpace;
}

export interface InstanceSpace {
  /** Where each dimension may go (the feature range narrowed by the constraints). */
  box: Box;
  /** The nearest point that is a valid input (categories snapped; numeric values as they are). */
  snap(point: Float32Array): Float32Array;
  /** The model's input for a point, flat (after snapping). */
  toInput(point: ArrayLike<number>): number[];
  /** Whether a point is a valid input the constraints allow: inside the box, and its own snap. */
  feasible(point: Float32Array): boolean;
}

function inside(point: Float32Array, box: Box): boolean {
  for (let i = 0; i < point.length; i++) if (!(point[i] >= box.lower[i] && point[i] <= box.upper[i])) return false;
  return true;
}

/** The input itself as the optimiser's space (no categorical features). */
export function numericSpace(shape: readonly number[], range: Box): SearchSpace {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    size,
    toPoint: (input, what = 'instance') => flattenInstance(input, shape, what),
    forInstance: (x, constraints) => {
      const box = constraintBox(x, range, constraints);
      return { box, snap: (point) => point, toInput: (point) => Array.from(point), feasible: (point) => inside(point, box) };
    },
  };
}

/**
 * A categorical space as the optimiser's space. Constraints address features (one dimension each):
 * an immutable categorical feature keeps its category; a direction on a categorical feature needs the
 * feature's order (`CategoricalSpace`'s `order`) and allows only the categories at or above (below)
 * the instance's; a range on a categorical feature is refused.
 */
export function categoricalSpace(space: CategoricalSpace): SearchSpace {
  const categorical = new Set(space.layout.categoricalFeatures);
  return {
    size: space.numFeatures,
    categorical: space,
    toPoint: (input, what = 'instance') => space.toNumeric(input as ArrayLike<number>, what),
    forInstance: (x, constraints) => {
      const { direction = {}, range = {} } = constraints;
      for (const key of Object.keys(range)) {
        if (categorical.has(Number(key))) {
          throw new InvalidInputError(`constraints.range names feature ${key}, which is categorical; expected ranges on numeric features only (use immutable or a direction with an order)`);
        }
      }
      const numericDirection = Object.fromEntries(Object.entries(direction).filter(([key]) => !categorical.has(Number(key))));
      const box = constraintBox(x, space.featureRange, { ...constraints, direction: numericDirection });
      const allowed: Record<number, number[]> = {};
      const codes = space.layout.toOrdinal(space.toRow(x));
      for (const f of constraints.immutable ?? []) if (categorical.has(f)) allowed[f] = [codes[f]];
      for (const [key, dir] of Object.entries(direction)) {
        const f = Number(key);
        if (!categorical.has(f)) continue;
        const interval = space.orderedCategories(f, codes[f], dir);
        allowed[f] = interval.categories;
        box.lower[f] = interval.lower;
        box.upper[f] = interval.upper;
      }
      const toInput = (point: ArrayLike<number>) => space.toRow(point, allowed);
      const snap = (point: Float32Array) => space.toNumeric(toInput(point));
      return { box, snap, toInput, feasible: (point) => inside(point, box) && snap(point).every((v, i) => v === point[i]) };
    },
  };
}
