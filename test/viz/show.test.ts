import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnchorTabularData } from '../../src/anchors/tabular/anchor-tabular.js';
import { GlassboxError } from '../../src/core/errors.js';
import type { Explanation } from '../../src/core/explanation.js';
import { renderHtml } from '../../src/viz/render.js';
import { show, tslabDisplay } from '../../src/viz/show.js';
import { adult, explainRow15 } from './fixtures.js';

const require = createRequire(import.meta.url);

/**
 * A stand-in for an installed tslab: `dist/jupyter.js` (the kernel module, whose `lastWriteDisplayData`
 * is set while a cell runs) and `dist/public.js` (whose `display` records what it is given).
 */
function fakeTslab(root: string, running: boolean): { jupyter: string; shown: () => string[] } {
  const dist = join(root, 'node_modules', 'tslab', 'dist');
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, 'jupyter.js'), `exports.lastWriteDisplayData = ${running ? '() => {}' : 'null'};\n`);
  writeFileSync(join(dist, 'public.js'), 'const shown = []; exports.shown = shown; exports.display = { html: (s) => shown.push(s) };\n');
  return { jupyter: join(dist, 'jupyter.js'), shown: () => require(join(dist, 'public.js')).shown };
}

let explanation: Explanation<AnchorTabularData>;
let dir: string;

beforeAll(async () => {
  explanation = await explainRow15();
  dir = mkdtempSync(join(tmpdir(), 'glassbox-show-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('show', () => {
  it('throws outside a tslab kernel, naming what to use instead', () => {
    expect(tslabDisplay()).toBeUndefined();
    expect(() => show(explanation, adult)).toThrow(GlassboxError);
    expect(() => show(explanation, adult)).toThrow(/not a tslab kernel; use renderHtml\(explanation\)/);
    try {
      show(explanation, adult);
    } catch (err) {
      expect((err as GlassboxError).code).toBe('NOT_IN_NOTEBOOK');
    }
  });

  it("displays the card through the running kernel's own tslab, not another copy", () => {
    // A global `tslab` command that hands over to the project's copy leaves both in the module cache.
    const global = fakeTslab(join(dir, 'global'), false);
    const local = fakeTslab(join(dir, 'project'), true);
    require(global.jupyter);
    require(local.jupyter);
    try {
      show(explanation, adult);
      expect(local.shown()).toEqual([renderHtml(explanation, adult)]);
      expect(global.shown()).toEqual([]);
    } finally {
      delete require.cache[global.jupyter];
      delete require.cache[local.jupyter];
    }
    expect(tslabDisplay()).toBeUndefined();
  });

  it('finds no kernel in a module cache without one', () => {
    expect(tslabDisplay({ '/app/node_modules/tslab-like/dist/jupyter.js': undefined })).toBeUndefined();
  });
});
