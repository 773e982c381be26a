/**
 * Explaining Adult rows through local model endpoints (glassbox's own model servers on 127.0.0.1) against
 * explaining them in-process, with the same seed: the Open Inference Protocol over REST with JSON, over
 * REST with the binary tensor extension, and over gRPC with raw contents, side by side in one run,
 * interleaved row by row so that the load of a shared machine hits every path alike.
 *
 * Beside each remote path, a bare client (plain node:http or grpc-js, no glassbox) replays the requests
 * that path made, one after the other as the explanation made them, encoding and decoding the same
 * tensors: the transport's floor. "floor" is in-process time + bare replay time of that explanation's
 * requests; glassbox's overhead is what remains above it.
 *
 *     npx tsx benchmarks/remote-predictor.ts [--rows 50] [--calls 300]
 */
import http from 'node:http';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { mean, quantile } from 'simple-statistics';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../src/datasets/adult.js';
import { listenGrpcModelServer } from '../src/model-server/grpc.js';
import { createModelServer } from '../src/model-server/server.js';
import { loadDemoModel } from '../src/models/demo-models.js';
import type { Predictor } from '../src/predictors/predictor.js';
import { remotePredictor, type RemotePredictor } from '../src/predictors/remote/remote-predictor.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50' }, calls: { type: 'string', default: '300' } } });
const nRows = Number(values.rows);
const nCalls = Number(values.calls);
const adult = loadAdult();
const demo = loadDemoModel('adult-gbt');
const served = { name: 'adult', predictor: demo.predictor, nFeatures: adult.featureNames.length, classNames: adult.targetNames, port: 0 };
const rest = await createModelServer(served).listen();
const grpcServer = await listenGrpcModelServer(served);
const inferUrl = `${rest.url}/v2/models/adult/infer`;

type Bare = (rows: number[][]) => Promise<unknown>;
interface Path {
  name: string;
  predictor: Predictor<number[]>;
  remote?: RemotePredictor;
  bare?: Bare;
  ms: number[];
  floorMs: number[];
  /** Model calls and HTTP / gRPC requests per explanation. */
  calls: number[];
  requests: number[];
  bytes: number[];
  answers: string[];
}

/** A predictor that records the batches of the current explanation. */
function recording(predictor: Predictor<number[]>) {
  const calls: number[][][] = [];
  const wrapped: Predictor<number[]> = (rows) => {
    calls.push(rows);
    return predictor(rows);
  };
  return { wrapped, calls };
}

// ---- bare clients: what any client of these endpoints must do, without glassbox ----
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function post(body: string | Buffer, headers: Record<string, string>): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(inferUrl, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
const bareJson: Bare = async (rows) => {
  const body = JSON.stringify({ inputs: [{ name: 'input-0', shape: [rows.length, rows[0].length], datatype: 'FP64', data: rows.flat() }] });
  const res = await post(body, { 'Content-Type': 'application/json' });
  return (JSON.parse(res.body.toString('utf8')) as { outputs: [{ data: number[] }] }).outputs[0].data;
};
const bareBinary: Bare = async (rows) => {
  const raw = Buffer.from(Float64Array.from(rows.flat()).buffer);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: 'input-0', shape: [rows.length, rows[0].length], datatype: 'FP64', parameters: { binary_data_size: raw.length } }],
      parameters: { binary_data_output: true },
    }),
  );
  const res = await post(Buffer.concat([header, raw]), { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(header.length) });
  const length = Number(res.headers['inference-header-content-length']);
  JSON.parse(res.body.subarray(0, length).toString('utf8'));
  const out = res.body.subarray(length);
  return new Float64Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length));
};
const proto = await protoLoader.load(fileURLToPath(new URL('../protos/open_inference_grpc.proto', import.meta.url)), { keepCase: true, longs: String, arrays: true });
const Service = (grpc.loadPackageDefinition(proto).inference as grpc.GrpcObject).GRPCInferenceService as grpc.ServiceClientConstructor;
const grpcClient = new Service(`127.0.0.1:${grpcServer.port}`, grpc.credentials.createInsecure());
const bareGrpc: Bare = (rows) =>
  new Promise((resolve, reject) => {
    const request = {
      model_name: 'adult',
      inputs: [{ name: 'input-0', datatype: 'FP64', shape: [rows.length, rows[0].length] }],
      raw_input_contents: [Buffer.from(Float64Array.from(rows.flat()).buffer)],
    };
    grpcClient.ModelInfer(request, (err: grpc.ServiceError | null, res: { raw_output_contents: Buffer[] }) => {
      if (err) return reject(err);
      const out = res.raw_output_contents[0];
      resolve(new Float64Array(out.buffer.slice(out.byteOffset, out.byteOffset + out.length)));
    });
  });

const remotes = {
  json: await remotePredictor(inferUrl),
  binary: await remotePredictor(inferUrl, { binary: true }),
  grpc: await remotePredictor(`${grpcServer.url}/adult`),
};
const paths: Path[] = [
  { name: 'in-process', predictor: demo.predictor },
  { name: 'REST JSON', predictor: remotes.json, remote: remotes.json, bare: bareJson },
  { name: 'REST binary', predictor: remotes.binary, remote: remotes.binary, bare: bareBinary },
  { name: 'gRPC (raw contents)', predictor: remotes.grpc, remote: remotes.grpc, bare: bareGrpc },
].map((p) => ({ ...p, ms: [], floorMs: [], calls: [], requests: [], bytes: [], answers: [] }));

const explainers = await Promise.all(paths.map(async (p) => {
  const rec = recording(p.predictor);
  const explainer = await new AnchorTabular(rec.wrapped, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 }).fit(adult.train.rows);
  return { explainer, calls: rec.calls };
}));
// Warm-up: JIT, connections, the coverage sample.
for (const [i, p] of paths.entries()) {
  await explainers[i].explainer.explain(adult.test.rows[0]);
  for (const rows of explainers[i].calls) await p.bare?.(rows);
}

for (let r = 0; r < nRows; r++) {
  const row = adult.test.rows[r];
  for (const [i, p] of paths.entries()) {
    const { explainer, calls } = explainers[i];
    calls.length = 0;
    const before = p.remote?.stats;
    const t = performance.now();
    const e = await explainer.explain(row);
    p.ms.push(performance.now() - t);
    p.answers.push(JSON.stringify(e));
    p.calls.push(calls.length);
    const after = p.remote?.stats;
    p.requests.push(after && before ? after.requests - before.requests : 0);
    p.bytes.push(after && before ? after.bytesSent + after.bytesReceived - before.bytesSent - before.bytesReceived : 0);
  }
  // The floor: the in-process time of this row plus a bare replay of each path's requests.
  for (const [i, p] of paths.entries()) {
    if (p.bare === undefined) continue;
    const t = performance.now();
    for (const rows of explainers[i].calls) await p.bare(rows);
    p.floorMs.push(paths[0].ms[r] + performance.now() - t);
  }
}

// Per call: the same 200-row batch (one KL-LUCB round's size) through glassbox and through the bare client,
// alternating call by call.
const batch = adult.test.rows.slice(0, 200);
const perCall = paths.slice(1).map((p) => ({ name: p.name, glassbox: [] as number[], bare: [] as number[] }));
for (let k = 0; k < nCalls; k++) {
  for (const [j, p] of paths.slice(1).entries()) {
    let t = performance.now();
    await p.predictor(batch);
    perCall[j].glassbox.push(performance.now() - t);
    t = performance.now();
    await p.bare!(batch);
    perCall[j].bare.push(performance.now() - t);
  }
}

for (const r of Object.values(remotes)) r.close();
grpcClient.close();
agent.destroy();
await Promise.all([rest.close(), grpcServer.close()]);

const local = paths[0];
const same = paths.every((p) => p.answers.every((a, i) => a === local.answers[i]));
const f = (x: number) => x.toFixed(2);
const median = (xs: number[]) => quantile(xs, 0.5);
console.log(`AnchorTabular on ${nRows} held-out Adult rows, adult-gbt, seed 1; identical explanations on every path: ${same}`);
console.log(`${os.cpus()[0].model}, ${os.availableParallelism()} cores, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| path | median ms | mean ms | x in-process (median) | model calls / explanation | requests / explanation | KB / explanation | bare-client floor, median ms | x floor (median) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const p of paths) {
  const floor = p.floorMs.length > 0 ? median(p.floorMs) : undefined;
  console.log(
    `| ${p.name} | ${f(median(p.ms))} | ${f(mean(p.ms))} | ${f(median(p.ms) / median(local.ms))} | ${mean(p.calls).toFixed(2)} | ${p.remote ? mean(p.requests).toFixed(2) : '-'} | ` +
      `${p.remote ? (mean(p.bytes) / 1024).toFixed(1) : '-'} | ${floor === undefined ? '-' : f(floor)} | ${floor === undefined ? '-' : f(median(p.ms) / floor)} |`,
  );
}

console.log(`\nOne call of 200 Adult rows, ${nCalls} times, glassbox and the bare client alternating:\n`);
console.log('| path | glassbox median ms | bare client median ms | x bare (median) |\n|---|---|---|---|');
for (const c of perCall) {
  console.log(`| ${c.name} | ${f(median(c.glassbox))} | ${f(median(c.bare))} | ${f(median(c.glassbox) / median(c.bare))} |`);
}
