import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { onnxPredictor, type OnnxPredictor } from '../../src/predictors/onnx.js';
import { releasedAfterEach } from './released-predictors.js';

const dir = fileURLToPath(new URL('../../models/onnx/', import.meta.url));
const RF = `${dir}adult-rf.onnx`;
const LOGREG = `${dir}adult-logreg.onnx`;

/** Held-out Adult rows with the exported scikit-learn models' predictions (scripts/export-adult-onnx.py). */
interface HeldOut {
  featureNames: string[];
  rows: number[][];
  models: Record<string, { classes: (number | string)[]; labels: (number | string)[]; probabilities: number[][] }>;
}
const heldout: HeldOut = JSON.parse(readFileSync(`${dir}adult-heldout.json`, 'utf8'));

const load = releasedAfterEach();

/** What a predictor says about the model's input and output. */
const about = (p: OnnxPredictor) => ({
  inputName: p.inputName,
  inputType: p.inputType,
  numFeatures: p.numFeatures,
  output: p.output,
  outputName: p.outputName,
});

/** The largest absolute difference between two tables of probabilities. */
function maxDifference(got: ArrayLike<ArrayLike<number>>, want: number[][]): number {
  expect(got.length).toBe(want.length);
  let max = 0;
  want.forEach((row, i) => {
    expect(got[i].length).toBe(row.length);
    row.forEach((p, k) => (max = Math.max(max, Math.abs(got[i][k] - p))));
  });
  return max;
}

describe('onnxPredictor agrees with the scikit-learn models it was exported from', () => {
  it('random forest, float input, ZipMap output: probabilities within 1e-5 and labels exactly, on 500 held-out rows', async () => {
    const { probabilities, labels, classes } = heldout.models['adult-rf.onnx'];
    const proba = await load(RF);
    expect(about(proba)).toEqual({ inputName: 'X', inputType: 'float32', numFeatures: 12, output: 'probabilities', outputName: 'output_probability' });
    expect(proba.classes).toEqual(classes);
    const p = (await proba(heldout.rows)) as Float32Array[];
    expect(p[0]).toBeInstanceOf(Float32Array);
    expect(maxDifference(p, probabilities)).toBeLessThan(1e-5);

    const label = await load(RF, { output: 'labels' });
    expect(label.outputName).toBe('output_label');
    const got = (await label(heldout.rows)) as Int32Array;
    expect(got).toBeInstanceOf(Int32Array);
    expect(Array.from(got, (k) => classes[k])).toEqual(labels);
    // Both classes occur, so the comparison is not trivially one class everywhere.
    expect(new Set(labels).size).toBe(2);
  });

  it('logistic regression, double input, probability tensor and string labels: same agreement', async () => {
    const { probabilities, labels, classes } = heldout.models['adult-logreg.onnx'];
    const proba = await load(LOGREG);
    expect(about(proba)).toEqual({ inputName: 'X', inputType: 'float64', numFeatures: 12, output: 'probabilities', outputName: 'probabilities' });
    expect(proba.classes).toEqual(['<=50K', '>50K']);
    expect(maxDifference((await proba(heldout.rows)) as Float32Array[], probabilities)).toBeLessThan(1e-5);

    const label = await load(LOGREG, { output: 'labels' });
    expect(label.outputName).toBe('label');
    const got = (await label(heldout.rows)) as Int32Array;
    expect(Array.from(got, (k) => classes[k])).toEqual(labels);
  });

  it('loads the same model from its bytes', async () => {
    const fromBytes = await load(new Uint8Array(readFileSync(RF)));
    const fromPath = await load(RF);
    const rows = heldout.rows.slice(0, 50);
    expect(await fromBytes(rows)).toEqual(await fromPath(rows));
  });
});

describe('onnxPredictor batching', () => {
  it('runs the session once per call, whatever the batch size, in input order', async () => {
    const predictor = await load(RF);
    const run = vi.spyOn(predictor.session, 'run');
    const rows = [...heldout.rows, ...heldout.rows, ...heldout.rows, ...heldout.rows];
    const out = (await predictor(rows)) as Float32Array[];
    expect(run).toHaveBeenCalledTimes(1);
    const feeds = run.mock.calls[0][0] as Record<string, { dims: readonly number[]; type: string }>;
    expect(feeds.X.dims).toEqual([2000, 12]);
    expect(feeds.X.type).toBe('float32');
    expect(out).toHaveLength(2000);
    expect(Array.from(out[1500])).toEqual(Array.from(out[1500 - 1000]));
    expect(await predictor([])).toEqual([]);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('serves AnchorTabular with one session run per model call', async () => {
    const adult = loadAdult();
    const predictor = await load(RF);
    const run = vi.spyOn(predictor.session, 'run');
    const explainer = new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 });
    await explainer.fit(adult.train.rows);
    const e = await explainer.explain(adult.test.rows[0]);
    expect(e.data.raw.model_calls).toBeGreaterThan(1);
    expect(run).toHaveBeenCalledTimes(e.data.raw.model_calls);
    const fed = run.mock.calls.reduce((n, [feeds]) => n + (feeds as Record<string, { dims: readonly number[] }>).X.dims[0], 0);
    expect(fed).toBe(e.data.raw.model_rows);
    expect(e.data.precision).toBeGreaterThanOrEqual(0.95);
    expect(e.data.raw.prediction).toBe(heldout.models['adult-rf.onnx'].labels[0]);
  });
});

describe('onnxPredictor errors', () => {
  it('names a missing file and bytes that are not an ONNX model', async () => {
    await expect(onnxPredictor(`${dir}nowhere.onnx`)).rejects.toThrow(/^ONNX model file not found: .*nowhere\.onnx$/);
    await expect(onnxPredictor(new Uint8Array(readFileSync(`${dir}adult-heldout.json`)))).rejects.toThrow(
      /the ONNX model \(\d+ bytes\) is not an ONNX model \(.*byte/,
    );
    await expect(onnxPredictor(new Uint8Array([0x3a, 0x02, 0x08, 0x01]))).rejects.toThrow(/onnxruntime cannot load the ONNX model \(4 bytes\)/);
    await expect(onnxPredictor(42 as unknown as string)).rejects.toThrow(/takes a file path or the model's bytes \(a Uint8Array\); got number/);
  });

  it('rejects rows whose width is not the input width', async () => {
    const predictor = await load(RF);
    const rows = [heldout.rows[0], heldout.rows[1].slice(0, 11)];
    await expect(predictor(rows)).rejects.toThrow(InvalidInputError);
    await expect(predictor(rows)).rejects.toThrow(/^row 1 has 11 values; input "X" of ONNX model .*adult-rf\.onnx takes 12 features$/);
    await expect(predictor([null as unknown as number[]])).rejects.toThrow(/row 0 is null; expected an array of numbers/);
  });

  it('names unknown options, inputs and outputs, and outputs of the wrong kind', async () => {
    await expect(onnxPredictor(RF, { batchSize: 10 } as never)).rejects.toThrow(/unknown option "batchSize"; known options are: inputName, inputs, outputName, output/);
    await expect(onnxPredictor(RF, { output: 'scores' as never })).rejects.toThrow(/option output is "scores"; expected 'labels', 'probabilities' or 'values'/);
    await expect(onnxPredictor(RF, { inputName: 'input' })).rejects.toThrow(/has no input "input"; its inputs are: X$/);
    await expect(onnxPredictor(RF, { outputName: 'scores' })).rejects.toThrow(
      /has no output "scores"; its outputs are: output_label \(int64\), output_probability \(float32\)$/,
    );
    await expect(onnxPredictor(RF, { outputName: 'output_label', output: 'probabilities' })).rejects.toThrow(
      /output "output_label" of ONNX model .* is a tensor of int64; expected class probabilities \(a float tensor\)/,
    );
    const byName = await load(LOGREG, { outputName: 'label' });
    expect(byName.output).toBe('labels');
  });
});
