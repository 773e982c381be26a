import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADULT_PROTO_OPTIONS, adultProtoTrainingRows } from '../../src/cli/commands/counterfactual-proto.js';
import {
  AnchorTabular,
  CounterfactualProto,
  ExplainerFileError,
  InvalidInputError,
  loadExplainer,
  saveExplainer,
  type CounterfactualProtoData,
  type CounterfactualProtoOptions,
  type Explanation,
} from '../../src/index.js';
import { MinMaxScaling } from '../../src/entries/counterfactuals.js';
import { ADULT_COUNTERFACTUAL_CONSTRAINTS, adultCounterfactualTask, loadDemoModel } from '../../src/entries/demo.js';
import { readExplainerManifest } from '../../src/entries/persistence.js';
import { cli } from '../cli/run-cli.js';
import { tempDir } from './helpers.js';

/**
 * CounterfactualProto saved with the scaling it was fitted with: the loaded explainer takes the model's
 * rows, calls the model with unscaled rows, and answers in the model's rows; and `glassbox fit adult
 * --method proto`, which saves one.
 */

const task = adultCounterfactualTask('adult-gbt');
const { predictor } = loadDemoModel('adult-gbt');
const TRAIN = adultProtoTrainingRows(task, 8000);
const FIT = { distance: 'abdm', order: { 2: task.educationOrder } } as const;

function protoOptions(search: Partial<CounterfactualProtoOptions>): CounterfactualProtoOptions {
  return { shape: [12], categoryMap: task.categoryMap, featureNames: task.featureNames, featureRange: [-1, 1], constraints: ADULT_COUNTERFACTUAL_CONSTRAINTS, ...search };
}

describe('saving CounterfactualProto with an input scaling', () => {
  it('the loaded explainer explains model rows as the explainer explains scaled rows, answering in model rows', async () => {
    const explainer = await new CounterfactualProto(task.predictor, protoOptions({ theta: 100, eps: 0.05, cInit: 1, cSteps: 2, maxIterations: 40 })).fit(TRAIN, FIT);
    const dir = await tempDir();
    await saveExplainer(explainer, dir, { inputScaling: task.scaling });
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.inputScaling).toEqual({ size: 12, features: [0, 8, 9, 10], lower: [17, 0, 0, 1], upper: [90, 99999, 4356, 99], range: [-1, 1], integer: true });

    const loaded = await loadExplainer(dir, predictor);
    expect(loaded.inputScaling?.toJSON()).toEqual(json.inputScaling);
    expect(loaded.instanceDescription).toBe("a row of 12 numbers in the model's encoding (category codes, unscaled numbers)");
    for (const row of task.dataset.test.rows.slice(1, 3)) {
      const scaled = (await explainer.explain(task.scale(row))).data;
      const { meta, data } = (await loaded.explain(row)) as Explanation<CounterfactualProtoData>;
      expect(meta.params.input_scaling).toEqual(json.inputScaling);
      expect(data.raw.instance).toEqual(row);
      expect(data.success).toBe(true);
      expect(data.cf!.X).toEqual(task.unscale(scaled.cf!.X as number[]));
      expect({ ...data.cf, X: 0, changes: 0 }).toEqual({ ...scaled.cf, X: 0, changes: 0 });
      // The changes the CLI prints: those the model sees, in its own numbers.
      expect(data.cf!.changes!.map((c) => c.text)).toEqual(scaled.cf!.changes!.filter(task.matters).map(task.describe));
      expect({ ...data, cf: 0, raw: 0 }).toEqual({ ...scaled, cf: 0, raw: 0 });
    }
  });

  it('refuses a scaling for other explainer types, of another row length, or over a categorical column, and a corrupt one on loading', async () => {
    const adult = task.dataset;
    const anchors = await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap }).fit(adult.train.rows.slice(0, 100));
    const dir = await tempDir();
    await expect(saveExplainer(anchors, dir, { inputScaling: task.scaling })).rejects.toThrow(
      /^saveExplainer option inputScaling applies to CounterfactualProto; this explainer is an AnchorTabular$/,
    );
    const explainer = await new CounterfactualProto(task.predictor, protoOptions({ theta: 100, maxIterations: 5, cSteps: 1 })).fit(TRAIN, FIT);
    const short = MinMaxScaling.fit(adult.train.rows.map((r) => r.slice(0, 11)), { features: [0] });
    await expect(saveExplainer(explainer, dir, { inputScaling: short })).rejects.toThrow(
      /inputScaling scales rows of 11 values, but the CounterfactualProto explains instances of shape \[12\]; expected \[11\]/,
    );
    const categorical = MinMaxScaling.fit(adult.train.rows, { features: [0, 1] });
    await expect(saveExplainer(explainer, dir, { inputScaling: categorical })).rejects.toThrow(InvalidInputError);
    await expect(saveExplainer(explainer, dir, { inputScaling: categorical })).rejects.toThrow(/scales column 1, which is categorical/);

    await saveExplainer(explainer, dir, { inputScaling: task.scaling });
    const path = join(dir, 'explainer.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...json, inputScaling: { ...json.inputScaling, upper: [90, 99999, 0, 99] } }));
    const err = await loadExplainer(dir, predictor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExplainerFileError);
    expect((err as Error).message).toMatch(/explainer\.json: inputScaling: "upper\[2\]" should be greater than lower\[2\] = 0/);
  });
});

describe('glassbox fit adult --method proto', () => {
  it('saves the CLI\'s CounterfactualProto with its scaling; loaded with the model, it answers as one fitted in code', async () => {
    const dir = join(await tempDir(), 'proto');
    const fit = await cli('fit', 'adult', '--method', 'proto', '--max-training-rows', '8000', '--out', dir);
    expect(fit.stderr).toBe('');
    expect(fit.stdout).toMatch(
      new RegExp(`^Saved CounterfactualProto \\(k-d trees over 8,000 training rows, ABDM, numbers scaled to \\[-1, 1\\]\\) for adult-gbt to ${dir}: 3 files, [\\d,]+ bytes\\n$`),
    );
    expect(fit.code).toBe(0);
    expect(await readExplainerManifest(dir)).toMatchObject({ type: 'CounterfactualProto', model: 'adult-gbt' });
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.options).toMatchObject({ ...ADULT_PROTO_OPTIONS, constraints: { immutable: [6, 7, 11], direction: { 0: 'increase', 2: 'increase' } } });
    expect(json.inputScaling).toEqual(task.scaling.toJSON());

    const loaded = await loadExplainer(dir, predictor);
    const inCode = await new CounterfactualProto(task.predictor, protoOptions(ADULT_PROTO_OPTIONS)).fit(TRAIN, FIT);
    const row = task.dataset.test.rows[0];
    const { data } = (await loaded.explain(row)) as Explanation<CounterfactualProtoData>;
    const scaled = (await inCode.explain(task.scale(row))).data;
    expect(data.success).toBe(true);
    expect(data.cf!.X).toEqual(task.unscale(scaled.cf!.X as number[]));
    expect(data.cf!.proba).toEqual(scaled.cf!.proba);
  });

  it('answers flags that do not apply with exit code 2 and the reason', async () => {
    const dir = await tempDir();
    expect(await cli('fit', 'adult', '--method', 'proto', '--seed', '1', '--out', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--seed applies to --method anchor and diverse only') });
    expect(await cli('fit', 'adult', '--method', 'cem', '--out', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--method is "cem" for adult; expected anchor, proto or diverse') });
  });
});
