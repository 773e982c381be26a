import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';

/**
 * The bundled Adult gradient-boosted trees as a black box with no gradients, seen through numeric
 * features scaled to [0, 1] by their training range (Age, Capital Gain, Capital Loss, Hours per week);
 * the categorical features keep their codes and are meant to be immutable.
 */
export function adultNumericTask() {
  const adult = loadAdult();
  const { model } = loadDemoModel('adult-gbt');
  const numeric = [0, 8, 9, 10];
  const d = adult.featureNames.length;
  const lower = new Array<number>(d).fill(0);
  const upper = new Array<number>(d).fill(0);
  for (const j of numeric) {
    lower[j] = Math.min(...adult.train.rows.map((r) => r[j]));
    upper[j] = Math.max(...adult.train.rows.map((r) => r[j]));
  }
  const scale = (row: number[]) => row.map((v, j) => (numeric.includes(j) ? (v - lower[j]) / (upper[j] - lower[j]) : v));
  const unscale = (row: ArrayLike<number>) => Array.from(row, (v, j) => (numeric.includes(j) ? lower[j] + v * (upper[j] - lower[j]) : v));
  const predictor = (rows: number[][]) => model.predictProba(rows.map(unscale));
  const categorical = Array.from({ length: d }, (_, j) => j).filter((j) => !numeric.includes(j));
  /** featureRange: [0, 1] for the scaled numbers, all codes for the categories. */
  const featureRange: [number[], number[]] = [
    new Array<number>(d).fill(0),
    Array.from({ length: d }, (_, j) => (numeric.includes(j) ? 1 : adult.categoryMap[j].length - 1)),
  ];
  /** The first `n` held-out rows (of the first 100) the model predicts as <=50K, scaled. */
  const lowIncomeRows = (n: number) => {
    const rows = adult.test.rows.slice(0, 100).map(scale);
    const proba = predictor(rows);
    return rows.filter((_, i) => proba[i][1] < 0.5).slice(0, n);
  };
  return { d, numeric, categorical, featureRange, predictor, scale, unscale, lowIncomeRows };
}
