import { sampleIndices } from '../../anchors/tabular/training-data.js';
import type { Explanation } from '../../core/explanation.js';
import { createRng } from '../../core/rng.js';
import { CounterfactualProto, type CounterfactualProtoData, type CounterfactualProtoOptions, type ProtoProgress } from '../../counterfactuals/proto/counterfactual-proto.js';
import { cutEncoder } from '../../counterfactuals/proto/encoder.js';
import { ADULT_COUNTERFACTUAL_CONSTRAINTS, adultCounterfactualTask, type AdultCounterfactualTask } from '../../datasets/adult-counterfactual.js';
import type { MnistDataset } from '../../datasets/mnist.js';
import { tfjsModel } from '../../predictors/tfjs.js';
import { loadBundledModel } from '../../tf/models.js';
import type { CounterfactualProtoRenderOptions } from '../../viz/counterfactual-proto-card.js';
import { UsageError, type CliIO } from '../io.js';

/**
 * `glassbox counterfactual adult|mnist --method proto`: prototype-guided counterfactuals of the bundled
 * models, with the settings of the "CLI" rows of benchmarks/README.md (shorter searches than Alibi's
 * defaults: the same answers on most rows, in a fraction of the time).
 */

/**
 * Adult: the bundled gradient-boosted trees as a black box, numbers scaled to [-1, 1], k-d tree
 * prototypes over the 32,561 training rows, ABDM distances between categories; Race, Sex and Country
 * immutable, Age and Education only up. θ = 100 and a finite-difference step of 0.05 (2.5% of a
 * feature's range) because trees are flat between splits: our measurement on 20 held-out rows, see
 * benchmarks/README.md.
 */
export const ADULT_PROTO_OPTIONS = Object.freeze({
  theta: 100,
  eps: 0.05,
  cInit: 1,
  cSteps: 3,
  maxIterations: 200,
});

/**
 * Adult's training rows scaled for the Adult CounterfactualProto: all of them, or a seeded random sample
 * of `max` (in data order), as `AnchorTabular.fit`'s `maxTrainingRows` keeps one: the first rows alone
 * can miss rare categories, which ABDM needs.
 */
export function adultProtoTrainingRows(task: AdultCounterfactualTask, max?: number): number[][] {
  const rows = task.dataset.train.rows;
  const kept = max === undefined || max >= rows.length ? rows : Array.from(sampleIndices(rows.length, max, createRng('adult-proto/training')), (i) => rows[i]);
  return kept.map(task.scale);
}

/**
 * The CLI's Adult CounterfactualProto (ADULT_PROTO_OPTIONS, Adult's constraints, ABDM distances,
 * Education ordered), fitted on `rows` already scaled by `task.scale`; `overrides` change options (a
 * shorter search in tests, a progress callback).
 */
export function adultProtoExplainer(
  task: AdultCounterfactualTask,
  rows: readonly number[][],
  overrides: Partial<CounterfactualProtoOptions> = {},
): Promise<CounterfactualProto> {
  return new CounterfactualProto(task.predictor, {
    shape: [task.featureNames.length],
    categoryMap: task.categoryMap,
    featureNames: task.featureNames,
    featureRange: [-1, 1],
    ...ADULT_PROTO_OPTIONS,
    constraints: ADULT_COUNTERFACTUAL_CONSTRAINTS,
    ...overrides,
  }).fit(rows, { distance: 'abdm', order: { 2: task.educationOrder } });
}

/**
 * MNIST: the bundled CNN by autodiff, prototypes from the code layer of the bundled autoencoder
 * (mean code of 2,000 training digits per predicted class); θ = 10, c from 10 (Alibi's c_init) over
 * 2 values, 150 iterations each (our measurement, benchmarks/README.md).
 */
export const MNIST_PROTO_OPTIONS = Object.freeze({
  theta: 10,
  cInit: 10,
  cSteps: 2,
  maxIterations: 150,
});

export const MNIST_PROTOTYPE_DIGITS = 2000;

function progress(io: CliIO) {
  return io.interactive
    ? (p: ProtoProgress) => io.stderr(`c = ${p.c.toExponential(2)}: ${p.success ? 'found a counterfactual' : 'none'} in ${p.iterations} iterations\n`)
    : undefined;
}

/** An explanation, its text for the terminal, and what its card needs (names, the prototype as an input). */
export interface ProtoResult {
  explanation: Explanation<CounterfactualProtoData>;
  text: string;
  render: CounterfactualProtoRenderOptions;
}

/** Explains held-out Adult row `row`; returns the explanation, its text and its card's options. */
export async function adultProto(row: number, io: CliIO): Promise<ProtoResult> {
  const task = adultCounterfactualTask('adult-gbt');
  const { test, targetNames } = task.dataset;
  if (row >= test.rows.length) {
    throw new UsageError(`--row ${row} is out of range; adult has ${test.rows.length} held-out rows (0..${test.rows.length - 1})`);
  }
  const trainRows = adultProtoTrainingRows(task);
  const explainer = await adultProtoExplainer(task, trainRows, { onProgress: progress(io) });
  const started = performance.now();
  const explanation = await explainer.explain(task.scale(test.rows[row]));
  const elapsed = performance.now() - started;
  const d = explanation.data;
  const p = (proba: number[], k: number) => `${targetNames[k]} (p = ${proba[k].toFixed(2)})`;
  const lines = [`Row ${row} (held-out): the model predicts ${p(d.orig_proba, d.orig_class)}`];
  if (d.cf === null) {
    lines.push('Counterfactual:  none found (success: false)');
  } else {
    // Numbers are scaled: a change smaller than half a year, dollar or hour is no change to the model.
    const changes = (d.cf.changes ?? []).filter(task.matters);
    lines.push(`Counterfactual:  ${p(d.cf.proba, d.cf.class)}, ${changes.length} change${changes.length === 1 ? '' : 's'}:`);
    for (const change of changes) lines.push(`                 ${task.describe(change)}`);
  }
  lines.push(`Prototype:       training row ${d.prototype.rows[0]} (${targetNames[d.prototype.class]}), distance ${d.prototype.distance.toFixed(2)} (k-d tree)`);
  lines.push(search(d, elapsed));
  return {
    explanation,
    text: `${lines.join('\n')}\n`,
    render: { featureNames: task.featureNames, categoryMap: task.categoryMap, targetNames, unscale: task.unscale, prototype: explainer.prototypeInput(d.prototype, trainRows) },
  };
}

/** Explains held-out MNIST digit `row`; returns the explanation, its text and its card's options. */
export async function mnistProto(mnist: MnistDataset, row: number, target: number | undefined, io: CliIO): Promise<ProtoResult> {
  const cnn = await loadBundledModel('mnist-cnn');
  const ae = await loadBundledModel('mnist-ae');
  try {
    const encoder = await cutEncoder(ae, 4);
    const explainer = new CounterfactualProto(tfjsModel(cnn), { shape: mnist.shape, featureRange: [0, 1], encoder, ...MNIST_PROTO_OPTIONS, onProgress: progress(io) });
    const digits = Array.from({ length: MNIST_PROTOTYPE_DIGITS }, (_, i) => mnist.train.image(i));
    await explainer.fit(digits);
    const started = performance.now();
    const explanation = await explainer.explain(mnist.test.image(row), target === undefined ? {} : { targetClass: target });
    const elapsed = performance.now() - started;
    const d = explanation.data;
    const p = (proba: number[], k: number) => `${k} (p = ${proba[k].toFixed(2)})`;
    const lines = [`Digit:           ${mnist.test.labels[row]} (held-out label); the model predicts ${p(d.orig_proba, d.orig_class)}`];
    lines.push(
      d.cf === null
        ? 'Counterfactual:  none found (success: false)'
        : `Counterfactual:  ${p(d.cf.proba, d.cf.class)}, L1 distance ${d.cf.l1.toFixed(2)} over ${d.cf.changed} pixels, c = ${d.cf.c.toExponential(2)}`,
    );
    lines.push(`Prototype:       the mean code of the ${d.prototype.size} training digits predicted as ${d.prototype.class}, distance ${d.prototype.distance.toFixed(2)}`);
    lines.push(search(d, elapsed));
    return {
      explanation,
      text: `${lines.join('\n')}\n`,
      render: { targetNames: mnist.targetNames, prototype: explainer.prototypeInput(d.prototype, digits) },
    };
  } finally {
    cnn.dispose();
    ae.dispose();
  }
}

function search(d: CounterfactualProtoData, elapsedMs: number): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  return `Search:          ${n(d.iterations)} iterations over ${d.raw.steps.length} values of c, ${n(d.model_calls)} model calls (${d.raw.gradients}), ${n(elapsedMs)} ms`;
}
