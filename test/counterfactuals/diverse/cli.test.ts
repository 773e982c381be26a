import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAdult } from '../../../src/datasets/adult.js';
import { cli } from '../../cli/run-cli.js';

const adult = loadAdult();

describe('glassbox counterfactual adult --count', () => {
  it('prints the row, its counterfactuals, the set and the search', async () => {
    const { code, stdout, stderr } = await cli('counterfactual', 'adult', '--row', '3', '--count', '4', '--immutable', 'Sex,Race,Age');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Row 3 (held-out): the model predicts >50K (p = 1.00)');
    expect(lines[1]).toBe('Counterfactuals: 4 of 4 (genetic, Sex, Race, Age immutable)');
    for (const line of lines.slice(2, 6)) expect(line).toMatch(/^ {2}\d\. <=50K \(p = 0\.\d\d\): [^;]+: .+ -> .+/);
    expect(stdout).not.toMatch(/(Sex|Race|Age): /);
    expect(lines[6]).toMatch(/^Set: {13}validity 1\.00, \d\.\d\d features changed on average, diversity 0\.\d\d, proximity \d\.\d{3}$/);
    expect(lines[7]).toMatch(/^Changed most: {4}[A-Z]/);
    expect(lines[8]).toMatch(/^Search: {10}[\d,]+ candidates, \d+ model calls \([\d,]+ rows\), [\d,]+ ms$/);
  });

  it('prints exactly the explanation JSON with --json, and writes the card with --html', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'glassbox-diverse-')), 'card.html');
    const { code, stdout } = await cli('counterfactual', 'adult', '--row', '5', '--count', '3', '--immutable', 'Sex,Race', '--method', 'kdtree', '--json', '--html', html);
    expect(code).toBe(0);
    const e = JSON.parse(stdout);
    expect(e.meta).toMatchObject({ name: 'DiverseCounterfactuals', params: { method: 'kdtree', count: 3, constraints: { immutable: [7, 6] } } });
    const row = adult.test.rows[5];
    expect(e.data.instance).toEqual(row);
    expect(e.data.cfs).toHaveLength(3);
    for (const cf of e.data.cfs) expect([cf.X[6], cf.X[7]]).toEqual([row[6], row[7]]);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('gbx-diverse-counterfactuals');
    expect(page).toContain('Sex <span class="gbx-note">(immutable)</span>');
    expect(page).toMatch(/#3: (&lt;=50K|&gt;50K)/);
  });

  it('says what was wrong with the call (exit code 2)', async () => {
    for (const [argv, message] of [
      [['counterfactual', 'adult', '--row', '1', '--count', '0'], /--count is "0"; expected an integer >= 1/],
      [['counterfactual', 'adult', '--row', '1', '--count', '101'], /--count is 101; expected an integer in 1..100/],
      [['counterfactual', 'adult', '--row', '1', '--count', '2', '--immutable', 'Sex,Gender'], /--immutable names "Gender"; expected feature names: Age, Workclass/],
      [['counterfactual', 'adult', '--row', '1', '--immutable', 'Sex,,Age'], /--immutable is "Sex,,Age"; expected comma-separated feature names/],
      [['counterfactual', 'adult', '--row', '1', '--count', '2', '--png', 'x.png'], /--png is for --method proto and mnist/],
      [['counterfactual', 'adult', '--row', '1', '--count', '2', '--method', 'proto'], /--count and --immutable are for diverse counterfactuals of adult/],
      [['counterfactual', 'mnist', '--row', '1', '--count', '2'], /--count and --immutable are for diverse counterfactuals of adult/],
      [['counterfactual', 'adult', '--row', '1', '--method', 'dice'], /--method is "dice"; expected wachter, proto, or for adult genetic, random or kdtree/],
      [['counterfactual', 'adult', '--row', '99999', '--count', '2'], /--row 99999 is out of range; adult has 16281 held-out rows/],
    ] as const) {
      const { code, stderr } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
