import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAdult } from '../../src/datasets/adult.js';
import { onnxPredictor } from '../../src/predictors/onnx.js';
import { cli } from './run-cli.js';

/**
 * `glassbox explain --model` on models exported as converters write them (scripts/export-user-onnx.py):
 * the row explained is explained for the model's own label.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = `${root}models/onnx/user/`;
const TRAIN = `${root}datasets/adult/adult-train.csv`;
const adult = loadAdult();
const explainFile = (model: string, ...rest: string[]) => cli('explain', '--model', model, '--train', TRAIN, '--target', 'Income', ...rest);

/** The model's own label output for training row `row`, as a class index. */
async function labelOf(file: string, row: number): Promise<number> {
  const labels = await onnxPredictor(file, { output: 'labels' });
  const coded = adult.train.rows[row];
  const input = labels.inputs === 'columns' ? coded.map((v, j) => adult.categoryMap[j]?.[v] ?? v) : coded;
  const [label] = (await labels([input])) as Int32Array;
  await labels.release();
  return label;
}

describe('glassbox explain --model explains the model label', () => {
  // Row 8 earns >50K and every model says so; row 0 does not (rf-class1 was explained as class 1 on every row).
  for (const [file, row] of [['rf-class1.onnx', 0], ['rf-class1.onnx', 8], ['gbt-logistic.onnx', 8], ['rf-int64.onnx', 0], ['pipeline.onnx', 8]] as const) {
    it(`${file}, row ${row}`, async () => {
      const label = await labelOf(`${dir}${file}`, row);
      const { code, stdout, stderr } = await explainFile(`${dir}${file}`, '--row', String(row), '--json');
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const e = JSON.parse(stdout);
      expect(e.data.raw.prediction).toBe(label);
      expect(label).toBe(row === 8 ? 1 : 0);
      expect(e.data.anchor.length).toBeGreaterThan(0);
      expect(e.data.precision).toBeGreaterThanOrEqual(0.95);
    });
  }

  it('a pipeline explains an --instance given by category names', async () => {
    const record = Object.fromEntries(adult.featureNames.map((name, j) => [name, adult.categoryMap[j]?.[adult.train.rows[8][j]] ?? adult.train.rows[8][j]]));
    const { code, stdout } = await explainFile(`${dir}pipeline.onnx`, '--instance', JSON.stringify(record));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Prediction: >50K\n/);
  });

  it('explains a regressor as one, refuses a model whose outputs disagree, and --output picks one of those', async () => {
    const regressor = await explainFile(`${dir}regressor.onnx`, '--row', '0', '--json');
    expect(regressor.code).toBe(0);
    expect(JSON.parse(regressor.stdout).data.raw.task).toBe('regression');
    const both = await explainFile(`${dir}rf-both-weights.onnx`, '--row', '0');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/PredictorError: .*disagrees with itself on row 0: .*--output labels\|probabilities/);
    const probabilities = await explainFile(`${dir}rf-both-weights.onnx`, '--row', '0', '--output', 'probabilities', '--json');
    expect(probabilities.code).toBe(0);
    expect(JSON.parse(probabilities.stdout).data.raw.prediction).toBe(0);
    expect((await explainFile(`${dir}rf-both-weights.onnx`, '--row', '0', '--output', 'scores')).stderr).toMatch(/--output is "scores"; expected labels, probabilities or values/);
  });

  it('names a CSV that does not fit the pipeline and a mostly numeric column with a bad value', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'glassbox-user-'));
    const lines = readFileSync(TRAIN, 'utf8').split('\n').slice(0, 300);
    const csv = (name: string, text: string) => {
      writeFileSync(join(tmp, name), text);
      return join(tmp, name);
    };
    const badAge = csv('bad-age.csv', [lines[0], ...lines.slice(1, 50), lines[50].replace(/^\d+/, 'abc'), ...lines.slice(51)].join('\n'));
    const age = await cli('explain', '--model', `${dir}pipeline.onnx`, '--train', badAge, '--target', 'Income', '--row', '0');
    expect(age.code).toBe(1);
    expect(age.stderr).toMatch(/bad-age\.csv line 51, column "Age" is "abc", but 298 of the column's 299 values are numbers; .*--categorical Age/);
    const asCategories = await cli('explain', '--model', `${dir}pipeline.onnx`, '--train', badAge, '--target', 'Income', '--row', '0', '--categorical', 'Age');
    expect(asCategories.code).toBe(1);
    expect(asCategories.stderr).toMatch(/takes column "Age" as numbers, but .*bad-age\.csv holds category names in it/);
    const semicolons = csv('semicolons.csv', lines.map((l) => l.replaceAll(',', ';')).join('\n'));
    const semi = await cli('explain', '--model', `${dir}pipeline.onnx`, '--train', semicolons, '--target', 'Income', '--row', '0');
    expect(semi.stderr).toMatch(/semicolons\.csv has one column, .*pass --delimiter ';'/);
    const ok = await cli('explain', '--model', `${dir}pipeline.onnx`, '--train', semicolons, '--target', 'Income', '--row', '0', '--delimiter', ';', '--json');
    expect(ok.code).toBe(0);
    const extra = csv('extra.csv', lines.map((l, i) => `${i === 0 ? 'Id' : i},${l}`).slice(0, -1).join('\n'));
    const id = await cli('explain', '--model', `${dir}pipeline.onnx`, '--train', extra, '--target', 'Income', '--row', '0');
    expect(id.stderr).toMatch(/extra\.csv has feature column "Id" that the model .*pipeline\.onnx does not take \(its inputs: Age, .*\); remove it from the CSV/);
  });
});
