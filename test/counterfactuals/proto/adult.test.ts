import { beforeAll, describe, expect, it } from 'vitest';
import { CategoricalLayout } from '../../../src/counterfactuals/categorical/layout.js';
import { CounterfactualProto, type CounterfactualProtoOptions } from '../../../src/counterfactuals/proto/counterfactual-proto.js';
import { adultCounterfactualTask } from '../../../src/datasets/adult-counterfactual.js';

/**
 * Prototype-guided counterfactuals of the bundled Adult gradient-boosted trees: a black box (finite
 * differences through the snapping of categories), k-d tree prototypes over the training rows, ABDM
 * distances between categories. Small searches (3 values of c, 200 iterations) keep the test fast; the
 * benchmark runs Alibi's defaults.
 */
const task = adultCounterfactualTask('adult-gbt');
const { categoryMap, featureNames } = task;
const train = task.dataset.train.rows.map(task.scale);
const rows = task.dataset.test.rows.slice(0, 20).map(task.scale);
const IMMUTABLE = ['Race', 'Sex', 'Country'];
const options: CounterfactualProtoOptions = {
  shape: [12],
  categoryMap,
  featureNames,
  featureRange: [-1, 1],
  theta: 100,
  eps: 0.05,
  cInit: 1,
  cSteps: 3,
  maxIterations: 200,
  constraints: { immutable: IMMUTABLE, direction: { Age: 'increase', Education: 'increase' } },
};
const fitOptions = { distance: 'abdm' as const, order: { 2: task.educationOrder } };
let explainer: CounterfactualProto;
let trainClasses: number[];

beforeAll(async () => {
  explainer = await new CounterfactualProto(task.predictor, options).fit(train, fitOptions);
  trainClasses = (await task.predictor(train)).map((p) => (p[1] > p[0] ? 1 : 0));
});

const education = (code: number) => task.educationOrder.indexOf(categoryMap[2][code]);

describe('CounterfactualProto on Adult (gradient-boosted trees, black box, k-d tree prototypes)', () => {
  it('finds valid counterfactuals of the other class for at least 18 of 20 rows, with a median of at most 3 changed features', async () => {
    let valid = 0;
    const changed: number[] = [];
    for (const [i, row] of rows.entries()) {
      const { meta, data } = await explainer.explain(row);
      expect(meta).toMatchObject({ name: 'CounterfactualProto', type: ['blackbox'], params: { theta: 100, c_steps: 3, prototypes: 'kdtree', distance: 'abdm' } });
      expect(data.raw.instance).toEqual(row.map((v) => Math.fround(v)));
      // The prototype is a training row the model predicts as the other class.
      expect(data.prototype.class).not.toBe(data.orig_class);
      expect(data.id_proto).toBe(data.prototype.class);
      expect(trainClasses[data.prototype.rows[0]]).toBe(data.prototype.class);
      if (data.cf === null) continue;
      const x = data.cf.X as number[];
      // A valid row: every category a code of its feature, immutables unchanged, Age and Education not down.
      for (const [f, names] of Object.entries(categoryMap)) {
        expect(Number.isInteger(x[Number(f)]) && x[Number(f)] >= 0 && x[Number(f)] < names.length, `row ${i} feature ${f}`).toBe(true);
      }
      for (const name of IMMUTABLE) expect(x[featureNames.indexOf(name)]).toBe(row[featureNames.indexOf(name)]);
      expect(x[0]).toBeGreaterThanOrEqual(Math.fround(row[0]));
      expect(education(x[2])).toBeGreaterThanOrEqual(education(row[2]));
      // Of the other class, as the model predicts it for the returned row.
      const [p] = await task.predictor([x]);
      expect(data.cf.class).not.toBe(data.orig_class);
      expect(p[data.cf.class]).toBeGreaterThan(0.5);
      data.cf.proba.forEach((v, k) => expect(v).toBeCloseTo(p[k], 6));
      // The readable changes name exactly the changed features.
      expect(data.cf.changes).toHaveLength(data.cf.changed);
      for (const c of data.cf.changes!) {
        expect(c.name).toBe(featureNames[c.feature]);
        if (categoryMap[c.feature] !== undefined) expect(c.text).toBe(`${c.name}: ${categoryMap[c.feature][row[c.feature]]} -> ${categoryMap[c.feature][x[c.feature]]}`);
      }
      valid += 1;
      changed.push(data.cf.changed);
    }
    changed.sort((a, b) => a - b);
    expect(valid).toBeGreaterThanOrEqual(18);
    expect(changed[Math.floor((changed.length - 1) / 2)]).toBeLessThanOrEqual(3);
  });

  it('is deterministic: the same rows give byte-identical JSON', async () => {
    const again = await new CounterfactualProto(task.predictor, options).fit(train, fitOptions);
    for (const row of rows.slice(0, 2)) {
      expect(JSON.stringify(await again.explain(row))).toBe(JSON.stringify(await explainer.explain(row)));
    }
  });

  it('prototype only (cInit 0): one row per model call, valid counterfactuals', async () => {
    const protoOnly = await new CounterfactualProto(task.predictor, { ...options, cInit: 0, beta: 0.01, maxIterations: 100 }).fit(train, fitOptions);
    for (const row of rows.slice(0, 4)) {
      const { data } = await protoOnly.explain(row);
      expect(data.raw.steps).toHaveLength(1); // c stays 0: one run
      expect(data.model_rows).toBe(data.model_calls);
      expect(data.model_calls).toBe(101);
      expect(data.success).toBe(true);
      const [p] = await task.predictor([data.cf!.X as number[]]);
      expect(p[data.orig_class]).toBeLessThan(0.5);
    }
  });

  it('takes one-hot rows: every counterfactual has exactly one 1 per group, of the other class', async () => {
    const ordinal = new CategoricalLayout(12, categoryMap);
    // One-hot columns: each categorical feature becomes a group keyed by its first column.
    const onehotMap: Record<number, string[]> = {};
    let width = 0;
    task.featureNames.forEach((_, f) => {
      if (categoryMap[f] !== undefined) onehotMap[width] = categoryMap[f];
      width += categoryMap[f]?.length ?? 1;
    });
    const onehot = new CategoricalLayout(width, onehotMap, 'onehot');
    const predictor = (batch: number[][]) => task.predictor(batch.map((r) => onehot.toOrdinal(r)));
    const explainer = await new CounterfactualProto(predictor, { ...options, shape: [width], categoryMap: onehotMap, encoding: 'onehot' }).fit(
      train.slice(0, 10000).map((r) => onehot.fromOrdinal(ordinal.toOrdinal(r))),
      { order: { [onehot.columns[2]]: task.educationOrder } }, // keyed by the group's first column
    );
    for (const row of rows.slice(0, 3)) {
      const { data } = await explainer.explain(onehot.fromOrdinal(row));
      expect(data.success).toBe(true);
      const x = data.cf!.X as number[];
      expect(x).toHaveLength(width);
      const back = onehot.toOrdinal(x); // throws unless every group has exactly one 1
      for (const name of IMMUTABLE) expect(back[featureNames.indexOf(name)]).toBe(row[featureNames.indexOf(name)]);
      expect(predictor([x])[0][data.orig_class]).toBeLessThan(0.5);
    }
  });
});
