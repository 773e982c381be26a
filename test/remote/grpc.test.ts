import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { listenGrpcModelServer } from '../../src/model-server/grpc.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { loadExplainer, saveExplainer } from '../../src/persistence/explainer-dir.js';
import { RemoteModelError } from '../../src/predictors/remote/errors.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { loadServableExplainer } from '../../src/server/servable-explainer.js';
import { createExplainerServer } from '../../src/server/server.js';
import { startGrpcSpecServer, type GrpcSpecServer } from './grpc-spec-server.js';
import { closedPort, logisticPredictor, makeRows, sleep } from './helpers.js';

/**
 * remotePredictor over the Open Inference Protocol's gRPC binding, against a test server written from
 * the proto (./grpc-spec-server.ts): raw and typed contents, faults retried or reported, rows never lost,
 * duplicated or reordered, concurrency, metadata; the glassbox gRPC model server and explainer server.
 */

const FAST = { backoffBaseMs: 1, backoffMaxMs: 5, random: () => 0.5 };
const EXPLAIN = { coverageSamples: 500 };

let spec: GrpcSpecServer;
beforeAll(async () => {
  spec = await startGrpcSpecServer({ model: 'logistic', nFeatures: 3, predict: logisticPredictor });
});
afterAll(async () => spec?.close());

function reset() {
  spec.faults.length = 0;
  spec.metadata.length = 0;
  spec.rawRequests.length = 0;
  spec.calls.length = 0;
  Object.assign(spec.counters, { requests: 0, inFlight: 0, maxInFlight: 0, batchSizes: [] });
  spec.counters.answered.clear();
}

describe('remotePredictor over gRPC', () => {
  it('predicts in row order over raw contents by default and typed contents with binary: false', async () => {
    reset();
    const rows = makeRows(25);
    const raw = await remotePredictor(spec.url, { maxBatchSize: 7 });
    expect(await raw(rows)).toEqual(logisticPredictor(rows));
    expect(spec.calls.slice(0, 2)).toEqual(['ModelMetadata', 'ModelReady']);
    expect(spec.counters.batchSizes).toEqual([7, 7, 7, 4]);
    expect(spec.rawRequests).toEqual([true, true, true, true]);
    expect(raw.url).toBe(spec.url);
    expect(raw.protocol).toBe('v2');
    expect(raw.modelInput).toEqual({ name: 'features', datatype: 'FP64', dims: [3], layout: undefined });
    const stats = raw.stats;
    expect(stats).toMatchObject({ calls: 1, requests: 6, retries: 0, failures: 0, rows: 25 });
    // 25 rows × 3 FP64 values go out as 600 bytes of raw contents, plus names and shapes.
    expect(stats.bytesSent).toBeGreaterThan(600);
    expect(stats.bytesSent).toBeLessThan(900);
    raw.close();

    const typed = await remotePredictor(spec.url, { binary: false });
    expect(await typed(rows)).toEqual(logisticPredictor(rows));
    expect(spec.rawRequests.at(-1)).toBe(false);
    typed.close();
  });

  it('sends headers and metadata as call metadata, and each call its own headers', async () => {
    reset();
    const predict = await remotePredictor(spec.url, { headers: { Authorization: 'Bearer t' }, metadata: { tenant: 'a' } });
    await predict(makeRows(2), { headers: { 'X-Request-Id': 'r-1' } });
    expect(spec.metadata.at(-1)).toMatchObject({ authorization: 'Bearer t', tenant: 'a', 'x-request-id': 'r-1' });
    expect(spec.metadata.at(-1)!['user-agent']).toMatch(/^glassbox\//);
    predict.close();
  });

  it('retries UNAVAILABLE, RESOURCE_EXHAUSTED and deadline overruns, losing and duplicating no row', async () => {
    reset();
    const rows = makeRows(40);
    const predict = await remotePredictor(spec.url, { ...FAST, maxBatchSize: 10, concurrency: 1, timeoutMs: 500 });
    spec.faults.push(
      { kind: 'status', code: grpc.status.UNAVAILABLE },
      { kind: 'status', code: grpc.status.RESOURCE_EXHAUSTED },
      { kind: 'slow', ms: 700 },
    );
    expect(await predict(rows)).toEqual(logisticPredictor(rows));
    expect(predict.stats).toMatchObject({ retries: 3, failures: 3, rows: 40 });
    // The slow attempt answers its rows after the client gave up on it: only those rows twice.
    await sleep(500);
    const twice = [...spec.counters.answered].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(spec.counters.answered.size).toBe(40);
    predict.close();
  });

  it('reports INVALID_ARGUMENT at once, and faults that outlast the retries, as RemoteModelErrors', async () => {
    reset();
    const predict = await remotePredictor(spec.url, { ...FAST, retries: 2 });
    spec.faults.push({ kind: 'status', code: grpc.status.INVALID_ARGUMENT, details: 'bad tensor' });
    const invalid = await predict(makeRows(3)).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(RemoteModelError);
    expect(invalid).toMatchObject({ kind: 'grpc-status', status: 3, attempts: 1 });
    expect((invalid as Error).message).toMatch(/failed with gRPC status 3 INVALID_ARGUMENT after 1 attempt \(not retried.*the server said: "bad tensor"/);

    spec.faults.push(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, code: grpc.status.UNAVAILABLE })));
    const down = await predict(makeRows(3)).catch((e: unknown) => e);
    expect(down).toMatchObject({ kind: 'network', status: 14, attempts: 3 });
    expect((down as Error).message).toMatch(/UNAVAILABLE after 3 attempts \(UNAVAILABLE is retried; gave up after 2 retries/);
    predict.close();

    const closed = await remotePredictor(`grpc://127.0.0.1:${await closedPort()}/m`, { ...FAST, retries: 1 }).catch((e: unknown) => e);
    expect(closed).toMatchObject({ kind: 'network', attempts: 2 });
    expect((closed as Error).message).toMatch(/^model metadata request \(ModelMetadata\) to grpc:\/\/127\.0\.0\.1:\d+\/m failed with gRPC status 14 UNAVAILABLE/);
  });

  it('refuses wrong shapes and truncated raw contents as bad responses, returning nothing', async () => {
    reset();
    const predict = await remotePredictor(spec.url, { ...FAST, maxBatchSize: 5 });
    spec.faults.push({ kind: 'wrong-shape' });
    const shape = await predict(makeRows(5)).catch((e: unknown) => e);
    expect(shape).toMatchObject({ kind: 'bad-response', attempts: 1 });
    expect((shape as Error).message).toMatch(/has 80 bytes of raw contents; its shape and datatype FP64 call for 12 × 8 = 96 bytes/);

    spec.faults.push({ kind: 'truncated' });
    const truncated = await predict(makeRows(5)).catch((e: unknown) => e);
    expect((truncated as Error).message).toMatch(/gRPC output "probabilities" has 77 bytes of raw contents; .* 80 bytes/);

    // A typed answer to a raw request is read too.
    spec.faults.push({ kind: 'typed-answer' });
    expect(await predict(makeRows(5))).toEqual(logisticPredictor(makeRows(5)));
    predict.close();
  });

  it('keeps at most `concurrency` calls in flight over concurrent predictor calls', async () => {
    const slow = await startGrpcSpecServer({ model: 'logistic', nFeatures: 3, predict: logisticPredictor, delayMs: 20 });
    try {
      const predict = await remotePredictor(slow.url, { maxBatchSize: 10, concurrency: 3 });
      const a = makeRows(100);
      const b = makeRows(60).map((r) => [r[0] + 1000, r[1], r[2]]);
      const [pa, pb] = await Promise.all([predict(a), predict(b)]);
      expect(pa).toEqual(logisticPredictor(a));
      expect(pb).toEqual(logisticPredictor(b));
      expect(slow.counters.maxInFlight).toBe(3);
      expect(slow.counters.answered.size).toBe(160);
      expect([...slow.counters.answered.values()].every((n) => n === 1)).toBe(true);
      predict.close();
    } finally {
      await slow.close();
    }
  });

  it('sends credentials in the URL as authorization metadata and never shows them', async () => {
    reset();
    const withCredentials = spec.url.replace('grpc://', 'grpc://user:pa%40ss@');
    const predict = await remotePredictor(withCredentials);
    await predict(makeRows(2));
    expect(spec.metadata.at(-1)!.authorization).toBe(`Basic ${Buffer.from('user:pa@ss').toString('base64')}`);
    expect(predict.url).toBe(spec.url);
    predict.close();
    // An explicit header wins over the URL's credentials.
    const explicit = await remotePredictor(withCredentials, { headers: { Authorization: 'Bearer t' } });
    await explicit(makeRows(1));
    expect(spec.metadata.at(-1)!.authorization).toBe('Bearer t');
    explicit.close();
    const err = (await remotePredictor('grpc://user:secret@127.0.0.1/m').catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/has no port/);
    expect(err.message).not.toContain('secret');
  });

  it('reads at most maxResponseBytes per answer (the channel receive limit): a larger one is response-too-large, not retried', async () => {
    reset();
    // 20 rows answer 320 bytes of raw FP64 probabilities, plus names and shapes; the metadata is skipped.
    const predict = await remotePredictor(spec.url, { inputName: 'features', inputDatatype: 'FP64', maxResponseBytes: 300, retries: 3, ...FAST });
    const err = (await predict(makeRows(20)).catch((e: unknown) => e)) as RemoteModelError;
    expect(err).toBeInstanceOf(RemoteModelError);
    expect(err.kind).toBe('response-too-large');
    expect(err.message).toMatch(/answered more than 300 bytes \(maxResponseBytes\); the answer was cut off unread and not retried/);
    expect(spec.counters.requests).toBe(1);
    expect(await predict(makeRows(2))).toEqual(logisticPredictor(makeRows(2)));
    predict.close();
  });

  it('names bad URLs and options', async () => {
    await expect(remotePredictor('grpc://127.0.0.1/m')).rejects.toThrow(/has no port; expected grpc:\/\/host:port\/MODEL\[\/VERSION\]/);
    await expect(remotePredictor('grpc://127.0.0.1:1/')).rejects.toThrow(InvalidInputError);
    await expect(remotePredictor('grpc://127.0.0.1:1/m', { protocol: 'seldon' })).rejects.toThrow(/speaks the Open Inference Protocol \(v2\) only/);
    await expect(remotePredictor('grpc://127.0.0.1:1/m', { metadata: { Bad: 'x' } })).rejects.toThrow(/not a gRPC ASCII metadata name/);
    await expect(remotePredictor(spec.url, { headers: { 'X!y': 'v' } })).rejects.toThrow(/metadata name "x!y" is not a gRPC ASCII metadata name/);
    await expect(remotePredictor('http://127.0.0.1:1/v2/models/m/infer', { tls: true })).rejects.toThrow(/tls applies to grpc:\/\/ URLs only/);
    await expect(remotePredictor('http://127.0.0.1:1/v1/models/m:predict', { binary: true })).rejects.toThrow(/binary applies to the v2 protocol only/);
  });

  it('speaks TLS with grpcs:// and a trusted certificate, and refuses an untrusted one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-tls-'));
    const made = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    expect(made.status).toBe(0);
    const cert = readFileSync(join(dir, 'cert.pem'));
    const secure = await startGrpcSpecServer({ model: 'logistic', nFeatures: 3, predict: logisticPredictor, tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
    try {
      expect(secure.url).toMatch(/^grpcs:\/\//);
      const predict = await remotePredictor(secure.url, { tls: { ca: cert }, metadata: { authorization: 'Bearer s' } });
      expect(await predict(makeRows(5))).toEqual(logisticPredictor(makeRows(5)));
      expect(secure.metadata.at(-1)).toMatchObject({ authorization: 'Bearer s' });
      predict.close();
      // The system's roots do not trust a self-signed certificate.
      const untrusted = await remotePredictor(secure.url, { ...FAST, retries: 0 }).catch((e: unknown) => e);
      expect(untrusted).toBeInstanceOf(RemoteModelError);
      expect(untrusted).toMatchObject({ kind: 'network', status: 14 });
    } finally {
      await secure.close();
    }
  });

  it('is not loaded by importing glassbox', () => {
    const script =
      "import './src/index.ts'; import { createRequire } from 'node:module'; " +
      "console.log(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@grpc')).length)";
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: join(import.meta.dirname, '../..'), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
  });
});

describe('glassbox serve-model over gRPC', () => {
  it('answers the six RPCs of the proto, raw for raw and typed for typed, with gRPC status codes for mistakes', async () => {
    const server = await listenGrpcModelServer({ name: 'm', nFeatures: 3, port: 0, version: '2', classNames: ['no', 'yes'], predictor: logisticPredictor });
    const pkg = await protoLoader.load(join(import.meta.dirname, '../../protos/open_inference_grpc.proto'), { keepCase: true, longs: Number, defaults: true, arrays: true });
    const Service = (grpc.loadPackageDefinition(pkg).inference as grpc.GrpcObject).GRPCInferenceService as grpc.ServiceClientConstructor;
    const client = new Service(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const call = (method: string, request: object) =>
      new Promise<any>((resolve, reject) => client[method](request, (err: grpc.ServiceError | null, res: unknown) => (err ? reject(err) : resolve(res))));
    try {
      expect(await call('ServerLive', {})).toEqual({ live: true });
      expect(await call('ServerReady', {})).toEqual({ ready: true });
      expect(await call('ModelReady', { name: 'm', version: '2' })).toEqual({ ready: true });
      expect(await call('ServerMetadata', {})).toMatchObject({ name: 'glassbox' });
      expect(await call('ModelMetadata', { name: 'm' })).toMatchObject({
        name: 'm',
        versions: ['2'],
        inputs: [{ name: 'input-0', datatype: 'FP64', shape: [-1, 3] }],
        outputs: [{ name: 'predict_proba', datatype: 'FP64', shape: [-1, 2] }, { name: 'predict', datatype: 'INT64', shape: [-1, 1] }],
      });
      await expect(call('ModelReady', { name: 'other' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
      await expect(call('ModelMetadata', { name: 'm', version: '9' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });

      const rows = makeRows(2);
      const raw = Buffer.alloc(48);
      rows.flat().forEach((v, i) => raw.writeDoubleLE(v, i * 8));
      const rawAnswer = await call('ModelInfer', {
        model_name: 'm',
        id: 'r1',
        inputs: [{ name: 'input-0', datatype: 'FP64', shape: [2, 3] }],
        outputs: [{ name: 'predict' }, { name: 'predict_proba' }],
        raw_input_contents: [raw],
      });
      expect(rawAnswer).toMatchObject({ model_name: 'm', model_version: '2', id: 'r1', outputs: [{ name: 'predict', datatype: 'INT64', shape: [2, 1] }, { name: 'predict_proba', shape: [2, 2] }] });
      const labels = rawAnswer.raw_output_contents[0] as Buffer;
      expect([Number(labels.readBigInt64LE(0)), Number(labels.readBigInt64LE(8))]).toEqual(rows.map((r) => (logisticPredictor([r])[0][1] > 0.5 ? 1 : 0)));
      const probs = rawAnswer.raw_output_contents[1] as Buffer;
      expect(probs.readDoubleLE(8)).toBe(logisticPredictor(rows)[0][1]);

      const typed = await call('ModelInfer', { model_name: 'm', inputs: [{ name: 'input-0', datatype: 'FP64', shape: [2, 3], contents: { fp64_contents: rows.flat() } }] });
      expect(typed.raw_output_contents).toEqual([]);
      expect(typed.outputs[0].contents.fp64_contents).toEqual(logisticPredictor(rows).flat());

      await expect(
        call('ModelInfer', { model_name: 'm', inputs: [{ name: 'input-0', datatype: 'FP64', shape: [2, 2], contents: { fp64_contents: [1, 2, 3, 4] } }] }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('expects 3 features per row') });
      await expect(
        call('ModelInfer', { model_name: 'm', inputs: [{ name: 'input-0', datatype: 'FP64', shape: [2, 3] }], raw_input_contents: [raw.subarray(0, 40)] }),
      ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('has 40 bytes of raw contents') });
      await expect(call('ModelInfer', { model_name: 'x', inputs: [] })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('explanations over gRPC', () => {
  it('are identical to in-process through injected faults, from the test server and from glassbox serve-model', async () => {
    const adult = loadAdult();
    const { predictor } = loadDemoModel('adult-gbt');
    const explain = async (p: typeof predictor) =>
      JSON.stringify(
        await (await new AnchorTabular(p, adult.featureNames, { categoryMap: adult.categoryMap, seed: 5 }).fit(adult.train.rows)).explain(adult.test.rows[3], EXPLAIN),
      );
    const local = await explain(predictor);

    const faulty = await startGrpcSpecServer({ model: 'adult', nFeatures: adult.featureNames.length, predict: async (rows) => (await predictor(rows)) as number[][] });
    const ours = await listenGrpcModelServer({ name: 'adult', nFeatures: adult.featureNames.length, port: 0, predictor });
    try {
      faulty.faults.push({ kind: 'status', code: grpc.status.UNAVAILABLE }, { kind: 'slow', ms: 1000 }, { kind: 'status', code: grpc.status.RESOURCE_EXHAUSTED });
      const viaSpec = await remotePredictor(faulty.url, { ...FAST, timeoutMs: 500 });
      expect(await explain(viaSpec)).toBe(local);
      // The three faults at least (a loaded machine may overrun a deadline more).
      expect(viaSpec.stats.retries).toBeGreaterThanOrEqual(3);
      viaSpec.close();

      const viaOurs = await remotePredictor(`${ours.url}/adult`);
      expect(await explain(viaOurs)).toBe(local);
      viaOurs.close();
      const typed = await remotePredictor(`${ours.url}/adult`, { binary: false });
      expect(await explain(typed)).toBe(local);
      typed.close();
    } finally {
      await Promise.all([faulty.close(), ours.close()]);
    }
  }, 30_000);

  it('are served by glassbox serve over REST in front of a gRPC model, as the library gives them', async () => {
    const adult = loadAdult();
    const { predictor } = loadDemoModel('adult-gbt');
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-grpc-'));
    await saveExplainer(await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 3 }).fit(adult.train.rows), dir);
    const model = await listenGrpcModelServer({ name: 'adult', nFeatures: adult.featureNames.length, port: 0, predictor });
    const server = await createExplainerServer({
      modelName: 'adult',
      predictorUrl: `${model.url}/adult`,
      port: 0,
      logStream: { write: () => true } as unknown as NodeJS.WritableStream,
      explainer: (p) => loadServableExplainer(dir, p),
    }).listen();
    try {
      await server.ready;
      const row = adult.test.rows[0];
      const expected = JSON.stringify(await (await loadExplainer(dir, predictor)).explain(row, EXPLAIN));
      const res = await fetch(`${server.url}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters: EXPLAIN }) });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(expected);
    } finally {
      await server.close();
      await model.close();
    }
  }, 30_000);
});
