/**
 * Explaining through a local model endpoint (glassbox's own model server, over the Open Inference
 * Protocol v2 on 127.0.0.1) against explaining in-process, with the same seed: Adult rows
 * (AnchorTabular), sentiment sentences (AnchorText, similarity sampling, BYTES input) and MNIST digits
 * (AnchorImage, FP32 [N, 28, 28, 1]): HTTP requests and bytes per explanation and end-to-end milliseconds.
 *
 * (The transports side by side, REST JSON, binary and gRPC, are in remote-predictor.ts.)
 *
 *     npx tsx benchmarks/remote-instances.ts [--rows 50] [--texts 50] [--digits 20]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { quantile, mean } from 'simple-statistics';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../src/datasets/adult.js';
import { createModelServer } from '../src/model-server/server.js';
import { loadDemoModel } from '../src/models/demo-models.js';
import { remotePredictor, type RemotePredictor } from '../src/predictors/remote/remote-predictor.js';
import type { Predictor } from '../src/predictors/predictor.js';
import { AnchorImage } from '../src/anchors/image/anchor-image.js';
import { AnchorText } from '../src/anchors/text/anchor-text.js';
import { servedBundledModel } from '../src/cli/commands/serve-model.js';
import { loadGloVe } from '../src/datasets/glove.js';
import { loadMnist } from '../src/datasets/mnist.js';
import { loadSentiment } from '../src/datasets/sentiment.js';
import type { Image } from '../src/image/image.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '50' }, texts: { type: 'string', default: '50' }, digits: { type: 'string', default: '20' } },
});
const nRows = Number(values.rows);
const adult = loadAdult();
const demo = loadDemoModel('adult-gbt');
const server = await createModelServer({
  name: 'adult',
  predictor: demo.predictor,
  nFeatures: adult.featureNames.length,
  featureNames: adult.featureNames,
  classNames: adult.targetNames,
  port: 0,
}).listen();
const remote = await remotePredictor(`${server.url}/v2/models/adult/infer`);

/** Explains instances 0..n-1 (after one warm-up) and measures each, with the remote traffic per explanation. */
async function run(explain: (i: number) => Promise<unknown>, n: number, traffic: () => { requests: number; bytes: number }) {
  await explain(0); // warm-up
  const ms: number[] = [];
  const requests: number[] = [];
  const bytes: number[] = [];
  const answers: string[] = [];
  for (let i = 0; i < n; i++) {
    const before = traffic();
    const t = performance.now();
    const e = await explain(i);
    ms.push(performance.now() - t);
    const after = traffic();
    requests.push(after.requests - before.requests);
    bytes.push(after.bytes - before.bytes);
    answers.push(JSON.stringify(e));
  }
  return { medianMs: quantile(ms, 0.5), meanMs: mean(ms), p90Ms: quantile(ms, 0.9), requests: mean(requests), bytes: mean(bytes), answers };
}

const none = () => ({ requests: 0, bytes: 0 });
const trafficOf = (p: RemotePredictor) => () => ({ requests: p.stats.requests, bytes: p.stats.bytesSent + p.stats.bytesReceived });
const tabular = async (predictor: Predictor<number[]>) => {
  const explainer = await new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 }).fit(adult.train.rows);
  return (i: number) => explainer.explain(adult.test.rows[i]);
};
const rows = [
  { what: `AnchorTabular, ${nRows} Adult rows (adult-gbt)`, local: await run(await tabular(demo.predictor), nRows, none), viaHttp: await run(await tabular(remote), nRows, trafficOf(remote)) },
];
remote.close();
await server.close();

// Texts: the bundled sentiment model over v2 BYTES, similarity sampling.
const nTexts = Number(values.texts);
const text = await servedBundledModel('sentiment');
const textServer = await createModelServer({ ...text.options, port: 0 }).listen();
const textRemote = await remotePredictor(`${textServer.url}/v2/models/sentiment/infer`);
const sentences = loadSentiment().test.texts;
const anchorText = (predictor: Predictor<string>) => {
  const explainer = new AnchorText(predictor, { sampling: 'similarity', embeddings: loadGloVe(), seed: 1 });
  return (i: number) => explainer.explain(sentences[i]);
};
rows.push({
  what: `AnchorText, ${nTexts} sentences (similarity sampling)`,
  local: await run(anchorText(text.options.predictor), nTexts, none),
  viaHttp: await run(anchorText(textRemote), nTexts, trafficOf(textRemote)),
});
textRemote.close();
await textServer.close();

// Images: the bundled MNIST CNN over v2 FP32 [N, 28, 28, 1].
const nDigits = Number(values.digits);
const image = await servedBundledModel('mnist');
const imageServer = await createModelServer({ ...image.options, port: 0 }).listen();
const imageRemote = await remotePredictor(`${imageServer.url}/v2/models/mnist/infer`, { shape: [28, 28, 1] });
const mnist = loadMnist();
const anchorImage = (predictor: Predictor<Image>) => {
  const explainer = new AnchorImage(predictor, { shape: mnist.shape, seed: 1 });
  return (i: number) => explainer.explain(mnist.test.image(i));
};
rows.push({
  what: `AnchorImage, ${nDigits} MNIST digits (mnist-cnn)`,
  local: await run(anchorImage((images) => image.options.predictor(images.map((im) => im.data))), nDigits, none),
  viaHttp: await run(anchorImage(imageRemote), nDigits, trafficOf(imageRemote)),
});
imageRemote.close();
await imageServer.close();
image.dispose();

const f = (x: number) => x.toFixed(1);
console.log('Seed 1; in-process and over HTTP must give identical explanations');
console.log(`${os.cpus()[0].model}, ${os.availableParallelism()} cores, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
console.log('| explanations | identical | in-process median ms | v2 over HTTP median ms | HTTP / in-process (median, mean) | requests per explanation | KiB per explanation |');
console.log('|---|---|---|---|---|---|---|');
for (const { what, local, viaHttp } of rows) {
  const same = local.answers.every((a, i) => a === viaHttp.answers[i]);
  console.log(
    `| ${what} | ${same} | ${f(local.medianMs)} | ${f(viaHttp.medianMs)} | ${(viaHttp.medianMs / local.medianMs).toFixed(2)}x, ` +
      `${(viaHttp.meanMs / local.meanMs).toFixed(2)}x | ${f(viaHttp.requests)} | ${f(viaHttp.bytes / 1024)} |`,
  );
}
