import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../../cli/run-cli.js';
import { adultCounterfactualTask } from '../../../src/datasets/adult-counterfactual.js';

describe('glassbox counterfactual --method proto', () => {
  it('explains an Adult row: prediction, readable changes, prototype and search; --json is the explanation', async () => {
    const { code, stdout, stderr } = await cli('counterfactual', 'adult', '--row', '0', '--method', 'proto');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Row 0 (held-out): the model predicts <=50K (p = 1.00)');
    expect(lines[1]).toMatch(/^Counterfactual: {2}>50K \(p = 0\.\d\d\), \d changes?:$/);
    expect(lines.at(-2)).toMatch(/^Prototype: {7}training row \d+ \(>50K\), distance \d\.\d\d \(k-d tree\)$/);
    expect(lines.at(-1)).toMatch(/^Search: {10}600 iterations over 3 values of c, 601 model calls \(finite-differences\), [\d,]+ ms$/);

    const json = await cli('counterfactual', 'adult', '--row', '0', '--json');
    const e = JSON.parse(json.stdout);
    expect(e.meta).toMatchObject({ name: 'CounterfactualProto', params: { theta: 100, constraints: { immutable: [6, 7, 11] } } });
    const task = adultCounterfactualTask();
    // The changes the text lists are the explanation's, with numbers unscaled.
    const changes = e.data.cf.changes.filter(task.matters).map((c: Parameters<typeof task.describe>[0]) => `                 ${task.describe(c)}`);
    expect(lines.slice(2, 2 + changes.length)).toEqual(changes);
    expect(e.data.cf.class).toBe(1);
  });

  it('writes the card with --html: the changes as the text lists them, and the prototype row', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'glassbox-cli-')), 'proto-0.html');
    const { code, stdout } = await cli('counterfactual', 'adult', '--row', '0', '--html', file);
    expect(code).toBe(0);
    const page = readFileSync(file, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('<div class="gbx gbx-counterfactual-proto">');
    expect(page).toContain('What would make the model predict <span class="gbx-pill">&gt;50K</span> instead of <span class="gbx-pill">&lt;=50K</span>');
    const changes = stdout.split('\n').filter((line) => line.startsWith('                 ')).map((line) => line.trim().replace(' -> ', ' → '));
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(page).toContain(`<span class="gbx-pill">${change}</span>`);
    const prototypeRow = stdout.match(/training row (\d+) \(>50K\)/)![1];
    expect(page).toContain(`training row ${prototypeRow} (k-d tree)`);
    expect(page).toContain('<th>The prototype (&gt;50K)</th>');
  });

  it('says what was wrong with the call (exit code 2)', async () => {
    for (const [argv, message] of [
      [['counterfactual', 'adult', '--row', '1', '--method', 'wachter'], /--method wachter is for mnist; adult has --method proto/],
      [['counterfactual', 'adult', '--row', '99999'], /--row 99999 is out of range; adult has 16281 held-out rows/],
      [['counterfactual', 'adult', '--row', '1', '--target', '3'], /--target is for mnist; leave it out with adult/],
      [['counterfactual', 'adult', '--row', '1', '--html', ''], /--html needs a file name/],
      [['counterfactual', 'mnist', '--row', '1', '--method', 'dice'], /--method is "dice"; expected wachter, proto, or for adult genetic, random or kdtree/],
    ] as const) {
      const { code, stderr } = await cli(...argv);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
