import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adultProtoExplainer, adultProtoTrainingRows } from '../../src/cli/commands/counterfactual-proto.js';
import { adultCounterfactualTask } from '../../src/datasets/adult-counterfactual.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { loadExplainer, saveExplainer } from '../../src/persistence/explainer-dir.js';
import { serveAdultExplainer, stop, type CliProcess, type ControlledModel } from './helpers.js';

/**
 * `glassbox serve` with a saved CounterfactualProto on Adult ("what would this applicant have to
 * change"), as a process in front of the bundled Adult model over HTTP on 127.0.0.1: every explain
 * route answers the library's explanation of the same saved explainer, in the model's own rows.
 */

const task = adultCounterfactualTask('adult-gbt');
const { predictor } = loadDemoModel('adult-gbt');

/** The CLI's Adult setup with a shorter search and fewer training rows, to keep the test cheap. */
async function saveAdultProto(): Promise<string> {
  const explainer = await adultProtoExplainer(task, adultProtoTrainingRows(task, 8000), { cSteps: 2, maxIterations: 40 });
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-proto-server-'));
  await saveExplainer(explainer, dir, { model: 'adult-gbt', inputScaling: task.scaling });
  return dir;
}

let dir: string;
let model: ControlledModel;
let server: CliProcess | undefined;
let url: string;

beforeAll(async () => {
  const saving = saveAdultProto();
  ({ model, server, url } = await serveAdultExplainer(saving));
  dir = await saving;
}, 60_000);

afterAll(async () => {
  await stop(server);
  await model?.server.close();
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

describe('glassbox serve with a saved CounterfactualProto (Adult, numbers scaled, model as a black box)', () => {
  it('answers every explain route with exactly the JSON the library gives for the same saved explainer', async () => {
    const library = await loadExplainer(dir, predictor);
    for (const rowIndex of [1, 2]) {
      const row = task.dataset.test.rows[rowIndex];
      const expected = JSON.stringify(await library.explain(row));
      const routes = [
        await post('/v1/models/adult:explain', { instances: [row] }),
        await post('/explain', { instance: row }),
        await post('/api/v1.0/explain', { data: { ndarray: [row] } }),
      ];
      for (const res of routes) expect(res).toEqual({ status: 200, text: expected });
      const v2 = await post('/v2/models/adult/infer', { inputs: [{ name: 'input-0', datatype: 'FP64', shape: [1, 12], data: row }] });
      expect(v2.status).toBe(200);
      const v2Body = JSON.parse(v2.text);
      expect(v2Body.parameters.headers['x-seldon-alibi-method']).toBe('counterfactual_proto');
      expect(v2Body.outputs[0].data).toEqual([expected]);

      // In the model's own rows: the instance as sent, a counterfactual the model predicts as its class.
      const { meta, data } = JSON.parse(expected);
      expect(meta.params.input_scaling).toEqual(task.scaling.toJSON());
      expect(data.raw.instance).toEqual(row);
      expect(data.success).toBe(true);
      expect(data.cf.class).not.toBe(data.orig_class);
      // The optimiser keeps probabilities in float32.
      const [proba] = predictor([data.cf.X]) as number[][];
      expect(proba.map(Math.fround)).toEqual(data.cf.proba);
      for (const f of [6, 7, 11]) expect(data.cf.X[f]).toBe(row[f]);
      for (const f of [0, 8, 9, 10]) expect(Number.isInteger(data.cf.X[f])).toBe(true);
      for (const change of data.cf.changes) {
        expect(change.from).not.toBe(change.to);
        expect(data.cf.X[change.feature]).toBe(typeof change.to === 'number' ? change.to : task.categoryMap[change.feature].indexOf(change.to));
      }
    }
  }, 30_000);

  it('takes explain options from the request, and answers a bad instance or option with 400 and the reason', async () => {
    const row = task.dataset.test.rows[0];
    const targeted = JSON.parse((await post('/explain', { instance: row, parameters: { k: 2 } })).text);
    expect(targeted.meta.params.k).toBe(2);
    const cases: Array<[unknown, RegExp]> = [
      [{ instance: row.slice(0, 5) }, /^the explained row has 5 values; expected 12$/],
      [{ instance: [...row.slice(0, 11), 'United-States'] }, /^the explained row, column 11 is "United-States"; expected a finite number$/],
      [{ instance: row, parameters: { threshold: 0.9 } }, /unknown option "threshold"/],
      [{ instance: row, parameters: { targetClass: 0 } }, /option targetClass is 0; expected a class index in 0..1 other than the instance's class 0/],
    ];
    for (const [body, message] of cases) {
      const res = await post('/explain', body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.text).error).toMatch(message);
    }
  }, 20_000);
});
