import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';
import { Counterfactual, type CounterfactualData, type TargetClass } from '../../counterfactuals/counterfactual.js';
import type { Explanation } from '../../core/explanation.js';
import { l0Distance } from '../../counterfactuals/distances.js';
import type { NestedNumbers } from '../../counterfactuals/instance.js';
import { loadMnist } from '../../datasets/mnist.js';
import { tfjsModel } from '../../predictors/tfjs.js';
import { loadBundledModel } from '../../tf/models.js';
import { numberFlag, UsageError, type CliIO } from '../io.js';
import { checkRenderingFiles, writeRenderings } from '../renderings.js';
import { adultDiverse, diverseFlags, isDiverseMethod } from './counterfactual-diverse.js';
import { adultProto, mnistProto } from './counterfactual-proto.js';
import { COUNTERFACTUAL_FILE_USAGE, counterfactualFileCommand } from './counterfactual-file.js';
import { isExplainFileCall } from './explain-file.js';

export const COUNTERFACTUAL_USAGE = `Usage: glassbox counterfactual mnist --row N [options]
       glassbox counterfactual adult --row N --method proto [--json] [--html FILE] [--png FILE]
       glassbox counterfactual adult --row N --count 4 [--immutable Sex,Race,Age] [--method genetic|random|kdtree] [--json] [--html FILE]

Finds the smallest change (in L1) to held-out MNIST digit N that makes the bundled CNN predict another
digit with probability >= 0.95 (Wachter et al., 2017; Alibi Explain's defaults), by autodiff.
With --method proto: a prototype-guided counterfactual (Van Looveren & Klaise, 2019) of MNIST digit N
(prototypes from the bundled autoencoder's code) or of held-out Adult row N for the bundled
gradient-boosted trees (a black box; k-d tree prototypes; Race, Sex and Country immutable, Age and
Education only up).
With --count (or --method genetic, random or kdtree): --count diverse counterfactuals of held-out Adult
row N for the bundled gradient-boosted trees (after DiCE, Mothilal et al. 2020), no gradients, the
--immutable features kept: a genetic search (the default), random feature changes, or the nearest
training rows of the other class, each made sparse.

Options:
  --row N            held-out digit (or Adult row) to explain, 0-based (required)
  --method M         wachter (MNIST's default) or proto (adult's default); for adult also genetic (the
                     default with --count), random or kdtree
  --count N          adult: diverse counterfactuals to find (1-100)
  --immutable LIST   adult, with --count: comma-separated features that must not change (e.g. Sex,Race,Age)
  --target T         the digit to reach (0-9), 'other' (any other digit, the default) or 'same' (wachter only)
  --json             print the explanation JSON ({meta, data}) instead of the summary
  --png FILE         also draw the digit, the counterfactual and their difference to a PNG file (mnist);
                     for adult, the explanation's card as a PNG picture (needs Chromium)
  --html FILE        also write the explanation's card (pictures or the changed features, probabilities,
                     distance; with proto, the prototype) as an HTML page
  -h, --help         show this help

${COUNTERFACTUAL_FILE_USAGE}`;

/** `glassbox counterfactual mnist|adult --row N [--method wachter|proto] [--target T] [--json] [--png FILE] [--html FILE]`. */
export async function counterfactualCommand(argv: string[], io: CliIO): Promise<number> {
  // Your own regression model on your CSV (--model FILE): counterfactual-file.ts.
  if (isExplainFileCall(argv)) return counterfactualFileCommand(argv, io);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      row: { type: 'string' },
      target: { type: 'string' },
      method: { type: 'string' },
      count: { type: 'string' },
      immutable: { type: 'string' },
      json: { type: 'boolean', default: false },
      png: { type: 'string' },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(COUNTERFACTUAL_USAGE);
    return 0;
  }
  if (positionals.length !== 1 || (positionals[0] !== 'mnist' && positionals[0] !== 'adult')) {
    throw new UsageError(`expected the data set mnist or adult, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  }
  const dataset = positionals[0];
  const diverse = values.count !== undefined || values.immutable !== undefined;
  const method = values.method ?? (dataset === 'adult' ? (diverse ? 'genetic' : 'proto') : 'wachter');
  if (dataset === 'adult' && isDiverseMethod(method)) return adultDiverseCommand(values, method, io);
  if (diverse) throw new UsageError('--count and --immutable are for diverse counterfactuals of adult (--method genetic, random or kdtree)');
  if (method !== 'wachter' && method !== 'proto') throw new UsageError(`--method is "${method}"; expected wachter, proto, or for adult genetic, random or kdtree`);
  if (dataset === 'adult' && method !== 'proto') throw new UsageError('--method wachter is for mnist; adult has --method proto');
  const row = numberFlag('row', values.row, { integer: true, min: 0 });
  if (row === undefined) throw new UsageError('--row N is required');
  if (dataset === 'adult' && values.target !== undefined) throw new UsageError('--target is for mnist; leave it out with adult');
  if (dataset === 'adult') {
    const files = checkRenderingFiles({ html: values.html, png: values.png });
    const { explanation, text, render } = await adultProto(row, io);
    io.stdout(values.json ? `${JSON.stringify(explanation)}\n` : text);
    await writeRenderings(explanation, render, files);
    return 0;
  }
  const mnist = loadMnist();
  if (row >= mnist.test.count) {
    throw new UsageError(`--row ${row} is out of range; mnist has ${mnist.test.count} held-out digits (0..${mnist.test.count - 1})`);
  }
  const target = targetFlag(values.target);
  if (values.png === '') throw new UsageError('--png needs a file name');
  checkRenderingFiles({ html: values.html });

  const digit = mnist.test.image(row);
  if (method === 'proto') {
    if (typeof target !== 'number' && target !== 'other') throw new UsageError("--target same is for --method wachter; proto takes a digit or 'other'");
    const { explanation, text, render } = await mnistProto(mnist, row, typeof target === 'number' ? target : undefined, io);
    if (values.png !== undefined) writeFileSync(values.png, digitsPng(digit, explanation.data));
    await writeRenderings(explanation, render, { html: values.html });
    io.stdout(values.json ? `${JSON.stringify(explanation)}\n` : text);
    return 0;
  }
  const model = await loadBundledModel('mnist-cnn');
  try {
    const explainer = new Counterfactual(tfjsModel(model), {
      shape: mnist.shape,
      featureRange: [0, 1],
      targetClass: target,
      onProgress: io.interactive
        ? (p) => io.stderr(`λ = ${p.lambda.toExponential(2)}: ${p.success ? 'reached the target' : 'missed the target'} in ${p.iterations} steps\n`)
        : undefined,
    });
    const started = performance.now();
    const explanation = await explainer.explain(digit);
    const elapsedMs = performance.now() - started;
    if (values.png !== undefined) writeFileSync(values.png, digitsPng(digit, explanation.data));
    await writeRenderings(explanation, { instance: digit, targetNames: mnist.targetNames }, { html: values.html });
    if (values.json) io.stdout(`${JSON.stringify(explanation)}\n`);
    else io.stdout(formatCounterfactual(explanation, digit, mnist.test.labels[row], elapsedMs));
    return 0;
  } finally {
    model.dispose();
  }
}

/** `glassbox counterfactual adult --row N --count C [--immutable LIST] [--method genetic|random|kdtree]`. */
async function adultDiverseCommand(
  values: { row?: string; count?: string; immutable?: string; target?: string; json: boolean; html?: string; png?: string },
  method: 'genetic' | 'random' | 'kdtree',
  io: CliIO,
): Promise<number> {
  const row = numberFlag('row', values.row, { integer: true, min: 0 });
  if (row === undefined) throw new UsageError('--row N is required');
  if (values.target !== undefined) throw new UsageError('--target is for mnist; leave it out with adult');
  if (values.png !== undefined) throw new UsageError('--png is for --method proto and mnist; diverse counterfactuals write --html');
  const { count, immutable } = diverseFlags(values);
  const files = checkRenderingFiles({ html: values.html });
  const { explanation, text, render } = await adultDiverse(row, { count, immutable, method });
  io.stdout(values.json ? `${JSON.stringify(explanation)}\n` : text);
  await writeRenderings(explanation, render, files);
  return 0;
}

function targetFlag(value: string | undefined): TargetClass {
  if (value === undefined || value === 'other' || value === 'same') return value ?? 'other';
  const t = Number(value);
  if (value.trim() === '' || !Number.isInteger(t) || t < 0 || t > 9) {
    throw new UsageError(`--target is "${value}"; expected a digit 0-9, 'other' or 'same'`);
  }
  return t;
}

function formatCounterfactual(e: Explanation<CounterfactualData>, digit: Float32Array, label: number, elapsedMs: number): string {
  const d = e.data;
  const p = (proba: number[], k: number | null) => `p = ${proba[k as number].toFixed(2)}`; // a classifier's: k is a class
  const search = `${d.iterations.toLocaleString('en-US')} gradient steps over ${d.raw.steps.length} values of λ, ${d.model_calls.toLocaleString('en-US')} model calls (${d.raw.gradients}), ${Math.round(elapsedMs).toLocaleString('en-US')} ms`;
  const lines = [`Digit:           ${label} (held-out label); the model predicts ${d.orig_class} (${p(d.orig_proba, d.orig_class)})`];
  if (d.cf === null) {
    lines.push(`Counterfactual:  none found (success: false): no step reached the target within tol ${e.meta.params.tol}`);
  } else {
    const x = (d.cf.X as number[][][]).flat(2);
    lines.push(
      `Counterfactual:  ${d.cf.class} (${p(d.cf.proba, d.cf.class)}), L1 distance ${d.cf.distance.toFixed(2)} over ${l0Distance(x, digit, 1e-3)} pixels, λ = ${d.cf.lambda.toExponential(2)}`,
    );
  }
  lines.push(`Search:          ${search}`);
  return `${lines.join('\n')}\n`;
}

/** Pixels per MNIST pixel, and the gap between panels, in the PNG. */
const SCALE = 8;
const GAP = 8;

/**
 * The digit, the counterfactual and their difference side by side (each 28x28 pixel drawn 8x8): grey
 * levels for the images, and for the difference green where ink was added, red where it was removed.
 * Without a counterfactual, the digit alone.
 */
export function digitsPng(digit: Float32Array, data: { cf: { X: NestedNumbers } | null }): Buffer {
  const cf = data.cf === null ? undefined : Float32Array.from((data.cf.X as number[][][]).flat(2));
  const panels: Array<(i: number) => [number, number, number]> = [(i) => grey(digit[i])];
  if (cf !== undefined) {
    panels.push((i) => grey(cf[i]));
    panels.push((i) => {
      const delta = cf[i] - digit[i];
      const v = Math.round(255 * Math.min(1, Math.abs(delta)));
      return delta > 0 ? [255 - v, 255, 255 - v] : [255, 255 - v, 255 - v];
    });
  }
  const side = 28 * SCALE;
  const png = new PNG({ width: panels.length * side + (panels.length - 1) * GAP, height: side });
  png.data.fill(255);
  panels.forEach((colour, k) => {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const [r, g, b] = colour(Math.floor(y / SCALE) * 28 + Math.floor(x / SCALE));
        const o = (y * png.width + k * (side + GAP) + x) * 4;
        png.data[o] = r;
        png.data[o + 1] = g;
        png.data[o + 2] = b;
        png.data[o + 3] = 255;
      }
    }
  });
  return PNG.sync.write(png);
}

/** Ink as dark grey on white. */
function grey(v: number): [number, number, number] {
  const level = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
  return [level, level, level];
}
