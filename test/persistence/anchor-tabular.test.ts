import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular, InvalidInputError, loadExplainer, NotFittedError, saveExplainer, VERSION } from '../../src/index.js';
import { loadAdult, loadDemoModel } from '../../src/entries/demo.js';
import { EXPLAINER_FORMAT_VERSION, readExplainerManifest } from '../../src/entries/persistence.js';
import { tempDir } from './helpers.js';

const adult = loadAdult();
const { predictor } = loadDemoModel('adult-gbt');

function explainer(seed: number) {
  return new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed });
}

describe('saving and loading AnchorTabular (Adult, bundled boosted trees)', () => {
  let dir: string;
  let fitted: AnchorTabular;
  beforeAll(async () => {
    dir = await tempDir();
    fitted = await explainer(11).fit(adult.train.rows);
    await saveExplainer(fitted, dir);
  });

  it('explains held-out rows byte for byte as before saving', async () => {
    const loaded = await loadExplainer(dir, predictor);
    expect(loaded.type).toBe('AnchorTabular');
    expect(loaded.explainer).toBeInstanceOf(AnchorTabular);
    for (const row of [0, 15]) {
      const before = JSON.stringify(await fitted.explain(adult.test.rows[row], { threshold: 0.9 }));
      const after = JSON.stringify(await loaded.explain(adult.test.rows[row], { threshold: 0.9 }));
      expect(after).toBe(before);
      expect(JSON.parse(after).meta.params).toMatchObject({ seed: 11, threshold: 0.9, disc_perc: [25, 50, 75] });
    }
  });

  it('writes a versioned manifest and the training rows as float32 (exact for Adult), sized and checksummed', async () => {
    const manifest = await readExplainerManifest(dir);
    expect(manifest).toMatchObject({ format: 'glassbox-explainer', version: EXPLAINER_FORMAT_VERSION, type: 'AnchorTabular', glassbox: VERSION });
    expect(Number.isNaN(Date.parse(manifest.created))).toBe(false);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.state.values).toMatchObject({ $binary: 'state.values.bin', dtype: 'float32', length: 32561 * 12 });
    expect(json.state.values.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(join(dir, 'state.values.bin'))).size).toBe(32561 * 12 * 4);
    // Categorical features have no edges; Age is cut at its quartiles.
    expect(json.state.edges[1]).toBeNull();
    expect(json.state.edges[0]).toEqual([28, 37, 48]);
  });

  it('explains a row given with category names or as an object, and describes what a row is', async () => {
    const loaded = await loadExplainer(dir, predictor);
    expect(loaded.instanceDescription).toBe('a row of 12 values (numbers, or category names for the categorical features), or an object keyed by feature name');
    const row = adult.test.rows[3];
    const record = Object.fromEntries(adult.featureNames.map((name, f) => [name, adult.categoryMap[f]?.[row[f]] ?? row[f]]));
    const byCodes = JSON.stringify(await loaded.explain(row));
    expect(JSON.stringify(await loaded.explain(record))).toBe(byCodes);
    await expect(loaded.explain([1, 2, 3])).rejects.toThrow(/has 3 values; expected 12/);
  });

  it('keeps a seeded sample of maxTrainingRows rows, with bin edges cut on all rows, and reloads it identically', async () => {
    const bounded = await explainer(5).fit(adult.train.rows, { maxTrainingRows: 2000 });
    const full = await explainer(5).fit(adult.train.rows);
    expect(bounded.toState().values.length).toBe(2000 * 12);
    expect(bounded.toState().edges).toEqual(full.toState().edges);
    expect((await explainer(5).fit(adult.train.rows, { maxTrainingRows: 2000 })).toState().values).toEqual(bounded.toState().values);
    const small = await tempDir();
    await saveExplainer(bounded, small);
    expect((await stat(join(small, 'state.values.bin'))).size).toBe(2000 * 12 * 4);
    const loaded = await loadExplainer(small, predictor);
    expect(JSON.stringify(await loaded.explain(adult.test.rows[7]))).toBe(JSON.stringify(await bounded.explain(adult.test.rows[7])));
    await expect(explainer(5).fit(adult.train.rows, { maxTrainingRows: 0 })).rejects.toThrow(/maxTrainingRows/);
  });

  it('keeps values that float32 would round as float64, and explains with them identically', async () => {
    // Fractions such as 0.1 are not exact in float32: the rows must round-trip as float64.
    const rows = Array.from({ length: 400 }, (_, i) => [((i * 37) % 100) / 10 + 0.1, i % 3]);
    const model = (batch: number[][]) => batch.map((r) => (r[0] > 5.05 && r[1] !== 2 ? 1 : 0));
    const toy = await new AnchorTabular(model, ['x', 'kind'], { categoryMap: { kind: ['a', 'b', 'c'] }, seed: 9 }).fit(rows);
    const dir = await tempDir();
    await saveExplainer(toy, dir);
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    expect(json.state.values).toMatchObject({ dtype: 'float64', length: 800 });
    const loaded = await loadExplainer(dir, model);
    expect((loaded.explainer as AnchorTabular).toState().values).toEqual(toy.toState().values);
    expect(JSON.stringify(await loaded.explain([7.3, 'b']))).toBe(JSON.stringify(await toy.explain([7.3, 'b'])));
  });

  it('refuses to save what is not a fitted explainer', async () => {
    await expect(saveExplainer(explainer(1), await tempDir())).rejects.toThrow(NotFittedError);
    await expect(saveExplainer({} as AnchorTabular, await tempDir())).rejects.toThrow(InvalidInputError);
    await expect(saveExplainer({} as AnchorTabular, await tempDir())).rejects.toThrow(/got an object of class Object; expected one of AnchorTabular, AnchorText/);
  });
});
