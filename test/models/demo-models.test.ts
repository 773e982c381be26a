import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { listDemoModels, loadDemoModel, type DemoModelName } from '../../src/models/demo-models.js';
import { GradientBoostedTrees } from '../../src/models/gradient-boosted-trees.js';
import { accuracy } from '../../src/models/metrics.js';
import { toLabels } from '../../src/predictors/predictor.js';

const BUNDLED = join(import.meta.dirname, '..', '..', 'models');
const adult = loadAdult();

describe('bundled demo models', () => {
  it('lists both models', () => {
    expect(listDemoModels().map((m) => [m.name, m.family, m.file])).toEqual([
      ['adult-gbt', 'gradient-boosted-trees', 'adult-gbt.json'],
      ['adult-logreg', 'logistic-regression', 'adult-logreg.json'],
    ]);
  });

  it('adult-gbt reaches at least 0.84 test accuracy, as its meta block says', async () => {
    const { predictor, info, model } = loadDemoModel('adult-gbt');
    expect(model).toBeInstanceOf(GradientBoostedTrees);
    const probabilities = (await predictor(adult.test.rows)) as number[][];
    const acc = accuracy(probabilities, adult.test.target);
    expect(acc).toBeGreaterThanOrEqual(0.84);
    expect(acc).toBeCloseTo(info.testAccuracy, 6);
    // Through the contract every explainer uses: labels by argmax.
    const labels = toLabels(probabilities, adult.test.rows.length);
    expect(labels.filter((y, i) => y === adult.test.target[i]).length / labels.length).toBe(acc);
    expect(info).toMatchObject({
      name: 'adult-gbt',
      dataset: 'adult',
      featureNames: adult.featureNames,
      targetNames: ['<=50K', '>50K'],
    });
    expect(info.path).toBe(join(BUNDLED, 'adult-gbt.json'));
  });

  it('adult-logreg reaches the accuracy its meta block says', async () => {
    const { predictor, info } = loadDemoModel('adult-logreg');
    const acc = accuracy((await predictor(adult.test.rows)) as number[][], adult.test.target);
    expect(acc).toBeGreaterThan(0.83);
    expect(acc).toBeCloseTo(info.testAccuracy, 6);
    expect(info.family).toBe('logistic-regression');
  });

  it('adult-gbt predicts 1,000 rows in a few milliseconds', () => {
    const { model } = loadDemoModel('adult-gbt');
    const batch = adult.test.rows.slice(0, 1000);
    for (let k = 0; k < 30; k++) model.predictProba(batch);
    const times: number[] = [];
    for (let k = 0; k < 31; k++) {
      const start = performance.now();
      model.predictProba(batch);
      times.push(performance.now() - start);
    }
    // About 2 ms on one 2.5 GHz core; the bound leaves room for slow, shared CI machines.
    expect(times.sort((a, b) => a - b)[15]).toBeLessThan(15);
  });

  it.each<DemoModelName>(['adult-gbt', 'adult-logreg'])('%s rejects rows of the wrong length', (name) => {
    const { predictor } = loadDemoModel(name);
    const row = [...adult.test.rows[0], 0];
    expect(() => predictor([row])).toThrow(InvalidInputError);
    expect(() => predictor([row])).toThrow(/expected 12 values per row .*received 13/);
  });

  it('rejects an unknown name', () => {
    expect(() => loadDemoModel('adult-svm' as DemoModelName)).toThrow(/unknown demo model "adult-svm"; expected one of: adult-gbt, adult-logreg/);
  });
});

describe('loadDemoModel with a broken models folder', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'glassbox-models-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says which file is missing and how to regenerate it', () => {
    expect(() => loadDemoModel('adult-gbt', { dir })).toThrow(InvalidInputError);
    expect(() => loadDemoModel('adult-gbt', { dir })).toThrow(/demo model file not found: .*adult-gbt\.json; regenerate it with `npx tsx scripts\/train-adult-models\.ts`/);
  });

  it('rejects a file that is not JSON', () => {
    writeFileSync(join(dir, 'adult-gbt.json'), '{"format": "glassbox/gradient-boosted-trees", ');
    expect(() => loadDemoModel('adult-gbt', { dir })).toThrow(/adult-gbt\.json is not valid JSON/);
  });

  it('rejects a model of the wrong family, a broken tree and a missing meta block', () => {
    copyFileSync(join(BUNDLED, 'adult-logreg.json'), join(dir, 'adult-gbt.json'));
    expect(() => loadDemoModel('adult-gbt', { dir })).toThrow(/adult-gbt\.json: "format" should be "glassbox\/gradient-boosted-trees"; found string "glassbox\/logistic-regression"/);

    const gbt = JSON.parse(readFileSync(join(BUNDLED, 'adult-gbt.json'), 'utf8'));
    writeFileSync(join(dir, 'adult-gbt.json'), JSON.stringify({ ...gbt, trees: [{ ...gbt.trees[0], left: [] }] }));
    expect(() => loadDemoModel('adult-gbt', { dir })).toThrow(/"trees\[0\]\.left" should be an array of \d+ finite numbers; found an array of length 0/);

    const { meta: _meta, ...noMeta } = gbt;
    writeFileSync(join(dir, 'adult-gbt.json'), JSON.stringify(noMeta));
    expect(() => loadDemoModel('adult-gbt', { dir })).toThrow(/"meta" should be an object; found nothing/);

    writeFileSync(join(dir, 'adult-gbt.json'), JSON.stringify({ ...gbt, meta: { ...gbt.meta, name: 'adult-logreg' } }));
    expect(() => loadDemoModel('adult-gbt', { dir })).toThrow(/"meta\.name" should be "adult-gbt"/);
  });

  it('loads an intact copy', () => {
    copyFileSync(join(BUNDLED, 'adult-gbt.json'), join(dir, 'adult-gbt.json'));
    const { info } = loadDemoModel('adult-gbt', { dir });
    expect(info.path).toBe(join(dir, 'adult-gbt.json'));
  });
});
