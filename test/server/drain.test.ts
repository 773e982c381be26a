import { afterAll, describe, expect, it } from 'vitest';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { loadExplainer } from '../../src/persistence/explainer-dir.js';
import { saveAdultExplainer, startControlledModel, startExplainerServer, stop, waitUntilReady, type CliProcess, type ControlledModel } from './helpers.js';

/**
 * Queueing and shutdown: with one slot and a queue, concurrent requests wait their turn instead of
 * failing; SIGTERM while they run lets every one of them finish, then the process exits 0.
 */

let model: ControlledModel | undefined;
let server: CliProcess | undefined;

afterAll(async () => {
  await stop(server);
  await model?.server.close();
});

describe('glassbox serve: queue and SIGTERM', () => {
  it('queues requests beyond the bound, and on SIGTERM finishes them all, refuses new ones, and exits 0', async () => {
    const [dir, m] = await Promise.all([saveAdultExplainer(), startControlledModel()]);
    model = m;
    let url: string;
    ({ cli: server, url } = await startExplainerServer([
      '--explainer', dir, '--predictor-url', model.inferUrl, '--model-name', 'adult', '--max-concurrent', '1', '--max-queue', '4',
    ]));
    await waitUntilReady(url);
    model.delayMs = 100;

    const adult = loadAdult();
    const rows = [0, 1, 2].map((i) => adult.test.rows[i]);
    const params = { coverageSamples: 500 };
    const answers = rows.map(async (row) => {
      const res = await fetch(`${url}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters: params }) });
      return { status: res.status, text: await res.text() };
    });
    // One explanation runs, two wait for the slot.
    await expect
      .poll(async () => (await (await fetch(`${url}/metrics`)).text()).match(/^glassbox_explanations_(?:in_progress|queued)\{.*\} \d+$/gm))
      .toEqual(['glassbox_explanations_in_progress{model_name="adult"} 1', 'glassbox_explanations_queued{model_name="adult"} 2']);
    server.child.kill('SIGTERM');
    await server.waitFor(/"msg":"draining/);
    // Readiness is off and new requests are refused while draining (or the port is already closed).
    const late = await fetch(`${url}/v2/health/ready`).then((r) => r.status, () => 'refused');
    expect([503, 'refused']).toContain(late);

    const results = await Promise.all(answers);
    const library = await loadExplainer(dir, loadDemoModel('adult-gbt').predictor);
    for (let i = 0; i < rows.length; i++) {
      expect(results[i].status).toBe(200);
      expect(results[i].text).toBe(JSON.stringify(await library.explain(rows[i], params)));
    }
    expect(await server.exited).toBe(0);
    expect(server.logs().filter((l) => l.msg === 'request' && l.url === '/explain' && l.status === 200)).toHaveLength(3);
    expect(server.logs().at(-1)?.msg).toBe('stopped');
  }, 30_000);
});
