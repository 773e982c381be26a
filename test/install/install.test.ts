import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * glassbox installed as a dependency, as a user installs it: `npm pack`, then `npm install` of the
 * tarball into a fresh project with no environment variables but PATH and HOME (npm's cache), from the
 * npm registry only; then `import { AnchorTabular } from 'glassbox'` and `npx glassbox explain adult`.
 * The optional peer dependencies are not installed, and what needs one says which.
 *
 * Slow (an npm install, about 20 s with a warm npm cache) and it packs the built `dist/`: it runs with
 * GLASSBOX_INSTALL_TEST=1 after `npm run build` (as .ci/run does).
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const enabled = process.env.GLASSBOX_INSTALL_TEST === '1';
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
const work = enabled ? mkdtempSync(join(tmpdir(), 'glassbox-install-')) : '';
afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

describe.skipIf(!enabled)('glassbox as a dependency of a fresh project', () => {
  it('installs from the packed tarball without network beyond the registry, imports, and explains', { timeout: 300_000 }, async () => {
    expect(existsSync(join(root, 'dist/index.js')), 'dist/ is missing: npm run build first').toBe(true);
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: root, env });
    const [tarball] = readdirSync(work).filter((f) => f.endsWith('.tgz'));
    const project = join(work, 'project');
    await run('mkdir', [project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], { cwd: project, env, maxBuffer: 1 << 24 });
    const installed = readdirSync(join(project, 'node_modules'));
    expect(installed).toContain('glassbox');
    // Optional peers stay out: nothing downloads CUDA or Chromium at install time.
    expect(installed).not.toContain('onnxruntime-node');
    expect(installed).not.toContain('puppeteer-core');

    writeFileSync(
      join(project, 'check.mjs'),
      [
        "import { AnchorTabular, onnxPredictor } from 'glassbox';",
        'console.log(typeof AnchorTabular);',
        "const error = await onnxPredictor('node_modules/glassbox/models/onnx/adult-rf.onnx').catch((e) => e);",
        'console.log(error.name, error.code, error.packageName);',
        'console.log(error.message);',
      ].join('\n'),
    );
    const check = await run('node', ['check.mjs'], { cwd: project, env });
    expect(check.stdout.split('\n')).toEqual([
      'function',
      'MissingDependencyError MISSING_DEPENDENCY onnxruntime-node',
      'ONNX models need the onnxruntime-node package, an optional peer dependency of glassbox: npm install onnxruntime-node',
      '',
    ]);

    const explain = await run('npx', ['--no-install', 'glassbox', 'explain', 'adult', '--row', '0'], { cwd: project, env });
    expect(explain.stdout).toMatch(/^Prediction: <=50K\nAnchor: {5}\S.*\nPrecision: {2}(0\.9[5-9]|1\.00) /);
  });
});
