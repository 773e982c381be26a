import { InvalidInputError, NotFittedError } from '../../core/errors.js';
import type { Explanation } from '../../core/explanation.js';
import { ByteBudgetCache } from '../../core/byte-budget-cache.js';
import { createRng } from '../../core/rng.js';
import { TabularSchema, type CategoryMap, type TabularRowInput } from '../../core/tabular-schema.js';
import { assertPredictor, LabelModel, resolveTask, type Predictor, type Task } from '../../predictors/predictor.js';
import { CategoricalLayout } from '../../counterfactuals/categorical/layout.js';
import { searchAnchor } from '../beam-search.js';
import { anchorExplanation, type AnchorRaw, type AnchorStepExamples } from '../explanation.js';
import { AUTO_INTERVAL_ROWS, predictExplained, type IntervalOption } from '../target.js';
import {
  checkCoverageSamples,
  checkInteger,
  rejectUnknownOptions,
  resolveSearchOptions,
  stripUndefined,
  type AnchorSearchOptions,
} from '../options.js';
import { checkPercentiles } from './discretizer.js';
import { candidatePredicates, describeAnchor, type TabularPredicate } from './predicates.js';
import { TabularSampler } from './sampler.js';
import { binEdges, drawCoverageSample, sampleIndices, TrainingData, type CodeIndex } from './training-data.js';

/** Options of {@link AnchorTabular}: the categorical columns and the seed. */
export interface AnchorTabularOptions {
  /** Categorical columns and their category names; every other column is numeric. */
  categoryMap?: CategoryMap;
  /** Seed of every random choice; the same seed and inputs give the same explanation. */
  seed?: number | string;
  /**
   * `'classification'` (labels or class probabilities) or `'regression'` (one value per row: anchors
   * then keep the prediction inside an interval). Default: what the model declares (an ONNX regressor,
   * a GBT regressor), else classification.
   */
  task?: Task;
  /**
   * The model takes one-hot rows (Alibi Explain's `ohe=True`): each categorical feature of `categoryMap`
   * (keyed by feature, as without `ohe`) is `k` adjacent 0/1 columns in feature order, every numeric
   * feature one column. `fit` and `explain` then take rows in that encoding (or records keyed by
   * feature name); the anchor is stated on the original features, the model is fed one-hot rows, and
   * the explanation's rows (`raw.instance`, examples) are in the ordinal encoding. Default `false`.
   */
  ohe?: boolean;
}

/**
 * Options of {@link AnchorTabular.fit}: the percentiles at which numeric features are cut into bins (Alibi
 * Explain's `disc_perc`, default 25, 50, 75) and the training rows kept.
 */
export interface AnchorTabularFitOptions {
  /** Percentiles of the training values at which numeric features are cut into bins. */
  discPerc?: number[];
  /**
   * Keep at most this many training rows to sample from (a seeded random sample, in their original
   * order); bin edges are still cut on all the rows. Default: keep every row, as Alibi Explain does.
   * A bound keeps saved explainers small; explanations then differ from those of an explainer keeping
   * every row.
   */
  maxTrainingRows?: number;
}

/**
 * Everything an AnchorTabular explains with, as plain data (see {@link AnchorTabular.toState}): the
 * schema, the seed, the bin edges and the kept training rows. No model: that is passed on restoring.
 */
export interface AnchorTabularState {
  featureNames: string[];
  /** Category names by column index. */
  categoryMap: Record<number, string[]>;
  seed: number | string;
  /** The model takes one-hot rows (see {@link AnchorTabularOptions.ohe}); absent when it does not. */
  ohe?: true;
  discPerc: number[];
  /** Per feature, its bin edges (ascending), or `null` for a categorical feature. */
  edges: (number[] | null)[];
  /** The kept training rows, encoded, row-major: `values.length / featureNames.length` rows. */
  values: Float64Array;
  /** `'regression'` for a regression explainer; absent for a classifier (restored as one, whatever the model declares). */
  task?: Task;
}

/**
 * Options of {@link AnchorTabular.explain}: the anchors search's (threshold, delta, tau, batch size, beam size
 * ...) with Alibi Explain's defaults, and the coverage sample.
 */
export interface AnchorTabularExplainOptions extends Partial<AnchorSearchOptions> {
  /** Training-distribution samples on which coverage is measured. */
  coverageSamples?: number;
  /**
   * Regression only: the interval the prediction must stay in. `'auto'` (the default): centred on ŷ,
   * as wide as `AUTO_INTERVAL_FRACTION` (1) times the interquartile range of the model's predictions on (at most
   * `AUTO_INTERVAL_ROWS` of) the training rows; `[low, high]`, which must hold ŷ; or `{ width }`, centred on ŷ.
   */
  interval?: IntervalOption;
}

/**
 * Defaults of AnchorTabular beyond the search's: `disc_perc (25, 50, 75)` and `coverage_samples 10000`
 * as in Alibi Explain; seed 0 so that explanations are reproducible unless a seed is chosen.
 */
export const ANCHOR_TABULAR_DEFAULTS = Object.freeze({
  discPerc: [25, 50, 75] as readonly number[],
  coverageSamples: 10_000,
  seed: 0 as number | string,
});

/**
 * Bytes of coverage samples an AnchorTabular keeps between explanations (least recently used evicted):
 * a few sample sizes of an Adult-like schema, where one of 100,000 rows takes about 2 MB, while a
 * server asked for ever new `coverageSamples` values keeps no more than this (issue 14: +56 MB per value).
 */
export const COVERAGE_CACHE_BYTES = 64 * 1024 * 1024;

/** One prefix of the anchor, with encoded rows the model agreed (covered_true) or disagreed (covered_false) on. */
export type AnchorExamples = AnchorStepExamples<number[]>;

/**
 * The `data` of an AnchorTabular explanation: the anchor's conditions, precision and coverage, and `raw` with
 * Alibi Explain's keys (the search's steps and examples, `all_precision`, `num_preds` ...), the structured
 * predicates and the model calls.
 */
export interface AnchorTabularData {
  /** The anchor's conditions, readable: `Marital Status = Separated`, `28.00 < Age <= 37.00`. */
  anchor: string[];
  precision: number;
  coverage: number;
  raw: AnchorRaw<number[]> & {
    /** The anchor's conditions, machine-readable. */
    predicates: TabularPredicate[];
    /** Per search step: the column constrained. */
    feature: number[];
    /** The readable anchor after each step. */
    names: string[][];
    /** The explained row, encoded, and (Alibi's `instances`) the batch of one it came in. */
    instance: number[];
    instances: number[][];
  };
}

/**
 * Anchor explanations of tabular classifiers (Ribeiro, Singh & Guestrin, "Anchors: High-Precision
 * Model-Agnostic Explanations", AAAI 2018): the few conditions on a row's features that, when they hold,
 * keep the model's prediction with high probability (precision), and how often they hold (coverage).
 */
export class AnchorTabular {
  readonly schema: TabularSchema;
  private readonly predictor: Predictor<number[]>;
  private readonly seed: number | string;
  readonly task: Task;
  /** The model's one-hot encoding with `ohe`; `undefined` when it takes the ordinal rows. */
  private readonly onehot: CategoricalLayout | undefined;
  private training: TrainingData | undefined;
  /** Coverage samples of the fitted training data, by sample size, within {@link COVERAGE_CACHE_BYTES}. */
  private coverageSamples = new ByteBudgetCache<number, CodeIndex>(COVERAGE_CACHE_BYTES, (index) => index.byteLength);
  private discPerc: number[] = [...ANCHOR_TABULAR_DEFAULTS.discPerc];

  constructor(predictor: Predictor<number[]>, featureNames: readonly string[], options: AnchorTabularOptions = {}) {
    assertPredictor(predictor);
    rejectUnknownOptions(options, ['categoryMap', 'seed', 'ohe', 'task']);
    this.task = resolveTask(predictor, options.task, 'AnchorTabular');
    this.schema = new TabularSchema(featureNames, options.categoryMap ?? {});
    this.seed = options.seed ?? ANCHOR_TABULAR_DEFAULTS.seed;
    if (typeof this.seed !== 'number' && typeof this.seed !== 'string') {
      throw new InvalidInputError(`option seed is ${typeof this.seed}; expected a number or a string`);
    }
    if (options.ohe !== undefined && typeof options.ohe !== 'boolean') {
      throw new InvalidInputError(`option ohe is ${typeof options.ohe}; expected true or false`);
    }
    this.onehot = options.ohe === true ? oneHotLayout(this.schema) : undefined;
    const onehot = this.onehot;
    this.predictor = onehot === undefined ? predictor : (rows) => predictor(rows.map((row) => onehot.fromOrdinal(row)));
  }

  /** A row as the explainer takes it (one-hot with `ohe`, else ordinal; or a record), encoded ordinally. */
  private encodeRow(row: TabularRowInput, what: string): number[] {
    const onehot = this.onehot;
    if (onehot === undefined || row === null || typeof row !== 'object' || !Array.isArray(row)) return this.schema.encodeRow(row, what);
    return this.schema.encodeRow(onehot.toOrdinal(row as number[], `${what} (one-hot, option ohe)`), what);
  }

  /**
   * Learns the training distribution: bin edges of numeric features and the rows to sample from.
   *
   * Asynchronous like every explainer's `fit` (`await explainer.fit(rows)`). The learning itself is
   * synchronous, so it is in place before the promise is returned: an un-awaited
   * `explainer.fit(rows); await explainer.explain(row)` (or `toState()`) sees it, and no fit is ever left
   * in progress for them to wait for. Invalid rows or options reject the promise.
   *
   * @throws InvalidInputError (as a rejection) for no rows, a malformed row, or bad options.
   */
  async fit(trainRows: readonly TabularRowInput[], options: AnchorTabularFitOptions = {}): Promise<this> {
    rejectUnknownOptions(options, ['discPerc', 'maxTrainingRows']);
    const discPerc = checkPercentiles(options.discPerc ?? [...ANCHOR_TABULAR_DEFAULTS.discPerc]);
    if (options.maxTrainingRows !== undefined) checkInteger('maxTrainingRows', options.maxTrainingRows, 1);
    if (!Array.isArray(trainRows) || trainRows.length === 0) {
      throw new InvalidInputError('fit needs a non-empty array of training rows');
    }
    const rows = trainRows.map((row, i) => this.encodeRow(row, `training row ${i}`));
    const edges = binEdges(this.schema, rows, discPerc);
    const max = options.maxTrainingRows ?? rows.length;
    const kept = rows.length <= max ? rows : Array.from(sampleIndices(rows.length, max, createRng(`${this.seed}/training`)), (i) => rows[i]);
    this.setTraining(new TrainingData(this.schema, kept, edges), discPerc);
    return this;
  }

  private setTraining(training: TrainingData, discPerc: number[]): void {
    this.training = training;
    this.coverageSamples.clear();
    this.discPerc = discPerc;
  }

  /**
   * What this explainer explains with, as plain data, for `saveExplainer` (or any store): restoring it
   * with {@link AnchorTabular.fromState} and the same model gives identical explanations.
   *
   * @throws NotFittedError before `fit`.
   */
  toState(): AnchorTabularState {
    const training = this.training;
    if (training === undefined) throw new NotFittedError('AnchorTabular');
    const categoryMap: Record<number, string[]> = {};
    this.schema.categories.forEach((cats, f) => {
      if (cats !== undefined) categoryMap[f] = [...cats];
    });
    return {
      featureNames: [...this.schema.featureNames],
      categoryMap,
      seed: this.seed,
      ...(this.onehot !== undefined && { ohe: true as const }),
      discPerc: [...this.discPerc],
      edges: training.bins.map((b) => (b === undefined ? null : Array.from(b.edges))),
      values: Float64Array.from(training.values),
      ...(this.task === 'regression' && { task: this.task }),
    };
  }

  /**
   * The fitted explainer a {@link AnchorTabular.toState} state describes, explaining `predictor`.
   *
   * @throws InvalidInputError when the state is inconsistent: edges that do not match the features,
   *   rows of the wrong width, or values the schema rejects.
   */
  static fromState(predictor: Predictor<number[]>, state: AnchorTabularState): AnchorTabular {
    const explainer = new AnchorTabular(predictor, state.featureNames, { categoryMap: state.categoryMap, seed: state.seed, ohe: state.ohe, task: state.task ?? 'classification' });
    const { schema } = explainer;
    const d = schema.numFeatures;
    const discPerc = checkPercentiles(state.discPerc);
    if (state.edges.length !== d) throw new InvalidInputError(`state edges has ${state.edges.length} entries; expected ${d}, one per feature`);
    state.edges.forEach((e, f) => {
      const expected = schema.isCategorical(f) ? 'null (a categorical feature)' : 'ascending finite numbers (a numeric feature)';
      const ok = schema.isCategorical(f) ? e === null : e !== null && e.every((x, i) => Number.isFinite(x) && (i === 0 || x > e[i - 1]));
      if (!ok) throw new InvalidInputError(`state edges[${f}] ("${schema.featureNames[f]}") is ${JSON.stringify(e)}; expected ${expected}`);
    });
    const n = state.values.length / d;
    if (!Number.isInteger(n) || n === 0) {
      throw new InvalidInputError(`state values has ${state.values.length} numbers; expected a positive multiple of ${d} (rows of ${d} features)`);
    }
    const rows = schema.encodeRows(Array.from({ length: n }, (_, i) => state.values.subarray(i * d, (i + 1) * d)), 'saved training row');
    explainer.setTraining(new TrainingData(schema, rows, state.edges.map((e) => e ?? undefined)), discPerc);
    return explainer;
  }

  /** The coverage sample of `size` rows, drawn from its own seeded stream the first time it is needed. */
  private coverageSample(training: TrainingData, size: number): CodeIndex {
    return this.coverageSamples.getOrCreate(size, () => drawCoverageSample(training, size, createRng(`${this.seed}/coverage`)));
  }

  /**
   * The training rows the `'auto'` interval measures the spread of predictions on: every kept row, or a
   * seeded sample of {@link AUTO_INTERVAL_ROWS} of them (from its own stream, so that the search draws
   * the same samples whichever interval is asked for).
   */
  private spreadRows(training: TrainingData): number[][] {
    const { n, d, values } = training;
    const rows = n <= AUTO_INTERVAL_ROWS ? Int32Array.from({ length: n }, (_, i) => i) : sampleIndices(n, AUTO_INTERVAL_ROWS, createRng(`${this.seed}/interval`));
    return Array.from(rows, (i) => Array.from(values.subarray(i * d, (i + 1) * d)));
  }

  /** Explains the model's prediction for one row. */
  async explain(row: TabularRowInput, options: AnchorTabularExplainOptions = {}): Promise<Explanation<AnchorTabularData>> {
    const training = this.training;
    if (training === undefined) throw new NotFittedError('AnchorTabular');
    const { coverageSamples = ANCHOR_TABULAR_DEFAULTS.coverageSamples, interval, ...searchGiven } = stripUndefined(options);
    checkCoverageSamples(coverageSamples);
    const search = resolveSearchOptions(searchGiven, undefined, ['coverageSamples', 'interval']);
    const instance = this.encodeRow(row, 'the explained row');

    const model = new LabelModel(this.predictor, this.task);
    // The samples of the empty anchor do not depend on the prediction: it comes with their batch.
    const explained = predictExplained(model, instance, interval, () => this.spreadRows(training));
    const codes = instance.map((x, f) => training.codeOf(f, x));
    const specs = candidatePredicates(this.schema, training.bins, codes);
    const sampler = new TabularSampler(
      training,
      instance,
      specs,
      model,
      explained.target,
      createRng(this.seed),
      this.coverageSample(training, coverageSamples),
    );
    const found = await searchAnchor(sampler, search);

    const anchorSpecs = found.anchor.map((j) => specs[j]);
    const predicates = describeAnchor(this.schema, anchorSpecs);
    return anchorExplanation({
      name: 'AnchorTabular',
      found,
      search,
      coverageSamples,
      explained,
      usage: model.usage,
      example: (row: number[]) => row,
      data: (raw): AnchorTabularData => ({
        anchor: predicates.map((p) => p.text),
        precision: found.precision,
        coverage: found.coverage,
        raw: {
          predicates,
          feature: anchorSpecs.map((p) => p.feature),
          names: found.steps.map((s) => describeAnchor(this.schema, s.predicates.map((j) => specs[j])).map((p) => p.text)),
          ...raw,
          instance,
          instances: [instance],
        },
      }),
      params: { seed: this.seed, disc_perc: this.discPerc, ...(this.onehot !== undefined && { ohe: true }) },
    });
  }
}

/** The one-hot columns of `schema`'s features, each feature expanded in place (Alibi Explain's `ohe` layout). */
function oneHotLayout(schema: TabularSchema): CategoricalLayout {
  const groups: Record<number, readonly string[]> = {};
  let width = 0;
  for (const names of schema.categories) {
    if (names !== undefined) groups[width] = names;
    width += names?.length ?? 1;
  }
  return new CategoricalLayout(width, groups as Record<number, string[]>, 'onehot');
}
