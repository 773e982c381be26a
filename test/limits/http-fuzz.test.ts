import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../src/core/rng.js';
import type { ListeningExplainerServer } from '../../src/server/server.js';
import { startAdultExplainerServer, type ControlledModel } from '../server/helpers.js';

/**
 * Issue 14, tests: random and adversarial bodies on every explain route (deep nesting, huge shapes,
 * wrong types, `__proto__`, unicode, not JSON): each is a 4xx with a short message, never a 5xx, and
 * the server stays live after each.
 */

const ROUTES = ['/explain', '/v1/models/model:explain', '/v2/models/model/infer', '/api/v1.0/explain'];

/** The JSON text of `depth` arrays nested around 1 (written as text: JSON.stringify would overflow the stack). */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** A random JSON value of at most `depth` levels. */
function randomJson(rng: Rng, depth: number): unknown {
  const pick = rng.int(depth > 0 ? 9 : 6);
  const strings = ['', 'é', '\u0000', '💥', '\ud800', 'NaN', '__proto__', 'constructor', 'a'.repeat(300)];
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return [0, -1, 1e308, -1e308, 2 ** 53 + 1, 1e15, 0.5][rng.int(7)];
    case 3:
      return strings[rng.int(strings.length)];
    case 4:
      return rng.int(1000) - 500;
    case 5:
      return {};
    case 6:
    case 7:
      return Array.from({ length: rng.int(14) }, () => randomJson(rng, depth - 1));
    default: {
      const keys = ['instance', 'instances', 'inputs', 'data', 'parameters', 'shape', 'datatype', 'name', 'ndarray', 'tensor', 'values', '__proto__', 'coverageSamples', 'batchSize'];
      const o: Record<string, unknown> = {};
      for (let k = rng.int(4); k >= 0; k--) o[keys[rng.int(keys.length)]] = randomJson(rng, depth - 1);
      return o;
    }
  }
}

const DEEP = nested(10_000);
const ADVERSARIAL: Array<[string, string]> = [
  ['/v2/models/model/infer', `{"inputs": [{"name": "x", "datatype": "FP64", "shape": [1, 12], "data": ${DEEP}}]}`],
  ['/v2/models/model/infer', JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP64', shape: new Array(5000).fill(1), data: [1] }] })],
  ['/v2/models/model/infer', JSON.stringify({ inputs: [{ name: 'x', datatype: 'UINT8', shape: [1, 12], data: [300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }] })],
  ['/v2/models/model/infer', JSON.stringify({ inputs: [{ name: 'x', datatype: 'INT64', shape: [1, 12], data: [2 ** 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }] })],
  ['/api/v1.0/explain', `{"data": {"tensor": {"shape": [1, 12], "values": ${DEEP}}}}`],
  ['/api/v1.0/explain', `{"data": {"ndarray": [${DEEP}]}}`],
  ['/explain', `{"instance": ${DEEP}}`],
  ['/explain', JSON.stringify({ instance: [39, 7, 9, 4, 1, 4, 0, 0, 2174, 0, 40, 39], parameters: { coverageSamples: 1e15 } })],
  ['/explain', JSON.stringify({ instance: [39, 7, 9, 4, 1, 4, 0, 0, 2174, 0, 40, 39], parameters: { batchSize: 1e6 } })],
  ['/explain', '{"instance": [1,2], "__proto__": {"polluted": true}}'],
  ['/explain', '{"instance": {"__proto__": {"Age": 1}}}'],
  ['/explain', '{"instance": [1,2,3], "parameters": {"__proto__": {"coverageSamples": 1e9}}}'],
  ['/v1/models/model:explain', `{"instances": [${DEEP}]}`],
  ['/v1/models/model:explain', '{"instances": [["💥", "\\ud800", "é"]]}'],
  ['/explain', 'not json'],
  ['/explain', ''],
  ['/explain', `{"instance": ${nested(100_000)}}`],
];

let model: ControlledModel;
let server: ListeningExplainerServer;

beforeAll(async () => {
  ({ model, server } = await startAdultExplainerServer());
}, 60_000);

afterAll(async () => {
  await server?.close();
  await model?.server.close();
});

async function post(route: string, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${server.url}${route}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: res.status, text: await res.text() };
}

async function expectLive(): Promise<void> {
  const res = await fetch(`${server.url}/v2/health/live`);
  expect(res.status).toBe(200);
}

describe('the explain routes under adversarial bodies', () => {
  it.each(ADVERSARIAL.map(([route, body], i) => [i, route, body] as const))('body %i to %s is a short 4xx', async (_i, route, body) => {
    const { status, text } = await post(route, body);
    expect(status, text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(status, text.slice(0, 300)).toBeLessThan(500);
    expect(text.length).toBeLessThan(1000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expectLive();
  });

  it('300 random bodies (seeded) are each a 4xx or an explanation, never a 5xx', async () => {
    const rng = createRng('fuzz-14');
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const route = ROUTES[rng.int(ROUTES.length)];
      const body = JSON.stringify(randomJson(rng, 4));
      const { status, text } = await post(route, body);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status < 500, `${route} ${body.slice(0, 200)} -> ${status} ${text.slice(0, 200)}`).toBe(true);
    }
    await expectLive();
    expect([...statuses.keys()].every((s) => s === 200 || (s >= 400 && s < 500))).toBe(true);
  }, 60_000);
});
