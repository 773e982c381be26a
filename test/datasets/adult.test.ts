import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import type { TabularDataset } from '../../src/datasets/types.js';

const BUNDLED = join(import.meta.dirname, '..', '..', 'datasets', 'adult');

describe('loadAdult (bundled data)', () => {
  let adult: TabularDataset;
  beforeAll(() => {
    adult = loadAdult();
  });

  it('has the UCI row counts and the target balance', () => {
    expect(adult.name).toBe('adult');
    expect(adult.train.rows).toHaveLength(32_561);
    expect(adult.train.target).toHaveLength(32_561);
    expect(adult.test.rows).toHaveLength(16_281);
    expect(adult.test.target).toHaveLength(16_281);
    expect(adult.train.target.filter((y) => y === 1)).toHaveLength(7_841);
    expect(adult.test.target.filter((y) => y === 1)).toHaveLength(3_846);
    expect(new Set([...adult.train.target, ...adult.test.target])).toEqual(new Set([0, 1]));
    expect(adult.targetNames).toEqual(['<=50K', '>50K']);
  });

  it('keeps the grouping.json features in order, 12 values per row', () => {
    expect(adult.featureNames).toEqual([
      'Age',
      'Workclass',
      'Education',
      'Marital Status',
      'Occupation',
      'Relationship',
      'Race',
      'Sex',
      'Capital Gain',
      'Capital Loss',
      'Hours per week',
      'Country',
    ]);
    const allRows = [...adult.train.rows, ...adult.test.rows];
    expect(allRows.filter((row) => row.length !== 12)).toEqual([]);
    // Numeric columns carry no category map; every categorical one does.
    expect(Object.keys(adult.categoryMap).map(Number)).toEqual([1, 2, 3, 4, 5, 6, 7, 11]);
  });

  it('codes grouped categories in byte-wise alphabetical order, with ? as its own category', () => {
    expect(adult.categoryMap[2]).toEqual([
      'Associates',
      'Bachelors',
      'Doctorate',
      'Dropout',
      'High School grad',
      'Masters',
      'Prof-School',
    ]);
    expect(adult.categoryMap[3]).toEqual(['Married', 'Never-Married', 'Separated', 'Widowed']);
    expect(adult.categoryMap[1][0]).toBe('?');
    expect(adult.categoryMap[1].indexOf('Private')).toBe(4);
    expect(adult.categoryMap[4]).toEqual([
      '?',
      'Admin',
      'Blue-Collar',
      'Military',
      'Other',
      'Professional',
      'Sales',
      'Service',
      'White-Collar',
    ]);
    expect(adult.categoryMap[7]).toEqual(['Female', 'Male']);
    // Yugoslavia is not in the Country grouping: it keeps its own name.
    expect(adult.categoryMap[11]).toEqual([
      '?',
      'British-Commonwealth',
      'China',
      'Euro_1',
      'Euro_2',
      'Latin-America',
      'Other',
      'SE-Asia',
      'South-America',
      'United-States',
      'Yugoslavia',
    ]);
    // Codes stay inside their category lists in both splits.
    for (const [col, names] of Object.entries(adult.categoryMap)) {
      const seen = new Set([...adult.train.rows, ...adult.test.rows].map((row) => row[Number(col)]));
      // Every code occurs (the lists are the union of both files), and nothing else does.
      expect([...seen].sort((a, b) => a - b)).toEqual(names.map((_, code) => code));
    }
  });

  it('groups and codes the first test row', () => {
    // adult.test line 2: 25, Private, 226802, 11th, 7, Never-married, Machine-op-inspct, Own-child,
    // Black, Male, 0, 0, 40, United-States, <=50K.
    const row = adult.test.rows[0];
    expect(row).toEqual([25, 4, 3, 1, 2, 3, 2, 1, 0, 0, 40, 9]);
    const decoded = row.map((v, j) => (adult.categoryMap[j] ? adult.categoryMap[j][v] : v));
    expect(decoded).toEqual([
      25,
      'Private',
      'Dropout',
      'Never-Married',
      'Blue-Collar',
      'Own-child',
      'Black',
      'Male',
      0,
      0,
      40,
      'United-States',
    ]);
    expect(adult.test.target[0]).toBe(0);
    // adult.test's last row: 35, Self-emp-inc, ..., Bachelors, Married-civ-spouse, Exec-managerial, ..., >50K.
    expect(adult.test.target[16_280]).toBe(1);
    expect(adult.test.rows[16_280][0]).toBe(35);
    // adult.data's first row: 39, State-gov, ..., Bachelors, Never-married, Adm-clerical, ..., 2174, 0, 40.
    expect(adult.train.rows[0]).toEqual([39, 7, 1, 1, 1, 1, 4, 1, 2174, 0, 40, 9]);
  });

  it('loads fast enough for a CLI', () => {
    const start = performance.now();
    loadAdult();
    expect(performance.now() - start).toBeLessThan(1_000);
  });
});

describe('loadAdult (malformed files)', () => {
  let dir: string;
  const good = readFileSync(join(BUNDLED, 'adult.data'), 'utf8').split('\n').slice(0, 5).join('\n') + '\n';
  const goodTest = '|1x3 Cross validator\n' + good.replaceAll('50K\n', '50K.\n') + '\n';
  const write = (data: string, test = goodTest) => {
    writeFileSync(join(dir, 'adult.data'), data);
    writeFileSync(join(dir, 'adult.test'), test);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'glassbox-adult-'));
    writeFileSync(join(dir, 'grouping.json'), readFileSync(join(BUNDLED, 'grouping.json')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a small well-formed copy', () => {
    write(good);
    const small = loadAdult({ dir });
    expect(small.train.rows).toHaveLength(5);
    expect(small.test.rows).toHaveLength(5);
    expect(small.test.rows).toEqual(small.train.rows);
    // Categories come only from these rows: Workclass has State-gov, Self-emp-not-inc, Private.
    expect(small.categoryMap[1]).toEqual(['Private', 'Self-emp-not-inc', 'State-gov']);
  });

  it('names the file and line of a row with the wrong number of fields', () => {
    const lines = good.split('\n');
    lines[2] = lines[2].replace(', 40, ', ', 40 ');
    write(lines.join('\n'));
    expect(() => loadAdult({ dir })).toThrow(InvalidInputError);
    expect(() => loadAdult({ dir })).toThrow(/adult\.data line 3: expected 15 fields separated by ", ", found 14/);
  });

  it('names the file and line of an unknown label', () => {
    write(good, goodTest.replace('<=50K.\n', 'maybe\n'));
    expect(() => loadAdult({ dir })).toThrow(/adult\.test line 2: unknown income label "maybe"/);
  });

  it('rejects a non-numeric number and a blank line inside the data', () => {
    write(good.replace(/^39, /, 'thirty-nine, '));
    expect(() => loadAdult({ dir })).toThrow(/adult\.data line 1: field 1 is "thirty-nine"; expected a number/);
    const lines = good.split('\n');
    lines.splice(2, 0, '');
    write(lines.join('\n'));
    expect(() => loadAdult({ dir })).toThrow(/adult\.data line 3: blank line inside the data/);
  });

  it('says which file is missing', () => {
    rmSync(join(dir, 'adult.test'), { force: true });
    writeFileSync(join(dir, 'adult.data'), good);
    expect(() => loadAdult({ dir })).toThrow(InvalidInputError);
    expect(() => loadAdult({ dir })).toThrow(/Adult data file not found: .*adult\.test/);
  });
});
