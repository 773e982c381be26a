import { describe, expect, it } from 'vitest';
import { AnchorImage } from '../../src/anchors/image/anchor-image.js';
import { AUTO_INTERVAL_FRACTION } from '../../src/anchors/target.js';
import type { TabularPredicate } from '../../src/anchors/tabular/predicates.js';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { AnchorText } from '../../src/anchors/text/anchor-text.js';
import { InvalidInputError, PredictorError } from '../../src/core/errors.js';
import { loadDiabetes } from '../../src/datasets/diabetes.js';
import { toImage, type Image } from '../../src/image/image.js';
import { loadDemoModel, loadDemoRegressor } from '../../src/models/demo-models.js';
import { loadExplainer, saveExplainer } from '../../src/persistence/explainer-dir.js';
import { loadServableExplainer } from '../../src/server/servable-explainer.js';
import { tempDir } from '../persistence/helpers.js';

const diabetes = loadDiabetes();
const { predictor, model } = loadDemoRegressor();
const trainPredictions = model.predictMargins(diabetes.train.rows);

const holds = (p: TabularPredicate, x: number) =>
  p.op === 'eq' ? x === p.value : (p.lower === undefined || x > p.lower) && (p.upper === undefined || x <= p.upper);

const explainer = async (seed = 0) => await new AnchorTabular(predictor, diabetes.featureNames, { seed }).fit(diabetes.train.rows);

describe('AnchorTabular on a regression model (diabetes, bundled boosted trees)', () => {
  it('fidelity: on held-out rows, training rows satisfying a successful anchor are predicted inside its interval', async () => {
    const e0 = await explainer();
    const fractions: number[] = [];
    let compared = 0;
    for (let i = 0; i < 30; i++) {
      const e = await e0.explain(diabetes.test.rows[i]);
      const raw = e.data.raw;
      expect(raw.task).toBe('regression');
      expect(raw.prediction).toBeCloseTo(model.predictMargins([diabetes.test.rows[i]])[0], 10);
      const [low, high] = raw.prediction_interval as [number, number];
      expect(low).toBeLessThanOrEqual(raw.prediction);
      expect(high).toBeGreaterThanOrEqual(raw.prediction);
      if (!raw.success) continue;
      const covered = diabetes.train.rows.flatMap((row, k) => (raw.predicates.every((p) => holds(p, row[p.feature])) ? [k] : []));
      const inside = covered.filter((k) => trainPredictions[k] >= low && trainPredictions[k] <= high).length / covered.length;
      fractions.push(inside);
      if (covered.length >= 30) {
        compared += 1;
        expect(Math.abs(inside - e.data.precision), `row ${i}: ${e.data.anchor.join(' AND ')} on ${covered.length} rows`).toBeLessThanOrEqual(0.1);
      }
    }
    expect(fractions.length).toBeGreaterThanOrEqual(20);
    expect(fractions.reduce((a, b) => a + b, 0) / fractions.length).toBeGreaterThanOrEqual(0.85);
    expect(compared).toBeGreaterThanOrEqual(5);
  });

  it("'auto' states its interval: ŷ ± IQR/2 of the predictions on the training rows, in raw and meta", async () => {
    const e = await (await explainer()).explain(diabetes.test.rows[0]);
    const sorted = Float64Array.from(trainPredictions).sort();
    const at = (q: number) => {
      const h = (sorted.length - 1) * q;
      return sorted[Math.floor(h)] + (h - Math.floor(h)) * (sorted[Math.ceil(h)] - sorted[Math.floor(h)]);
    };
    const iqr = at(0.75) - at(0.25);
    expect(e.data.raw.interval_rule).toEqual({ kind: 'auto', fraction: AUTO_INTERVAL_FRACTION, iqr, rows: 354 });
    const [low, high] = e.data.raw.prediction_interval as [number, number];
    expect(high - low).toBeCloseTo(AUTO_INTERVAL_FRACTION * iqr, 9);
    expect((low + high) / 2).toBeCloseTo(e.data.raw.prediction, 9);
    expect(e.meta.params).toMatchObject({ task: 'regression', interval: 'auto' });
    // One model call predicts the row and the 354 training rows together.
    expect(e.data.raw.model_rows).toBeGreaterThan(355);
  });

  it('takes [low, high] and { width }, and refuses an interval that does not hold ŷ', async () => {
    const x = diabetes.test.rows[1];
    const y = model.predictMargins([x])[0];
    const bounds = await (await explainer()).explain(x, { interval: [y - 10, y + 40] });
    expect(bounds.data.raw.prediction_interval).toEqual([y - 10, y + 40]);
    expect(bounds.data.raw.interval_rule).toEqual({ kind: 'bounds' });
    const width = await (await explainer()).explain(x, { interval: { width: 50 } });
    expect(width.data.raw.prediction_interval).toEqual([y - 25, y + 25]);
    expect(width.meta.params.interval).toEqual({ width: 50 });
    await expect((await explainer()).explain(x, { interval: [y + 1, y + 20] })).rejects.toThrow(InvalidInputError);
    await expect((await explainer()).explain(x, { interval: [y + 1, y + 20] })).rejects.toThrow(/does not contain the model's prediction/);
    await expect((await explainer()).explain(x, { interval: [3, 1] })).rejects.toThrow(/expected 'auto', \[low, high\]/);
    await expect((await explainer()).explain(x, { interval: { width: -1 } })).rejects.toThrow(/\{ width \}/);
  });

  it('is deterministic: the same seed gives byte-identical JSON, also after saving and loading', async () => {
    const x = diabetes.test.rows[2];
    const a = JSON.stringify(await (await explainer(7)).explain(x));
    expect(JSON.stringify(await (await explainer(7)).explain(x))).toBe(a);
    const dir = await tempDir();
    await saveExplainer(await explainer(7), dir);
    const loaded = await loadExplainer(dir, predictor);
    expect((loaded.explainer as AnchorTabular).task).toBe('regression');
    expect(JSON.stringify(await loaded.explain(x))).toBe(a);
  });

  it('a state saved without a task is a classifier\'s: restoring it for a regressor is refused', async () => {
    const { task: _task, ...state } = (await explainer()).toState();
    expect(() => AnchorTabular.fromState(predictor, state)).toThrow(/given task 'classification' but the model is a regressor/);
    expect(AnchorTabular.fromState(predictor, { ...state, task: 'regression' }).task).toBe('regression');
  });

  it('is servable: the saved explainer takes an interval from the request parameters', async () => {
    const dir = await tempDir();
    await saveExplainer(await explainer(7), dir);
    const served = await loadServableExplainer(dir, predictor);
    const x = diabetes.test.rows[2];
    const e = (await served.explain(x, { interval: { width: 40 } })) as Awaited<ReturnType<AnchorTabular['explain']>>;
    const y = model.predictMargins([x])[0];
    expect(e.data.raw.prediction_interval).toEqual([y - 20, y + 20]);
  });

  it('refuses a classifier explained as regression, the reverse, and an interval for a classifier', async () => {
    const adult = loadDemoModel('adult-gbt');
    expect(() => new AnchorTabular(adult.predictor, adult.info.featureNames, { task: 'regression' })).toThrow(/given task 'regression' but the model is a classifier/);
    expect(() => new AnchorTabular(predictor, diabetes.featureNames, { task: 'classification' })).toThrow(/the model is a regressor/);
    // An undeclared classifier told it is a regressor: its probability rows are refused by shape.
    const probabilities = (rows: number[][]) => rows.map(() => [0.3, 0.7]);
    const wrong = await new AnchorTabular(probabilities, diabetes.featureNames, { task: 'regression' }).fit(diabetes.train.rows);
    await expect(wrong.explain(diabetes.test.rows[0])).rejects.toThrow(PredictorError);
    await expect(wrong.explain(diabetes.test.rows[0])).rejects.toThrow(/2 values for input 0/);
    // An undeclared regressor explained as a classifier: its values are not labels.
    const values = (rows: number[][]) => rows.map((r) => r[2] * 1.5);
    const asClasses = await new AnchorTabular(values, diabetes.featureNames).fit(diabetes.train.rows);
    await expect(asClasses.explain(diabetes.test.rows[0])).rejects.toThrow(/task: 'regression'/);
    const classifier = await new AnchorTabular(adult.predictor, adult.info.featureNames).fit([new Array(12).fill(0)]);
    await expect(classifier.explain(new Array(12).fill(0), { interval: 'auto' })).rejects.toThrow(/option interval is for regression models/);
  });
});

describe('AnchorText and AnchorImage on regression models', () => {
  it('AnchorText anchors the words that keep a score inside the interval; auto needs training rows', async () => {
    // A score: 10 per "great", 1 per other word.
    const score = (texts: string[]) => texts.map((t) => t.split(' ').reduce((s, w) => s + (w === 'great' ? 10 : w === 'UNK' ? 0 : 1), 0));
    const text = 'a great film with a great cast';
    const explainer = new AnchorText(score, { task: 'regression', seed: 1 });
    const e = await explainer.explain(text, { interval: [17, 26] });
    expect(e.data.raw.prediction).toBe(25);
    expect(e.data.raw.task).toBe('regression');
    expect(e.data.anchor).toEqual(['great', 'great']);
    expect(e.data.raw.success).toBe(true);
    await expect(explainer.explain(text)).rejects.toThrow(/interval 'auto' needs the model's predictions on training rows/);
    expect(explainer.toState().task).toBe('regression');
  });

  it('AnchorImage anchors the superpixels a brightness score depends on', async () => {
    const size = 16;
    const image: Image = toImage(Array.from({ length: size }, (_, y) => Array.from({ length: size }, (_, x) => [x < 8 && y < 8 ? 0.9 : 0.3])));
    // The mean brightness of the top-left quadrant, times 100.
    const brightness = (images: Image[]) =>
      images.map((img) => {
        let s = 0;
        for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) s += img.data[y * size + x];
        return (100 * s) / 64;
      });
    const segmentation = (img: Image) => Int32Array.from({ length: size * size }, (_, p) => (Math.floor(p / size) < 8 ? 0 : 2) + ((p % size) < 8 ? 0 : 1));
    const explainer = new AnchorImage(brightness, { shape: [size, size, 1], segmentation, fill: 0, task: 'regression' });
    const e = await explainer.explain(image, { interval: { width: 10 } });
    expect(e.data.raw.prediction).toBeCloseTo(90, 4);
    expect(e.data.raw.anchor_segments).toEqual([0]);
    expect(e.data.precision).toBe(1);
    expect(e.meta.params).toMatchObject({ task: 'regression', interval: { width: 10 } });
  });
});

describe('summaries and audits of regression anchors', () => {
  it('are refused with a typed error: they group and check anchors by class', async () => {
    const { auditAnchors } = await import('../../src/audit/audit.js');
    const { pickAnchors } = await import('../../src/summary/anchor-summary.js');
    const { ExplanationTypeError } = await import('../../src/core/errors.js');
    const e = await (await explainer()).explain(diabetes.test.rows[0]);
    expect(() => pickAnchors([{ row: 0, explanation: e }], { budget: 1 })).toThrow(ExplanationTypeError);
    await expect(auditAnchors([e], diabetes.test.rows, predictor)).rejects.toThrow(/an AnchorTabular explanation of a regression model/);
  });
});
