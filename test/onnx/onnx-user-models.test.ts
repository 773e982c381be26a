import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { onnxPredictor, type OnnxPredictor } from '../../src/predictors/onnx.js';

/**
 * ONNX models written as converters other than skl2onnx write them (scripts/export-user-onnx.py):
 * glassbox's prediction must be the model's own label on every row.
 */
const dir = fileURLToPath(new URL('../../models/onnx/user/', import.meta.url));
const heldout: { rows: number[][]; labels: Record<string, (number | string)[]> } = JSON.parse(readFileSync(`${dir}heldout.json`, 'utf8'));
const adult = loadAdult();

const open: OnnxPredictor[] = [];
async function load(...args: Parameters<typeof onnxPredictor>): Promise<OnnxPredictor> {
  const p = await onnxPredictor(...args);
  open.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.release()));
});

/** The most probable class of each row (the first of equals). */
const argmax = (rows: ArrayLike<ArrayLike<number>>): number[] =>
  Array.from(rows, (p) => Array.from(p).reduce((best, v, k, all) => (v > all[best] ? k : best), 0));

/** The model's own label output, as class indices. */
async function ownLabels(file: string, rows: readonly ArrayLike<number | string>[]): Promise<number[]> {
  const labels = await load(file, { output: 'labels' });
  return Array.from((await labels(rows)) as Int32Array);
}

/** A coded Adult row as the pipeline takes it: category names for its string inputs. */
const named = (row: number[]): (number | string)[] => row.map((v, j) => adult.categoryMap[j]?.[v] ?? v);

describe('the prediction is the model label, as exporters write models', () => {
  it('a random forest with one weight per leaf on class id 1: [0, p] completed to [1 - p, p], argmax = label on 300 rows', async () => {
    const file = `${dir}rf-class1.onnx`;
    const predictor = await load(file);
    expect(predictor.labelOutputName).toBe('label');
    const p = (await predictor(heldout.rows)) as Float32Array[];
    for (const row of p) expect(row[0] + row[1]).toBeCloseTo(1, 6);
    const want = await ownLabels(file, heldout.rows);
    expect(argmax(p)).toEqual(want);
    expect(want).toEqual(heldout.labels.forest);
    expect(new Set(want).size).toBe(2);
  });

  it('a gradient-boosted ensemble with base_values and a LOGISTIC transform', async () => {
    const file = `${dir}gbt-logistic.onnx`;
    const p = await (await load(file))(heldout.rows);
    expect(argmax(p as Float32Array[])).toEqual(await ownLabels(file, heldout.rows));
    expect(await ownLabels(file, heldout.rows)).toEqual(heldout.labels['gbt-logistic.onnx']);
  });

  it('an int64 matrix input with a ZipMap output', async () => {
    const file = `${dir}rf-int64.onnx`;
    const predictor = await load(file);
    expect([predictor.inputs, predictor.inputName, predictor.inputType, predictor.numFeatures]).toEqual(['matrix', 'X', 'int64', 12]);
    expect(predictor.outputName).toBe('output_probability');
    expect(argmax((await predictor(heldout.rows)) as Float32Array[])).toEqual(heldout.labels.forest);
    await expect(predictor([heldout.rows[0].map((v, j) => (j === 0 ? v + 0.5 : v))])).rejects.toThrow(
      /^row 0, value 0 \(input "X", int64\) is 39\.5; expected an integer \(the model's input is an integer tensor\)$/,
    );
  });

  it('a pipeline with one input per column, string categories and a ZipMap over string classes', async () => {
    const file = `${dir}pipeline.onnx`;
    const predictor = await load(file);
    expect(predictor.inputs).toBe('columns');
    expect(predictor.inputNames).toEqual(adult.featureNames);
    expect(predictor.inputTypes).toEqual(['int64', ...Array(7).fill('string'), 'float64', 'float64', 'float32', 'string']);
    expect([predictor.inputName, predictor.numFeatures]).toEqual([undefined, 12]);
    expect(predictor.classes).toEqual(['<=50K', '>50K']);
    const rows = heldout.rows.map(named);
    const got = argmax((await predictor(rows)) as Float32Array[]);
    expect(got).toEqual(await ownLabels(file, rows));
    expect(got.map((k) => predictor.classes?.[k])).toEqual(heldout.labels['pipeline.onnx']);
    await expect(predictor([heldout.rows[0]])).rejects.toThrow(
      /^row 0, value 1 \(input "Workclass", string\) is 7; expected a string \(the model's input is a string tensor: a category's name\)$/,
    );
    await expect(predictor([rows[0].slice(1)])).rejects.toThrow(/row 0 has 11 values; ONNX model .* takes 12, one per input: Age, Workclass/);
    await expect(onnxPredictor(file, { inputs: 'matrix' })).rejects.toThrow(/has 12 inputs \(Age, .*\); the matrix layout feeds all features/);
  });
});

describe('models glassbox must not explain as they are', () => {
  it('labels and probabilities that disagree: a typed error naming the row, both outputs and the output option', async () => {
    const file = `${dir}rf-both-weights.onnx`;
    const predictor = await load(file);
    const error = await predictor(heldout.rows).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PredictorError);
    expect((error as Error).message).toMatch(
      /^ONNX model .*rf-both-weights\.onnx disagrees with itself on row 0: its probability output "probabilities" is \[0\.89\d+, 0\.10\d+\] \(most probable class index 0\), its label output "label" says class index 1; .*with the option output: 'labels' reads "label", 'probabilities' reads "probabilities" as it is \(glassbox explain --output labels\|probabilities\)$/,
    );
    // Either output, named, is read alone.
    expect(Array.from((await (await load(file, { output: 'labels' }))(heldout.rows.slice(0, 3))) as Int32Array)).toEqual([1, 1, 1]);
    expect(argmax((await (await load(file, { output: 'probabilities' }))(heldout.rows)) as Float32Array[])).toEqual(heldout.labels.forest);
  });

  it('a regressor (TreeEnsembleRegressor, one "variable" output) is read as one: task regression, one value per row', async () => {
    const regressor = await onnxPredictor(`${dir}regressor.onnx`);
    try {
      expect(regressor.task).toBe('regression');
      expect(regressor.output).toBe('values');
      const values = await regressor(heldout.rows.slice(0, 5));
      expect(values).toBeInstanceOf(Float32Array);
      expect(values).toHaveLength(5);
    } finally {
      await regressor.release();
    }
  });

  it('names a bad inputs option', async () => {
    await expect(onnxPredictor(`${dir}pipeline.onnx`, { inputs: 'rows' as never })).rejects.toThrow(InvalidInputError);
    await expect(onnxPredictor(`${dir}pipeline.onnx`, { inputName: 'Age' })).rejects.toThrow(/option inputName names the input of the matrix layout/);
  });
});

describe('one tensor per column', () => {
  it('the logistic regression fed by columns gives the matrix model its exact probabilities', async () => {
    const columns = await load(`${dir}logreg-columns.onnx`);
    const matrix = await load(fileURLToPath(new URL('../../models/onnx/adult-logreg.onnx', import.meta.url)));
    expect([columns.inputs, columns.inputTypes]).toEqual(['columns', Array(12).fill('float64')]);
    const [a, b] = [(await columns(heldout.rows)) as Float32Array[], (await matrix(heldout.rows)) as Float32Array[]];
    expect(a.map((row) => Array.from(row))).toEqual(b.map((row) => Array.from(row)));
  });
});
