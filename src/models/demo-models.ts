import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.js';
import { readModelJson } from './model-file.js';
import type { Predictor } from '../predictors/predictor.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { JsonReader } from '../core/json-checks.js';
import { LogisticRegression } from './logistic-regression.js';

/**
 * The bundled demo models: small classifiers trained on the bundled Adult data set
 * (`loadAdult().train`) by `scripts/train-adult-models.ts`, stored as JSON in the package's top-level
 * `models/` folder, so that examples, the CLI and tests have a real model to explain without tfjs or a
 * network. See `models/README.md` for how they were trained and how well they do.
 */

export type DemoModelName = 'adult-gbt' | 'adult-logreg';
export type DemoModelFamily = 'gradient-boosted-trees' | 'logistic-regression';

/** What {@link listDemoModels} says about a model, without reading it. */
export interface DemoModelEntry {
  name: DemoModelName;
  family: DemoModelFamily;
  description: string;
  /** The file name inside the models folder. */
  file: string;
}

/** What a loaded demo model says about itself (from its JSON). */
export interface DemoModelInfo extends DemoModelEntry {
  /** The data set it was trained on (`loadAdult`). */
  dataset: 'adult';
  featureNames: string[];
  targetNames: string[];
  /** Accuracy on the held-out test split, measured when it was trained. */
  testAccuracy: number;
  /** The full path the model was read from. */
  path: string;
}

/** A bundled demo model ({@link loadDemoModel}): its predictor for Adult rows, the model itself and what it is. */
export interface DemoModel {
  /** Class probabilities `[p(<=50K), p(>50K)]` for a batch of rows coded as `loadAdult()` codes them. */
  predictor: Predictor;
  info: DemoModelInfo;
  /** The model itself, for margins, JSON or coefficients. */
  model: GradientBoostedTrees | LogisticRegression;
}

const DEMO_MODELS: readonly DemoModelEntry[] = [
  {
    name: 'adult-gbt',
    family: 'gradient-boosted-trees',
    description: 'Gradient-boosted decision trees predicting Adult income >50K (the default demo model).',
    file: 'adult-gbt.json',
  },
  {
    name: 'adult-logreg',
    family: 'logistic-regression',
    description: 'Logistic regression on one-hot categories and standardised numbers, predicting Adult income >50K.',
    file: 'adult-logreg.json',
  },
];

/** The package's `models/` folder: this module sits two levels below the package root. */
const DEFAULT_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

/** The bundled demo models (no file is read). */
export function listDemoModels(): DemoModelEntry[] {
  return DEMO_MODELS.map((m) => ({ ...m }));
}

/**
 * Loads a bundled demo model and checks it: the file must exist and hold a valid model of the named
 * family with its `meta` block (data set, feature and class names, test accuracy).
 *
 * @param options.dir the folder holding the model files; defaults to the package's `models/`.
 * @throws InvalidInputError for an unknown name, a missing file, or a malformed model.
 */
export function loadDemoModel(name: DemoModelName, options: { dir?: string } = {}): DemoModel {
  const entry = DEMO_MODELS.find((m) => m.name === name);
  if (entry === undefined) {
    throw new InvalidInputError(
      `unknown demo model ${JSON.stringify(name)}; expected one of: ${DEMO_MODELS.map((m) => m.name).join(', ')}`,
    );
  }
  const path = join(options.dir ?? DEFAULT_DIR, entry.file);
  const json = readModelJson(path, 'npx tsx scripts/train-adult-models.ts');
  const model =
    entry.family === 'gradient-boosted-trees' ? GradientBoostedTrees.fromJSON(json, path) : LogisticRegression.fromJSON(json, path);

  const r = new JsonReader(path);
  const meta = r.object((json as Record<string, unknown>).meta, 'meta');
  r.literal(meta.name, 'meta.name', entry.name);
  r.literal(meta.dataset, 'meta.dataset', 'adult');
  const targetNames = r.strings(meta.targetNames, 'meta.targetNames', 2);
  const testAccuracy = r.finite(meta.testAccuracy, 'meta.testAccuracy');
  if (model.featureNames === undefined) r.fail('featureNames', `an array of ${model.featureCount} strings`, undefined);
  return {
    predictor: model.predictor,
    model,
    info: {
      ...entry,
      dataset: 'adult',
      featureNames: [...(model.featureNames as string[])],
      targetNames,
      testAccuracy,
      path,
    },
  };
}

/** What the bundled diabetes regressor says about itself (from its JSON `meta`). */
export interface DemoRegressorInfo {
  name: 'diabetes-gbt';
  dataset: 'diabetes';
  featureNames: string[];
  targetName: string;
  /** R² on the held-out test split of `loadDiabetes()`, measured when it was trained. */
  testR2: number;
  path: string;
}

/**
 * Loads the bundled demo regressor `models/diabetes-gbt.json` (gradient-boosted trees, squared error,
 * trained by `scripts/train-diabetes-model.ts` on `loadDiabetes().train`): its predictor returns one
 * predicted disease progression per row and declares `task: 'regression'`.
 *
 * @throws InvalidInputError for a missing or malformed file.
 */
export function loadDemoRegressor(options: { dir?: string } = {}): { predictor: GradientBoostedTrees['predictor']; model: GradientBoostedTrees; info: DemoRegressorInfo } {
  const path = join(options.dir ?? DEFAULT_DIR, 'diabetes-gbt.json');
  const json = readModelJson(path, 'npx tsx scripts/train-diabetes-model.ts');
  const model = GradientBoostedTrees.fromJSON(json, path);
  const r = new JsonReader(path);
  if (model.objective !== 'reg:squarederror') r.fail('objective', "'reg:squarederror'", model.objective);
  const meta = r.object((json as Record<string, unknown>).meta, 'meta');
  r.literal(meta.name, 'meta.name', 'diabetes-gbt');
  r.literal(meta.dataset, 'meta.dataset', 'diabetes');
  if (typeof meta.targetName !== 'string') r.fail('meta.targetName', 'a string', meta.targetName);
  const targetName = meta.targetName as string;
  const testR2 = r.finite(meta.testR2, 'meta.testR2');
  if (model.featureNames === undefined) r.fail('featureNames', `an array of ${model.featureCount} strings`, undefined);
  return {
    predictor: model.predictor,
    model,
    info: { name: 'diabetes-gbt', dataset: 'diabetes', featureNames: [...(model.featureNames as string[])], targetName, testR2, path },
  };
}
