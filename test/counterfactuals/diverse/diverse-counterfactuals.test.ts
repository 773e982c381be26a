import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFittedError, PredictorError } from '../../../src/core/errors.js';
import { DiverseCounterfactuals, type DiverseMethod } from '../../../src/counterfactuals/diverse/diverse-counterfactuals.js';
import { ADULT_EDUCATION_ORDER } from '../../../src/datasets/adult-counterfactual.js';
import { loadAdult } from '../../../src/datasets/adult.js';
import { loadDemoModel } from '../../../src/models/demo-models.js';
import type { Predictor } from '../../../src/predictors/predictor.js';

const adult = loadAdult();
const { model } = loadDemoModel('adult-gbt');
const predictor = (rows: number[][]) => model.predictProba(rows);
const names = adult.featureNames;
const col = (name: string) => names.indexOf(name);
/** A seeded sample of training rows is enough for the tests, and fits fast. */
const train = adult.train.rows.slice(0, 4000);
const rows = adult.test.rows.slice(0, 6);
const METHODS: DiverseMethod[] = ['genetic', 'random', 'kdtree'];

let explainer: DiverseCounterfactuals;
beforeAll(async () => {
  explainer = await new DiverseCounterfactuals(predictor, names, { categoryMap: adult.categoryMap, order: { Education: ADULT_EDUCATION_ORDER }, seed: 1 }).fit(train);
});

describe('DiverseCounterfactuals on Adult with the bundled trees', () => {
  it.each(METHODS)('%s: returns count distinct counterfactuals that the model, asked again, predicts as another class', async (method) => {
    for (const row of rows) {
      const e = await explainer.explain(row, { method, count: 4, constraints: { immutable: ['Sex', 'Race', 'Age'] } });
      const { cfs } = e.data;
      expect(e.data.success, `${method} on ${row.join(',')}: ${e.data.reason}`).toBe(true);
      expect(cfs).toHaveLength(4);
      expect(new Set(cfs.map((c) => c.X.join(','))).size).toBe(4);
      const again = predictor(cfs.map((c) => c.X));
      cfs.forEach((cf, i) => {
        const predicted = again[i][1] > again[i][0] ? 1 : 0;
        expect(predicted).toBe(cf.class);
        expect(cf.class).not.toBe(e.data.orig_class);
        expect(cf.proba).toEqual(again[i]);
        expect(cf.changes.map((c) => c.feature)).toEqual(cf.X.flatMap((v, f) => (v !== row[f] ? [f] : [])));
      });
      expect(e.data.validity).toBe(1);
      expect(e.data.mean_changed).toBeCloseTo(cfs.reduce((s, c) => s + c.changes.length, 0) / 4, 12);
    }
  });

  it('never changes an immutable feature, and keeps directions and ranges, for every method', async () => {
    const constraints = { immutable: ['Sex', 'Race', 'Age'], increaseOnly: ['Education'], decreaseOnly: ['Capital Loss'], range: { 'Hours per week': [20, 60] as [number, number] } };
    for (const method of METHODS) {
      for (const row of rows.filter((r) => r[col('Hours per week')] >= 20 && r[col('Hours per week')] <= 60)) {
        const { data } = await explainer.explain(row, { method, constraints });
        for (const cf of data.cfs) {
          for (const f of [col('Sex'), col('Race'), col('Age')]) expect(cf.X[f]).toBe(row[f]);
          const rank = (code: number) => ADULT_EDUCATION_ORDER.indexOf(adult.categoryMap[col('Education')][code]);
          expect(rank(cf.X[col('Education')])).toBeGreaterThanOrEqual(rank(row[col('Education')]));
          expect(cf.X[col('Capital Loss')]).toBeLessThanOrEqual(row[col('Capital Loss')]);
          expect(cf.X[col('Hours per week')]).toBeGreaterThanOrEqual(20);
          expect(cf.X[col('Hours per week')]).toBeLessThanOrEqual(60);
        }
      }
    }
  });

  it('keeps integer features integers and categorical features valid categories', async () => {
    for (const method of METHODS) {
      const { data } = await explainer.explain(rows[0], { method, count: 6 });
      for (const cf of data.cfs) {
        cf.X.forEach((v, f) => {
          expect(Number.isInteger(v)).toBe(true);
          const cats = adult.categoryMap[f];
          if (cats !== undefined) expect(v >= 0 && v < cats.length).toBe(true);
        });
        for (const change of cf.changes) {
          const cats = adult.categoryMap[change.feature];
          if (cats !== undefined) expect(cats).toContain(change.to);
        }
      }
    }
  });

  it('takes a range of ordered categories by name', async () => {
    const row = rows.find((r) => adult.categoryMap[col('Education')][r[col('Education')]] === 'High School grad') ?? rows[0];
    const from = adult.categoryMap[col('Education')][row[col('Education')]];
    const { data } = await explainer.explain(row, { constraints: { range: { Education: [from, 'Masters'] } }, count: 6 });
    const rank = (code: number) => ADULT_EDUCATION_ORDER.indexOf(adult.categoryMap[col('Education')][code]);
    for (const cf of data.cfs) expect(rank(cf.X[col('Education')])).toBeGreaterThanOrEqual(rank(row[col('Education')]));
    for (const cf of data.cfs) expect(rank(cf.X[col('Education')])).toBeLessThanOrEqual(ADULT_EDUCATION_ORDER.indexOf('Masters'));
  });

  it('gives the same explanation, byte for byte, for the same seed, and uses one model call per batch', async () => {
    let calls = 0;
    let sent = 0;
    const counting: Predictor = (batch) => {
      calls += 1;
      sent += batch.length;
      return predictor(batch);
    };
    const a = await new DiverseCounterfactuals(counting, names, { categoryMap: adult.categoryMap, seed: 7 }).fit(train);
    const b = await new DiverseCounterfactuals(predictor, names, { categoryMap: adult.categoryMap, seed: 7 }).fit(train);
    calls = 0;
    sent = 0;
    const ea = await a.explain(rows[1]);
    expect(ea.data.model_calls).toBe(calls);
    expect(ea.data.model_rows).toBe(sent);
    expect(ea.data.model_rows / ea.data.model_calls).toBeGreaterThan(5);
    expect(JSON.stringify(await b.explain(rows[1]))).toBe(JSON.stringify(ea));
    const other = await new DiverseCounterfactuals(predictor, names, { categoryMap: adult.categoryMap, seed: 8 }).fit(train);
    expect(JSON.stringify(await other.explain(rows[1]))).not.toBe(JSON.stringify(ea));
  });

  it('reports the set: diversity, proximity, feature importance and the parameters', async () => {
    const e = await explainer.explain(rows[2], { constraints: { immutable: ['Sex'] } });
    const { data, meta } = e;
    const differing = (a: number[], b: number[]) => a.filter((v, f) => v !== b[f]).length / a.length;
    let sum = 0;
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) sum += differing(data.cfs[i].X, data.cfs[j].X);
    expect(data.diversity).toBeCloseTo(sum / 6, 12);
    expect(data.proximity).toBeCloseTo(data.cfs.reduce((s, c) => s + c.distance, 0) / 4, 12);
    for (const [name, share] of Object.entries(data.feature_importance)) {
      expect(share).toBe(data.cfs.filter((c) => c.changes.some((ch) => ch.name === name)).length / 4);
    }
    expect(data.feature_importance.Sex).toBe(0);
    expect(meta.name).toBe('DiverseCounterfactuals');
    expect(meta.params).toMatchObject({ method: 'genetic', count: 4, seed: 1, constraints: { immutable: [col('Sex')] }, max_features_changed: null });
  });

  it('honours maxFeaturesChanged and targetClass', async () => {
    const e = await explainer.explain(rows[0], { maxFeaturesChanged: 1, count: 3 });
    for (const cf of e.data.cfs) expect(cf.changes).toHaveLength(1);
    const target = 1 - e.data.orig_class!;
    const t = await explainer.explain(rows[0], { targetClass: target, count: 2 });
    for (const cf of t.data.cfs) expect(cf.class).toBe(target);
    expect(t.data.desired_class).toBe(target);
  });

  it('says success false and why when fewer than count are found within the budget', async () => {
    const e = await explainer.explain(rows[0], { count: 30, populationSize: 4, maxGenerations: 1, maxFeaturesChanged: 1 });
    expect(e.data.success).toBe(false);
    expect(e.data.cfs.length).toBeLessThan(30);
    expect(e.data.validity).toBe(e.data.cfs.length / 30);
    expect(e.data.reason).toMatch(/found \d+ of the 30 counterfactuals/);
  });

  it('works with a predictor of labels (proba null)', async () => {
    const labels: Predictor = (batch) => predictor(batch).map((p) => (p[1] > p[0] ? 1 : 0));
    const dc = await new DiverseCounterfactuals(labels, names, { categoryMap: adult.categoryMap }).fit(train);
    const e = await dc.explain(rows[0], { count: 3 });
    expect(e.data.orig_proba).toBeNull();
    expect(e.data.cfs).toHaveLength(3);
    for (const cf of e.data.cfs) {
      expect(cf.proba).toBeNull();
      expect(labels([cf.X])).toEqual([cf.class]);
      expect(cf.class).not.toBe(e.data.orig_class);
    }
  });

  it('restored from its state, explains byte for byte alike', async () => {
    const restored = DiverseCounterfactuals.fromState(predictor, explainer.toState());
    for (const method of METHODS) {
      expect(JSON.stringify(await restored.explain(rows[3], { method }))).toBe(JSON.stringify(await explainer.explain(rows[3], { method })));
    }
  });

  it('moves numeric features on the grid of their training precision', async () => {
    // y = 1 when a + b > 5; a has one decimal, b is whole.
    const grid = Array.from({ length: 200 }, (_, i) => [Math.round(((i * 0.37) % 10) * 10) / 10, i % 7]);
    const toy: Predictor = (batch) => batch.map((r) => (r[0] + r[1] > 5 ? [0, 1] : [1, 0]));
    const dc = await new DiverseCounterfactuals(toy, ['a', 'b'], { seed: 3 }).fit(grid);
    for (const method of METHODS) {
      const { data } = await dc.explain([1.2, 1], { method, count: 3 });
      expect(data.cfs.length).toBeGreaterThan(0);
      for (const cf of data.cfs) {
        expect(Math.round(cf.X[0] * 10) / 10).toBe(cf.X[0]);
        expect(Number.isInteger(cf.X[1])).toBe(true);
        expect(cf.X[0] + cf.X[1]).toBeGreaterThan(5);
      }
    }
  });
});

describe('DiverseCounterfactuals refuses bad input with typed errors', () => {
  const bad = async (options: object, message: RegExp, row: number[] = rows[0]) => {
    await expect(explainer.explain(row, options)).rejects.toThrow(InvalidInputError);
    await expect(explainer.explain(row, options)).rejects.toThrow(message);
  };

  it('names unknown features and constraints', async () => {
    await bad({ constraints: { immutable: ['Gender'] } }, /constraints.immutable names feature "Gender"; expected a feature index or one of: Age/);
    await bad({ constraints: { frozen: ['Sex'] } }, /unknown constraint "frozen"/);
    await bad({ constraints: { range: { Height: [1, 2] } } }, /constraints.range names feature "Height"/);
  });

  it('refuses count, weights and sizes out of range, and unknown options', async () => {
    await bad({ count: 0 }, /option count is 0; expected an integer in 1..100/);
    await bad({ count: 101 }, /option count is 101/);
    await bad({ count: 2.5 }, /option count is 2.5/);
    await bad({ diversityWeight: -1 }, /option diversityWeight is -1/);
    await bad({ maxFeaturesChanged: 13 }, /option maxFeaturesChanged is 13; expected an integer in 1..12/);
    await bad({ method: 'gradient' }, /option method is "gradient"; expected one of: genetic, random, kdtree/);
    await bad({ total_CFs: 4 }, /unknown option "total_CFs"/);
  });

  it('refuses constraints the instance already violates, and contradictory ones', async () => {
    const row = rows[0];
    await bad({ constraints: { range: { 'Hours per week': [row[col('Hours per week')] + 1, 99] } } }, /the instance's "Hours per week" is \d+, outside its allowed range/, row);
    await bad({ constraints: { immutable: ['Age'], increaseOnly: ['Age'] } }, /feature "Age" \(0\) is both immutable and constrained to increase/);
    await bad({ constraints: { increaseOnly: ['Age'], decreaseOnly: ['Age'] } }, /constrained to increase .* and to decrease/);
    await bad({ constraints: { range: { Age: [60, 20] } } }, /constraints.range\[Age\] is \[60,20\]; expected \[min, max\] with min <= max/);
    await bad({ constraints: { immutable: names } }, /leave no feature of this instance free to change/);
  });

  it('refuses a direction or range on an unordered category, numbers on a category, and names on a number', async () => {
    await bad({ constraints: { increaseOnly: ['Occupation'] } }, /categorical feature "Occupation" a direction, which needs the order of its categories/);
    await bad({ constraints: { range: { Education: [0, 3] } } }, /constraints.range\[Education\] is \[0,3\] for a categorical feature; expected a pair of category names/);
    await bad({ constraints: { range: { Age: ['young', 'old'] } } }, /a range of categories; expected categories only for an ordered categorical feature/);
    await bad({ constraints: { range: { Education: ['Dropout', 'Kindergarten'] } } }, /expected two of its categories: Dropout, High School grad/);
  });

  it('refuses a model whose answers are malformed or change kind', async () => {
    let call = 0;
    // Probabilities for fit and the explained row, then labels.
    const fickle: Predictor = (batch) => (++call <= 2 ? predictor(batch) : batch.map(() => 1));
    const dc = await new DiverseCounterfactuals(fickle, names, { categoryMap: adult.categoryMap }).fit(train);
    await expect(dc.explain(rows[0])).rejects.toThrow(/^predictor returned class labels on call 2, but 2 class probabilities per row before; expected the same kind of answer on every call$/);
    const short = await new DiverseCounterfactuals(predictor, names, { categoryMap: adult.categoryMap }).fit(train);
    const broken = DiverseCounterfactuals.fromState((batch) => predictor(batch).slice(1), short.toState());
    await expect(broken.explain(rows[0])).rejects.toThrow(PredictorError);
    await expect(explainer.explain(rows[0], null as never)).rejects.toThrow(/explain options are null; expected an object/);
  });

  it('refuses a target class that is the row\'s own, malformed rows, and explaining before fit', async () => {
    const e = await explainer.explain(rows[0], { count: 1 });
    await bad({ targetClass: e.data.orig_class }, /option targetClass is \d; expected 'other' or a class index in 0..1 other than the row's class/);
    await bad({ targetClass: 2 }, /option targetClass is 2/);
    await expect(explainer.explain([1, 2, 3])).rejects.toThrow(/has 3 values; expected 12/);
    const unfitted = new DiverseCounterfactuals(predictor, names, { categoryMap: adult.categoryMap });
    await expect(unfitted.explain(rows[0])).rejects.toThrow(NotFittedError);
    expect(() => new DiverseCounterfactuals(predictor, names, { categoryMap: adult.categoryMap, order: { Education: ['Dropout'] } })).toThrow(/option order\["Education"\] is \["Dropout"\]; expected each of its 7 categories once/);
    expect(() => new DiverseCounterfactuals(predictor, names, { order: { Age: ['a'] } })).toThrow(/option order names feature "Age"; expected a categorical feature/);
  });
});
