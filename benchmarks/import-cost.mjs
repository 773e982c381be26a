// What importing each glassbox entry costs: modules loaded and milliseconds, from dist/ (npm run build
// first), each import in a fresh Node process, 5 runs, the median. Modules are the ESM URLs a
// module-resolution hook records (test/package/record-loads.mjs) plus the CommonJS modules required.
// Usage: node benchmarks/import-cost.mjs [entry ...]   (default: index.js entries/anchors.js)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const hook = new URL('../test/package/record-loads.mjs', import.meta.url).href;
const child = `
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const t = performance.now();
await import(process.argv[1]);
const ms = performance.now() - t;
const esm = new Set(readFileSync(process.env.GLASSBOX_RECORD_LOADS, 'utf8').split('\\n').filter((u) => u.startsWith('file:')));
const cjs = Object.keys(createRequire(import.meta.url).cache).filter((p) => !esm.has('file://' + p));
console.log(JSON.stringify({ ms, modules: esm.size + cjs.length }));`;
const dir = mkdtempSync(join(tmpdir(), 'glassbox-import-cost-'));
const entries = process.argv.length > 2 ? process.argv.slice(2) : ['index.js', 'entries/anchors.js'];
for (const entry of entries) {
  const runs = Array.from({ length: 5 }, (_, i) => {
    const env = { ...process.env, GLASSBOX_RECORD_LOADS: join(dir, `${entry.replaceAll('/', '-')}-${i}.txt`) };
    const args = ['--import', hook, '--input-type=module', '-e', child, `file://${join(root, 'dist', entry)}`];
    return JSON.parse(execFileSync(process.execPath, args, { env, encoding: 'utf8' }));
  });
  const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[2];
  console.log(`${entry}: ${runs[0].modules} modules, ${ms.toFixed(0)} ms (median of 5)`);
}
rmSync(dir, { recursive: true, force: true });
