import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { cli } from './run-cli.js';

describe('glassbox explain mnist', () => {
  it('prints the prediction, the anchor superpixels and the digit drawn in text', async () => {
    const { code, stdout, stderr } = await cli('explain', 'mnist', '--row', '1');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Digit:      held-out row 1, labelled 9');
    expect(lines[1]).toBe('Prediction: 9');
    expect(lines[2]).toMatch(/^Anchor: {5}superpixels? [\d, ]+ \(\d of 9; \d+ of 784 pixels\)$/);
    expect(lines[3]).toMatch(/^Precision: {2}(0\.9[5-9]|1\.00) {3}Coverage: 0\.\d\d {3}\([\d,]+ model rows in \d+ calls, \d+ ms\)$/);
    const drawing = lines.slice(5, 5 + 28);
    expect(drawing.join('')).toMatch(/#/); // ink inside the anchor
    for (const line of drawing) expect(line).toMatch(/^( {2}[ .#+]*)?$/);
  });

  it('prints exactly the explanation JSON with --json, the same for the same seed', async () => {
    const a = await cli('explain', 'mnist', '--row', '3', '--json', '--seed', '5', '--threshold', '0.9');
    const b = await cli('explain', 'mnist', '--row', '3', '--json', '--seed', '5', '--threshold', '0.9');
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const e = JSON.parse(a.stdout);
    expect(e.meta).toMatchObject({ name: 'AnchorImage', params: { seed: 5, threshold: 0.9, shape: [28, 28, 1], segmentation: 'slic' } });
    expect(e.data.segments).toHaveLength(28);
    expect(e.data.anchor[0][0]).toHaveLength(1);
    expect(e.data.precision).toBeGreaterThanOrEqual(0.9);
  });

  it('draws the anchor on the digit with --png', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-mnist-'));
    const file = join(dir, 'anchor.png');
    expect((await cli('explain', 'mnist', '--row', '0', '--png', file)).code).toBe(0);
    const png = PNG.sync.read(readFileSync(file));
    expect([png.width, png.height]).toEqual([280, 280]);
    // The anchor's outline colour (amber) is in the picture.
    let amber = 0;
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === 255 && png.data[i + 1] === 196 && png.data[i + 2] === 0) amber += 1;
    expect(amber).toBeGreaterThan(50);
  });

  it('answers usage mistakes with exit code 2', async () => {
    expect(await cli('explain', 'mnist')).toMatchObject({ code: 2, stderr: expect.stringContaining('--row N is required') });
    expect(await cli('explain', 'mnist', '--row', '2000')).toMatchObject({ code: 2, stderr: expect.stringContaining('--row 2000 is out of range; mnist has 2000 held-out digits') });
    expect(await cli('explain', 'mnist', '--row', '0', '--html', '')).toMatchObject({ code: 2, stderr: expect.stringContaining('--html needs a file name') });
    expect(await cli('explain', 'mnist', '--row', '0', '--text', 'hi')).toMatchObject({ code: 2, stderr: expect.stringContaining('--text is for the text data sets') });
    expect(await cli('explain', 'cifar', '--row', '0')).toMatchObject({ code: 2, stderr: expect.stringContaining('expected one of: adult, sentiment, mnist') });
  });
});
