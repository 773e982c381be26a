import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';
import { serveModelCommand } from '../../src/cli/commands/serve-model.js';

describe('glassbox serve-model and explain --model-url', () => {
  it('explains through each protocol of a served model exactly as in-process', async () => {
    const stop = new AbortController();
    let out = '';
    const serving = serveModelCommand(['adult', '--port', '0'], { stdout: (t) => (out += t), stderr: () => {}, interactive: false }, stop.signal);
    try {
      await expect.poll(() => out, { timeout: 10_000 }).toContain('Serving');
      const base = /at (http:\/\/\S+)/.exec(out)?.[1];
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const local = await cli('explain', 'adult', '--row', '15', '--json', '--seed', '2');
      for (const path of ['/v2/models/adult/infer', '/v1/models/adult:predict', '/api/v1.0/predictions']) {
        const remote = await cli('explain', 'adult', '--row', '15', '--json', '--seed', '2', '--model-url', `${base}${path}`, '--header', 'X-Request-Id: test');
        expect(remote.stderr).toBe('');
        expect(remote.stdout).toBe(local.stdout);
      }
    } finally {
      stop.abort();
      expect(await serving).toBe(0);
    }
  });

  it('serves over gRPC with --grpc-port and explains through grpc:// exactly as in-process', async () => {
    const stop = new AbortController();
    let out = '';
    const serving = serveModelCommand(['adult', '--port', '0', '--grpc-port', '0'], { stdout: (t) => (out += t), stderr: () => {}, interactive: false }, stop.signal);
    try {
      await expect.poll(() => out, { timeout: 10_000 }).toContain('Serving');
      const grpcUrl = /gRPC: +(grpc:\/\/\S+)/.exec(out)?.[1];
      expect(grpcUrl).toMatch(/^grpc:\/\/127\.0\.0\.1:\d+\/adult$/);
      const local = await cli('explain', 'adult', '--row', '15', '--json', '--seed', '2');
      const remote = await cli('explain', 'adult', '--row', '15', '--json', '--seed', '2', '--model-url', grpcUrl!, '--header', 'X-Request-Id: test');
      expect(remote.stderr).toBe('');
      expect(remote.stdout).toBe(local.stdout);
    } finally {
      stop.abort();
      expect(await serving).toBe(0);
    }
  });

  it('names flag mistakes', async () => {
    expect(await cli('explain', 'adult', '--row', '0', '--protocol', 'v2')).toMatchObject({ code: 2, stderr: expect.stringContaining('--protocol is for explaining a bundled data set') });
    expect(await cli('explain', 'adult', '--row', '0', '--model-url', 'http://127.0.0.1:1/v2/models/a/infer', '--protocol', 'grpc')).toMatchObject({ code: 2, stderr: expect.stringContaining('--protocol is "grpc"') });
    expect(await cli('explain', 'adult', '--row', '0', '--model-url', 'http://127.0.0.1:1/v2/models/a/infer', '--header', 'nocolon')).toMatchObject({ code: 2, stderr: expect.stringContaining("--header is \"nocolon\"; expected 'Name: value'") });
    expect(await cli('serve-model', 'iris')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown data set "iris"') });
  });

  it('reports an endpoint that is down as a model error, exit 1', async () => {
    const r = await cli('explain', 'adult', '--row', '0', '--model-url', 'http://127.0.0.1:9/v1/models/adult:predict');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('RemoteModelError');
  }, 60_000);
});
