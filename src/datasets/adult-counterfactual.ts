import { MinMaxScaling } from '../core/min-max-scaling.js';
import type { FeatureChange } from '../counterfactuals/proto/counterfactual-proto.js';
import { loadDemoModel, type DemoModelName } from '../models/demo-models.js';
import type { Predictor } from '../predictors/predictor.js';
import { loadAdult } from './adult.js';
import type { TabularDataset } from './types.js';

/**
 * The bundled Adult data and demo model set up for counterfactuals, as Alibi Explain's Adult examples
 * of prototype-guided counterfactuals set them up: numeric features (Age, Capital Gain, Capital Loss,
 * Hours per week) scaled to [-1, 1] by their training minimum and maximum, so that the L1 and L2 terms
 * weigh a change of each feature by its share of the feature's range; categorical features keep their
 * codes. The predictor takes scaled rows and unscales them for the model.
 */
export interface AdultCounterfactualTask {
  dataset: TabularDataset;
  featureNames: string[];
  categoryMap: Record<number, string[]>;
  /** The numeric features, by index. */
  numeric: number[];
  /** The scaling of the numeric features (fitted on the training rows), which `scale` and `unscale` apply. */
  scaling: MinMaxScaling;
  /** A row as the model reads it to a scaled row. */
  scale(row: ArrayLike<number>): number[];
  /** A scaled row back to the model's values (whole numbers). */
  unscale(row: ArrayLike<number>): number[];
  /** Class probabilities `[p(<=50K), p(>50K)]` of scaled rows (a {@link Predictor}). */
  predictor: (rows: number[][]) => number[][];
  /** The Education categories from lowest to highest, for an `increase` constraint on education. */
  educationOrder: string[];
  /** A change of a scaled row as a person reads it: numbers unscaled and rounded. */
  describe(change: FeatureChange): string;
  /** Whether a change of a scaled row changes the model's row (numbers that round to the same whole number do not). */
  matters(change: FeatureChange): boolean;
}

/** Education from lowest to highest, in the grouping of `datasets/adult/grouping.json`. */
export const ADULT_EDUCATION_ORDER = Object.freeze(['Dropout', 'High School grad', 'Associates', 'Bachelors', 'Masters', 'Prof-School', 'Doctorate']);

const NUMERIC = [0, 8, 9, 10];

/**
 * Constraints for Adult counterfactuals of people: who they are does not change (Race, Sex, Country),
 * and age and education only go up (Alibi Explain's Adult examples keep the first three immutable).
 */
export const ADULT_COUNTERFACTUAL_CONSTRAINTS = Object.freeze({
  immutable: Object.freeze(['Race', 'Sex', 'Country']),
  increaseOnly: Object.freeze(['Age', 'Education']),
});

/**
 * The Adult counterfactual task of the README and the CLI: the bundled Adult data with its numeric columns
 * scaled to `[-1, 1]`, a demo model reading scaled rows, the constraints for people and the order of Education.
 *
 * @param model the demo model to explain (default `adult-gbt`).
 */
export function adultCounterfactualTask(model: DemoModelName = 'adult-gbt'): AdultCounterfactualTask {
  const dataset = loadAdult();
  const { model: demo } = loadDemoModel(model);
  // Adult's numbers are whole (years, dollars, hours): unscaling rounds, so that a scaled value rounded
  // to float32 by an optimiser reads as the number it stands for.
  const scaling = MinMaxScaling.fit(dataset.train.rows, { features: NUMERIC, range: [-1, 1], integer: true });
  const scale = (row: ArrayLike<number>) => scaling.scale(row);
  const unscale = (row: ArrayLike<number>) => scaling.unscale(row);
  const predictor = (rows: number[][]) => demo.predictProba(rows.map(unscale));
  const value = (j: number, v: string | number) => (typeof v === 'number' ? String(scaling.unscaleValue(j, v)) : v);
  return {
    dataset,
    featureNames: [...dataset.featureNames],
    categoryMap: dataset.categoryMap,
    numeric: [...NUMERIC],
    scaling,
    scale,
    unscale,
    predictor,
    educationOrder: [...ADULT_EDUCATION_ORDER],
    describe: (c) => `${c.name}: ${value(c.feature, c.from)} -> ${value(c.feature, c.to)}`,
    matters: (c) => value(c.feature, c.from) !== value(c.feature, c.to),
  };
}
