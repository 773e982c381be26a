import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { loadMnist } from '../../src/datasets/mnist.js';

describe('glassbox counterfactual', () => {
  it('prints the prediction, the counterfactual and the search, and draws them with --png', async () => {
    const png = join(mkdtempSync(join(tmpdir(), 'glassbox-cli-')), 'cf.png');
    const { code, stdout, stderr } = await cli('counterfactual', 'mnist', '--row', '3', '--target', '9', '--png', png);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Digit: {11}\d \(held-out label\); the model predicts \d \(p = [01]\.\d\d\)$/);
    expect(lines[1]).toMatch(/^Counterfactual: {2}9 \(p = (0\.9[5-9]|1\.00)\), L1 distance \d+\.\d\d over \d+ pixels, λ = \d\.\d\de[-+]\d+$/);
    expect(lines[2]).toMatch(/^Search: {10}[\d,]+ gradient steps over 10 values of λ, [\d,]+ model calls \(autodiff\), [\d,]+ ms$/);
    const image = PNG.sync.read(readFileSync(png));
    expect([image.width, image.height]).toEqual([3 * 224 + 2 * 8, 224]);
    // The first panel is the digit: a dark pixel where the digit has ink, white where it has none.
    const digit = loadMnist().test.image(3);
    const at = (i: number) => image.data[((Math.floor(i / 28) * 8 + 4) * image.width + (i % 28) * 8 + 4) * 4];
    expect(at(digit.indexOf(Math.max(...digit)))).toBe(0);
    expect(at(0)).toBe(255);
  });

  it('prints exactly the explanation JSON with --json', async () => {
    const a = await cli('counterfactual', 'mnist', '--row', '7', '--json');
    expect(a.code).toBe(0);
    expect(a.stdout.endsWith('}\n')).toBe(true);
    const e = JSON.parse(a.stdout);
    expect(e.meta).toMatchObject({ name: 'Counterfactual', type: ['whitebox'], params: { target_class: 'other', feature_range: [0, 1] } });
    expect(e.data.success).toBe(true);
    expect(e.data.cf.X).toHaveLength(28);
  });

  it('says what was wrong with the call (exit code 2)', async () => {
    for (const [argv, message] of [
      [['counterfactual', 'mnist'], /--row N is required/],
      [['counterfactual', 'mnist', '--row', '2000'], /--row 2000 is out of range; mnist has 2000 held-out digits \(0\.\.1999\)/],
      [['counterfactual', 'mnist', '--row', '1', '--target', '10'], /--target is "10"; expected a digit 0-9, 'other' or 'same'/],
      [['counterfactual', 'iris', '--row', '1'], /expected the data set mnist or adult, got iris/],
    ] as const) {
      const { code, stderr } = await cli(...argv);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toContain('Usage: glassbox counterfactual mnist --row N');
    }
  });
});
