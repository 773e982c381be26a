import { InvalidInputError, NotFittedError } from '../../core/errors.js';
import { blackboxLocalMeta, type Explanation } from '../../core/explanation.js';
import { createRng } from '../../core/rng.js';
import { TabularSchema, type CategoryMap, type TabularRowInput } from '../../core/tabular-schema.js';
import { assertPredictor, LabelModel, type Predictor } from '../../predictors/predictor.js';
import { searchAnchor } from '../beam-search.js';
import {
  checkInteger,
  rejectUnknownOptions,
  resolveSearchOptions,
  searchParams,
  stripUndefined,
  type AnchorSearchOptions,
} from '../options.js';
import { checkPercentiles } from './discretizer.js';
import { candidatePredicates, describeAnchor, type TabularPredicate } from './predicates.js';
import { TabularSampler } from './sampler.js';
import { drawCoverageSample, TrainingData, type CodeIndex } from './training-data.js';

export interface AnchorTabularOptions {
  /** Categorical columns and their category names; every other column is numeric. */
  categoryMap?: CategoryMap;
  /** Seed of every random choice; the same seed and inputs give the same explanation. */
  seed?: number | string;
}

export interface AnchorTabularFitOptions {
  /** Percentiles of the training values at which numeric features are cut into bins. */
  discPerc?: number[];
}

export interface AnchorTabularExplainOptions extends Partial<AnchorSearchOptions> {
  /** Training-distribution samples on which coverage is measured. */
  coverageSamples?: number;
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

/** One prefix of the anchor, with examples the model agreed (covered_true) or disagreed (covered_false) on. */
export interface AnchorExamples {
  covered_true: number[][];
  covered_false: number[][];
}

export interface AnchorTabularData {
  /** The anchor's conditions, readable: `Marital Status = Separated`, `28.00 < Age <= 37.00`. */
  anchor: string[];
  precision: number;
  coverage: number;
  raw: {
    /** The anchor's conditions, machine-readable. */
    predicates: TabularPredicate[];
    /** Per search step: the column constrained, and the precision and coverage of the anchor so far. */
    feature: number[];
    precision: number[];
    coverage: number[];
    examples: AnchorExamples[];
    /** The readable anchor after each step. */
    names: string[][];
    /** Precision of the empty anchor: how often samples keep the prediction with nothing fixed. */
    allPrecision: number;
    success: boolean;
    /** The explained prediction (class index). */
    prediction: number;
    /** The explained row, encoded. */
    instance: number[];
    numSamples: number;
    modelCalls: number;
    modelRows: number;
    warning?: string;
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
  private training: TrainingData | undefined;
  /** Coverage samples of the fitted training data, by sample size. */
  private coverageSamples = new Map<number, CodeIndex>();
  private discPerc: number[] = [...ANCHOR_TABULAR_DEFAULTS.discPerc];

  constructor(predictor: Predictor<number[]>, featureNames: readonly string[], options: AnchorTabularOptions = {}) {
    this.predictor = assertPredictor(predictor);
    rejectUnknownOptions(options, ['categoryMap', 'seed']);
    this.schema = new TabularSchema(featureNames, options.categoryMap ?? {});
    this.seed = options.seed ?? ANCHOR_TABULAR_DEFAULTS.seed;
    if (typeof this.seed !== 'number' && typeof this.seed !== 'string') {
      throw new InvalidInputError(`option seed is ${typeof this.seed}; expected a number or a string`);
    }
  }

  /** Learns the training distribution: bin edges of numeric features and the rows to sample from. */
  fit(trainRows: readonly TabularRowInput[], options: AnchorTabularFitOptions = {}): this {
    rejectUnknownOptions(options, ['discPerc']);
    const discPerc = checkPercentiles(options.discPerc ?? [...ANCHOR_TABULAR_DEFAULTS.discPerc]);
    if (!Array.isArray(trainRows) || trainRows.length === 0) {
      throw new InvalidInputError('fit needs a non-empty array of training rows');
    }
    const rows = this.schema.encodeRows(trainRows, 'training row');
    this.training = new TrainingData(this.schema, rows, discPerc);
    this.coverageSamples.clear();
    this.discPerc = discPerc;
    return this;
  }

  /** The coverage sample of `size` rows, drawn from its own seeded stream the first time it is needed. */
  private coverageSample(training: TrainingData, size: number): CodeIndex {
    let sample = this.coverageSamples.get(size);
    if (sample === undefined) {
      sample = drawCoverageSample(training, size, createRng(`${this.seed}/coverage`));
      this.coverageSamples.set(size, sample);
    }
    return sample;
  }

  /** Explains the model's prediction for one row. */
  async explain(row: TabularRowInput, options: AnchorTabularExplainOptions = {}): Promise<Explanation<AnchorTabularData>> {
    const training = this.training;
    if (training === undefined) throw new NotFittedError('AnchorTabular');
    const { coverageSamples = ANCHOR_TABULAR_DEFAULTS.coverageSamples, ...searchGiven } = stripUndefined(options);
    checkInteger('coverageSamples', coverageSamples, 1);
    const search = resolveSearchOptions(searchGiven, undefined, ['coverageSamples']);
    const instance = this.schema.encodeRow(row, 'the explained row');

    const model = new LabelModel(this.predictor);
    const [prediction] = await model.labels([instance]);
    const codes = instance.map((x, f) => training.codeOf(f, x));
    const specs = candidatePredicates(this.schema, training.bins, codes);
    const sampler = new TabularSampler(
      training,
      instance,
      specs,
      model,
      prediction,
      createRng(this.seed),
      this.coverageSample(training, coverageSamples),
    );
    const found = await searchAnchor(sampler, search);

    const anchorSpecs = found.anchor.map((j) => specs[j]);
    const predicates = describeAnchor(this.schema, anchorSpecs);
    const warning = found.success
      ? undefined
      : `Could not find an anchor with precision >= ${search.threshold}; returning the most precise anchor found.`;
    const data: AnchorTabularData = {
      anchor: predicates.map((p) => p.text),
      precision: found.precision,
      coverage: found.coverage,
      raw: {
        predicates,
        feature: anchorSpecs.map((p) => p.feature),
        precision: found.steps.map((s) => s.precision),
        coverage: found.steps.map((s) => s.coverage),
        examples: found.steps.map((s) => ({ covered_true: s.coveredTrue, covered_false: s.coveredFalse })),
        names: found.steps.map((s) => describeAnchor(this.schema, s.predicates.map((j) => specs[j])).map((p) => p.text)),
        allPrecision: found.emptyAnchorPrecision,
        success: found.success,
        prediction,
        instance,
        numSamples: found.numSamples,
        modelCalls: model.usage.calls,
        modelRows: model.usage.rows,
        ...(warning !== undefined && { warning }),
      },
    };
    const params = { seed: this.seed, discPerc: this.discPerc, ...searchParams(search, coverageSamples) };
    return { meta: blackboxLocalMeta('AnchorTabular', params), data };
  }
}
