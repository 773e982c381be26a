import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { cli } from '../cli/run-cli.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadCsv } from '../../src/datasets/csv.js';
import { onnxPredictor } from '../../src/predictors/onnx.js';
import { tfjsPredictor } from '../../src/predictors/tfjs.js';
import { fileSystemIO } from '../../src/tf/fs-io.js';
import { loadTf } from '../../src/tf/tf.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RF = `${root}models/onnx/adult-rf.onnx`;
const LOGREG = `${root}models/onnx/adult-logreg.onnx`;
const TRAIN = `${root}datasets/adult/adult-train.csv`;

const explainFile = (model: string, ...rest: string[]) => cli('explain', '--model', model, '--train', TRAIN, '--target', 'Income', ...rest);

/** A held-out Adult row as a user would write it: a record of category names and numbers. */
function record(adult: ReturnType<typeof loadAdult>, row: number[]): Record<string, string | number> {
  return Object.fromEntries(adult.featureNames.map((name, j) => [name, adult.categoryMap[j]?.[row[j]] ?? row[j]]));
}

describe('glassbox explain --model FILE --train CSV', () => {
  it('gives the same explanation JSON as AnchorTabular in code, with the same rows, categories and seed', async () => {
    const adult = loadAdult();
    const instance = adult.test.rows[3];
    const predictor = await onnxPredictor(RF);
    const explainer = new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 3 });
    await explainer.fit(adult.train.rows);
    const inCode = await explainer.explain(instance, { threshold: 0.9 });
    await predictor.release();

    const json = JSON.stringify({ ...record(adult, instance), Income: '>50K' });
    const { code, stdout, stderr } = await explainFile(RF, '--instance', json, '--seed', '3', '--threshold', '0.9', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe(`${JSON.stringify(inCode)}\n`);
    expect(inCode.data.anchor.length).toBeGreaterThan(0);
  });

  it('explains a row of the CSV and names the prediction by the target values or the model\'s string classes', async () => {
    const rf = await explainFile(RF, '--row', '0');
    expect(rf.code).toBe(0);
    const lines = rf.stdout.split('\n');
    expect(lines[0]).toBe('Prediction: <=50K');
    expect(lines[1]).toMatch(/^Anchor: {5}\S/);
    expect(lines[2]).toMatch(/^Precision: {2}(0\.9[5-9]|1\.00) {3}Coverage: 0\.\d\d {3}\([\d,]+ model rows in [\d,]+ calls, \d+ ms\)$/);

    // Row 8 of adult.data earns >50K, and the logistic regression says so, with its own class names.
    const logreg = await explainFile(LOGREG, '--row', '8', '--json');
    expect(logreg.code).toBe(0);
    const e = JSON.parse(logreg.stdout);
    expect(e.data.raw.prediction).toBe(1);
    expect((await explainFile(LOGREG, '--row', '8')).stdout).toMatch(/^Prediction: >50K\n/);
  });

  it('reads --categorical columns as categories but feeds the model their numbers, and checks the model width', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-explain-csv-'));
    const lines = readFileSync(TRAIN, 'utf8').split('\n').slice(0, 301);
    const small = join(dir, 'small.csv');
    writeFileSync(small, lines.join('\n'));
    const explainSmall = (...rest: string[]) => cli('explain', '--model', RF, '--train', small, '--target', 'Income', '--row', '2', '--json', ...rest);

    // Read as categorical, Hours per week is explained by category but still fed to the model as hours.
    const hours = loadAdult().train.rows[2][10];
    const categorical = await explainSmall('--categorical', 'Hours per week');
    expect(categorical.code).toBe(0);
    const byCategory = JSON.parse(categorical.stdout);
    const table = loadCsv(small, { target: 'Income', categorical: ['Hours per week'] });
    expect(byCategory.data.raw.instance[10]).toBe(table.categoryMap[10].indexOf(String(hours)));
    expect(byCategory.data.raw.instance[10]).not.toBe(hours);
    const byNumber = JSON.parse((await explainSmall()).stdout);
    expect(byCategory.data.raw.prediction).toBe(byNumber.data.raw.prediction);

    writeFileSync(join(dir, 'extra.csv'), lines.map((l, i) => `${l},${i === 0 ? 'Extra' : i % 3}`).join('\n'));
    const wide = await cli('explain', '--model', RF, '--train', join(dir, 'extra.csv'), '--target', 'Income', '--row', '0');
    expect(wide.code).toBe(1);
    expect(wide.stderr).toContain(
      `InvalidInputError: the model ${RF} takes 12 features per row, but ${join(dir, 'extra.csv')} has 13 feature columns ` +
        '(every column but the target "Income"): Age, Workclass, Education, Marital Status, Occupation, Relationship, Race, Sex, Capital Gain, Capital Loss, Hours per week, Country, Extra',
    );
  });

  it('explains with a TensorFlow.js model.json, and leaks no tensors', async () => {
    const tf = await loadTf();
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-explain-tfjs-'));
    const model = tf.sequential({
      layers: [tf.layers.dense({ inputShape: [12], units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) })],
    });
    await model.save(fileSystemIO(dir));
    model.dispose();
    const before = tf.memory().numTensors;
    const { code, stdout, stderr } = await explainFile(join(dir, 'model.json'), '--row', '1', '--json', '--threshold', '0.9');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(tf.memory().numTensors).toBe(before);

    const predictor = await tfjsPredictor(dir);
    const [p] = await predictor([loadAdult().train.rows[1]]);
    expect(JSON.parse(stdout).data.raw.prediction).toBe(p[1] > p[0] ? 1 : 0);
    predictor.model.dispose();
  });

  it('names each mistake: usage errors exit 2, bad data exits 1', async () => {
    const usage = async (args: string[], message: string) => {
      const r = await cli('explain', ...args);
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(2);
    };
    await usage(['--model', RF, '--target', 'Income', '--row', '0'], '--train is required with --model');
    await usage(['--model', RF, '--train', TRAIN, '--row', '0'], '--target is required with --model');
    await usage(['--model', RF, '--train', TRAIN, '--target', 'Income'], 'give exactly one of --row N and --instance JSON');
    await usage(['--model', RF, '--train', TRAIN, '--target', 'Income', '--row', '0', '--instance', '{}'], 'give exactly one of --row N and --instance JSON');
    await usage(['adult', '--model', RF, '--train', TRAIN, '--target', 'Income', '--row', '0'], 'it takes no data set name (got adult)');
    await usage(['--model', `${root}models/adult-gbt.json`, '--train', TRAIN, '--target', 'Income', '--row', '0'], 'expected an ONNX file (.onnx), or a TensorFlow.js model.json');
    await usage(['--model', RF, '--train', TRAIN, '--target', 'Income', '--instance', '{"Age": '], '--instance is not valid JSON');
    await usage(['--model', RF, '--train', TRAIN, '--target', 'Income', '--row', '40000'], '--row 40000 is out of range; ');
    await usage(['--model', RF, '--train', TRAIN, '--target', 'Income', '--row', '0', '--png', ''], '--png needs a file name');

    const failure = async (args: string[], message: string) => {
      const r = await cli('explain', '--model', RF, '--train', TRAIN, ...args);
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(1);
    };
    await failure(['--target', 'income', '--row', '0'], 'target column "income" is not a column of');
    await failure(['--target', 'Income', '--row', '0', '--categorical', 'Hours'], 'categorical column "Hours" is not a column of');
    await failure(['--target', 'Income', '--row', '0', '--numeric', 'Workclass'], 'line 2, column "Workclass" is "State-gov"; expected a number');
    await failure(['--target', 'Income', '--instance', '{"Age": 39}'], 'has no value for feature "Workclass"');
    const adult = loadAdult();
    await failure(
      ['--target', 'Income', '--instance', JSON.stringify({ ...record(adult, adult.test.rows[0]), Workclass: 'Astronaut' })],
      '--instance, feature "Workclass" has category "Astronaut", which',
    );
    const r = await cli('explain', '--model', `${root}models/onnx/missing.onnx`, '--train', TRAIN, '--target', 'Income', '--row', '0');
    expect(r).toMatchObject({ code: 1, stderr: expect.stringContaining('ONNX model file not found') });
  });

  it('is listed in the help of glassbox explain', async () => {
    const help = await cli('explain', '--help');
    expect(help.stdout).toContain('glassbox explain --model FILE --train CSV --target COLUMN (--row N | --instance JSON)');
    expect((await cli('explain', '--model', RF, '--help')).stdout).toContain('--categorical A,B');
  });
});
