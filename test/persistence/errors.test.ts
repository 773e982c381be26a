import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular, Counterfactual, ExplainerFileError, loadExplainer, saveExplainer } from '../../src/index.js';
import { loadAdult, loadDemoModel } from '../../src/entries/demo.js';
import { readExplainerManifest } from '../../src/entries/persistence.js';
import { damagedCopy, tempDir } from './helpers.js';

const adult = loadAdult();
const { predictor } = loadDemoModel('adult-gbt');

describe('loading a damaged or foreign explainer folder', () => {
  let saved: string;
  let scratch: string;
  beforeAll(async () => {
    saved = await tempDir();
    scratch = await tempDir();
    const explainer = new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap });
    await saveExplainer(await explainer.fit(adult.train.rows, { maxTrainingRows: 300 }), saved);
  });

  /** A copy of the saved explainer with `damage` done to it. */
  const damaged = (damage: (dir: string) => Promise<void>) => damagedCopy(saved, scratch, damage);
  const editJson = (edit: (json: Record<string, any>) => void) => async (dir: string) => {
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    edit(json);
    await writeFile(join(dir, 'explainer.json'), JSON.stringify(json));
  };
  async function loadError(dir: string): Promise<ExplainerFileError> {
    const err = await loadExplainer(dir, predictor).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ExplainerFileError);
    return err as ExplainerFileError;
  }

  it('the undamaged copy loads (the damage is what fails below)', async () => {
    const dir = await damaged(async () => {});
    expect((await loadExplainer(dir, predictor)).type).toBe('AnchorTabular');
  });

  it('a folder without explainer.json', async () => {
    const err = await loadError(scratch);
    expect(err.file).toBe(join(scratch, 'explainer.json'));
    expect(err.message).toMatch(/explainer\.json: not found; expected a folder written by saveExplainer or `glassbox fit`/);
    expect(err.code).toBe('EXPLAINER_FILE');
  });

  it('a truncated explainer.json', async () => {
    const dir = await damaged(async (d) => {
      const text = await readFile(join(d, 'explainer.json'), 'utf8');
      await writeFile(join(d, 'explainer.json'), text.slice(0, text.length / 2));
    });
    expect((await loadError(dir)).message).toMatch(/explainer\.json: is not valid JSON \(.*\); the file is truncated or corrupt/);
  });

  it('a truncated binary array, naming its expected size', async () => {
    const dir = await damaged(async (d) => {
      const bytes = await readFile(join(d, 'state.values.bin'));
      await writeFile(join(d, 'state.values.bin'), bytes.subarray(0, 1000));
    });
    const err = await loadError(dir);
    expect(err.file).toBe(join(dir, 'state.values.bin'));
    expect(err.message).toMatch(/state\.values\.bin: has 1000 bytes; expected 14400 \(3600 float32 values, as "state\.values" in explainer\.json says\)/);
  });

  it('a binary array altered in place, by its checksum', async () => {
    const dir = await damaged(async (d) => {
      const bytes = await readFile(join(d, 'state.values.bin'));
      bytes[100] ^= 0xff;
      await writeFile(join(d, 'state.values.bin'), bytes);
    });
    expect((await loadError(dir)).message).toMatch(/state\.values\.bin: has SHA-256 [0-9a-f]{64}; expected [0-9a-f]{64} .*corrupt or was altered/);
  });

  it('a missing binary array', async () => {
    const dir = await damaged(editJson((j) => (j.state.values.$binary = 'other.bin')));
    expect((await loadError(dir)).message).toMatch(/other\.bin: not found; explainer\.json refers to it/);
  });

  it('a binary file name that leaves the folder', async () => {
    const dir = await damaged(editJson((j) => (j.state.values.$binary = '../state.values.bin')));
    expect((await loadError(dir)).message).toMatch(/"state\.values\.\$binary" should be a file name in the same folder ending in \.bin; found string "\.\.\/state\.values\.bin"/);
  });

  it('a newer format version, saying which version this glassbox reads', async () => {
    const dir = await damaged(editJson((j) => ((j.version = 2), (j.glassbox = '9.0.0'))));
    const message = /format version 2 \(written by glassbox 9\.0\.0\); this glassbox reads version 1 and older: upgrade glassbox/;
    expect((await loadError(dir)).message).toMatch(message);
    await expect(readExplainerManifest(dir)).rejects.toThrow(message);
  });

  it('another format, or an unknown explainer type', async () => {
    const other = await damaged(editJson((j) => (j.format = 'alibi')));
    expect((await loadError(other)).message).toMatch(/"format" should be "glassbox-explainer"; found string "alibi"/);
    const unknown = await damaged(editJson((j) => (j.type = 'KernelShap')));
    expect((await loadError(unknown)).message).toMatch(/"type" should be one of AnchorTabular, AnchorText, AnchorImage, Counterfactual, CEM, CounterfactualProto, DiverseCounterfactuals; found string "KernelShap"/);
  });

  it('a type other than the one asked for', async () => {
    const err = await loadExplainer(saved, predictor, { type: 'AnchorText' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExplainerFileError);
    expect((err as Error).message).toMatch(/"type" should be "AnchorText"; found string "AnchorTabular"/);
  });

  it('fields of the wrong shape, by name', async () => {
    const names = await damaged(editJson((j) => (j.options.featureNames = 'Age')));
    expect((await loadError(names)).message).toMatch(/"options\.featureNames" should be an array of strings; found string "Age"/);
    const edges = await damaged(editJson((j) => j.state.edges.pop()));
    expect((await loadError(edges)).message).toMatch(/cannot restore the saved AnchorTabular: state edges has 11 entries; expected 12, one per feature/);
    const unsorted = await damaged(editJson((j) => (j.state.edges[0] = [40, 30])));
    expect((await loadError(unsorted)).message).toMatch(/state edges\[0\] \("Age"\) is \[40,30\]; expected ascending finite numbers/);
    const dtype = await damaged(editJson((j) => (j.state.values.dtype = 'int32')));
    expect((await loadError(dtype)).message).toMatch(/"state\.values" should be a binary array of float32 or float64; found an object/);
  });

  it('an option lost from the file, rather than loading it with its default', async () => {
    const toy = (rows: number[][]) => rows.map((r) => [r[0], 1 - r[0]]);
    const dir = join(scratch, 'counterfactual');
    await saveExplainer(new Counterfactual(toy, { shape: [2], maxIter: 7, featureRange: [0, 1] }), dir);
    expect((await loadExplainer(dir, toy)).type).toBe('Counterfactual');
    const json = JSON.parse(await readFile(join(dir, 'explainer.json'), 'utf8'));
    delete json.options.maxIter;
    await writeFile(join(dir, 'explainer.json'), JSON.stringify(json));
    const err = await loadError(dir);
    expect(err.message).toMatch(/"options\.maxIter" should be present \(a saved explainer keeps every option\); found nothing/);
    json.options.maxIter = -1;
    await writeFile(join(dir, 'explainer.json'), JSON.stringify(json));
    expect((await loadError(dir)).message).toMatch(/cannot restore the saved Counterfactual: option maxIter is -1/);
  });
});
