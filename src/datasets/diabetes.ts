import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.js';
import { loadCsv } from './csv.js';
import type { RegressionDataset, TabularSplit } from './types.js';

/**
 * Loader for the bundled diabetes data set (Efron, Hastie, Johnstone & Tibshirani, "Least Angle
 * Regression", Annals of Statistics 32(2), 2004), as scikit-learn distributes it (BSD-3-Clause) in its
 * raw, unscaled form: 442 patients, 10 baseline variables (age, sex, bmi, bp and six blood serum
 * measurements s1..s6) and `y`, a quantitative measure of disease progression one year after baseline
 * (25 to 346). See `datasets/diabetes/NOTES.md`.
 */

/** The package's `datasets/diabetes/` folder: this module sits two levels below the package root. */
const DEFAULT_DIR = fileURLToPath(new URL('../../datasets/diabetes/', import.meta.url));

/** Rows and columns `datasets/diabetes/NOTES.md` documents. */
const ROWS = 442;
const FEATURES = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6'];

/** Every `TEST_EVERY`-th row (rows 4, 9, 14, ... of the file) is held out: 88 test rows, 354 training rows. */
export const DIABETES_TEST_EVERY = 5;

/** Options of {@link loadDiabetes}. */
export interface LoadDiabetesOptions {
  /** The folder holding `diabetes.csv`. Defaults to the package's bundled `datasets/diabetes/`. */
  dir?: string;
}

/**
 * Loads the diabetes data set: every column numeric (`sex` is 1 or 2), target `y`. The split is fixed
 * and needs no seed: row i of the file is a test row when `i % 5 === 4`.
 *
 * @throws InvalidInputError when the file is missing or malformed, or does not have the documented
 *   442 rows and columns.
 */
export function loadDiabetes(options: LoadDiabetesOptions = {}): RegressionDataset {
  const path = join(options.dir ?? DEFAULT_DIR, 'diabetes.csv');
  const table = loadCsv(path, { target: 'y', numeric: FEATURES });
  if (table.rows.length !== ROWS || table.featureNames.join(',') !== FEATURES.join(',')) {
    throw new InvalidInputError(
      `${path} has ${table.rows.length} rows and columns ${table.featureNames.join(', ')}; expected ${ROWS} rows and ${FEATURES.join(', ')} (datasets/diabetes/NOTES.md)`,
    );
  }
  const target = (table.target as string[]).map(Number);
  const bad = target.findIndex((y) => !Number.isFinite(y));
  if (bad >= 0) throw new InvalidInputError(`${path}: y of row ${bad} is ${JSON.stringify((table.target as string[])[bad])}; expected a number`);
  const train: TabularSplit = { rows: [], target: [] };
  const test: TabularSplit = { rows: [], target: [] };
  table.rows.forEach((row, i) => {
    const split = i % DIABETES_TEST_EVERY === DIABETES_TEST_EVERY - 1 ? test : train;
    split.rows.push(row);
    split.target.push(target[i]);
  });
  return { name: 'diabetes', featureNames: table.featureNames, categoryMap: {}, targetName: 'y', train, test };
}
