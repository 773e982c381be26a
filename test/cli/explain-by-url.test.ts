import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveModelCommand } from '../../src/cli/commands/serve-model.js';
import { cli } from './run-cli.js';

/** `glassbox explain sentiment|mnist --model-url URL` against `glassbox serve-model`: the in-process explanation, byte for byte. */

const servers: Record<string, { base: string; stop: AbortController; done: Promise<number> }> = {};

beforeAll(async () => {
  for (const dataset of ['sentiment', 'mnist']) {
    const stop = new AbortController();
    let out = '';
    const done = serveModelCommand([dataset, '--port', '0'], { stdout: (t) => (out += t), stderr: () => {}, interactive: false }, stop.signal);
    const started = Date.now();
    while (!out.includes('Serving') && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    servers[dataset] = { base: /at (http:\/\/\S+)/.exec(out)![1], stop, done };
  }
}, 60_000);
afterAll(async () => {
  for (const { stop, done } of Object.values(servers)) {
    stop.abort();
    expect(await done).toBe(0);
  }
});

const sentence = 'The food was cold and the waiter was rude.';

describe('explain by URL', () => {
  it.each(['unknown', 'similarity', 'language_model'])('sentiment with %s sampling, over v2, KServe v1 and Seldon', async (sampling) => {
    const args = ['explain', 'sentiment', '--text', sentence, '--sampling', sampling, '--seed', '4', '--json'];
    const local = await cli(...args);
    expect(local.code).toBe(0);
    const paths = sampling === 'unknown' ? ['/v2/models/sentiment/infer', '/v1/models/sentiment:predict', '/api/v1.0/predictions'] : ['/v2/models/sentiment/infer'];
    for (const path of paths) {
      const remote = await cli(...args, '--model-url', servers.sentiment.base + path);
      expect(remote.stderr).toBe('');
      expect(remote.stdout).toBe(local.stdout);
    }
  }, 60_000);

  it('mnist over v2 and KServe v1', async () => {
    const args = ['explain', 'mnist', '--row', '1', '--seed', '2', '--json'];
    const local = await cli(...args);
    expect(local.code).toBe(0);
    for (const path of ['/v2/models/mnist/infer', '/v1/models/mnist:predict']) {
      const remote = await cli(...args, '--model-url', servers.mnist.base + path, '--header', 'X-Request-Id: t');
      expect(remote.stderr).toBe('');
      expect(remote.stdout).toBe(local.stdout);
    }
  }, 60_000);
});
