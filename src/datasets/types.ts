/**
 * The shape of a bundled tabular data set: numeric rows (categorical features coded as integers
 * 0..k-1) with a class label per row, split into training and held-out test rows.
 */

/** One split of a tabular data set: `rows[i]` has one number per feature, `target[i]` is its class. */
export interface TabularSplit {
  rows: number[][];
  target: number[];
}

/** A tabular classification data set with its feature names, category names and class names. */
export interface TabularDataset {
  /** A short identifier, e.g. `adult`. */
  name: string;
  /** One name per column of every row, in column order. */
  featureNames: string[];
  /**
   * For each categorical column (keyed by its column index), the category names by code: a value `c` in
   * that column means `categoryMap[column][c]`. Columns without an entry are numeric.
   */
  categoryMap: Record<number, string[]>;
  /** Class names by label: `target[i] = c` means `targetNames[c]`. */
  targetNames: string[];
  /** The rows a model is trained on. */
  train: TabularSplit;
  /** The held-out rows; "row N" in the CLI means `test.rows[N]`. */
  test: TabularSplit;
}

/** A tabular regression data set: numeric rows with a number to predict per row. */
export interface RegressionDataset {
  /** A short identifier, e.g. `diabetes`. */
  name: string;
  /** One name per column of every row, in column order. */
  featureNames: string[];
  /** Categorical columns, as in {@link TabularDataset.categoryMap}; empty when every column is numeric. */
  categoryMap: Record<number, string[]>;
  /** The name of the predicted quantity. */
  targetName: string;
  /** `target[i]` is the value to predict for `rows[i]`. */
  train: TabularSplit;
  test: TabularSplit;
}
