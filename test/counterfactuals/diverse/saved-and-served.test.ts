import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExplainerFileError } from '../../../src/core/errors.js';
import { loadAdult } from '../../../src/datasets/adult.js';
import { loadDemoModel } from '../../../src/models/demo-models.js';
import { loadExplainer } from '../../../src/persistence/explainer-dir.js';
import { DiverseCounterfactuals, saveExplainer } from '../../../src/index.js';
import { loadServableExplainer } from '../../../src/entries/server.js';
import { cli } from '../../cli/run-cli.js';
import { tempDir } from '../../persistence/helpers.js';
import { startControlledModel, startExplainerServer, stop, waitUntilReady, type CliProcess, type ControlledModel } from '../../server/helpers.js';

/**
 * DiverseCounterfactuals saved by `glassbox fit adult --method diverse`, loaded in-process, and served
 * by `glassbox serve` in front of the bundled Adult model over HTTP on 127.0.0.1: every explanation is
 * the one the explainer gave before it was saved, explain options come with each request.
 */

const adult = loadAdult();
const { predictor } = loadDemoModel('adult-gbt');
const options = { count: 3, method: 'random', constraints: { immutable: ['Sex', 'Race', 'Age'] } } as const;

let dir: string;
let model: ControlledModel;
let server: CliProcess | undefined;
let url: string;

beforeAll(async () => {
  dir = await tempDir();
  const fit = await cli('fit', 'adult', '--method', 'diverse', '--max-training-rows', '3000', '--seed', '2', '--out', dir);
  expect(fit.stderr).toBe('');
  expect(fit.stdout).toMatch(/^Saved DiverseCounterfactuals \(3,000 training rows, Education ordered\) for adult-gbt to .*: 3 files, [\d,]+ bytes\n$/);
  model = await startControlledModel();
  ({ cli: server, url } = await startExplainerServer(['--explainer', dir, '--predictor-url', model.inferUrl, '--model-name', 'adult']));
  await waitUntilReady(url);
}, 60_000);

afterAll(async () => {
  await stop(server);
  await model?.server.close();
});

describe('DiverseCounterfactuals saved, loaded and served', () => {
  it('explains byte for byte alike before saving and after loading', async () => {
    const explainer = await new DiverseCounterfactuals(predictor, adult.featureNames, { categoryMap: adult.categoryMap, order: { Education: ['Dropout', 'High School grad', 'Associates', 'Bachelors', 'Masters', 'Prof-School', 'Doctorate'] }, seed: 5 }).fit(adult.train.rows.slice(0, 2000));
    const saved = await tempDir();
    await saveExplainer(explainer, saved, { model: 'adult-gbt' });
    const loaded = await loadExplainer(saved, predictor);
    expect(loaded.type).toBe('DiverseCounterfactuals');
    expect(loaded.instanceDescription).toBe('a row of 12 values (numbers, or names for the categorical features), or an object keyed by feature name');
    for (const method of ['genetic', 'kdtree'] as const) {
      const row = adult.test.rows[4];
      expect(JSON.stringify(await loaded.explain(row, { method, constraints: { increaseOnly: ['Education'] } }))).toBe(JSON.stringify(await explainer.explain(row, { method, constraints: { increaseOnly: ['Education'] } })));
    }
    expect((await loadServableExplainer(saved, predictor)).type).toBe('DiverseCounterfactuals');
  });

  it('names the field of a damaged file', async () => {
    const file = join(dir, 'explainer.json');
    const json = JSON.parse(await readFile(file, 'utf8'));
    const broken = await tempDir();
    for (const name of await readdir(dir)) if (name !== 'explainer.json') await copyFile(join(dir, name), join(broken, name));
    json.state.stats[0] = { min: 5, max: 1, mad: 0, std: 1, decimals: 0 };
    await writeFile(join(broken, 'explainer.json'), JSON.stringify(json));
    const err = await loadExplainer(broken, predictor).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExplainerFileError);
    expect((err as Error).message).toMatch(/feature statistics of "Age" are \{"min":5,"max":1,"mad":0,"std":1,"decimals":0\}; expected \{ min, max, mad, std, decimals \} with min <= max/);
  });

  it('glassbox serve answers with the library\'s explanation, options from the request, and 400 for bad ones', async () => {
    const library = await loadExplainer(dir, predictor);
    const row = adult.test.rows[2];
    const expected = JSON.stringify(await library.explain(row, options));
    const res = await fetch(`${url}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters: options }) });
    expect({ status: res.status, text: await res.text() }).toEqual({ status: 200, text: expected });
    const { data } = JSON.parse(expected);
    expect(data.cfs).toHaveLength(3);
    for (const cf of data.cfs) for (const f of [0, 6, 7]) expect(cf.X[f]).toBe(row[f]);
    const bad = await fetch(`${url}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters: { count: 0 } }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/option count is 0; expected an integer in 1..100/);
  }, 30_000);
});
