import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { createModelServer } from '../../src/model-server/server.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { RemoteModelError } from '../../src/predictors/remote/errors.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { countAnswered, logisticPredictor, makeRows, sendJson, startServer, type TestServer } from './helpers.js';

/**
 * The Open Inference Protocol's binary tensor data extension over REST (Triton's
 * extension_binary_data.md, KServe): a test server written from that description, and the glassbox model
 * server, each spoken to with `binary: true` and `'auto'`.
 */

type Fault = 'json-answer' | 'truncated' | 'bad-header-length';

interface Seen {
  contentType: string | undefined;
  headerLength: string | undefined;
  json: Record<string, unknown>;
}

let server: TestServer;
const seen: Seen[] = [];
const faults: Fault[] = [];
let extensions: string[] = ['binary_tensor_data'];

/** The spec server: FP64 inputs `[n, 3]` in binary or JSON; probabilities answered in binary when asked. */
const handler = (req: http.IncomingMessage, text: string, res: http.ServerResponse, counters: TestServer['counters'], bytes: Buffer) => {
  if (req.method === 'GET' && req.url === '/v2') return sendJson(res, 200, { name: 'spec', version: '1', extensions });
  if (req.method === 'GET') {
    return sendJson(res, 200, { name: 'm', platform: 't', inputs: [{ name: 'x', datatype: 'FP64', shape: [-1, 3] }], outputs: [{ name: 'p', datatype: 'FP64', shape: [-1, 2] }] });
  }
  const declared = req.headers['inference-header-content-length'] as string | undefined;
  const headerLength = declared === undefined ? bytes.length : Number(declared);
  const json = JSON.parse(bytes.subarray(0, headerLength).toString('utf8')) as Record<string, any>;
  seen.push({ contentType: req.headers['content-type'], headerLength: declared, json });
  const input = json.inputs[0];
  const [n, width] = input.shape as number[];
  let values: number[];
  if (input.parameters?.binary_data_size !== undefined) {
    const raw = bytes.subarray(headerLength, headerLength + input.parameters.binary_data_size);
    values = Array.from({ length: raw.length / 8 }, (_, i) => raw.readDoubleLE(i * 8));
  } else values = input.data;
  const rows = Array.from({ length: n }, (_, i) => values.slice(i * width, (i + 1) * width));
  countAnswered(counters, rows);
  const probs = logisticPredictor(rows).flat();
  const fault = faults.shift();
  if (json.parameters?.binary_data_output !== true || fault === 'json-answer') {
    return sendJson(res, 200, { model_name: 'm', outputs: [{ name: 'p', datatype: 'FP64', shape: [n, 2], data: probs }] });
  }
  let raw = Buffer.alloc(probs.length * 8);
  probs.forEach((v, i) => raw.writeDoubleLE(v, i * 8));
  const size = raw.length;
  if (fault === 'truncated') raw = raw.subarray(0, raw.length - 8);
  const header = Buffer.from(JSON.stringify({ model_name: 'm', outputs: [{ name: 'p', datatype: 'FP64', shape: [n, 2], parameters: { binary_data_size: size } }] }));
  res.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Inference-Header-Content-Length': fault === 'bad-header-length' ? String(header.length + raw.length + 10) : String(header.length),
  });
  res.end(Buffer.concat([header, raw]));
  void text;
};

beforeAll(async () => {
  server = await startServer(handler);
});
afterAll(async () => server?.close());

describe('remotePredictor with the REST binary tensor extension', () => {
  it('sends and reads raw tensors with binary: true, in row order over batches', async () => {
    seen.length = 0;
    const rows = makeRows(23);
    const predict = await remotePredictor(`${server.url}/v2/models/m/infer`, { binary: true, maxBatchSize: 10 });
    expect(await predict(rows)).toEqual(logisticPredictor(rows));
    expect(seen.map((s) => s.json.inputs)).toEqual([10, 10, 3].map((n) => [{ name: 'x', shape: [n, 3], datatype: 'FP64', parameters: { binary_data_size: n * 24 } }]));
    expect(seen[0]).toMatchObject({ contentType: 'application/octet-stream', json: { parameters: { binary_data_output: true } } });
    expect(Number(seen[0].headerLength)).toBeGreaterThan(50);
    predict.close();

    // The same rows as JSON take more bytes both ways.
    const json = await remotePredictor(`${server.url}/v2/models/m/infer`, { maxBatchSize: 10 });
    await json(rows);
    expect(seen.at(-1)!.headerLength).toBeUndefined();
    expect(predict.stats.bytesReceived).toBeLessThan(json.stats.bytesReceived);
    json.close();
  });

  it("chooses binary with 'auto' only when the server metadata lists binary_tensor_data", async () => {
    seen.length = 0;
    const url = `${server.url}/v2/models/m/infer`;
    const auto = await remotePredictor(url, { binary: 'auto' });
    await auto([[1, 2, 3]]);
    expect(seen.at(-1)!.contentType).toBe('application/octet-stream');
    extensions = [];
    const plain = await remotePredictor(url, { binary: 'auto' });
    await plain([[1, 2, 3]]);
    expect(seen.at(-1)!.contentType).toBe('application/json');
    extensions = ['binary_tensor_data'];
    auto.close();
    plain.close();
  });

  it('reads a JSON answer to a binary request, and refuses truncated or mislabelled binary answers', async () => {
    const predict = await remotePredictor(`${server.url}/v2/models/m/infer`, { binary: true, retries: 0 });
    faults.push('json-answer');
    expect(await predict(makeRows(4))).toEqual(logisticPredictor(makeRows(4)));
    faults.push('truncated');
    const truncated = await predict(makeRows(4)).catch((e: unknown) => e);
    expect(truncated).toBeInstanceOf(RemoteModelError);
    expect(truncated).toMatchObject({ kind: 'bad-response' });
    expect((truncated as Error).message).toMatch(/v2 output "p" says binary_data_size 64 at byte 0, but only 56 bytes follow the JSON header/);
    faults.push('bad-header-length');
    const header = await predict(makeRows(4)).catch((e: unknown) => e);
    expect((header as Error).message).toMatch(/Inference-Header-Content-Length "\d+" for a body of \d+ bytes; expected the length of its JSON header/);
    predict.close();
  });

  it('reads at most maxResponseBytes of a binary answer: a larger one is response-too-large, not retried', async () => {
    const before = server.counters.requests;
    // 20 rows answer a JSON header and 320 bytes of FP64 probabilities; the metadata is skipped.
    const predict = await remotePredictor(`${server.url}/v2/models/m/infer`, { binary: true, inputName: 'x', inputDatatype: 'FP64', maxResponseBytes: 300, retries: 3 });
    const err = (await predict(makeRows(20)).catch((e: unknown) => e)) as RemoteModelError;
    expect(err).toBeInstanceOf(RemoteModelError);
    expect(err.kind).toBe('response-too-large');
    expect(err.message).toMatch(/answered more than 300 bytes \(maxResponseBytes\)/);
    expect(server.counters.requests - before).toBe(1);
    expect(await predict(makeRows(1))).toEqual(logisticPredictor(makeRows(1)));
    predict.close();
  });

  it('explains through glassbox serve-model in binary exactly as in-process', async () => {
    const adult = loadAdult();
    const { predictor } = loadDemoModel('adult-gbt');
    const model = await createModelServer({ name: 'adult', nFeatures: adult.featureNames.length, port: 0, predictor }).listen();
    try {
      const explain = async (p: typeof predictor) =>
        JSON.stringify(
          await (await new AnchorTabular(p, adult.featureNames, { categoryMap: adult.categoryMap, seed: 4 }).fit(adult.train.rows)).explain(adult.test.rows[7], { coverageSamples: 500 }),
        );
      const binary = await remotePredictor(`${model.url}/v2/models/adult/infer`, { binary: 'auto' });
      expect(await explain(binary)).toBe(await explain(predictor));
      const json = await remotePredictor(`${model.url}/v2/models/adult/infer`);
      await explain(json);
      // Probabilities are 8 bytes each instead of about 20 characters of JSON (the rows, small integers
      // as FP64, are larger in binary).
      expect(binary.stats.bytesReceived).toBeLessThan(0.6 * json.stats.bytesReceived);
      binary.close();
      json.close();
    } finally {
      await model.close();
    }
  }, 30_000);
});
