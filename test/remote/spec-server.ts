import { countAnswered, logisticPredictor, sendJson, sleep, startServer, type TestServer } from './helpers.js';

/**
 * A second model server, independent of src/model-server: a few dozen lines of node:http that answer
 * the three protocols the way their specifications' examples do, in several layouts, with faults on
 * demand. It serves the model "spec" (version "7") with 3 features.
 *
 * - Open Inference Protocol (inference_rest.md): metadata at GET /v2/models/spec[/versions/7], inference at
 *   POST .../infer; outputs flat with a shape, nested, INT64 labels, or two outputs to pick by name.
 * - KServe v1: POST /v1/models/spec:predict, `instances` → `predictions` (probabilities, labels, or
 *   TF Serving style objects keyed by output name). Also at POST /custom/score, to test an explicit protocol.
 * - Seldon Core v1: POST [/seldon/ns/dep]/api/v1.0/predictions, mirroring ndarray or tensor.
 */

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'drop-row' };

export interface SpecServerConfig {
  v2?: 'flat' | 'nested' | 'labels' | 'multi';
  v1?: 'probabilities' | 'labels' | 'objects';
  /** The v2 input the metadata declares and the server insists on. Default features / FP32. */
  v2Input?: { name: string; datatype: string };
  /**
   * The fault, if any, for prediction request number `i` (from 0, in arrival order) whose first row has
   * the id `firstRow` (column 0; NaN if the request has no rows).
   */
  fault?: (i: number, firstRow: number) => Fault | undefined;
  /** Milliseconds to wait before answering each prediction request. */
  delayMs?: number;
}

export interface SpecServer extends TestServer {
  /** Prediction requests received (faulty ones included). */
  predictionRequests(): number;
}

export async function startSpecServer(config: SpecServerConfig = {}): Promise<SpecServer> {
  const input = config.v2Input ?? { name: 'features', datatype: 'FP32' };
  let predictions = 0;
  const server = await startServer(async (req, body, res, counters) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && /^\/v2\/models\/spec(\/versions\/7)?$/.test(path)) {
      return sendJson(res, 200, {
        name: 'spec',
        versions: ['7'],
        platform: 'spec-examples',
        inputs: [{ name: input.name, datatype: input.datatype, shape: [-1, 3] }],
        outputs:
          config.v2 === 'multi'
            ? [
                { name: 'predict', datatype: 'INT64', shape: [-1, 1] },
                { name: 'probabilities', datatype: 'FP64', shape: [-1, 2] },
              ]
            : [{ name: 'output-0', datatype: 'FP64', shape: [-1, 2] }],
      });
    }
    if (req.method !== 'POST') return sendJson(res, 404, { error: `no route ${req.method} ${path}` });

    const protocol = /^\/v2\/models\/spec(\/versions\/7)?\/infer$/.test(path)
      ? 'v2'
      : /^\/v1\/models\/spec:predict$/.test(path) || path === '/custom/score'
        ? 'v1'
        : /\/api\/v1\.0\/predictions$/.test(path)
          ? 'seldon'
          : undefined;
    if (protocol === undefined) return sendJson(res, 404, { error: `no route POST ${path}` });

    let request: Record<string, any>;
    try {
      request = JSON.parse(body);
    } catch {
      return sendJson(res, 400, { error: 'request body is not JSON' });
    }
    const index = predictions++;
    const fault = config.fault?.(index, firstRowId(protocol, request));
    if (config.delayMs) await sleep(config.delayMs);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    if (fault?.kind === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'Content-Type': 'application/json', ...fault.headers });
      res.end(fault.body ?? '');
      return;
    }
    if (fault?.kind === 'malformed') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"outputs": [{"name": "output-0", "data": [0.1, 0.9');
      return;
    }

    const answer = (status: number, json: unknown, rows: number[][]) => {
      if (status === 200) {
        countAnswered(counters, rows);
        counters.batchSizes.push(rows.length);
      }
      sendJson(res, status, json);
    };
    const drop = fault?.kind === 'drop-row';

    if (protocol === 'v2') {
      const t = request.inputs?.[0];
      if (!t || t.name !== input.name || t.datatype !== input.datatype) {
        return sendJson(res, 400, { error: `expected one input named ${input.name} of datatype ${input.datatype}` });
      }
      const flat: number[] = (t.data as unknown[]).flat(Infinity) as number[];
      const [n, d] = t.shape as number[];
      if (d !== 3 || flat.length !== n * d) return sendJson(res, 400, { error: `bad shape ${JSON.stringify(t.shape)}` });
      const rows = Array.from({ length: n }, (_, i) => flat.slice(i * 3, i * 3 + 3));
      let probs = logisticPredictor(rows);
      if (drop) probs = probs.slice(1);
      const m = probs.length;
      const labels = probs.map((p) => (p[1] > p[0] ? 1 : 0));
      const base = { model_name: 'spec', model_version: '7', id: request.id, parameters: {} };
      if (config.v2 === 'labels') {
        return answer(200, { ...base, outputs: [{ name: 'predict', shape: [m], datatype: 'INT64', data: labels }] }, rows);
      }
      if (config.v2 === 'multi') {
        const all = [
          { name: 'predict', shape: [m, 1], datatype: 'INT64', data: labels },
          { name: 'probabilities', shape: [m, 2], datatype: 'FP64', data: probs.flat() },
        ];
        const wanted: string[] | undefined = request.outputs?.map((o: { name: string }) => o.name);
        return answer(200, { ...base, outputs: wanted ? all.filter((o) => wanted.includes(o.name)) : all }, rows);
      }
      const data = config.v2 === 'nested' ? probs : probs.flat();
      return answer(200, { ...base, outputs: [{ name: 'output-0', shape: [m, 2], datatype: 'FP64', data }] }, rows);
    }

    if (protocol === 'v1') {
      const rows: number[][] = request.instances;
      if (!Array.isArray(rows)) return sendJson(res, 400, { error: 'expected "instances"' });
      let probs = logisticPredictor(rows);
      if (drop) probs = probs.slice(1);
      const labels = probs.map((p) => (p[1] > p[0] ? 1 : 0));
      const out =
        config.v1 === 'labels'
          ? labels
          : config.v1 === 'objects'
            ? probs.map((p, i) => ({ probabilities: p, classes: labels[i] }))
            : probs;
      return answer(200, { predictions: out }, rows);
    }

    // Seldon: mirror the request's encoding.
    const data = request.data ?? {};
    let rows: number[][];
    if (data.ndarray) rows = data.ndarray;
    else if (data.tensor) {
      const [n] = data.tensor.shape as number[];
      rows = Array.from({ length: n }, (_, i) => (data.tensor.values as number[]).slice(i * 3, i * 3 + 3));
    } else {
      return sendJson(res, 400, { status: { status: 'FAILURE', code: -1, info: 'no ndarray or tensor', reason: 'MICROSERVICE_BAD_DATA' } });
    }
    let probs = logisticPredictor(rows);
    if (drop) probs = probs.slice(1);
    const names = ['t:0', 't:1'];
    const meta = { requestPath: { classifier: 'spec-examples' } };
    const out = data.ndarray
      ? { names, ndarray: probs }
      : { names, tensor: { shape: [probs.length, 2], values: probs.flat() } };
    return answer(200, { data: out, meta }, rows);
  });
  return Object.assign(server, { predictionRequests: () => predictions });
}

/** The id (column 0) of the first row of a prediction request, whatever its protocol and layout. */
function firstRowId(protocol: 'v2' | 'v1' | 'seldon', request: Record<string, any>): number {
  const first =
    protocol === 'v2'
      ? (request.inputs?.[0]?.data as unknown[] | undefined)?.flat(Infinity)[0]
      : protocol === 'v1'
        ? request.instances?.[0]?.[0]
        : (request.data?.ndarray?.[0]?.[0] ?? request.data?.tensor?.values?.[0]);
  return typeof first === 'number' ? first : NaN;
}
