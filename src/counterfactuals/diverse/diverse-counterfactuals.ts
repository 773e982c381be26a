import { checkNumber, rejectUnknownOptions, stripUndefined } from '../../anchors/options.js';
import { sampleIndices } from '../../anchors/tabular/training-data.js';
import { InvalidInputError, NotFittedError } from '../../core/errors.js';
import { blackboxLocalMeta, snakeCaseKeys, type Explanation } from '../../core/explanation.js';
import { createRng } from '../../core/rng.js';
import { TabularSchema, type CategoryMap, type TabularRowInput } from '../../core/tabular-schema.js';
import { assertPredictor, resolveTask, type Predictor, type Task } from '../../predictors/predictor.js';
import { checkConstraints, type FeatureConstraints, type ResolvedConstraints } from '../constraints.js';
import type { FeatureChange } from '../proto/counterfactual-proto.js';
import { CandidatePool, compareCandidates, type Candidate } from './candidates.js';
import { checkFeatureStats, fitFeatureStats, type FeatureStats } from './feature-stats.js';
import { categoryPositions, FeasibleSpace, marginalsOf, type CategoryPositions, type Marginals } from './feasible-space.js';
import { geneticSearch } from './genetic.js';
import { kdtreeSearch, TrainingNeighbours } from './kdtree-search.js';
import { CandidateModel, type DesiredOutcome, type Prediction } from './outcome.js';
import { randomSearch } from './random-search.js';
import { countDiversity, MIN_DIFFERENCE, selectDiverse } from './selection.js';
import { sparsify } from './sparsify.js';

/**
 * Diverse counterfactual explanations without gradients, after DiCE (Mothilal, Sharma & Tan,
 * "Explaining Machine Learning Classifiers through Diverse Counterfactual Explanations", FAT* 2020):
 * for a row, `count` alternative rows the model predicts as another class (or the class asked for),
 * each close to the row (proximity), changing few features (sparsity), and different from each other
 * (diversity), under the constraints given (immutable features, directions, ranges). Any predictor of
 * labels or probabilities will do: the model is only asked for predictions, every candidate batch in
 * one call.
 *
 * Methods (`method`): `'genetic'` (a seeded genetic search, `genetic.ts`), `'random'` (random feature
 * changes, `random-search.ts`), `'kdtree'` (the nearest training rows of a wanted class,
 * `kdtree-search.ts`). Each candidate is drawn from the feasible space (`feasible-space.ts`): numbers on
 * their training grid (integers stay integers) in their allowed range, categories between categories.
 * The valid candidates found are made sparser (post-hoc sparsity, `sparsify.ts`) and the set is chosen
 * greedily for low loss and high diversity (`selection.ts`).
 *
 * Regression models (`task: 'regression'`, given or declared by the model) take `desiredRange: [low,
 * high]` instead of `targetClass`, as DiCE's `desired_range`: a counterfactual is valid when its
 * predicted value lies in the range, and candidates that miss it are ranked by their distance to it.
 */

/** A constraint on a categorical feature's range: categories `[from, to]` in its `order`. */
export type CategoryRange = readonly [string, string];

/**
 * Constraints of diverse counterfactuals, by feature index or name: the vocabulary of every
 * counterfactual method (`../constraints.ts`), where a range on an ordered categorical feature is a
 * pair of category names, and a direction on one follows its order.
 */
export type DiverseConstraints = Omit<FeatureConstraints<number | string>, 'range'> & {
  range?: Readonly<Record<string, readonly [number, number] | CategoryRange>>;
};

/**
 * How {@link DiverseCounterfactuals} searches: a genetic search, random feature changes, or the nearest training
 * rows of a wanted class (k-d tree).
 */
export type DiverseMethod = 'genetic' | 'random' | 'kdtree';
/** The search methods of {@link DiverseCounterfactuals}, as the `method` option accepts them. */
export const DIVERSE_METHODS: readonly DiverseMethod[] = Object.freeze(['genetic', 'random', 'kdtree']);

/**
 * Options of {@link DiverseCounterfactuals}: the categorical columns, the order of ordered categories, and the
 * seed.
 */
export interface DiverseCounterfactualsOptions {
  /** Categorical columns and their category names; every other column is numeric. */
  categoryMap?: CategoryMap;
  /** Ordered categorical features: their categories, lowest first (for directions and ranges on them). */
  order?: Readonly<Record<string, readonly string[]>>;
  /** Seed of every random choice; the same seed and inputs give the same explanation. */
  seed?: number | string;
  /** What the model predicts; by default the task it declares, else classification. */
  task?: Task;
}

/** Options of {@link DiverseCounterfactuals.fit}. */
export interface DiverseFitOptions {
  /** Keep at most this many training rows for the k-d tree method (a seeded sample); statistics use all. */
  maxTrainingRows?: number;
}

/**
 * Options of {@link DiverseCounterfactuals.explain}: how many counterfactuals, the class to reach, the
 * constraints, the search method and its sizes, and the weights of the set's loss (DiCE's, Mothilal et al.
 * 2020).
 */
export interface DiverseExplainOptions {
  /** Counterfactuals wanted (DiCE's `total_CFs`). */
  count?: number;
  /** The class to reach, or `'other'` (any class but the row's). Classifiers only. */
  targetClass?: number | 'other';
  /** Regression models only (and required for them): the range `[low, high]` the predicted value must reach. */
  desiredRange?: readonly [number, number];
  constraints?: DiverseConstraints;
  method?: DiverseMethod;
  /** Weight of proximity in each counterfactual's loss. */
  proximityWeight?: number;
  /** Weight of the share of features changed in each counterfactual's loss. */
  sparsityWeight?: number;
  /** Weight of the set's diversity (count diversity) when choosing the set. */
  diversityWeight?: number;
  /** Features a counterfactual may change at most. */
  maxFeaturesChanged?: number;
  /** Genetic: rows per generation (one model call each). */
  populationSize?: number;
  /** Genetic: generations at most. */
  maxGenerations?: number;
  /** Random: rows per round (one model call each). */
  sampleSize?: number;
  /** K-d tree: training rows to start from. */
  neighbours?: number;
  /** Rows evaluated at most (every search stops there). */
  maxCandidates?: number;
}

/**
 * Defaults. `count` 4 (DiCE's examples ask for 4). The weights are our measurement on Adult with the
 * bundled trees (benchmarks/README.md, "Diverse counterfactuals"): DiCE's genetic defaults
 * (proximity 0.2, sparsity 0.2, diversity 5) change more features than needed on our scale of losses;
 * sparsity 2 with diversity 2 gives sets of about 1.4 changes on different features (count diversity
 * 0.18, on two seeds and two sets of 20 held-out rows); more diversity weight changes more features.
 * The search sizes keep an explanation of a tree ensemble in-process in a few milliseconds.
 */
export const DIVERSE_DEFAULTS = Object.freeze({
  count: 4,
  targetClass: 'other' as number | 'other',
  method: 'genetic' as DiverseMethod,
  proximityWeight: 0.5,
  sparsityWeight: 2,
  diversityWeight: 2,
  maxFeaturesChanged: Infinity,
  populationSize: 40,
  maxGenerations: 30,
  sampleSize: 200,
  neighbours: 40,
  maxCandidates: 5000,
  seed: 0 as number | string,
});

/** Upper bounds of the options (every option a range). */
const LIMITS = Object.freeze({ count: 100, populationSize: 2000, maxGenerations: 1000, sampleSize: 10_000, neighbours: 10_000, maxCandidates: 1_000_000, weight: 1e6 });

/** Valid candidates that go through post-hoc sparsity, per counterfactual wanted and round. */
const SPARSIFIED_PER_COUNTERFACTUAL = 4;
/** Rounds of post-hoc sparsity, each on valid candidates not yet sparsified, while the set is short. */
const SPARSIFY_ROUNDS = 3;

/**
 * One counterfactual of a diverse set: the row, its class and probabilities, the features changed and its
 * distance from the explained row.
 */
export interface DiverseCounterfactual {
  /** The counterfactual row, encoded (category codes). */
  X: number[];
  /** The predicted class; null for a regression model. */
  class: number | null;
  /** Class probabilities, or null for a predictor of labels or a regression model. */
  proba: number[] | null;
  /** A regression model's predicted value (inside `desired_range`). */
  prediction?: number;
  changes: FeatureChange[];
  /** Proximity to the instance: the mean over features of |Δ| / scale (numbers: the MAD, or the standard deviation where the MAD is 0) and 0/1 (categories). */
  distance: number;
}

/**
 * The `data` of a DiverseCounterfactuals explanation: the set of counterfactuals, whether enough were found, the
 * set's quality (validity, sparsity, diversity, proximity) and how often each feature changes.
 */
export interface DiverseCounterfactualsData {
  cfs: DiverseCounterfactual[];
  /** Whether `count` valid counterfactuals were found. */
  success: boolean;
  /** Why not, when `success` is false. */
  reason?: string;
  /** The row's predicted class; null for a regression model. */
  orig_class: number | null;
  orig_proba: number[] | null;
  /** Regression: the task, the row's predicted value, and the range the counterfactuals reach. */
  task?: 'regression';
  orig_prediction?: number;
  desired_range?: [number, number];
  /** The explained row, encoded. */
  instance: number[];
  /** The classes a counterfactual may have; null for a regression model (see `desired_range`). */
  desired_class: number | 'other' | null;
  /** Metrics of the set (DiCE's): share of `count` found valid, mean features changed, mean proximity, count diversity. */
  validity: number;
  mean_changed: number;
  proximity: number;
  diversity: number;
  /** Per feature name, the share of the counterfactuals that change it (DiCE's local feature importance). */
  feature_importance: Record<string, number>;
  model_calls: number;
  model_rows: number;
  raw: {
    method: DiverseMethod;
    /** Generations (genetic) or rounds (random, k-d tree). */
    iterations: number;
    /** Rows evaluated, and of them valid. */
    candidates: number;
    valid_candidates: number;
  };
}

/**
 * Everything a DiverseCounterfactuals explains with, as plain data: the schema, order and seed, the
 * feature statistics, and the kept training rows with the classes the model predicted for them.
 */
export interface DiverseCounterfactualsState {
  featureNames: string[];
  categoryMap: Record<number, string[]>;
  order: Record<number, string[]>;
  seed: number | string;
  stats: FeatureStats;
  /** Kept training rows, encoded, row-major. */
  values: Float64Array;
  /** What the model predicted for each kept row: its class, or (`task: 'regression'`) its value in `predictions`. */
  classes?: Int32Array;
  predictions?: Float64Array;
  /** Present for a regression model. */
  task?: 'regression';
}

interface Fitted {
  stats: FeatureStats;
  rows: number[][];
  /** What the model predicted for each kept row: classes, or a regression model's values. */
  predicted: Int32Array | Float64Array;
  neighbours: TrainingNeighbours;
  marginals: Marginals;
}

const EXPLAIN_OPTION_NAMES = ['count', 'targetClass', 'desiredRange', 'constraints', 'method', 'proximityWeight', 'sparsityWeight', 'diversityWeight', 'maxFeaturesChanged', 'populationSize', 'maxGenerations', 'sampleSize', 'neighbours', 'maxCandidates'];

function checkIntegerIn(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`option ${name} is ${JSON.stringify(value)}; expected an integer in ${min}..${max}`);
  }
}

/** Diverse counterfactuals: see the module comment. */
export class DiverseCounterfactuals {
  readonly schema: TabularSchema;
  private readonly predictor: Predictor<number[]>;
  private readonly seed: number | string;
  private readonly positions: CategoryPositions;
  private readonly order: Record<number, string[]>;
  /** What the model predicts: classes, or (regression) one value per row. */
  readonly task: Task;
  private fitted: Fitted | undefined;
  /** The `fit` in progress, which `explain` waits for. */
  private fitting: Promise<unknown> | undefined;

  /** @throws InvalidInputError for bad feature names, categories, order or seed. */
  constructor(predictor: Predictor<number[]>, featureNames: readonly string[], options: DiverseCounterfactualsOptions = {}) {
    this.predictor = assertPredictor(predictor);
    rejectUnknownOptions(options, ['categoryMap', 'order', 'seed', 'task']);
    this.task = resolveTask(predictor, options.task, 'DiverseCounterfactuals');
    this.schema = new TabularSchema(featureNames, options.categoryMap ?? {});
    this.positions = categoryPositions(this.schema, options.order);
    this.order = {};
    this.positions.forEach((pos, f) => {
      if (pos !== undefined) this.order[f] = this.schema.categories[f]!.map((_, c) => c).sort((a, b) => pos[a] - pos[b]).map((c) => this.schema.categories[f]![c]);
    });
    this.seed = options.seed ?? DIVERSE_DEFAULTS.seed;
    if (typeof this.seed !== 'number' && typeof this.seed !== 'string') {
      throw new InvalidInputError(`option seed is ${typeof this.seed}; expected a number or a string`);
    }
  }

  /**
   * Learns from training rows: each numeric feature's range, MAD and precision, and the rows (a seeded
   * sample of `maxTrainingRows`) with the class the model predicts for each (one model call): the
   * k-d tree method starts from them, and numeric values are drawn from them (`FeasibleSpace.sample`).
   *
   * @throws InvalidInputError for no rows or a malformed row; PredictorError when the model fails.
   */
  async fit(trainRows: readonly TabularRowInput[], options: DiverseFitOptions = {}): Promise<this> {
    const run = this.learn(trainRows, options);
    this.fitting = run;
    try {
      this.fitted = await run;
    } finally {
      if (this.fitting === run) this.fitting = undefined;
    }
    return this;
  }

  private async learn(trainRows: readonly TabularRowInput[], options: DiverseFitOptions): Promise<Fitted> {
    rejectUnknownOptions(options, ['maxTrainingRows']);
    if (options.maxTrainingRows !== undefined) checkIntegerIn('maxTrainingRows', options.maxTrainingRows, 1, Number.MAX_SAFE_INTEGER);
    if (!Array.isArray(trainRows) || trainRows.length === 0) throw new InvalidInputError('fit needs a non-empty array of training rows');
    const rows = this.schema.encodeRows(trainRows, 'training row');
    const stats = fitFeatureStats(this.schema, rows);
    const max = options.maxTrainingRows ?? rows.length;
    const kept = rows.length <= max ? rows : Array.from(sampleIndices(rows.length, max, createRng(`${this.seed}/training`)), (i) => rows[i]);
    const predictions = await new CandidateModel(this.predictor, this.task).predict(kept);
    const predicted = this.task === 'regression' ? Float64Array.from(predictions, (p) => p.value!) : Int32Array.from(predictions, (p) => p.class!);
    return this.install(stats, kept, predicted);
  }

  private install(stats: FeatureStats, rows: number[][], predicted: Int32Array | Float64Array): Fitted {
    return { stats, rows, predicted, neighbours: new TrainingNeighbours(this.schema, stats, rows, predicted), marginals: marginalsOf(this.schema, rows) };
  }

  /**
   * What this explainer explains with, as plain data (see {@link DiverseCounterfactuals.fromState}).
   *
   * @throws NotFittedError before `fit`.
   */
  toState(): DiverseCounterfactualsState {
    const fitted = this.fitted;
    if (fitted === undefined) throw new NotFittedError('DiverseCounterfactuals');
    const { predicted } = fitted;
    return {
      featureNames: [...this.schema.featureNames],
      categoryMap: this.categoryMap(),
      order: structuredClone(this.order),
      seed: this.seed,
      stats: structuredClone(fitted.stats),
      values: Float64Array.from(fitted.rows.flat()),
      ...(predicted instanceof Int32Array ? { classes: Int32Array.from(predicted) } : { task: 'regression' as const, predictions: Float64Array.from(predicted) }),
    };
  }

  /**
   * The fitted explainer a {@link DiverseCounterfactuals.toState} state describes, explaining `predictor`.
   *
   * @throws InvalidInputError when the state is inconsistent (statistics that do not match the
   *   features, rows of the wrong width or with values the schema rejects, a class per row missing, or
   *   for a regression model a finite predicted value per row), or a state of a regression model given
   *   a classifier or the reverse.
   */
  static fromState(predictor: Predictor<number[]>, state: DiverseCounterfactualsState): DiverseCounterfactuals {
    const regression = state.task === 'regression';
    const explainer = new DiverseCounterfactuals(predictor, state.featureNames, { categoryMap: state.categoryMap, order: state.order, seed: state.seed, task: regression ? 'regression' : undefined });
    const { schema } = explainer;
    const d = schema.numFeatures;
    const stats = checkFeatureStats(schema, state.stats);
    const n = state.values.length / d;
    if (!Number.isInteger(n) || n === 0) throw new InvalidInputError(`state values has ${state.values.length} numbers; expected a positive multiple of ${d} (rows of ${d} features)`);
    const field = regression ? 'predictions' : 'classes';
    const predicted = regression ? state.predictions : state.classes;
    if (predicted?.length !== n || (regression && !predicted.every(Number.isFinite))) {
      throw new InvalidInputError(`state ${field} has ${predicted?.length ?? 'no'} entries; expected ${n}, ${regression ? 'a finite predicted value' : 'a class'} per training row`);
    }
    const rows = schema.encodeRows(Array.from({ length: n }, (_, i) => state.values.subarray(i * d, (i + 1) * d)), 'saved training row');
    explainer.fitted = explainer.install(stats, rows, regression ? Float64Array.from(predicted) : Int32Array.from(predicted));
    return explainer;
  }

  /**
   * Finds up to `count` diverse counterfactuals of one row (numbers and category codes or names, an
   * array or an object keyed by feature name). Waits for a `fit` still in progress.
   *
   * @throws NotFittedError before `fit`.
   * @throws InvalidInputError for a malformed row, an unknown or out-of-range option, constraints that
   *   name unknown features, contradict each other, leave nothing free, or that the row already breaks,
   *   or a `targetClass` that is the row's own class; for a regression model a missing or malformed
   *   `desiredRange` (finite, low <= high) or a `targetClass`; for a classifier a `desiredRange`.
   * @throws PredictorError when the model fails or answers in the wrong shape.
   */
  async explain(row: TabularRowInput, options: DiverseExplainOptions = {}): Promise<Explanation<DiverseCounterfactualsData>> {
    if (this.fitting !== undefined) await this.fitting;
    const fitted = this.fitted;
    if (fitted === undefined) throw new NotFittedError('DiverseCounterfactuals');
    if (options === null || typeof options !== 'object') throw new InvalidInputError(`explain options are ${JSON.stringify(options)}; expected an object such as { count: 4 }`);
    rejectUnknownOptions(options, EXPLAIN_OPTION_NAMES);
    const o = { ...DIVERSE_DEFAULTS, ...stripUndefined(options) } as Required<DiverseExplainOptions> & { constraints?: DiverseConstraints };
    const d = this.schema.numFeatures;
    if (!DIVERSE_METHODS.includes(o.method)) throw new InvalidInputError(`option method is ${JSON.stringify(o.method)}; expected one of: ${DIVERSE_METHODS.join(', ')}`);
    checkIntegerIn('count', o.count, 1, LIMITS.count);
    if (o.maxFeaturesChanged !== Infinity) checkIntegerIn('maxFeaturesChanged', o.maxFeaturesChanged, 1, d);
    checkIntegerIn('populationSize', o.populationSize, 2, LIMITS.populationSize);
    checkIntegerIn('maxGenerations', o.maxGenerations, 1, LIMITS.maxGenerations);
    checkIntegerIn('sampleSize', o.sampleSize, 1, LIMITS.sampleSize);
    checkIntegerIn('neighbours', o.neighbours, 1, LIMITS.neighbours);
    checkIntegerIn('maxCandidates', o.maxCandidates, 1, LIMITS.maxCandidates);
    for (const w of ['proximityWeight', 'sparsityWeight', 'diversityWeight'] as const) checkNumber(w, o[w], 0, LIMITS.weight);
    const maxFeaturesChanged = Math.min(o.maxFeaturesChanged, d);

    const x = this.schema.encodeRow(row, 'the explained row');
    const constraints = this.resolveConstraints(o.constraints);
    const space = new FeasibleSpace(this.schema, fitted.stats, fitted.marginals, this.positions, x, constraints);
    this.checkTarget(options);
    const model = new CandidateModel(this.predictor, this.task);
    const [orig] = await model.predict([x]);
    const desired = this.task === 'regression' ? this.desiredRange(o.desiredRange, orig.value!) : this.desiredOutcome(o.targetClass, orig.class!, orig.proba?.length);
    const pool = new CandidatePool(space, model, desired, o, o.maxCandidates);
    const rng = createRng(this.seed);

    let iterations = 1;
    if (o.method === 'genetic') iterations = await geneticSearch(pool, { ...o, maxFeaturesChanged }, rng);
    else if (o.method === 'random') iterations = await randomSearch(pool, { ...o, maxFeaturesChanged }, rng);
    else iterations = await kdtreeSearch(pool, fitted.neighbours, desired, o);

    const chosen = await this.sparseSet(pool, o.count, o.diversityWeight, maxFeaturesChanged);
    const data = this.data(chosen, { x, orig, o, space, model, pool, iterations });
    const { constraints: _given, maxFeaturesChanged: _max, desiredRange, ...all } = o;
    // A regression model's target is its range; a classifier's, its class.
    const { targetClass: _class, ...regressionParams } = all;
    const params = this.task === 'regression' ? { ...regressionParams, desiredRange: [desiredRange[0], desiredRange[1]] } : all;
    return {
      meta: blackboxLocalMeta('DiverseCounterfactuals', snakeCaseKeys({
        ...params,
        maxFeaturesChanged: o.maxFeaturesChanged === Infinity ? null : o.maxFeaturesChanged,
        constraints,
        seed: this.seed,
        // The schema, so that the explanation can be read (and its card drawn) on its own.
        featureNames: [...this.schema.featureNames],
        categoryMap: this.categoryMap(),
      })),
      data,
    };
  }

  /**
   * The set: valid candidates chosen for loss and diversity, made sparser (post-hoc sparsity), and
   * chosen again from the sparse rows. Sparsifying can make several candidates one (or near-copies,
   * which the choice leaves out); then more valid candidates are sparsified, without becoming
   * near-copies of those chosen, to fill the set (at most `SPARSIFY_ROUNDS` times); if it is still
   * short, it is filled up from the valid rows as they were found, near-copies last.
   */
  private async sparseSet(pool: CandidatePool, count: number, diversityWeight: number, maxFeaturesChanged: number): Promise<Candidate[]> {
    const { difference } = pool.space;
    const usable = (candidates: Iterable<Candidate>) => [...candidates].filter((c) => c.changed <= maxFeaturesChanged).sort(compareCandidates);
    let chosen: Candidate[] = [];
    const tried = new Set<string>();
    for (let round = 0; round < SPARSIFY_ROUNDS && chosen.length < count; round++) {
      const fresh = [...pool.valid.values()].filter((c) => !tried.has(c.key)).sort(compareCandidates);
      const found = selectDiverse(fresh, chosen.length + count * SPARSIFIED_PER_COUNTERFACTUAL, diversityWeight, difference, chosen).slice(chosen.length);
      if (found.length === 0) break;
      for (const c of found) tried.add(c.key);
      const distinct = chosen.map((c) => c.row);
      const keep = (row: number[]) => distinct.every((other) => difference(row, other) * row.length >= MIN_DIFFERENCE);
      const sparse = new Map((await sparsify(pool, found, keep)).map((c) => [c.key, c]));
      for (const key of sparse.keys()) tried.add(key);
      chosen = selectDiverse(usable(sparse.values()), count, diversityWeight, difference, chosen);
    }
    // Still short: first distinct rows as found, then near-copies rather than fewer counterfactuals.
    chosen = selectDiverse(usable(pool.valid.values()), count, diversityWeight, difference, chosen);
    return selectDiverse(usable(pool.valid.values()), count, diversityWeight, difference, chosen, 0);
  }

  private data(
    chosen: Candidate[],
    run: { x: number[]; orig: Prediction; o: Required<DiverseExplainOptions>; space: FeasibleSpace; model: CandidateModel; pool: CandidatePool; iterations: number },
  ): DiverseCounterfactualsData {
    const { x, orig, o, model, pool } = run;
    const names = this.schema.featureNames;
    const n = chosen.length;
    const success = n === o.count;
    return {
      cfs: chosen.map((c) => ({
        X: [...c.row],
        class: c.prediction.class,
        proba: c.prediction.proba,
        ...(c.prediction.value !== null && { prediction: c.prediction.value }),
        changes: this.changes(x, c.row),
        distance: c.distance,
      })),
      success,
      ...(!success && {
        reason: `found ${n} of the ${o.count} counterfactuals asked for within the budget (${pool.size} rows evaluated, ${pool.valid.size} valid; method ${o.method}); loosen the constraints, or raise maxGenerations, sampleSize, neighbours or maxCandidates`,
      }),
      orig_class: orig.class,
      orig_proba: orig.proba,
      ...(orig.value !== null && { task: 'regression' as const, orig_prediction: orig.value, desired_range: [o.desiredRange[0], o.desiredRange[1]] as [number, number] }),
      instance: x,
      desired_class: this.task === 'regression' ? null : o.targetClass,
      validity: n / o.count,
      mean_changed: n === 0 ? 0 : chosen.reduce((s, c) => s + c.changed, 0) / n,
      proximity: n === 0 ? 0 : chosen.reduce((s, c) => s + c.distance, 0) / n,
      diversity: countDiversity(chosen.map((c) => c.row)),
      feature_importance: Object.fromEntries(names.map((name, f) => [name, n === 0 ? 0 : chosen.filter((c) => c.row[f] !== x[f]).length / n])),
      model_calls: model.usage.calls,
      model_rows: model.usage.rows,
      raw: { method: o.method, iterations: run.iterations, candidates: pool.size, valid_candidates: pool.valid.size },
    };
  }

  /**
   * That the target options fit the task: `desiredRange` (finite, low <= high) for a regression model
   * and no `targetClass`; no `desiredRange` for a classifier.
   *
   * @throws InvalidInputError otherwise.
   */
  private checkTarget({ desiredRange: range, targetClass }: DiverseExplainOptions): void {
    if (this.task === 'classification') {
      if (range !== undefined) {
        throw new InvalidInputError("option desiredRange is for regression models, and this model is a classifier; give targetClass (a class, or 'other'), or explain a regressor (task: 'regression')");
      }
      return;
    }
    if (targetClass !== undefined) throw new InvalidInputError('option targetClass is for classifiers, and this model is a regressor; give desiredRange: [low, high] instead');
    if (range === undefined) throw new InvalidInputError('the model is a regressor (it predicts one number per row); give desiredRange: [low, high], the range its counterfactuals must reach');
    const ok = Array.isArray(range) && range.length === 2 && range.every((v) => typeof v === 'number' && Number.isFinite(v)) && range[0] <= range[1];
    if (!ok) throw new InvalidInputError(`option desiredRange is ${JSON.stringify(range)}; expected [low, high], finite numbers with low <= high`);
  }

  /**
   * The range a regression counterfactual must reach. A row already predicted inside it is refused, as
   * a `targetClass` that is the row's own class is: the row needs no counterfactual.
   *
   * @throws InvalidInputError when the row's prediction lies in the range.
   */
  private desiredRange([low, high]: readonly [number, number], prediction: number): DesiredOutcome {
    if (prediction >= low && prediction <= high) {
      throw new InvalidInputError(`option desiredRange is [${low}, ${high}], but the row's prediction ${prediction} already lies in it; expected a range the prediction is outside of`);
    }
    return { kind: 'range', low, high };
  }

  /** The outcome a counterfactual must reach. @throws InvalidInputError for a target that is not another class. */
  private desiredOutcome(targetClass: number | 'other', origClass: number, classes: number | undefined): DesiredOutcome {
    if (targetClass === 'other') return { kind: 'other-class', origClass };
    const ok = typeof targetClass === 'number' && Number.isInteger(targetClass) && targetClass >= 0 && (classes === undefined || targetClass < classes) && targetClass !== origClass;
    if (!ok) {
      const range = classes === undefined ? 'a class label' : `a class index in 0..${classes - 1}`;
      throw new InvalidInputError(`option targetClass is ${JSON.stringify(targetClass)}; expected 'other' or ${range} other than the row's class ${origClass}`);
    }
    return { kind: 'class', target: targetClass };
  }

  /**
   * The constraints by feature index (`checkConstraints`), with a range of category names on an
   * ordered categorical feature as the positions of those categories in its order.
   *
   * @throws InvalidInputError for anything `checkConstraints` refuses, a range of names on a numeric or
   *   unordered feature or naming an unknown category, or a range of numbers on a categorical feature.
   */
  private resolveConstraints(given: DiverseConstraints | undefined): ResolvedConstraints {
    if (given === undefined || given === null || typeof given !== 'object' || given.range === undefined || given.range === null || typeof given.range !== 'object') {
      return checkConstraints(given as FeatureConstraints<number | string> | undefined, this.schema.numFeatures, this.schema.featureNames);
    }
    const names = this.schema.featureNames;
    const range: Record<string, readonly [number, number]> = {};
    const categoricalByNumbers: string[] = [];
    for (const [key, r] of Object.entries(given.range)) {
      const f = /^\d+$/.test(key) ? Number(key) : names.indexOf(key);
      const cats = this.schema.categories[f];
      if (Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'string')) {
        const order = this.order[f];
        if (cats === undefined || order === undefined) {
          throw new InvalidInputError(`constraints.range[${key}] is ${JSON.stringify(r)}, a range of categories; expected categories only for an ordered categorical feature (option order), numbers [min, max] for a numeric one`);
        }
        const [lo, hi] = (r as CategoryRange).map((c) => order.indexOf(c));
        if (lo < 0 || hi < 0) throw new InvalidInputError(`constraints.range[${key}] is ${JSON.stringify(r)}; expected two of its categories: ${order.join(', ')}`);
        range[key] = [lo, hi];
      } else {
        if (cats !== undefined) categoricalByNumbers.push(key);
        range[key] = r as readonly [number, number];
      }
    }
    const resolved = checkConstraints({ ...given, range } as FeatureConstraints<number | string>, this.schema.numFeatures, names);
    if (categoricalByNumbers.length > 0) {
      const key = categoricalByNumbers[0];
      throw new InvalidInputError(`constraints.range[${key}] is ${JSON.stringify(given.range[key])} for a categorical feature; expected a pair of category names [from, to] in its order (option order)`);
    }
    return resolved;
  }

  /** The category names by column index. */
  private categoryMap(): Record<number, string[]> {
    const out: Record<number, string[]> = {};
    this.schema.categories.forEach((cats, f) => {
      if (cats !== undefined) out[f] = [...cats];
    });
    return out;
  }

  /** The features that differ between the instance and a counterfactual, readably. */
  private changes(from: readonly number[], to: readonly number[]): FeatureChange[] {
    const out: FeatureChange[] = [];
    from.forEach((v, f) => {
      if (v === to[f]) return;
      const name = this.schema.featureNames[f];
      const show = (value: number) => (this.schema.isCategorical(f) ? this.schema.valueName(f, value) : value);
      out.push({ feature: f, name, from: show(v), to: show(to[f]), text: `${name}: ${show(v)} -> ${show(to[f])}` });
    });
    return out;
  }
}
