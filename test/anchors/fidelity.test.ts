import { describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import type { TabularPredicate } from '../../src/anchors/tabular/predicates.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { toLabels } from '../../src/predictors/predictor.js';

const holds = (p: TabularPredicate, x: number) =>
  p.op === 'eq' ? x === p.value : (p.lower === undefined || x > p.lower) && (p.upper === undefined || x <= p.upper);

describe('anchor fidelity on the Adult demo model', () => {
  it('successful anchors hold on fresh rows: held-out rows satisfying them keep the prediction', async () => {
    const adult = loadAdult();
    const { predictor } = loadDemoModel('adult-gbt');
    const threshold = 0.95;
    const explainer = await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 3 }).fit(
      adult.train.rows,
    );
    // Fresh samples the explainer never saw: held-out rows 1000.. that satisfy the anchor.
    const fresh = adult.test.rows.slice(1000);
    let checked = 0;
    for (let i = 0; i < 40; i++) {
      const e = await explainer.explain(adult.test.rows[i], { threshold });
      if (!e.data.raw.success) continue;
      const rows = fresh.filter((row) => e.data.raw.predicates.every((p) => holds(p, row[p.feature])));
      if (rows.length < 100) continue;
      checked += 1;
      const labels = toLabels(await predictor(rows), rows.length);
      const agreement = labels.filter((y) => y === e.data.raw.prediction).length / rows.length;
      expect(agreement, `row ${i}: anchor ${e.data.anchor.join(' AND ')} on ${rows.length} rows`).toBeGreaterThanOrEqual(threshold - 0.05);
    }
    expect(checked).toBeGreaterThanOrEqual(30);
  });
});
