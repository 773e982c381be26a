import { parseArgs } from 'node:util';
import { remotePredictor, type RemotePredictor } from '../../predictors/remote/remote-predictor.js';
import type { RemotePredictorOptions, RemoteProtocol } from '../../predictors/remote/options.js';
import { MNIST_SHAPE } from '../../datasets/mnist.js';
import { AnchorTabular } from '../../anchors/tabular/anchor-tabular.js';
import { listDemoModels, loadDemoModel, type DemoModelName } from '../../models/demo-models.js';
import { loadExplainer, readExplainerManifest } from '../../persistence/explainer-dir.js';
import type { Predictor } from '../../predictors/predictor.js';
import { BUNDLED_TASKS, loadBundledTask } from '../bundled.js';
import { formatAnchor } from '../format.js';
import { numberFlag, thresholdFlag, UsageError, type CliIO } from '../io.js';
import { checkRenderingFiles, writeRenderings } from '../renderings.js';
import { EXPLAIN_FILE_USAGE, explainFileCommand, isExplainFileCall } from './explain-file.js';
import { explainImageCommand, IMAGE_DATASETS } from './explain-image.js';
import { explainTextCommand, TEXT_DATASETS, TEXT_FLAGS } from './explain-text.js';
import { diverseFlags } from './counterfactual-diverse.js';
import { explainWithCounterfactualCommand } from './keeps-and-flips.js';

export const EXPLAIN_USAGE = `Usage: glassbox explain DATASET --row N [options]
       glassbox explain sentiment --text "SENTENCE" [--sampling S] [options]
       glassbox explain mnist --row N [--png FILE] [options]

Explains the bundled demo model's prediction for held-out row N of a bundled data set with an anchor:
adult (income, tabular), sentiment (review sentences, text) or mnist (digits, images: the anchor is a
set of superpixels, and --png draws them on the digit).

Options:
  --row N            held-out (test) row or sentence to explain, 0-based (required, unless --text)
  --threshold P      precision the anchor must reach (default 0.95)
  --seed S           seed of the sampling (default 0); same seed, same explanation
  --explainer DIR    adult: explain with the explainer saved in DIR by 'glassbox fit adult' (its seed; the
                     bundled model its explainer.json names, unless --model-url)
  --json             print the explanation JSON ({meta, data}) instead of the summary
  --html FILE        also write the explanation's card as a self-contained HTML page
  --png FILE         also write the card as a PNG picture (needs Chromium: /usr/bin/chromium or $GLASSBOX_CHROMIUM)
  --text SENTENCE    sentiment: explain this sentence instead of held-out sentence N
  --sampling S       sentiment: how other words are perturbed: unknown (default), similarity, language_model
  --model-url URL    explain the model behind this endpoint (v2, KServe v1 or Seldon) instead of the bundled one
                     (sentiment: a text model; mnist: an image model taking [N, 28, 28, 1], e.g. glassbox serve-model;
                     grpc://host:port/MODEL: the Open Inference Protocol over gRPC)
  --protocol P       with --model-url: v2, kserve-v1 or seldon (default: inferred from the URL)
  --header 'K: V'    with --model-url: an HTTP header to send (repeatable)
  --with-counterfactual   adult: also diverse counterfactuals of the row (what flips it, as
                     'counterfactual adult --count 4' finds them), in one explanation and one card
  --count N          with --with-counterfactual: counterfactuals to find (1-100, default 4)
  --immutable LIST   with --with-counterfactual: comma-separated features that must not change (e.g. Sex,Race,Age)
  -h, --help         show this help

${EXPLAIN_FILE_USAGE}`;

export async function explainCommand(argv: string[], io: CliIO): Promise<number> {
  if (isExplainFileCall(argv)) return explainFileCommand(argv, io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      row: { type: 'string' },
      threshold: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      html: { type: 'string' },
      png: { type: 'string' },
      text: { type: 'string' },
      sampling: { type: 'string' },
      'model-url': { type: 'string' },
      explainer: { type: 'string' },
      protocol: { type: 'string' },
      header: { type: 'string', multiple: true },
      'with-counterfactual': { type: 'boolean', default: false },
      count: { type: 'string' },
      immutable: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(EXPLAIN_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected one data set, got ${positionals.join(' ')}`);
  const remoteFlag = (['model-url', 'protocol', 'header'] as const).find((f) => values[f] !== undefined);
  const remoteDatasets = [...BUNDLED_TASKS, ...TEXT_DATASETS, ...IMAGE_DATASETS];
  if (remoteFlag !== undefined && (values['model-url'] === undefined || !remoteDatasets.includes(positionals[0]))) {
    throw new UsageError(`--${remoteFlag} is for explaining a bundled data set (${remoteDatasets.join(', ')}) through --model-url URL`);
  }
  /** The model behind --model-url, for a text or image data set (connected once the other flags are checked). */
  const connect = (extra: RemotePredictorOptions) =>
    values['model-url'] === undefined
      ? undefined
      : () => remotePredictor(values['model-url'] as string, { ...remoteFlags(values.protocol, values.header), ...extra });
  if (values.explainer !== undefined && !BUNDLED_TASKS.includes(positionals[0])) {
    throw new UsageError(`--explainer is for the tabular data sets (${BUNDLED_TASKS.join(', ')}); load other saved explainers with loadExplainer`);
  }
  if (values.explainer !== undefined && values.seed !== undefined) {
    throw new UsageError('--seed cannot change a saved explainer: it keeps the seed it was fitted with (glassbox fit --seed S)');
  }
  if (values['with-counterfactual'] && !BUNDLED_TASKS.includes(positionals[0])) {
    throw new UsageError(`--with-counterfactual is for the tabular data sets (${BUNDLED_TASKS.join(', ')}); for mnist run 'glassbox counterfactual mnist --row N --method proto'`);
  }
  const diverseFlag = (['count', 'immutable'] as const).find((f) => values[f] !== undefined);
  if (diverseFlag !== undefined && !values['with-counterfactual']) throw new UsageError(`--${diverseFlag} is for --with-counterfactual`);
  const counterfactuals = values['with-counterfactual'] ? diverseFlags(values) : undefined;
  if (TEXT_DATASETS.includes(positionals[0])) return explainTextCommand(positionals[0], values, io, connect({}));
  const textFlag = TEXT_FLAGS.find((f) => values[f] !== undefined);
  if (textFlag !== undefined) throw new UsageError(`--${textFlag} is for the text data sets (${TEXT_DATASETS.join(', ')})`);
  if (IMAGE_DATASETS.includes(positionals[0])) return explainImageCommand(positionals[0], values, io, connect({ shape: MNIST_SHAPE }));
  const task = loadBundledTask(positionals[0], [...TEXT_DATASETS, ...IMAGE_DATASETS]);
  const rowIndex = numberFlag('row', values.row, { integer: true, min: 0 });
  if (rowIndex === undefined) throw new UsageError('--row N is required');
  const { dataset } = task;
  if (rowIndex >= dataset.test.rows.length) {
    throw new UsageError(`--row ${rowIndex} is out of range; ${dataset.name} has ${dataset.test.rows.length} held-out rows (0..${dataset.test.rows.length - 1})`);
  }
  const threshold = thresholdFlag(values.threshold);
  const seed = values.seed === undefined ? undefined : (numberFlag('seed', values.seed) as number);
  const files = checkRenderingFiles({ html: values.html, png: values.png });
  if (values['with-counterfactual'] && (values.explainer !== undefined || values['model-url'] !== undefined)) {
    throw new UsageError('--with-counterfactual explains with the bundled model and explainers; it cannot be combined with --explainer or --model-url');
  }

  const remote = values['model-url'] === undefined ? undefined : await remoteFromFlags(values['model-url'], values.protocol, values.header, dataset.featureNames);
  const explainer =
    values.explainer === undefined
      ? await new AnchorTabular(remote ?? task.predictor, dataset.featureNames, { categoryMap: dataset.categoryMap, seed }).fit(dataset.train.rows)
      : await loadSavedTabular(values.explainer, remote ?? (await savedModelPredictor(values.explainer, task.predictor)));
  const started = performance.now();
  const explanation = await explainer.explain(dataset.test.rows[rowIndex], {
    threshold,
    onProgress: io.interactive
      ? (p) => io.stderr(`searched anchors of size ${p.anchorSize}: ${p.candidates} candidates, ${p.samples} samples\n`)
      : undefined,
  });
  const elapsedMs = performance.now() - started;
  if (counterfactuals !== undefined) return explainWithCounterfactualCommand(explanation, rowIndex, dataset, { json: values.json, elapsedMs, files, ...counterfactuals }, io);
  if (values.json) io.stdout(`${JSON.stringify(explanation)}\n`);
  else io.stdout(formatAnchor(explanation, { targetNames: dataset.targetNames, elapsedMs }));
  await writeRenderings(explanation, dataset, files);
  return 0;
}

/** The bundled model a saved explainer's manifest names, or `fallback` when it names none. */
async function savedModelPredictor(dir: string, fallback: Predictor<number[]>): Promise<Predictor<number[]>> {
  const { model } = await readExplainerManifest(dir);
  return listDemoModels().some((m) => m.name === model) ? loadDemoModel(model as DemoModelName).predictor : fallback;
}

async function loadSavedTabular(dir: string, predictor: Predictor<number[]>): Promise<AnchorTabular> {
  return (await loadExplainer(dir, predictor, { type: 'AnchorTabular' })).explainer as AnchorTabular;
}

/** The remote predictor that `--model-url`, `--protocol` and `--header` describe. */
async function remoteFromFlags(url: string, protocol: string | undefined, headerFlags: string[] | undefined, featureNames: string[]) {
  return remotePredictor(url, { ...remoteFlags(protocol, headerFlags), featureNames });
}

/** Connects to the model behind `--model-url` (see `explain`'s `connect`). */
export type ConnectRemote = (() => Promise<RemotePredictor>) | undefined;

/** The protocol and HTTP headers that `--protocol` and `--header` (repeatable, 'Name: value') give. */
export function remoteFlags(protocol: string | undefined, headerFlags: string[] | undefined): { protocol: RemoteProtocol | 'auto'; headers: Record<string, string> } {
  if (protocol !== undefined && !['auto', 'v2', 'kserve-v1', 'seldon'].includes(protocol)) {
    throw new UsageError(`--protocol is "${protocol}"; expected v2, kserve-v1 or seldon`);
  }
  const headers: Record<string, string> = {};
  for (const h of headerFlags ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--header is "${h}"; expected 'Name: value'`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  return { protocol: (protocol ?? 'auto') as RemoteProtocol | 'auto', headers };
}
