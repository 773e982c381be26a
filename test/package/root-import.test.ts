import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * What importing a glassbox entry loads, recorded by a module-resolution hook (record-loads.mjs) in a
 * child Node process that imports the entry from the TypeScript sources under tsx. The root export is
 * the user-facing API: it must load none of the heavy stacks, which load at first use (axios at the
 * first remote request, onnxruntime-node at the first ONNX session, TensorFlow.js in loadTf, puppeteer
 * at the first PNG) or live behind subpath exports (the servers, the batch pool, gRPC).
 */

const HEAVY = ['fastify', 'axios', 'prom-client', 'piscina', 'onnxruntime-node', '@tensorflow/', 'puppeteer-core', '@grpc/'];
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'glassbox-loads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages (by name) and the glassbox source files the entry's import resolves. */
async function loadsOf(entry: string): Promise<{ packages: Set<string>; sources: number }> {
  const file = join(dir, `${entry.replaceAll('/', '-')}.txt`);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const hook = new URL('./record-loads.mjs', import.meta.url).href;
  const url = pathToFileURL(join(SRC, entry)).href;
  await promisify(execFile)(process.execPath, ['--import', tsx, '--import', hook, '--input-type=module', '-e', `await import(${JSON.stringify(url)});`], {
    env: { ...process.env, GLASSBOX_RECORD_LOADS: file },
    timeout: 30_000,
  });
  const urls = new Set(readFileSync(file, 'utf8').split('\n').filter((u) => u.startsWith('file:')));
  const packages = new Set<string>();
  for (const u of urls) {
    const m = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u);
    if (m !== null) packages.add(m[1]);
  }
  return { packages, sources: [...urls].filter((u) => fileURLToPath(u).startsWith(SRC)).length };
}

describe('importing glassbox loads what is used', () => {
  it('the root export loads none of the heavy stacks', async () => {
    const { packages, sources } = await loadsOf('index.ts');
    const heavy = [...packages].filter((p) => HEAVY.some((h) => (h.endsWith('/') ? p.startsWith(h) : p === h)));
    expect(heavy).toEqual([]);
    expect(sources).toBeGreaterThan(50); // the hook saw the import: the explainers' modules were resolved
  }, 60_000);

  it('the server and batch entries load their stacks (the hook sees them)', async () => {
    expect([...(await loadsOf('entries/server.ts')).packages]).toEqual(expect.arrayContaining(['fastify', 'prom-client']));
    expect([...(await loadsOf('entries/batch.ts')).packages]).toContain('piscina');
  }, 60_000);
});
