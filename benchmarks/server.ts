/**
 * Load test of the explainer server: `glassbox serve` with a saved Adult AnchorTabular in front of
 * `glassbox serve-model adult` (the bundled gradient-boosted trees over the Open Inference Protocol),
 * both as processes on 127.0.0.1, driven by autocannon with 1, 4 and 16 concurrent clients, each client
 * sending its next request when the previous one is answered. Requests cycle through the first 50
 * held-out Adult rows with the default explain options (threshold 0.95, 10,000 coverage samples).
 * The server runs with its defaults (4 explanations at once, 32 waiting): every level is below the
 * bound, so every request must succeed. A last level, 64 clients, is above it and shows the 429s.
 *
 * With `--dataset sentiment` (AnchorText, similarity sampling, the first 50 held-out sentences) or
 * `--dataset mnist` (AnchorImage, the first 20 held-out digits as [28][28][1] arrays), the same in front
 * of `serve-model sentiment` / `serve-model mnist`, at 1, 4 and 16 clients.
 *
 *     npx tsx benchmarks/server.ts [--seconds 10] [--dataset adult|sentiment|mnist] [--json]
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nest } from '../src/counterfactuals/instance.js';
import { loadAdult } from '../src/datasets/adult.js';
import { loadMnist } from '../src/datasets/mnist.js';
import { loadSentiment } from '../src/datasets/sentiment.js';
import { cli } from '../test/cli/run-cli.js';
import { closedPort } from '../test/remote/helpers.js';
import { saveAdultExplainer, startCli, startExplainerServer, stop, waitUntilReady } from '../test/server/helpers.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, dataset: { type: 'string', default: 'adult' }, json: { type: 'boolean', default: false } },
});
const seconds = Number(values.seconds);
const dataset = values.dataset;
if (!['adult', 'sentiment', 'mnist'].includes(dataset)) throw new Error(`--dataset is ${dataset}; expected adult, sentiment or mnist`);

/** The explainer folder and the request bodies for the data set. */
async function explainerAndBodies(): Promise<{ dir: string; bodies: string[] }> {
  if (dataset === 'adult') return { dir: await saveAdultExplainer(), bodies: loadAdult().test.rows.slice(0, 50).map((row) => JSON.stringify({ instances: [row] })) };
  const dir = mkdtempSync(join(tmpdir(), `glassbox-bench-${dataset}-`));
  if (dataset === 'sentiment') {
    await cli('fit', 'sentiment', '--sampling', 'similarity', '--out', dir);
    return { dir, bodies: loadSentiment().test.texts.slice(0, 50).map((text) => JSON.stringify({ instances: [text] })) };
  }
  await cli('fit', 'mnist', '--out', dir);
  const mnist = loadMnist();
  return { dir, bodies: Array.from({ length: 20 }, (_, i) => JSON.stringify({ instances: [nest(mnist.test.image(i), mnist.shape)] })) };
}
const { dir, bodies } = await explainerAndBodies();

const modelPort = await closedPort();
const model = startCli(['serve-model', dataset, '--port', String(modelPort)]);
await model.waitFor(/Serving /);
const { cli: server, url } = await startExplainerServer(
  ['--explainer', dir, '--predictor-url', `http://127.0.0.1:${modelPort}/v2/models/${dataset}/infer`, '--model-name', dataset],
);
await waitUntilReady(url);

async function load(connections: number, duration: number) {
  let next = 0;
  const result = await autocannon({
    url: `${url}/v1/models/${dataset}:explain`,
    connections,
    duration,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
      },
    ],
  });
  return {
    clients: connections,
    requests: result.requests.total,
    ok: result['2xx'],
    rejected429: result.statusCodeStats['429']?.count ?? 0,
    failed: result.non2xx - (result.statusCodeStats['429']?.count ?? 0) + result.errors + result.timeouts,
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

await load(4, 2); // warm-up: JIT, connections, the explainer's coverage sample
const results = [];
for (const clients of dataset === 'adult' ? [1, 4, 16, 64] : [1, 4, 16]) results.push(await load(clients, seconds));
await stop(server);
await stop(model);

if (values.json) console.log(JSON.stringify(results));
else {
  console.log(`glassbox serve (defaults: 4 at once, 32 waiting) in front of serve-model ${dataset}, ${seconds} s per level\n`);
  console.log('| clients | requests | explanations/s | p50 ms | p99 ms | 429 | failed |\n|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.clients} | ${r.requests} | ${r.perSecond.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.rejected429} | ${r.failed} |`);
  }
}
