import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFittedError } from '../../src/core/errors.js';
import { blackboxLocalMeta } from '../../src/core/explanation.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { createExplainerServer, type ListeningExplainerServer } from '../../src/server/server.js';

/**
 * createExplainerServer in this process with an explainer of the test's own: what clients see of
 * unexpected errors (a bare 500 naming the request id; the stack only in the log), and the predictor the
 * explainer is given (it reaches the model at the predictor URL).
 */

let model: ListeningModelServer;
let server: ListeningExplainerServer;
const log: string[] = [];

beforeAll(async () => {
  model = await createModelServer({ name: 'm', nFeatures: 2, port: 0, predictor: (rows) => rows.map((r) => (r[0] > 0 ? [0.2, 0.8] : [0.9, 0.1])) }).listen();
  const logStream = new PassThrough();
  logStream.on('data', (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter((l) => l !== '')));
  server = await createExplainerServer({
    modelName: 'm',
    predictorUrl: `${model.url}/v1/models/m:predict`,
    port: 0,
    logStream,
    explainer: (predictor) => ({
      instanceDescription: 'a row of 2 numbers',
      async explain(instance) {
        const [x] = instance as number[];
        if (x === 13) throw new TypeError("Cannot read properties of undefined (reading 'secret')");
        if (x === 14) throw new NotFittedError('AnchorTabular');
        const predictions = (await predictor([instance as number[]])) as number[][];
        return { meta: blackboxLocalMeta('Echo', {}), data: { predictions } };
      },
    }),
  }).listen();
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  await model?.close();
});

async function explain(instance: unknown) {
  const res = await fetch(`${server.url}/explain`, { method: 'POST', body: JSON.stringify({ instance }), headers: { 'x-request-id': `r-${(instance as number[])[0]}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('createExplainerServer', () => {
  it('gives the explainer a predictor that reaches the model', async () => {
    expect(await explain([1, 0])).toEqual({ status: 200, body: { meta: blackboxLocalMeta('Echo', {}), data: { predictions: [[0.2, 0.8]] } } });
  });

  it('answers an unexpected error with a bare 500 naming the request id, and logs the stack', async () => {
    const res = await explain([13, 0]);
    expect(res).toEqual({ status: 500, body: { error: 'internal error; the server log has the details under request id r-13' } });
    const line = log.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === 'r-13' && l.msg === 'request failed');
    expect((line?.err as { stack: string }).stack).toMatch(/TypeError: Cannot read properties of undefined \(reading 'secret'\)\n\s+at /);
  });

  it("answers glassbox's own errors with their type and message", async () => {
    expect(await explain([14, 0])).toEqual({
      status: 500,
      body: { error: 'NotFittedError: AnchorTabular is not fitted: call fit(trainRows) before explain().' },
    });
  });
});
