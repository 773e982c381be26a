import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.js';
import type { Predictor } from '../predictors/predictor.js';
import { ContextFillMask } from '../text/context-fill-mask.js';
import { BagOfWordsLogisticRegression } from './bag-of-words.js';
import { JsonReader } from '../core/json-checks.js';
import { readModelJson } from './model-file.js';

/**
 * The bundled text models, trained on the bundled sentiment sentences (`loadSentiment()`, seed 0) by
 * `scripts/train-sentiment-models.ts` and stored in the package's `models/sentiment/` folder (see its
 * README for how they were trained and how well they do): a sentiment classifier to explain, and a
 * masked-word model for the `language_model` sampler of `AnchorText`.
 */

/** The package's `models/sentiment/` folder: this module sits two levels below the package root. */
const DEFAULT_DIR = fileURLToPath(new URL('../../models/sentiment/', import.meta.url));
const COMMAND = 'npx tsx scripts/train-sentiment-models.ts';
export const SENTIMENT_MODEL_FILE = 'sentiment-logreg.json';
export const SENTIMENT_FILL_MASK_FILE = 'context-fill-mask.json';

/** Options of {@link loadSentimentModel}. */
export interface LoadSentimentModelOptions {
  /** The folder holding the model files; defaults to the package's `models/sentiment/`. */
  dir?: string;
}

/** What the bundled sentiment classifier says about itself (from its JSON `meta`). */
export interface SentimentModelInfo {
  name: 'sentiment-logreg';
  description: string;
  dataset: 'sentiment';
  /** `['negative', 'positive']`: label 1 is positive. */
  targetNames: string[];
  /** Accuracy on the held-out sentences of `loadSentiment()` (seed 0), measured when it was trained. */
  testAccuracy: number;
  /** The full path the model was read from. */
  path: string;
}

/** The bundled sentiment classifier ({@link loadSentimentModel}): its predictor for texts and the model. */
export interface SentimentModel {
  /** Class probabilities `[p(negative), p(positive)]` for a batch of texts. */
  predictor: Predictor<string>;
  model: BagOfWordsLogisticRegression;
  info: SentimentModelInfo;
}

/**
 * Loads the bundled sentiment classifier: logistic regression on a bag of words (see
 * {@link BagOfWordsLogisticRegression}), with held-out accuracy about 0.8.
 *
 * @throws InvalidInputError for a missing file or a malformed model.
 */
export function loadSentimentModel(options: LoadSentimentModelOptions = {}): SentimentModel {
  const path = join(options.dir ?? DEFAULT_DIR, SENTIMENT_MODEL_FILE);
  const json = readModelJson(path, COMMAND);
  const model = BagOfWordsLogisticRegression.fromJSON(json, path);
  const r = new JsonReader(path);
  const meta = r.object((json as Record<string, unknown>).meta, 'meta');
  r.literal(meta.name, 'meta.name', 'sentiment-logreg');
  r.literal(meta.dataset, 'meta.dataset', 'sentiment');
  return {
    predictor: model.predictor,
    model,
    info: {
      name: 'sentiment-logreg',
      description: 'Logistic regression on a bag of words, predicting whether a review sentence is positive.',
      dataset: 'sentiment',
      targetNames: r.strings(meta.targetNames, 'meta.targetNames', 2),
      testAccuracy: r.finite(meta.testAccuracy, 'meta.testAccuracy'),
      path,
    },
  };
}

/**
 * Loads the bundled masked-word model: a {@link ContextFillMask} counted on the training sentences of
 * the sentiment data set, for `new AnchorText(predict, { sampling: 'language_model', fillMask })`.
 *
 * @throws InvalidInputError for a missing file or a malformed model.
 */
export function loadSentimentFillMask(options: LoadSentimentModelOptions = {}): ContextFillMask {
  const path = join(options.dir ?? DEFAULT_DIR, SENTIMENT_FILL_MASK_FILE);
  return ContextFillMask.fromJSON(readModelJson(path, COMMAND), path);
}

