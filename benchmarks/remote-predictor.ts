/**
 * Explaining Adult rows through a local model endpoint (glassbox's own model server, over the Open
 * Inference Protocol v2 on 127.0.0.1) against explaining them in-process, with the same seed:
 * HTTP requests per explanation and end-to-end milliseconds.
 *
 *     npx tsx benchmarks/remote-predictor.ts [--rows 50]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { quantile, mean } from 'simple-statistics';
import { AnchorTabular } from '../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../src/datasets/adult.js';
import { createModelServer } from '../src/model-server/server.js';
import { loadDemoModel } from '../src/models/demo-models.js';
import { remotePredictor } from '../src/predictors/remote/remote-predictor.js';
import type { Predictor } from '../src/predictors/predictor.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50' } } });
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

async function run(predictor: Predictor<number[]>, requests: () => number) {
  const explainer = new AnchorTabular(predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 1 }).fit(adult.train.rows);
  await explainer.explain(adult.test.rows[0]); // warm-up
  const ms: number[] = [];
  const perExplanation: number[] = [];
  const answers: string[] = [];
  for (let i = 0; i < nRows; i++) {
    const before = requests();
    const t = performance.now();
    const e = await explainer.explain(adult.test.rows[i]);
    ms.push(performance.now() - t);
    perExplanation.push(requests() - before);
    answers.push(JSON.stringify(e));
  }
  return { medianMs: quantile(ms, 0.5), meanMs: mean(ms), p90Ms: quantile(ms, 0.9), requests: mean(perExplanation), answers };
}

const local = await run(demo.predictor, () => 0);
const viaHttp = await run(remote, () => remote.stats.requests);
remote.close();
await server.close();
const same = local.answers.every((a, i) => a === viaHttp.answers[i]);
const f = (x: number) => x.toFixed(1);
console.log(`AnchorTabular on ${nRows} held-out Adult rows, adult-gbt, seed 1; identical explanations: ${same}`);
console.log(`${os.cpus()[0].model}, ${os.availableParallelism()} cores, Node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`HTTP / in-process: median ${(viaHttp.medianMs / local.medianMs).toFixed(2)}x, mean ${(viaHttp.meanMs / local.meanMs).toFixed(2)}x\n`);
console.log('| path | median ms | mean ms | p90 ms | HTTP requests per explanation (mean) |\n|---|---|---|---|---|');
console.log(`| in-process | ${f(local.medianMs)} | ${f(local.meanMs)} | ${f(local.p90Ms)} | 0 |`);
console.log(`| v2 over HTTP (127.0.0.1) | ${f(viaHttp.medianMs)} | ${f(viaHttp.meanMs)} | ${f(viaHttp.p90Ms)} | ${f(viaHttp.requests)} |`);
