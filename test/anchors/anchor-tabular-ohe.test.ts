import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { CategoricalLayout } from '../../src/counterfactuals/categorical/layout.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadExplainer, saveExplainer } from '../../src/persistence/explainer-dir.js';
import { onnxPredictor, type OnnxPredictor } from '../../src/predictors/onnx.js';

/** AnchorTabular `ohe: true` (Alibi Explain's option) on a logistic regression that takes one-hot rows. */
const dir = fileURLToPath(new URL('../../models/onnx/user/', import.meta.url));
const heldout: { rows: number[][]; labels: Record<string, number[]> } = JSON.parse(readFileSync(`${dir}heldout.json`, 'utf8'));
const adult = loadAdult();
const TRAIN = adult.train.rows.slice(0, 4000);

/** Adult rows one-hot, each feature in place (as the model was trained: scripts/export-user-onnx.py). */
const groups: Record<number, string[]> = {};
let width = 0;
adult.featureNames.forEach((_, f) => {
  if (adult.categoryMap[f] !== undefined) groups[width] = adult.categoryMap[f];
  width += adult.categoryMap[f]?.length ?? 1;
});
const layout = new CategoricalLayout(width, groups, 'onehot');
const oneHot = (row: number[]) => layout.fromOrdinal(row);

let model: OnnxPredictor;
beforeAll(async () => {
  model = await onnxPredictor(`${dir}onehot-logreg.onnx`);
});
afterAll(() => model.release());

describe('AnchorTabular with ohe: true', () => {
  it('feeds the model one-hot rows and states the anchor on the original features', async () => {
    expect(width).toBe(57);
    expect(model.numFeatures).toBe(57);
    const explainer = new AnchorTabular(model, adult.featureNames, { categoryMap: adult.categoryMap, ohe: true, seed: 2 });
    await explainer.fit(TRAIN.map(oneHot));
    const e = await explainer.explain(oneHot(heldout.rows[0]));
    expect(e.data.raw.prediction).toBe(heldout.labels['onehot-logreg.onnx'][0]);
    expect(e.data.raw.instance).toEqual(heldout.rows[0]);
    expect(e.data.anchor.length).toBeGreaterThan(0);
    expect(e.data.raw.predicates.every((p) => p.name === adult.featureNames[p.feature])).toBe(true);
    expect(e.data.precision).toBeGreaterThanOrEqual(0.95);
    expect(e.meta.params.ohe).toBe(true);

    // The same explanation as the ordinal explainer of the same model behind a one-hot encoder.
    const ordinal = new AnchorTabular((rows) => model(rows.map(oneHot)), adult.featureNames, { categoryMap: adult.categoryMap, seed: 2 });
    await ordinal.fit(TRAIN);
    const same = await ordinal.explain(heldout.rows[0]);
    expect(e.data).toEqual(same.data);

    // Saved and restored, it still feeds one-hot rows; records keyed by feature name are taken too.
    const state = explainer.toState();
    expect(state.ohe).toBe(true);
    const restored = AnchorTabular.fromState(model, state);
    const record = Object.fromEntries(adult.featureNames.map((name, f) => [name, adult.categoryMap[f]?.[heldout.rows[0][f]] ?? heldout.rows[0][f]]));
    expect((await restored.explain(record)).data).toEqual(e.data);
    const saved = join(mkdtempSync(join(tmpdir(), 'glassbox-ohe-')), 'explainer');
    await saveExplainer(explainer, saved);
    const loaded = (await loadExplainer(saved, model)).explainer as AnchorTabular;
    expect((await loaded.explain(oneHot(heldout.rows[0]))).data).toEqual(e.data);
  });

  it('names a row that is not one-hot, and a bad option', async () => {
    const explainer = new AnchorTabular(model, adult.featureNames, { categoryMap: adult.categoryMap, ohe: true });
    await expect(explainer.fit([heldout.rows[0]])).rejects.toThrow(InvalidInputError);
    await expect(explainer.fit([heldout.rows[0]])).rejects.toThrow(/training row 0 \(one-hot, option ohe\) has 12 values; expected 57/);
    const twoHot = oneHot(heldout.rows[0]);
    twoHot[2] = 1;
    await expect(explainer.fit([twoHot])).rejects.toThrow(/training row 0 \(one-hot, option ohe\)/);
    expect(() => new AnchorTabular(model, adult.featureNames, { ohe: 'yes' as never })).toThrow(/option ohe is string; expected true or false/);
  });
});
