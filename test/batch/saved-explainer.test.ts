import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { AnchorText } from '../../src/anchors/text/anchor-text.js';
import { cli } from '../cli/run-cli.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { saveExplainer } from '../../src/persistence/explainer-dir.js';

/**
 * explain-batch with a saved explainer (saveExplainer) on a data file of real Adult rows, through the
 * command line in this process with real worker threads.
 */

const adult = loadAdult();
const N = 12;
let dir: string;
let explainerDir: string;
let explainer: AnchorTabular;

/** Held-out row r with category names, as a CSV line. */
function csvLine(r: number): string {
  return adult.test.rows[r].map((v, f) => adult.categoryMap[f]?.[v] ?? v).join(',');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-batch-saved-'));
  explainerDir = join(dir, 'explainer');
  explainer = new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 5 });
  await explainer.fit(adult.train.rows);
  await saveExplainer(explainer, explainerDir, { model: 'adult-gbt' });
  writeFileSync(join(dir, 'rows.jsonl'), adult.test.rows.slice(0, N).map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(join(dir, 'rows.csv'), [adult.featureNames.join(','), ...[...Array(N).keys()].map(csvLine)].join('\n') + '\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glassbox explain-batch --explainer DIR --data FILE', () => {
  it('explains a JSON Lines file and the same rows as CSV identically, each as the saved explainer explains it', async () => {
    const outs = [];
    // The JSON Lines run takes the model its explainer.json names; the CSV run names it.
    for (const [data, model] of [['rows.jsonl', []], ['rows.csv', ['--model', 'adult-gbt']]] as const) {
      const out = join(dir, `${data}.out.jsonl`);
      const r = await cli('explain-batch', '--explainer', explainerDir, '--data', join(dir, data), ...model, '--out', out, '--workers', '2', '--coverage-samples', '200');
      expect(r).toMatchObject({ code: 0, stdout: '' });
      outs.push(readFileSync(out, 'utf8'));
    }
    expect(outs[1]).toBe(outs[0]);
    const lines = outs[0].slice(0, -1).split('\n');
    expect(lines.map((l) => JSON.parse(l).row)).toEqual([...Array(N).keys()]);
    for (const row of [0, 7]) {
      const direct = await explainer.explain(adult.test.rows[row], { coverageSamples: 200 });
      expect(lines[row]).toBe(JSON.stringify({ row, explanation: direct }));
    }
  });

  it('writes an error line for an instance the explainer rejects, and keeps the others', async () => {
    const data = join(dir, 'bad.jsonl');
    const rows = adult.test.rows.slice(0, 4).map((r) => JSON.stringify(r));
    rows[2] = JSON.stringify({ ...Object.fromEntries(adult.featureNames.map((n, f) => [n, adult.test.rows[2][f]])), Workclass: 'Astronaut' });
    writeFileSync(data, rows.join('\n') + '\n');
    const out = join(dir, 'bad.out.jsonl');
    const r = await cli('explain-batch', '--explainer', explainerDir, '--data', data, '--model', 'adult-gbt', '--out', out, '--workers', '1', '--coverage-samples', '200');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('4 rows in');
    expect(r.stderr).toContain('1 failed');
    const lines = readFileSync(out, 'utf8').slice(0, -1).split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.row)).toEqual([0, 1, 2, 3]);
    expect(lines[2].error.type).toBe('InvalidInputError');
    expect(lines[2].error.message).toContain('unknown category "Astronaut"');
    expect(lines.filter((l) => l.explanation !== undefined)).toHaveLength(3);
  });

  it('refuses to resume once the explainer was saved again, and rejects a CSV for another explainer type', async () => {
    const out = join(dir, 'resaved.jsonl');
    const args = ['explain-batch', '--explainer', explainerDir, '--data', join(dir, 'rows.jsonl'), '--model', 'adult-gbt', '--out', out, '--rows', '0:2', '--coverage-samples', '200'];
    expect((await cli(...args)).code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await saveExplainer(explainer, explainerDir, { model: 'adult-gbt' });
    const r = await cli(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/was written by a different run: its manifest has job\.source\.explainer\.created = "[^"]+", this run has "[^"]+"/);

    const textDir = join(dir, 'text-explainer');
    await saveExplainer(new AnchorText((texts: string[]) => texts.map((t) => (t.includes('good') ? 1 : 0)), { seed: 1 }), textDir);
    const csv = await cli('explain-batch', '--explainer', textDir, '--data', join(dir, 'rows.csv'), '--model', 'adult-gbt', '--out', join(dir, 'text.jsonl'));
    expect(csv.code).toBe(1);
    expect(csv.stderr).toContain(`data file ${join(dir, 'rows.csv')} is CSV, which is for AnchorTabular explainers; ${textDir} holds an AnchorText: write its instances as JSON Lines (.jsonl)`);
  });

  it('answers flag mistakes with a usage error (exit 2)', async () => {
    const out = join(dir, 'never.jsonl');
    const bareDir = join(dir, 'bare');
    await saveExplainer(explainer, bareDir); // no model named
    const data = join(dir, 'rows.jsonl');
    const cases: Array<[string[], string]> = [
      [['--explainer', explainerDir, '--model', 'adult-gbt'], '--explainer DIR needs --data FILE'],
      [['--explainer', bareDir, '--data', data], `--explainer ${bareDir} needs the model: --model NAME or --model-url URL (its explainer.json names no model)`],
      [['--explainer', explainerDir, '--data', data, '--model', 'adult-gbt', '--seed', '1'], '--seed is for a bundled data set'],
      [['--explainer', explainerDir, '--data', data, '--model', 'resnet'], '--model is "resnet"; expected one of the bundled models: adult-gbt, adult-logreg'],
      [['--explainer', explainerDir, '--data', data, '--model', 'adult-gbt', '--model-url', 'http://127.0.0.1:9/v1/models/a:predict'], '--model and --model-url name two models'],
      [['adult', '--data', data], '--data is for explaining with a saved explainer'],
      [['adult', '--explainer', explainerDir, '--data', data, '--model', 'adult-gbt'], '--explainer DIR takes no data set; got adult'],
    ];
    for (const [flags, message] of cases) {
      const r = await cli('explain-batch', '--out', out, ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
    const wrongExt = await cli('explain-batch', '--explainer', explainerDir, '--data', join(dir, 'rows.txt'), '--model', 'adult-gbt', '--out', out);
    expect(wrongExt).toMatchObject({ code: 1, stderr: expect.stringContaining('has extension ".txt"; expected .jsonl, .ndjson or .csv') });
    const missing = await cli('explain-batch', '--explainer', join(dir, 'nothing'), '--data', data, '--model', 'adult-gbt', '--out', out);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('ExplainerFileError') });
  });
});
