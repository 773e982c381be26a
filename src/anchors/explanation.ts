import { blackboxLocalMeta, type Explanation } from '../core/explanation.js';
import type { ModelUsage } from '../predictors/predictor.js';
import type { AnchorSearchResult } from './beam-search.js';
import type { AnchorSearchOptions } from './options.js';
import type { ExplainedPrediction, IntervalRule } from './target.js';

/**
 * One prefix of the anchor, with examples the model agreed (`covered_true`) or disagreed (`covered_false`)
 * on, under Alibi Explain's keys. Alibi's `uncovered_true` and `uncovered_false` (samples on which the
 * anchor does not hold) are always empty: glassbox's search draws only samples that satisfy the
 * candidate anchor, so it has none to show.
 */
export interface AnchorStepExamples<Example> {
  covered_true: Example[];
  covered_false: Example[];
  uncovered_true: Example[];
  uncovered_false: Example[];
}

/**
 * The part of `data.raw` that every anchor explanation writes, with Alibi Explain's keys (its anchor
 * `build_explanation`): per search step the precision (`precision`, and `mean`, the same mean precision
 * under Alibi's second key), the coverage and examples; the empty anchor's precision (`all_precision`),
 * `success`, the explained prediction and the samples drawn (`num_preds`), then glassbox's own counts.
 */
export interface AnchorRaw<Example> {
  precision: number[];
  /** Alibi's `mean`: the mean precision of the anchor after each step (equal to `precision`). */
  mean: number[];
  coverage: number[];
  examples: AnchorStepExamples<Example>[];
  /** Precision of the empty anchor: how often perturbed inputs keep the prediction with nothing fixed. */
  all_precision: number;
  success: boolean;
  /** The explained prediction: a class index, or a regression model's predicted value. */
  prediction: number;
  /** Regression only: `'regression'`, the interval precision is measured on, and how it was chosen. */
  task?: 'regression';
  prediction_interval?: [number, number];
  interval_rule?: IntervalRule;
  /** Samples drawn from the perturbation distribution and predicted on, over the whole search (Alibi's `num_preds`). */
  num_preds: number;
  /** Calls to the model and inputs sent, the explained one included (glassbox's). */
  model_calls: number;
  model_rows: number;
  /** Why the anchor falls short of the threshold; absent on success. */
  warning?: string;
}

/** What an anchor explainer hands {@link anchorExplanation}: its search's result and what it adds. */
export interface AnchorParts<Input, Example, Data> {
  name: 'AnchorTabular' | 'AnchorText' | 'AnchorImage';
  found: AnchorSearchResult<Input>;
  search: AnchorSearchOptions;
  coverageSamples: number;
  explained: ExplainedPrediction;
  usage: ModelUsage;
  /** A sample as the explanation shows it. */
  example: (sample: Input) => Example;
  /** `data` from the explainer's own fields and the common `raw` block. */
  data: (raw: AnchorRaw<Example>) => Data;
  /** The explainer's own `meta.params` (its options, snake_case), before the search's. */
  params: Record<string, unknown>;
}

/**
 * The one builder of the three anchor explanations (AnchorTabular, AnchorText, AnchorImage), like Alibi
 * Explain's defaults module: the common `raw` block and `meta.params` in Alibi's snake_case.
 */
export function anchorExplanation<Input, Example, Data>(parts: AnchorParts<Input, Example, Data>): Explanation<Data> {
  const { found, search, explained, usage, example } = parts;
  const precision = found.steps.map((s) => s.precision);
  const raw: AnchorRaw<Example> = {
    precision,
    mean: [...precision],
    coverage: found.steps.map((s) => s.coverage),
    examples: found.steps.map((s) => ({
      covered_true: s.coveredTrue.map(example),
      covered_false: s.coveredFalse.map(example),
      uncovered_true: [],
      uncovered_false: [],
    })),
    all_precision: found.emptyAnchorPrecision,
    success: found.success,
    prediction: explained.prediction(),
    ...explained.raw(),
    num_preds: found.numSamples,
    model_calls: usage.calls,
    model_rows: usage.rows,
    ...(!found.success && {
      warning: `Could not find an anchor with precision >= ${search.threshold}; returning the most precise anchor found.`,
    }),
  };
  const params = { ...parts.params, ...searchParams(search, parts.coverageSamples), ...explained.params };
  return { meta: blackboxLocalMeta(parts.name, params), data: parts.data(raw) };
}

/** The search options and coverage sample size as they appear in an explanation's `meta.params` (Alibi's keys). */
export function searchParams(search: AnchorSearchOptions, coverageSamples: number): Record<string, unknown> {
  return {
    threshold: search.threshold,
    delta: search.delta,
    tau: search.tau,
    batch_size: search.batchSize,
    coverage_samples: coverageSamples,
    beam_size: search.beamSize,
    stop_on_first: search.stopOnFirst,
    max_anchor_size: search.maxAnchorSize ?? null,
    min_samples_start: search.minSamplesStart,
    n_covered_ex: search.nCoveredEx,
  };
}
