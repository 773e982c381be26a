/**
 * Writes the bundled Adult data, grouped and coded by `loadAdult()`, as CSV files:
 *
 *     npx tsx scripts/write-adult-csv.ts [--encoded-dir /tmp/glassbox-adult]
 *
 * - `datasets/adult/adult-train.csv`: the 32,561 training rows with a header, category names as
 *   strings and the target column `Income` (`<=50K` / `>50K`): the CSV the command-line example
 *   explains (`glassbox explain --model models/onnx/adult-rf.onnx --train datasets/adult/adult-train.csv
 *   --target Income --row 0`).
 * - In `--encoded-dir`: `train.csv` and `test.csv` with every value a number (categories as
 *   `loadAdult()` codes them, target 0/1) and `schema.json` (feature names, category map, class names),
 *   the input of `scripts/export-adult-onnx.py`.
 *
 * Deterministic: the same files on every run. It checks that every category of `loadAdult()` occurs in
 * the training rows, so that `loadCsv` (which codes a column's categories in sorted order of the values
 * it sees) codes `adult-train.csv` exactly as `loadAdult()` does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAdult } from '../src/datasets/adult.js';

const { values } = parseArgs({ options: { 'encoded-dir': { type: 'string', default: '/tmp/glassbox-adult' } } });
const encodedDir = values['encoded-dir'] as string;
const adult = loadAdult();
const { featureNames, categoryMap, targetNames, train, test } = adult;
const TARGET = 'Income';

for (const [column, names] of Object.entries(categoryMap)) {
  const seen = new Set(train.rows.map((row) => row[Number(column)]));
  const unseen = names.filter((_, code) => !seen.has(code));
  if (unseen.length > 0) throw new Error(`${featureNames[Number(column)]}: categories ${unseen.join(', ')} never occur in the training rows`);
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
const field = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
const line = (values: readonly string[]): string => `${values.map(field).join(',')}\n`;

const header = line([...featureNames, TARGET]);
const named = train.rows.map((row, i) =>
  line([...row.map((x, j) => (categoryMap[j] === undefined ? String(x) : categoryMap[j][x])), targetNames[train.target[i]]]),
);
const csvPath = fileURLToPath(new URL('../datasets/adult/adult-train.csv', import.meta.url));
writeFileSync(csvPath, header + named.join(''));

mkdirSync(encodedDir, { recursive: true });
for (const [name, split] of [['train', train], ['test', test]] as const) {
  const rows = split.rows.map((row, i) => line([...row.map(String), String(split.target[i])]));
  writeFileSync(join(encodedDir, `${name}.csv`), header + rows.join(''));
}
writeFileSync(join(encodedDir, 'schema.json'), `${JSON.stringify({ featureNames, categoryMap, targetNames, target: TARGET }, null, 1)}\n`);
console.log(`wrote ${csvPath} (${train.rows.length} rows) and ${encodedDir}/{train,test}.csv, schema.json`);
