import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { loadDiabetes } from '../../src/datasets/diabetes.js';
import { loadDemoRegressor } from '../../src/models/demo-models.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';

const diabetes = loadDiabetes();
const { model } = loadDemoRegressor();

/**
 * A regression model behind the Open Inference Protocol (inference_rest.md), written from the
 * specification: POST /v2/models/diabetes/infer with one FP64 input [N, 10] answers one FP64 output
 * `variable` of shape [N, 1] (as a scikit-learn regressor served by MLServer does).
 */
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const { inputs } = JSON.parse(body) as { inputs: Array<{ shape: [number, number]; data: number[] }> };
      const [n, d] = inputs[0].shape;
      const rows = Array.from({ length: n }, (_, i) => inputs[0].data.slice(i * d, (i + 1) * d));
      const data = Array.from(model.predictMargins(rows));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ model_name: 'diabetes', outputs: [{ name: 'variable', datatype: 'FP64', shape: [n, 1], data }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/models/diabetes/infer`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a regression model over the Open Inference Protocol', () => {
  it('explains like the same model in process: one value per row, [N, 1] on the wire', async () => {
    const remote = await remotePredictor(url, { inputName: 'X', inputDatatype: 'FP64' });
    const x = diabetes.test.rows[5];
    const viaUrl = await (await new AnchorTabular(remote, diabetes.featureNames, { task: 'regression', seed: 2 }).fit(diabetes.train.rows)).explain(x);
    const local = await (await new AnchorTabular(model.predictor, diabetes.featureNames, { seed: 2 }).fit(diabetes.train.rows)).explain(x);
    expect(JSON.stringify(viaUrl.data)).toBe(JSON.stringify(local.data));
    // The same values, explained as a classifier, are refused: they are not class labels.
    const asClasses = await new AnchorTabular(remote, diabetes.featureNames).fit(diabetes.train.rows);
    await expect(asClasses.explain(x)).rejects.toThrow(/expected an integer class label.*task: 'regression'/);
  });
});
