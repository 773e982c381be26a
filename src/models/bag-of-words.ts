import { tokenize } from '../anchors/text/tokenize.js';
import { InvalidInputError } from '../core/errors.js';
import type { Predictor } from '../predictors/predictor.js';
import { JsonReader } from '../core/json-checks.js';
import { LOGISTIC_REGRESSION_DEFAULTS, newton } from './logistic-regression.js';
import { binaryProbabilityRows, sigmoid } from './rows.js';

/**
 * A binary text classifier: L2-regularised logistic regression on a bag of words, a
 * {@link Predictor} from texts to `[p0, p1]`. A text's features are the presence (1) or absence (0) of
 * each vocabulary token (words and punctuation, lowercased, as `tokenize` cuts them); the log-odds of
 * class 1 is `intercept + sum of the weights of the vocabulary tokens present`. Binary presence rather
 * than counts follows Pang, Lee & Vaithyanathan (EMNLP 2002), who found it better for sentiment.
 *
 * Training keeps the tokens seen in at least `minCount` training texts and fits the weights by Newton's
 * method (as {@link LogisticRegression}: Hastie, Tibshirani & Friedman, ESL §4.4.1). No randomness.
 */

export interface BagOfWordsOptions {
  /** Keep tokens that occur in at least this many training texts. */
  minCount?: number;
  /** L2 penalty on the weights (not the intercept). */
  l2?: number;
  maxIterations?: number;
  tolerance?: number;
}

/**
 * Defaults: tokens in at least 2 texts (a token seen once cannot generalise); the penalty, step limit
 * and tolerance of `LOGISTIC_REGRESSION_DEFAULTS` (l2 = 1 is scikit-learn's C = 1).
 */
export const BAG_OF_WORDS_DEFAULTS: Required<BagOfWordsOptions> = { minCount: 2, ...LOGISTIC_REGRESSION_DEFAULTS };

export const BAG_OF_WORDS_FORMAT = 'glassbox/bag-of-words-logistic-regression';
export const BAG_OF_WORDS_FORMAT_VERSION = 1;

/** The JSON form of a fitted model (see {@link BagOfWordsLogisticRegression.toJSON}). */
export interface BagOfWordsJSON {
  format: typeof BAG_OF_WORDS_FORMAT;
  formatVersion: typeof BAG_OF_WORDS_FORMAT_VERSION;
  intercept: number;
  /** The vocabulary tokens, lowercase, and their weights, in the same order. */
  vocabulary: string[];
  weights: number[];
  params: Required<BagOfWordsOptions>;
}

const NAME = 'bag-of-words logistic regression';

/**
 * A logistic regression on a bag of words: the bundled sentiment classifier, trained by
 * `scripts/train-sentiment-models.ts`.
 */
export class BagOfWordsLogisticRegression {
  /** Predicts class probabilities `[p(class 0), p(class 1)]` for a batch of texts. */
  readonly predictor: Predictor<string> = (texts) => this.predictProba(texts);
  private readonly index: Map<string, number>;

  private constructor(
    readonly intercept: number,
    readonly vocabulary: readonly string[],
    readonly weights: Float64Array,
    readonly params: Required<BagOfWordsOptions>,
  ) {
    this.index = new Map(vocabulary.map((w, i) => [w, i]));
  }

  /**
   * Trains on `texts` with 0/1 labels `target`.
   *
   * @throws InvalidInputError for no texts, a non-string text, a label other than 0 and 1, a target of
   *   another length, bad options, or a vocabulary left empty by `minCount`.
   */
  static train(texts: readonly string[], target: ArrayLike<number>, options: BagOfWordsOptions = {}): BagOfWordsLogisticRegression {
    const params = { ...BAG_OF_WORDS_DEFAULTS, ...options };
    if (!(Number.isInteger(params.minCount) && params.minCount >= 1)) {
      throw new InvalidInputError(`${NAME}: option minCount is ${params.minCount}; expected an integer >= 1`);
    }
    if (!(params.l2 > 0 && Number.isFinite(params.l2))) {
      throw new InvalidInputError(`${NAME}: option l2 is ${params.l2}; expected a positive number`);
    }
    if (!Array.isArray(texts) || texts.length === 0) {
      throw new InvalidInputError(`${NAME}: training needs at least one text; received ${Array.isArray(texts) ? 'none' : typeof texts}`);
    }
    if (target?.length !== texts.length) {
      throw new InvalidInputError(`${NAME}: expected one target label per text (${texts.length}); received ${target?.length}`);
    }
    const labels = Uint8Array.from({ length: texts.length }, (_, i) => {
      if (target[i] !== 0 && target[i] !== 1) throw new InvalidInputError(`${NAME}: target ${i} is ${target[i]}; expected 0 or 1`);
      return target[i];
    });
    const bags = texts.map((t, i) => bagOf(t, `training text ${i}`));
    const documentFrequency = new Map<string, number>();
    for (const bag of bags) for (const w of bag) documentFrequency.set(w, (documentFrequency.get(w) ?? 0) + 1);
    const vocabulary = [...documentFrequency.keys()].filter((w) => (documentFrequency.get(w) as number) >= params.minCount).sort();
    if (vocabulary.length === 0) {
      throw new InvalidInputError(`${NAME}: no token occurs in ${params.minCount} or more training texts; lower minCount`);
    }
    const index = new Map(vocabulary.map((w, i) => [w, i + 1])); // parameter 0 is the intercept

    // Sparse rows for Newton's method: the intercept plus each vocabulary token present, padded to A.
    const rows = bags.map((bag) => [0, ...[...bag].filter((w) => index.has(w)).map((w) => index.get(w) as number)]);
    const A = Math.max(...rows.map((r) => r.length));
    const active = new Int32Array(rows.length * A);
    const values = new Float64Array(rows.length * A);
    rows.forEach((r, i) => {
      active.set(r, i * A);
      values.fill(1, i * A, i * A + r.length);
    });
    const { l2, maxIterations, tolerance } = params;
    const w = newton(active, values, labels, rows.length, A, vocabulary.length + 1, { l2, maxIterations, tolerance });
    return new BagOfWordsLogisticRegression(w[0], vocabulary, w.slice(1), params);
  }

  /**
   * Reads a model from its JSON form, checking every field.
   *
   * @throws InvalidInputError naming the field that is missing or malformed.
   */
  static fromJSON(json: unknown, source = `${NAME} JSON`): BagOfWordsLogisticRegression {
    const r = new JsonReader(source);
    const o = r.object(json, '(top level)');
    r.literal(o.format, 'format', BAG_OF_WORDS_FORMAT);
    r.literal(o.formatVersion, 'formatVersion', BAG_OF_WORDS_FORMAT_VERSION);
    const vocabulary = r.strings(o.vocabulary, 'vocabulary');
    const weights = r.numbers(o.weights, 'weights', vocabulary.length);
    if (new Set(vocabulary).size !== vocabulary.length) r.fail('vocabulary', 'distinct tokens', o.vocabulary);
    const params = { ...BAG_OF_WORDS_DEFAULTS, ...(r.object(o.params, 'params') as BagOfWordsOptions) };
    return new BagOfWordsLogisticRegression(r.finite(o.intercept, 'intercept'), vocabulary, Float64Array.from(weights), params);
  }

  /** The JSON form, for `JSON.stringify`; {@link fromJSON} reads it back to an identical model. */
  toJSON(): BagOfWordsJSON {
    return {
      format: BAG_OF_WORDS_FORMAT,
      formatVersion: BAG_OF_WORDS_FORMAT_VERSION,
      intercept: this.intercept,
      vocabulary: [...this.vocabulary],
      weights: Array.from(this.weights),
      params: { ...this.params },
    };
  }

  /** The weight of a token (0 when it is not in the vocabulary). */
  weightOf(token: string): number {
    const i = this.index.get(token.toLowerCase());
    return i === undefined ? 0 : this.weights[i];
  }

  /**
   * The log-odds of class 1 for each text.
   *
   * @throws InvalidInputError when `texts` is not an array of strings.
   */
  predictMargins(texts: readonly string[]): Float64Array {
    if (!Array.isArray(texts)) throw new InvalidInputError(`${NAME} expects an array of texts; received ${typeof texts}`);
    const out = new Float64Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      let z = this.intercept;
      for (const w of bagOf(texts[i], `text ${i}`)) {
        const k = this.index.get(w);
        if (k !== undefined) z += this.weights[k];
      }
      out[i] = z;
    }
    return out;
  }

  /** Class probabilities `[p0, p1]` for each text. */
  predictProba(texts: readonly string[]): number[][] {
    const m = this.predictMargins(texts);
    for (let i = 0; i < m.length; i++) m[i] = sigmoid(m[i]);
    return binaryProbabilityRows(m);
  }
}

/** The distinct lowercase tokens of a text. */
function bagOf(text: unknown, what: string): Set<string> {
  if (typeof text !== 'string') {
    throw new InvalidInputError(`${NAME}: ${what} is ${text === null ? 'null' : typeof text}; expected a string`);
  }
  return new Set(tokenize(text).map((t) => t.text.toLowerCase()));
}
