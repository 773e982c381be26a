import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAdult } from '../../src/datasets/adult.js';
import { summarizeBatchFile } from '../../src/summary/batch-summary.js';
import { cli } from './run-cli.js';

/**
 * glassbox summarize and glassbox audit end to end: real worker threads, the bundled Adult model, a
 * held-out CSV of Adult test rows 8000..11999 (which the explanations' rows 0..39 are not among).
 */

const adult = loadAdult();
let dir: string;
let batch: string;
let heldOut: string;

function csv(rows: readonly number[][], targets: readonly number[], header = [...adult.featureNames, 'Income']): string {
  const name = (f: number, v: number) => (adult.categoryMap[f] === undefined ? String(v) : adult.categoryMap[f][v]);
  return [header.join(','), ...rows.map((r, i) => [...r.map((v, f) => name(f, v)), adult.targetNames[targets[i]]].join(','))].join('\n') + '\n';
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-summarize-'));
  batch = join(dir, 'batch.jsonl');
  heldOut = join(dir, 'heldout.csv');
  writeFileSync(heldOut, csv(adult.test.rows.slice(8000, 12000), adult.test.target.slice(8000, 12000)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glassbox summarize', () => {
  it('explains the rows on workers, prints the picked anchors and writes the summary JSON and card', async () => {
    const out = join(dir, 'summary.json');
    const html = join(dir, 'summary.html');
    const r = await cli('summarize', 'adult', '--rows', '0:40', '--budget', '3', '--workers', '2', '--coverage-samples', '500', '--seed', '2', '--explanations', batch, '--out', out, '--html', html);
    expect(r.code).toBe(0);
    const summary = JSON.parse(readFileSync(out, 'utf8'));
    expect(JSON.stringify(summary)).toBe(JSON.stringify(summarizeBatchFile(batch, { budget: 3 })));
    expect(summary.data.rows).toBe(40);
    expect(summary.data.picked).toHaveLength(3);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`3 anchors cover ${(summary.data.union_coverage * 100).toFixed(1)}% of 40 explained rows (${summary.data.candidates} distinct anchors; ${summary.data.rows_without_anchor} rows without one)`);
    expect(lines[3]).toContain(summary.data.picked[0].anchor.join(' AND '));
    expect(lines[3]).toMatch(/^ 1 {2}<=50K|^ 1 {2}>50K/);
    expect(r.stdout).toContain('Coverage by budget (all rows): 1: ');
    expect(r.stderr).toContain('summarize: 40/40 rows');
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<polyline');
    expect(page).toContain('The picked anchors');
    // --explanations alone summarises the file as it is, here per class.
    const again = await cli('summarize', '--explanations', batch, '--budget', '2', '--per-class', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).data.groups.map((g: { class: number }) => g.class)).toEqual([0, 1]);
    const named = await cli('summarize', '--explanations', batch, '--budget', '2', '--per-class', '--dataset', 'adult');
    expect(named.stdout).toContain('Coverage by budget (>50K): 1: ');
    expect((await cli('summarize', '--explanations', batch, '--per-class')).stdout).toContain('Coverage by budget (class 1): 1: ');
  });

  it('refuses a budget out of range as a usage error, and a file of other explanations by name', async () => {
    const r = await cli('summarize', 'adult', '--budget', '1001');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--budget is 1001; expected an integer 1..1000');
    expect((await cli('summarize', 'adult', '--budget', '0')).code).toBe(2);
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, `${JSON.stringify({ row: 0, explanation: { meta: { name: 'CounterfactualProto' }, data: {} } })}\n`);
    const bad = await cli('summarize', '--explanations', other);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`ExplanationTypeError: ${other} row 0 is an explanation of CounterfactualProto; expected an explanation ({meta, data}) of AnchorTabular`);
  });
});

describe('glassbox audit', () => {
  it('re-checks every anchor of a batch file on the held-out rows, with a summary line and exit code 1 when one is flagged', async () => {
    const r = await cli('audit', '--explanations', batch, '--data', heldOut, '--target', 'Income', '--json');
    const report = JSON.parse(r.stdout);
    expect(report.findings).toHaveLength(40);
    expect(report.held_out_rows).toBe(4000);
    expect(r.code).toBe(report.flagged > 0 ? 1 : 0);
    const text = await cli('audit', '--explanations', batch, '--data', heldOut, '--target', 'Income');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(
      `audit: ${report.holds} hold, ${report.undecided} undecided, ${report.flagged} flagged (40 anchors on 4,000 held-out rows, 95% Wilson intervals, at least 30 rows)`,
    );
  });

  it('flags a planted wrong anchor (exit 1) and passes the summary\'s real ones', async () => {
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const pass = await cli('audit', '--explanations', join(dir, 'summary.json'), '--data', heldOut, '--target', 'Income', '--min-rows', '30');
    expect(pass.stdout).toMatch(/^audit: \d+ hold, \d+ undecided, 0 flagged \(3 anchors on 4,000 held-out rows/m);
    expect(pass.code).toBe(0);
    const married = { feature: 3, name: 'Marital Status', op: 'eq', value: adult.categoryMap[3].indexOf('Married'), category: 'Married', text: 'Marital Status = Married' };
    const first = JSON.parse(readFileSync(batch, 'utf8').split('\n')[0]).explanation;
    const planted = { ...first, data: { ...first.data, anchor: [married.text], precision: 0.95, raw: { ...first.data.raw, predicates: [married], prediction: 0 } } };
    const file = join(dir, 'planted.jsonl');
    writeFileSync(file, `${JSON.stringify(summary)}\n${JSON.stringify(planted)}\n`);
    const r = await cli('audit', '--explanations', file, '--data', heldOut, '--target', 'Income');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FLAGGED {3}row 1: Marital Status = Married -> <=50K: precision 0\.61\d \[0\.5\d\d, 0\.6\d\d\] on 1,885 rows \(claimed 0\.950, threshold 0\.95\).*\[below_threshold\]$/m);
  });

  it('names missing and extra held-out columns, and refuses explanations it cannot audit', async () => {
    const wrong = join(dir, 'wrong.csv');
    const header = [...adult.featureNames.filter((f) => f !== 'Sex'), 'Gender', 'Income'];
    writeFileSync(wrong, `${header.join(',')}\n`);
    writeFileSync(wrong, csv(adult.test.rows.slice(0, 3).map((r) => [...r.slice(0, 7), ...r.slice(8), r[7]]), [0, 0, 0], header));
    const r = await cli('audit', '--explanations', batch, '--data', wrong, '--target', 'Income');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`HeldOutColumnsError: ${wrong} has no column for feature "Sex" and column "Gender" that is no feature`);
    const noTarget = await cli('audit', '--explanations', batch, '--data', heldOut);
    expect(noTarget.stderr).toContain('column "Income" that is no feature (name the label column with --target');
    const text = join(dir, 'text.jsonl');
    writeFileSync(text, `${JSON.stringify({ meta: { name: 'AnchorText' }, data: {} })}\n`);
    const t = await cli('audit', '--explanations', text, '--data', heldOut, '--target', 'Income');
    expect(t.code).toBe(1);
    expect(t.stderr).toContain('ExplanationTypeError: explanation 0 is an explanation of AnchorText');
    expect((await cli('audit', '--data', heldOut)).code).toBe(2);
    const confidence = await cli('audit', '--explanations', batch, '--data', heldOut, '--confidence', '1');
    expect([confidence.code, confidence.stderr.split('\n')[0]]).toEqual([2, 'glassbox audit: --confidence is 1; expected a number in (0, 1), e.g. 0.95']);
    expect((await cli('audit', '--explanations', batch, '--data', heldOut, '--threshold', '1.5')).code).toBe(2);
  });
});
