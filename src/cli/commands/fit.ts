import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AnchorImage } from '../../anchors/image/anchor-image.js';
import { AnchorTabular } from '../../anchors/tabular/anchor-tabular.js';
import { AnchorText, TEXT_SAMPLINGS, type AnchorTextOptions, type TextSampling } from '../../anchors/text/anchor-text.js';
import { CEM, type CEMMode } from '../../counterfactuals/cem.js';
import type { MinMaxScaling } from '../../core/min-max-scaling.js';
import { Counterfactual } from '../../counterfactuals/counterfactual.js';
import { adultCounterfactualTask } from '../../datasets/adult-counterfactual.js';
import { loadAdult } from '../../datasets/adult.js';
import { loadGloVe } from '../../datasets/glove.js';
import { loadMnist } from '../../datasets/mnist.js';
import { loadDemoModel, loadDemoRegressor, type DemoModelName } from '../../models/demo-models.js';
import { loadDiabetes } from '../../datasets/diabetes.js';
import { loadSentimentFillMask, loadSentimentModel } from '../../models/sentiment-models.js';
import { saveExplainer, type SaveableExplainer } from '../../persistence/explainer-dir.js';
import { tfjsModel } from '../../predictors/tfjs.js';
import { loadBundledModel } from '../../tf/models.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';
import { adultDiverseExplainer } from './counterfactual-diverse.js';
import { adultProtoExplainer, adultProtoTrainingRows, MNIST_PROTO_OPTIONS, MNIST_PROTOTYPE_DIGITS } from './counterfactual-proto.js';
import { CounterfactualProto } from '../../counterfactuals/proto/counterfactual-proto.js';
import { cutEncoder } from '../../counterfactuals/proto/encoder.js';

export const FIT_USAGE = `Usage: glassbox fit DATASET --out DIR [options]

Fits an explainer on a bundled data set and saves it to DIR (explainer.json and binary arrays), for
'glassbox explain adult --explainer DIR', 'glassbox serve --explainer DIR' or loadExplainer(DIR, model).
The model is not saved: it is passed (or reached by URL) when the explainer is loaded.

  adult       --method anchor (AnchorTabular on the training rows, numeric features cut at their
              quartiles; default) or proto (CounterfactualProto as 'glassbox counterfactual adult
              --method proto' sets it up: the model as a black box, numbers scaled to [-1, 1] and the
              scaling saved, k-d tree prototypes, ABDM category distances, Race, Sex and Country
              immutable, Age and Education only up) or diverse (DiverseCounterfactuals as 'glassbox
              counterfactual adult --count N' sets it up: the model's own rows, Education ordered;
              count, method and constraints are given with each explanation)
  sentiment   AnchorText with --sampling unknown (default), similarity or language_model
  diabetes    AnchorTabular for the bundled diabetes regressor (task regression: anchors keep the
              prediction inside an interval, 'auto' by default or a request's interval parameter)
  mnist       --method anchor (AnchorImage, SLIC superpixels; default), counterfactual (Wachter et al.,
              pixels in [0, 1]), cem (pertinent negatives or positives, no-information values fitted
              on 1,000 training digits; --ae adds the bundled autoencoder, gamma 100) or proto
              (CounterfactualProto with the bundled autoencoder's encoder, prototypes of 2,000 training
              digits); the autoencoder and encoder are saved in DIR (ae/, encoder/)

Options:
  --out DIR                folder to write (created if missing; required)
  --seed S                 seed of the explainer's sampling (default 0); anchors and adult --method diverse
  --model gbt|logreg       adult: the bundled model the explainer is for, noted in explainer.json (default gbt)
  --max-training-rows N    adult: keep a seeded sample of N training rows (proto: the first N; default: all 32,561)
  --sampling S             sentiment: unknown, similarity or language_model
  --method M               adult: anchor, proto or diverse; mnist: anchor, counterfactual, cem or proto
  --mode PN|PP             mnist --method cem: pertinent negative (default) or positive
  --ae                     mnist --method cem: with the bundled autoencoder (the gamma term)
  --max-iterations N       mnist counterfactual, cem, proto: optimiser steps per value of c (or lambda)
  --c-steps N              mnist counterfactual, cem, proto: values of c (or lambda) searched; by URL, every
                           step costs a finite-difference gradient (2 x 784 images), so keep both small
  -h, --help               show this help
`;

/** Training digits CEM's no-information values (their feature-wise median) are fitted on. */
const CEM_FIT_DIGITS = 1000;
/** CEM's autoencoder weight with `--ae`: Alibi's CEM MNIST example uses gamma 100. */
const CEM_AE_GAMMA = 100;


/** `glassbox fit DATASET --out DIR`: fits an explainer on a bundled data set and saves it. */
export async function fitCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      model: { type: 'string' },
      'max-training-rows': { type: 'string' },
      sampling: { type: 'string' },
      method: { type: 'string' },
      mode: { type: 'string' },
      ae: { type: 'boolean' },
      'max-iterations': { type: 'string' },
      'c-steps': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(FIT_USAGE);
    return 0;
  }
  const [dataset, ...extra] = positionals;
  if (dataset === undefined || extra.length > 0) throw new UsageError(`expected one data set (adult, sentiment, mnist or diabetes), got ${positionals.join(' ') || 'none'}`);
  const flagsOf: Record<string, readonly string[]> = {
    adult: ['model', 'max-training-rows', 'method', 'seed'],
    sentiment: ['sampling', 'seed'],
    mnist: ['method', 'mode', 'seed', 'ae', 'max-iterations', 'c-steps'],
    diabetes: ['seed'],
  };
  const allowed = flagsOf[dataset];
  if (allowed === undefined) throw new UsageError(`unknown data set "${dataset}"; expected one of: ${Object.keys(flagsOf).join(', ')}`);
  for (const flag of ['model', 'max-training-rows', 'sampling', 'method', 'mode', 'ae', 'max-iterations', 'c-steps'] as const) {
    if (values[flag] !== undefined && !allowed.includes(flag)) throw new UsageError(`--${flag} does not apply to ${dataset}`);
  }
  const out = values.out;
  if (out === undefined || out.trim() === '') throw new UsageError('--out DIR is required');
  const seed = values.seed === undefined ? undefined : (numberFlag('seed', values.seed) as number);

  const fitted =
    dataset === 'adult'
      ? await fitAdult(values, seed)
      : dataset === 'sentiment'
        ? fitSentiment(values.sampling, seed)
        : dataset === 'diabetes'
          ? await fitDiabetes(seed)
          : await fitMnist(values, seed);
  try {
    await saveExplainer(fitted.explainer, out, { model: fitted.model, ...(fitted.inputScaling !== undefined && { inputScaling: fitted.inputScaling }) });
  } finally {
    fitted.dispose?.();
  }
  const files = await readdir(out);
  const bytes = (await Promise.all(files.map((f) => stat(join(out, f))))).reduce((sum, s) => sum + s.size, 0);
  io.stdout(`Saved ${fitted.explainer.constructor.name} (${fitted.what}) for ${fitted.model} to ${out}: ${files.length} file${files.length === 1 ? '' : 's'}, ${bytes.toLocaleString('en-US')} bytes\n`);
  return 0;
}

interface Fitted {
  explainer: SaveableExplainer;
  /** The bundled model it is for. */
  model: string;
  /** What was fitted, for the summary line. */
  what: string;
  /** The scaling a counterfactual explainer was fitted with, saved beside it. */
  inputScaling?: MinMaxScaling;
  /** Frees the TensorFlow.js models the explainer holds, once it is saved. */
  dispose?: () => void;
}

async function fitAdult(values: { model?: string; 'max-training-rows'?: string; method?: string }, seed: number | undefined): Promise<Fitted> {
  const modelFlag = values.model ?? 'gbt';
  if (modelFlag !== 'gbt' && modelFlag !== 'logreg') throw new UsageError(`--model is "${modelFlag}"; expected gbt or logreg`);
  const method = values.method ?? 'anchor';
  if (method !== 'anchor' && method !== 'proto' && method !== 'diverse') throw new UsageError(`--method is "${method}" for adult; expected anchor, proto or diverse`);
  if (seed !== undefined && method === 'proto') throw new UsageError('--seed applies to --method anchor and diverse only (the proto search is not random)');
  const maxTrainingRows = numberFlag('max-training-rows', values['max-training-rows'], { integer: true, min: 1 });
  const model: DemoModelName = `adult-${modelFlag}`;
  if (method === 'proto') return fitAdultProto(model, maxTrainingRows);
  if (method === 'diverse') {
    const explainer = await adultDiverseExplainer(model, maxTrainingRows, seed);
    const kept = explainer.toState().classes!.length;
    return { explainer, model, what: `${kept.toLocaleString('en-US')} training rows, Education ordered` };
  }
  const adult = loadAdult();
  const explainer = new AnchorTabular(loadDemoModel(model).predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed });
  await explainer.fit(adult.train.rows, { maxTrainingRows });
  const kept = Math.min(maxTrainingRows ?? Infinity, adult.train.rows.length);
  return { explainer, model, what: `${kept.toLocaleString('en-US')} training rows` };
}

/**
 * CounterfactualProto on Adult with the search of `glassbox counterfactual adult --method proto`
 * (ADULT_PROTO_OPTIONS), fitted on the training rows scaled to [-1, 1] (a seeded sample of `maxTrainingRows`
 * of them when given), with the scaling saved so that the loaded explainer takes and returns the model's rows.
 */
async function fitAdultProto(model: DemoModelName, maxTrainingRows: number | undefined): Promise<Fitted> {
  const task = adultCounterfactualTask(model);
  const rows = adultProtoTrainingRows(task, maxTrainingRows);
  const explainer = await adultProtoExplainer(task, rows);
  return { explainer, model, inputScaling: task.scaling, what: `k-d trees over ${rows.length.toLocaleString('en-US')} training rows, ABDM, numbers scaled to [-1, 1]` };
}

/** AnchorTabular on the diabetes training rows, for the bundled regressor (which declares task 'regression'). */
async function fitDiabetes(seed: number | undefined): Promise<Fitted> {
  const diabetes = loadDiabetes();
  const { predictor, info } = loadDemoRegressor();
  const explainer = await new AnchorTabular(predictor, diabetes.featureNames, { seed }).fit(diabetes.train.rows);
  return { explainer, model: info.name, what: `${diabetes.train.rows.length} training rows, task regression` };
}

function fitSentiment(samplingFlag: string | undefined, seed: number | undefined): Fitted {
  const sampling = (samplingFlag ?? 'unknown') as TextSampling;
  if (!TEXT_SAMPLINGS.includes(sampling)) throw new UsageError(`--sampling is "${samplingFlag}"; expected one of: ${TEXT_SAMPLINGS.join(', ')}`);
  const { predictor, info } = loadSentimentModel();
  const options: AnchorTextOptions = { sampling, seed };
  if (sampling === 'similarity') options.embeddings = loadGloVe();
  if (sampling === 'language_model') options.fillMask = loadSentimentFillMask();
  return { explainer: new AnchorText(predictor, options), model: info.name, what: `${sampling} sampling` };
}

async function fitMnist(values: { method?: string; mode?: string; ae?: boolean; 'max-iterations'?: string; 'c-steps'?: string }, seed: number | undefined): Promise<Fitted> {
  const method = values.method ?? 'anchor';
  if (method !== 'anchor' && method !== 'counterfactual' && method !== 'cem' && method !== 'proto') {
    throw new UsageError(`--method is "${method}"; expected anchor, counterfactual, cem or proto`);
  }
  if (values.mode !== undefined && method !== 'cem') throw new UsageError('--mode applies to --method cem only');
  if (values.ae && method !== 'cem') throw new UsageError('--ae applies to --method cem only (proto always uses the autoencoder\'s encoder)');
  if (seed !== undefined && method !== 'anchor') throw new UsageError('--seed applies to --method anchor only (counterfactual searches are not random)');
  const maxIterations = numberFlag('max-iterations', values['max-iterations'], { integer: true, min: 1 });
  const cSteps = numberFlag('c-steps', values['c-steps'], { integer: true, min: 1 });
  if ((maxIterations !== undefined || cSteps !== undefined) && method === 'anchor') throw new UsageError('--max-iterations and --c-steps apply to the counterfactual methods');
  const mode = (values.mode ?? 'PN') as CEMMode;
  if (mode !== 'PN' && mode !== 'PP') throw new UsageError(`--mode is "${values.mode}"; expected PN or PP`);
  const mnist = loadMnist();
  const cnn = await loadBundledModel('mnist-cnn');
  // The explainer keeps no reference to the classifier it needs for saving (the model is passed again on
  // loading), but it does keep its autoencoder or encoder, which are saved with it: those are freed after.
  const ae = values.ae || method === 'proto' ? await loadBundledModel('mnist-ae') : undefined;
  const dispose = () => ae?.dispose();
  try {
    const predictor = tfjsModel(cnn);
    const model = 'mnist-cnn';
    if (method === 'anchor') {
      return { explainer: new AnchorImage((images) => predictor(images.map((im) => im.data)), { shape: mnist.shape, seed }), model, what: 'SLIC superpixels' };
    }
    const search = { ...(maxIterations !== undefined && { maxIterations }), ...(cSteps !== undefined && { cSteps }) };
    if (method === 'counterfactual') {
      const options = { ...(maxIterations !== undefined && { maxIter: maxIterations }), ...(cSteps !== undefined && { maxLamSteps: cSteps }) };
      return { explainer: new Counterfactual(predictor, { shape: mnist.shape, featureRange: [0, 1], ...options }), model, what: 'pixels in [0, 1]' };
    }
    if (method === 'proto') {
      const encoder = await cutEncoder(ae!, 4);
      const explainer = new CounterfactualProto(predictor, { shape: mnist.shape, featureRange: [0, 1], encoder, ...MNIST_PROTO_OPTIONS, ...search });
      await explainer.fit(Array.from({ length: MNIST_PROTOTYPE_DIGITS }, (_, i) => mnist.train.image(i)));
      return { explainer, model, what: `encoder prototypes of ${MNIST_PROTOTYPE_DIGITS.toLocaleString('en-US')} digits`, dispose };
    }
    const cem = new CEM(predictor, { mode, shape: mnist.shape, featureRange: [0, 1], ...search, ...(ae !== undefined && { ae, gamma: CEM_AE_GAMMA }) });
    const count = Math.min(CEM_FIT_DIGITS, mnist.train.count);
    await cem.fit(Array.from({ length: count }, (_, i) => mnist.train.image(i)));
    return { explainer: cem, model, what: `${mode}, no-information values from ${count.toLocaleString('en-US')} digits${ae === undefined ? '' : ', autoencoder'}`, dispose };
  } catch (err) {
    dispose();
    throw err;
  } finally {
    cnn.dispose();
  }
}
