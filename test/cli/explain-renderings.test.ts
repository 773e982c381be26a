import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';
import { chromiumPath } from '../../src/viz/png.js';

const dir = mkdtempSync(join(tmpdir(), 'glassbox-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glassbox explain --html / --png', () => {
  it('writes the card as an HTML page besides the usual output, the same for the same seed', async () => {
    const file = join(dir, 'row-15.html');
    const run = await cli('explain', 'adult', '--row', '15', '--json', '--html', file);
    expect(run.code).toBe(0);
    const explanation = JSON.parse(run.stdout);
    const page = readFileSync(file, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('Why the model predicts <span class="gbx-pill">&gt;50K</span>');
    for (const condition of explanation.data.anchor) expect(page).toContain(condition);
    await cli('explain', 'adult', '--row', '15', '--html', join(dir, 'again.html'));
    expect(readFileSync(join(dir, 'again.html'), 'utf8')).toBe(page);
  });

  it('answers a flag without a file name as a usage mistake, and an unwritable file with exit code 1', async () => {
    expect(await cli('explain', 'adult', '--row', '0', '--html', '')).toMatchObject({ code: 2, stderr: expect.stringContaining('--html needs a file name') });
    const missing = join(dir, 'no-such-folder', 'card.html');
    const run = await cli('explain', 'adult', '--row', '0', '--html', missing);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot write --html file "${missing}": ENOENT`);
    expect(run.stdout).toContain('Prediction: <=50K');
  });

  it('writes the card of a text explanation too', async () => {
    const file = join(dir, 'sentence-0.html');
    const run = await cli('explain', 'sentiment', '--row', '0', '--html', file);
    expect(run.code).toBe(0);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<div class="gbx gbx-anchor-text">');
    expect(page).toContain('Also, the fries are without a doubt the <mark class="gbx-anchored">worst</mark> fries');
    expect(page).toContain('Why the model predicts <span class="gbx-pill">negative</span>');
  });

  it('writes the card of an image explanation too, with the pictures inside', async () => {
    const file = join(dir, 'digit-0.html');
    const run = await cli('explain', 'mnist', '--row', '0', '--html', file);
    expect(run.code).toBe(0);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<div class="gbx gbx-anchor-image">');
    expect(page).toContain('Why the model predicts <span class="gbx-pill">4</span>');
    expect(page.match(/<img class="gbx-img" src="data:image\/png;base64,/g)).toHaveLength(3);
  });

  it('writes the card of a counterfactual too', async () => {
    const file = join(dir, 'counterfactual-0.html');
    const run = await cli('counterfactual', 'mnist', '--row', '0', '--html', file);
    expect(run.code).toBe(0);
    const page = readFileSync(file, 'utf8');
    expect(page).toContain('<div class="gbx gbx-counterfactual">');
    expect(page).toMatch(/What would make the model predict <span class="gbx-pill">\d<\/span> instead of <span class="gbx-pill">4<\/span>/);
    expect(page.match(/<img class="gbx-img" src="data:image\/png;base64,/g)).toHaveLength(3);
    expect(await cli('counterfactual', 'mnist', '--row', '0', '--html', '')).toMatchObject({ code: 2, stderr: expect.stringContaining('--html needs a file name') });
  });

  it('writes the card of your own model on your CSV too (explain --model)', async () => {
    const file = join(dir, 'onnx.html');
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const run = await cli(
      'explain', '--model', `${root}models/onnx/adult-logreg.onnx`, '--train', `${root}datasets/adult/adult-train.csv`,
      '--target', 'Income', '--row', '0', '--html', file,
    );
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const prediction = run.stdout.match(/^Prediction: (.+)$/m)![1];
    const page = readFileSync(file, 'utf8');
    expect(page).toContain(`Why the model predicts <span class="gbx-pill">${prediction.replace(/>/g, '&gt;').replace(/</g, '&lt;')}</span>`);
    expect(page).toContain('<th>Workclass</th>');
  });

  it.skipIf(!existsSync(chromiumPath()))('writes the card as a PNG picture', async () => {
    const file = join(dir, 'row-0.png');
    const run = await cli('explain', 'adult', '--row', '0', '--png', file);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const image = PNG.sync.read(readFileSync(file));
    // Drawn at twice the CSS size, for sharp pictures: the card is several hundred CSS pixels wide.
    expect(image.width).toBeGreaterThan(1200);
    expect(image.height).toBeGreaterThan(600);
  });
});
