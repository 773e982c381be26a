import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { redactUrl, redactUrls, splitUrlCredentials } from '../../src/predictors/remote/credentials.js';
import { closedPort, sendJson, sleep, startServer, type TestServer } from '../remote/helpers.js';
import { saveAdultExplainer, startCli, startExplainerServer, stop, waitUntilReady, type CliProcess } from '../server/helpers.js';

/**
 * Issue 14, items 6 to 8: credentials in the model URL never leave (logs, health, errors) and go to the
 * model as an Authorization header; an empty token is a start-up error; start-up failures are one line
 * and exit 1 before anything says "listening"; SIGTERM drains as promised (running 200, new 503 with
 * Retry-After, exit 0).
 */

const PASSWORD = 's3cret-pw';
const adult = loadAdult();
const row = adult.test.rows[0];
let dir: string;
/** An Open Inference Protocol model (node:http, from the spec) that wants Basic credentials and can be slowed. */
let model: TestServer;
let modelDelayMs = 0;
const seenAuthorization: Array<string | undefined> = [];

beforeAll(async () => {
  dir = await saveAdultExplainer();
  const { predictor } = loadDemoModel('adult-gbt');
  model = await startServer(async (req, body, res) => {
    seenAuthorization.push(req.headers.authorization);
    if (req.headers.authorization !== `Basic ${Buffer.from(`user:${PASSWORD}`).toString('base64')}`) return void sendJson(res, 401, { error: 'who are you?' });
    if (req.method === 'GET' && req.url?.endsWith('/ready')) return void sendJson(res, 200, {});
    if (req.method === 'GET') return void sendJson(res, 200, { name: 'adult', platform: 'x', inputs: [{ name: 'x', datatype: 'FP64', shape: [-1, 12] }] });
    const input = (JSON.parse(body) as { inputs: [{ shape: [number, number]; data: number[] }] }).inputs[0];
    const rows = Array.from({ length: input.shape[0] }, (_, i) => input.data.slice(i * 12, (i + 1) * 12));
    if (modelDelayMs > 0) await sleep(modelDelayMs);
    const p = (await predictor(rows)) as number[][];
    sendJson(res, 200, { model_name: 'adult', outputs: [{ name: 'p', datatype: 'FP64', shape: [rows.length, 2], data: p.flat() }] });
  });
});

afterAll(async () => {
  await model?.close();
});

describe('credentials in URLs', () => {
  it('are redacted and split into an Authorization header', () => {
    expect(redactUrl('http://user:pw@h:1/v2/models/m/infer')).toBe('http://user:***@h:1/v2/models/m/infer');
    expect(redactUrl('https://tok3n@h/x')).toBe('https://***@h/x');
    expect(redactUrl('http://h/x?y=@')).toBe('http://h/x?y=@');
    expect(redactUrls('to "http://a:b@h/x" and http://c:d@k/y failed')).toBe('to "http://a:***@h/x" and http://c:***@k/y failed');
    expect(splitUrlCredentials('http://us%40er:p%3Aw@h/x')).toEqual({ url: 'http://h/x', authorization: `Basic ${Buffer.from('us@er:p:w').toString('base64')}` });
    expect(splitUrlCredentials('http://h/x')).toEqual({ url: 'http://h/x', authorization: undefined });
  });

  it('reach the model as Basic auth, so that the server turns ready, and appear nowhere', async () => {
    const url = `http://user:${PASSWORD}@127.0.0.1:${model.port}/v2/models/adult/infer`;
    const { cli, url: server } = await startExplainerServer(['--explainer', dir, '--predictor-url', url]);
    try {
      await waitUntilReady(server);
      const res = await fetch(`${server}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters: { coverageSamples: 500 } }) });
      expect(res.status).toBe(200);
      expect(cli.lines.join('\n')).not.toContain(PASSWORD);
    } finally {
      await stop(cli);
    }
    expect(seenAuthorization.at(-1)).toMatch(/^Basic /);
  }, 30_000);

  it('are redacted in the readiness reason, the 503 body and the log while the model is down', async () => {
    const url = `http://user:${PASSWORD}@127.0.0.1:${await closedPort()}/v2/models/adult/infer`;
    const { cli, url: server } = await startExplainerServer(['--explainer', dir, '--predictor-url', url]);
    try {
      await cli.waitFor(/waiting for the model/);
      const ready = await (await fetch(`${server}/v2/health/ready`)).text();
      expect(ready).toContain('user:***@127.0.0.1');
      const explain = await (await fetch(`${server}/explain`, { method: 'POST', body: JSON.stringify({ instance: row }) })).text();
      expect(`${ready}${explain}${cli.lines.join('\n')}`).not.toContain(PASSWORD);
    } finally {
      await stop(cli);
    }
  }, 30_000);
});

/** Runs a CLI process to its end and returns its exit code and lines. */
async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; lines: string[] }> {
  const cli = startCli(args, env);
  const code = await cli.exited;
  await sleep(20);
  return { code, lines: cli.lines.filter((l) => l !== '') };
}

describe('start-up failures: one line, exit 1, before "listening"', () => {
  const modelUrl = () => `http://127.0.0.1:${model.port}/v2/models/adult/infer`;

  it('an empty token variable or token file, an unreadable token file', async () => {
    const empty = join(tmpdir(), `glassbox-empty-token-${process.pid}`);
    writeFileSync(empty, '\n');
    for (const [args, env, message] of [
      [[], { GLASSBOX_TOKEN: '' }, /^glassbox serve: InvalidInputError: GLASSBOX_TOKEN is set but empty/],
      [['--token-file', empty], {}, /^glassbox serve: InvalidInputError: --token-file .* is empty; expected the bearer token$/],
      [['--token-file', '/nonexistent/token'], {}, /^glassbox serve: InvalidInputError: --token-file \/nonexistent\/token cannot be read \(ENOENT\)$/],
    ] as const) {
      const { code, lines } = await run(['serve', '--explainer', dir, '--predictor-url', modelUrl(), '--port', '0', ...args], env);
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    }
  }, 30_000);

  it('a missing explainer', async () => {
    const { code, lines } = await run(['serve', '--explainer', '/nonexistent/explainer', '--predictor-url', modelUrl(), '--port', '0']);
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^glassbox serve: ExplainerFileError: \/nonexistent\/explainer\/explainer.json: not found/);
  }, 30_000);

  it('a port in use, for serve and serve-model', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      for (const args of [
        ['serve', '--explainer', dir, '--predictor-url', modelUrl(), '--port', String(port)],
        ['serve-model', 'adult', '--port', String(port)],
      ]) {
        const { code, lines } = await run(args);
        expect(code).toBe(1);
        expect(lines).toEqual([`glassbox ${args[0]}: ListenError: cannot listen on 127.0.0.1:${port}: the port is in use by another process; stop it or pick another port (EADDRINUSE)`]);
      }
    } finally {
      taken.close();
    }
  }, 30_000);
});

describe('SIGTERM', () => {
  let cli: CliProcess | undefined;
  afterAll(() => stop(cli));

  it('keeps listening for the drain period: running explanations finish (200), new requests get 503 with Retry-After, then exit 0', async () => {
    const url = `http://user:${PASSWORD}@127.0.0.1:${model.port}/v2/models/adult/infer`;
    let server: string;
    ({ cli, url: server } = await startExplainerServer(['--explainer', dir, '--predictor-url', url, '--drain-ms', '1000']));
    await waitUntilReady(server);
    modelDelayMs = 150;
    try {
      const running = fetch(`${server}/explain`, { method: 'POST', body: JSON.stringify({ instance: row, parameters: { coverageSamples: 500 } }) });
      await sleep(100);
      const signalled = performance.now();
      cli.child.kill('SIGTERM');
      await cli.waitFor(/"msg":"draining/);
      const late = await fetch(`${server}/explain`, { method: 'POST', body: JSON.stringify({ instance: row }) });
      expect(late.status).toBe(503);
      expect(late.headers.get('retry-after')).toBe('1');
      expect(await late.json()).toEqual({ error: 'the explainer is not ready: the server is shutting down' });
      const ready = await fetch(`${server}/v2/health/ready`);
      expect(ready.status).toBe(503);
      expect((await running).status).toBe(200);
      expect(await cli.exited).toBe(0);
      expect(performance.now() - signalled).toBeGreaterThanOrEqual(1000);
    } finally {
      modelDelayMs = 0;
    }
  }, 30_000);
});
