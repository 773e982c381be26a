import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = `${root}dist/cli/main.js`;

describe('glassbox explain', () => {
  it("runs the README's main command through the built binary and prints an anchor", async () => {
    expect(existsSync(bin), 'run `npm run build` first (npm ci does it through the prepare script)').toBe(true);
    const { stdout } = await promisify(execFile)(process.execPath, [bin, 'explain', 'adult', '--row', '0'], { cwd: root });
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Prediction: (<=50K|>50K)$/);
    expect(lines[1]).toMatch(/^Anchor: {5}(\S+.*(=|<=|>) [\w.-]+)( AND .+)?$/);
    expect(lines[2]).toMatch(/^Precision: {2}(0\.9[5-9]|1\.00) {3}Coverage: 0\.\d\d {3}\([\d,]+ model rows in [\d,]+ calls, \d+ ms\)$/);
  });

  it('prints exactly the explanation JSON with --json, the same for the same seed', async () => {
    const a = await cli('explain', 'adult', '--row', '5', '--json', '--seed', '7', '--threshold', '0.9');
    const b = await cli('explain', 'adult', '--row', '5', '--json', '--seed', '7', '--threshold', '0.9');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const e = JSON.parse(a.stdout);
    expect(e.meta).toMatchObject({ name: 'AnchorTabular', params: { seed: 7, threshold: 0.9 } });
    expect(e.data.precision).toBeGreaterThanOrEqual(0.9);
    expect(e.data.anchor.length).toBeGreaterThan(0);
    expect(a.stderr).toBe('');
  });

  it('explains with category names from the data set', async () => {
    const { stdout } = await cli('explain', 'adult', '--row', '0');
    const anchor = stdout.split('\n')[1];
    for (const condition of anchor.replace('Anchor:', '').split(' AND ')) {
      expect(condition.trim()).toMatch(/^(\S.* = [A-Za-z?][\w-]*|\S.* <= [\d.]+|\S.* > [\d.]+|[\d.]+ < \S.* <= [\d.]+)$/);
    }
  });

  it('answers usage mistakes with exit code 2 and a message naming the mistake', async () => {
    expect(await cli('explain', 'adult')).toMatchObject({ code: 2, stderr: expect.stringContaining('--row N is required') });
    expect(await cli('explain', 'adult', '--row', 'x')).toMatchObject({ code: 2, stderr: expect.stringContaining('--row is "x"; expected an integer >= 0') });
    expect(await cli('explain', 'adult', '--row', '99999')).toMatchObject({ code: 2, stderr: expect.stringContaining('--row 99999 is out of range; adult has 16281 held-out rows') });
    expect(await cli('explain', 'iris', '--row', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown data set "iris"; expected one of: adult') });
    expect(await cli('explain', 'adult', '--row', '0', '--bogus')).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(await cli('frobnicate')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await cli('explain', 'adult', '--row', '0', '--threshold', '2')).toMatchObject({ code: 2, stderr: expect.stringContaining('--threshold is "2"; expected a number in (0, 1]') });
  });

  it('prints help and the version', async () => {
    expect((await cli('--help')).stdout).toContain('explain DATASET --row N');
    expect((await cli('explain', '--help')).stdout).toContain('--threshold P');
    expect((await cli('--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
