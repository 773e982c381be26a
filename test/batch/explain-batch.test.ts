import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { cli } from '../cli/run-cli.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { loadDemoModel } from '../../src/models/demo-models.js';

/**
 * explain-batch end to end, through the command line in this process, with real worker threads, the
 * bundled Adult data and model, and a real model server on 127.0.0.1. A cheap explanation config
 * (200 coverage samples, 20 rows) keeps each run to a second or two.
 */

const ROWS = '0:20';
const CHEAP = ['--coverage-samples', '200', '--seed', '3'];

let dir: string;
/** The reference: rows 0..19 with one worker. */
let oneWorker: string;
let oneWorkerStderr: string;
const adult = loadAdult();

function lines(text: string): Array<{ row: number; explanation?: { data: { anchor: string[] } }; error?: { type: string; message: string } }> {
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n').map((l) => JSON.parse(l));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glassbox-batch-'));
  const out = join(dir, 'one.jsonl');
  const r = await cli('explain-batch', 'adult', '--out', out, '--rows', ROWS, '--workers', '1', ...CHEAP);
  expect(r.stderr).toContain('explain-batch: 20 rows in');
  expect(r).toMatchObject({ code: 0, stdout: '' });
  oneWorker = readFileSync(out, 'utf8');
  oneWorkerStderr = r.stderr;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('glassbox explain-batch', () => {
  it('writes one explanation per row, in order, each the library explanation of that row with the same seed', async () => {
    const parsed = lines(oneWorker);
    expect(parsed.map((l) => l.row)).toEqual([...Array(20).keys()]);
    expect(parsed.every((l) => l.explanation !== undefined && l.error === undefined)).toBe(true);
    const explainer = new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, { categoryMap: adult.categoryMap, seed: 3 });
    await explainer.fit(adult.train.rows);
    for (const row of [0, 15]) {
      const direct = await explainer.explain(adult.test.rows[row], { coverageSamples: 200 });
      expect(oneWorker.split('\n')[row]).toBe(JSON.stringify({ row, explanation: direct }));
    }
    expect(parsed[15].explanation?.data.anchor).toEqual(['Education = Masters', 'Marital Status = Married', 'Occupation = White-Collar']);
    // Progress on stderr, at most a line per tenth of the rows (a few rows may be written at once), then the summary.
    const stderr = oneWorkerStderr.trimEnd().split('\n');
    expect(stderr.pop()).toBe(`explain-batch: 20 rows in ${join(dir, 'one.jsonl')}`);
    const counts = stderr.map((line) => Number(/^explain-batch: (\d+)\/20 rows$/.exec(line)?.[1]));
    expect(counts.at(-1)).toBe(20);
    expect(counts.length).toBeGreaterThanOrEqual(5);
    expect(counts.length).toBeLessThanOrEqual(11);
    expect(new Set(counts.map((k) => Math.floor(k / 2))).size).toBe(counts.length); // one line per tenth
    expect([...counts].sort((a, b) => a - b)).toEqual(counts);
  });

  it('gives byte-identical output with 2 workers as with 1', async () => {
    const out = join(dir, 'two.jsonl');
    const r = await cli('explain-batch', 'adult', '--out', out, '--rows', ROWS, '--workers', '2', ...CHEAP);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(oneWorker);
    expect(readFileSync(`${out}.manifest.json`, 'utf8')).toBe(readFileSync(join(dir, 'one.jsonl.manifest.json'), 'utf8'));
  });

  it('splits the rows into shards (row r in shard r mod n) whose lines together are the unsharded run', async () => {
    const shards = [];
    for (const shard of ['0/2', '1/2']) {
      const out = join(dir, `shard-${shard[0]}.jsonl`);
      const r = await cli('explain-batch', 'adult', '--out', out, '--rows', ROWS, '--shard', shard, '--workers', '2', ...CHEAP);
      expect(r.code).toBe(0);
      shards.push(readFileSync(out, 'utf8'));
    }
    expect(lines(shards[0]).map((l) => l.row)).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(lines(shards[1]).map((l) => l.row)).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19]);
    const merged = shards
      .flatMap((s) => s.slice(0, -1).split('\n'))
      .sort((a, b) => JSON.parse(a).row - JSON.parse(b).row);
    expect(`${merged.join('\n')}\n`).toBe(oneWorker);
  });

  it('resumes a file that a crash cut mid-line, and ends equal to a clean run', async () => {
    const out = join(dir, 'crashed.jsonl');
    copyFileSync(join(dir, 'one.jsonl'), out);
    copyFileSync(join(dir, 'one.jsonl.manifest.json'), `${out}.manifest.json`);
    const seven = oneWorker.split('\n').slice(0, 7).join('\n').length + 1;
    truncateSync(out, seven + 100); // 7 complete rows and the first 100 bytes of row 7
    const r = await cli('explain-batch', 'adult', '--out', out, '--rows', ROWS, '--workers', '2', ...CHEAP);
    expect(r.stderr).toContain('20 rows in');
    expect(r.stderr).toContain('(7 were already there)');
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(oneWorker);

    // Run again: nothing is left to do, and nothing changes.
    const again = await cli('explain-batch', 'adult', '--out', out, '--rows', ROWS, '--workers', '2', ...CHEAP);
    expect(again).toMatchObject({ code: 0, stderr: expect.stringContaining('(20 were already there)') });
    expect(readFileSync(out, 'utf8')).toBe(oneWorker);
  });

  it('refuses to resume a file written with other settings, or not by explain-batch, and leaves it as it was', async () => {
    const out = join(dir, 'one.jsonl');
    const other = await cli('explain-batch', 'adult', '--out', out, '--rows', ROWS, '--coverage-samples', '200', '--seed', '4');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`InvalidInputError: ${out} was written by a different run: its manifest has job.source.seed = 3, this run has 4`);
    const moreRows = await cli('explain-batch', 'adult', '--out', out, '--rows', '0:21', ...CHEAP);
    expect(moreRows.stderr).toContain('its manifest has rows.end = 20, this run has 21');
    expect(readFileSync(out, 'utf8')).toBe(oneWorker);

    const foreign = join(dir, 'foreign.jsonl');
    writeFileSync(foreign, '{"row":0}\n');
    const r = await cli('explain-batch', 'adult', '--out', foreign, '--rows', ROWS, ...CHEAP);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${foreign} exists but has no manifest ${foreign}.manifest.json`);
    expect(readFileSync(foreign, 'utf8')).toBe('{"row":0}\n');

    const nowhere = join(dir, 'no-such-folder', 'out.jsonl');
    const w = await cli('explain-batch', 'adult', '--out', nowhere, '--rows', ROWS, ...CHEAP);
    expect(w).toMatchObject({ code: 1, stderr: expect.stringContaining(`InvalidInputError: cannot write the output ${nowhere} or its manifest: ENOENT`) });

    const edited = join(dir, 'edited.jsonl');
    writeFileSync(edited, oneWorker.split('\n').filter((_, i) => i !== 3).join('\n'));
    copyFileSync(join(dir, 'one.jsonl.manifest.json'), `${edited}.manifest.json`);
    const e = await cli('explain-batch', 'adult', '--out', edited, '--rows', ROWS, ...CHEAP);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(`${edited} line 4 holds row 4; expected row 3`);
  });

  it('writes error lines for the rows a remote model fails on, keeps the others intact and in order, and exits 1', async () => {
    // The model fails on the first call of explaining a row whose Age is odd: the explained row, first,
    // with the empty anchor's 100 samples (minSamplesStart), so exactly those rows fail.
    const { predictor } = loadDemoModel('adult-gbt');
    const server: ListeningModelServer = await createModelServer({
      name: 'adult',
      nFeatures: adult.featureNames.length,
      featureNames: adult.featureNames,
      port: 0,
      predictor: (rows) => {
        if (rows.length === 101 && rows[0][0] % 2 === 1) throw new Error(`no predictions for age ${rows[0][0]}`);
        return predictor(rows) as number[][];
      },
    }).listen();
    try {
      const out = join(dir, 'remote.jsonl');
      const r = await cli('explain-batch', 'adult', '--out', out, '--rows', ROWS, '--workers', '2', ...CHEAP, '--model-url', `${server.url}/v2/models/adult/infer`);
      const failing = [...Array(20).keys()].filter((row) => adult.test.rows[row][0] % 2 === 1);
      expect(failing.length).toBeGreaterThan(3);
      expect(failing.length).toBeLessThan(17);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`20 rows in ${out}; ${failing.length} failed (see their error lines)`);
      const text = readFileSync(out, 'utf8');
      const parsed = lines(text);
      expect(parsed.map((l) => l.row)).toEqual([...Array(20).keys()]);
      const reference = oneWorker.split('\n');
      parsed.forEach((line, row) => {
        if (failing.includes(row)) {
          expect(line.error?.type).toBe('RemoteModelError');
          expect(line.error?.message).toContain('500');
          expect(line.error?.message).toContain(`no predictions for age ${adult.test.rows[row][0]}`);
        } else {
          expect(text.split('\n')[row]).toBe(reference[row]); // remote = in-process, byte for byte
        }
      });
    } finally {
      await server.close();
    }
  });

  it('stops with a typed error, and no lines, when the workers cannot open the explainer', async () => {
    const out = join(dir, 'down.jsonl');
    const r = await cli('explain-batch', 'adult', '--out', out, '--rows', '0:4', '--workers', '1', ...CHEAP, '--model-url', 'http://127.0.0.1:9/v2/models/adult/infer');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('BatchWorkerError: a worker could not open the explainer: RemoteModelError');
    expect(readFileSync(out, 'utf8')).toBe('');
  }, 60_000);

  it('answers flag mistakes with a usage error (exit 2) that names the flag', async () => {
    const out = join(dir, 'never.jsonl');
    const cases: Array<[string[], string]> = [
      [['--shard', '3/2'], '--shard: shard index is 3 of 2 shards; expected an integer 0..1'],
      [['--shard', '0/0'], '--shard: shard count is 0; expected an integer >= 1'],
      [['--shard', 'half'], '--shard: shard is "half"; expected i/n'],
      [['--rows', '10:5'], '--rows: rows 10:5 is not a range of rows'],
      [['--workers', '0'], '--workers is "0"; expected an integer >= 1'],
      [['--threshold', '1.5'], '--threshold is "1.5"; expected a number in (0, 1]'],
      [['--coverage-samples', '1.5'], '--coverage-samples is "1.5"; expected an integer in [1, 100000]'],
      [['--header', 'X-Id: 1'], '--header needs --model-url URL'],
      [['--model-url', 'http://127.0.0.1:9/v2/models/adult/infer', '--protocol', 'grpc'], '--protocol is "grpc"; expected v2, kserve-v1 or seldon'],
    ];
    for (const [flags, message] of cases) {
      const r = await cli('explain-batch', 'adult', '--out', out, ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('Usage: glassbox explain-batch');
    }
    expect(await cli('explain-batch', 'adult')).toMatchObject({ code: 2, stderr: expect.stringContaining('--out FILE is required') });
    expect(await cli('explain-batch', 'iris', '--out', out)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown data set "iris"') });
    expect(existsSync(out)).toBe(false);
  });
});
