/**
 * Load test of the explainer server: `glassbox serve` with a saved Adult AnchorTabular in front of
 * `glassbox serve-model adult` (the bundled gradient-boosted trees over the Open Inference Protocol),
 * both as processes on 127.0.0.1, driven by autocannon with 1, 4 and 16 concurrent clients, each client
 * sending its next request when the previous one is answered. Requests cycle through the first 50
 * held-out Adult rows with the default explain options (threshold 0.95, 10,000 coverage samples).
 * The server runs with its defaults (4 explanations at once, 32 waiting): every level is below the
 * bound, so every request must succeed. A last level, 64 clients, is above it and shows the 429s.
 *
 *     npx tsx benchmarks/server.ts [--seconds 10] [--json]
 *
 * With `--dataset sentiment` (AnchorText, similarity sampling, the first 50 held-out sentences) or
 * `--dataset mnist` (AnchorImage, the first 20 held-out digits as [28][28][1] arrays), the same in front
 * of `serve-model sentiment` / `serve-model mnist`, at 1, 4 and 16 clients.
 *
 *     npx tsx benchmarks/server.ts [--seconds 10] [--dataset adult|sentiment|mnist] [--json]
 *
 * With `--soak`, a soak instead (issue 14): clients at the queue's capacity (maxConcurrent + maxQueue
 * = 36) for `--capacity-seconds` (300, five minutes), then at 4x it (144 clients) for
 * `--overload-seconds` (120), reporting goodput, p99, 429s and the server's resident memory (RSS) at
 * the start (after 10 s at capacity, once the heap has grown to its working set) and the end; the RSS
 * at the end must be within 20% of the start.
 *
 *     npx tsx benchmarks/server.ts --soak [--capacity-seconds 300] [--overload-seconds 120] [--json]
 */
import { readFileSync } from 'node:fs';
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
  options: {
    seconds: { type: 'string', default: '10' },
    dataset: { type: 'string', default: 'adult' },
    json: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    'capacity-seconds': { type: 'string', default: '300' },
    'overload-seconds': { type: 'string', default: '120' },
  },
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
    seconds: duration,
    requests: result.requests.total,
    ok: result['2xx'],
    rejected429: result.statusCodeStats['429']?.count ?? 0,
    failed: result.non2xx - (result.statusCodeStats['429']?.count ?? 0) + result.errors + result.timeouts,
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Resident memory of a process in MB, from /proc (Linux). */
function rssMb(pid: number | undefined): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

await load(4, 2); // warm-up: JIT, connections, the explainer's coverage sample

if (values.soak) {
  /** The server's defaults: 4 explanations at once and 32 waiting. */
  const capacity = 4 + 32;
  // The start is the server's working set under this load: V8 grows its heap over the first seconds.
  await load(capacity, 10);
  const rssStart = rssMb(server.child.pid);
  const phases = [
    { name: 'at capacity', ...(await load(capacity, Number(values['capacity-seconds']))) },
    { name: '4x capacity', ...(await load(4 * capacity, Number(values['overload-seconds']))) },
  ];
  await new Promise((resolve) => setTimeout(resolve, 2000)); // let the last answers and timers settle
  const rssEnd = rssMb(server.child.pid);
  await stop(server);
  await stop(model);
  const growth = rssEnd / rssStart - 1;
  if (values.json) console.log(JSON.stringify({ phases, rssStartMb: rssStart, rssEndMb: rssEnd, growth }));
  else {
    console.log(`glassbox serve soak (4 at once, 32 waiting) in front of serve-model adult\n`);
    console.log('| phase | clients | seconds | requests | goodput/s | p99 ms | 429 | failed |\n|---|---|---|---|---|---|---|---|');
    for (const p of phases) console.log(`| ${p.name} | ${p.clients} | ${p.seconds} | ${p.requests} | ${p.perSecond.toFixed(1)} | ${p.p99} | ${p.rejected429} | ${p.failed} |`);
    console.log(`\nserver RSS: ${rssStart.toFixed(0)} MB at the start, ${rssEnd.toFixed(0)} MB at the end (${(100 * growth).toFixed(1)}%; bound +20%)`);
  }
  process.exit(growth <= 0.2 && phases.every((p) => p.failed === 0) ? 0 : 1);
}

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
