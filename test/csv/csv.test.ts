import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { csvModelRows, encodeCsvRecord, loadCsv, parseCsv } from '../../src/datasets/csv.js';

const ADULT_CSV = fileURLToPath(new URL('../../datasets/adult/adult-train.csv', import.meta.url));

const PEOPLE = [
  'age,job,rooms,score,label',
  '39,clerk,3,0.5,yes',
  '50,"manager, sales",1,-1e-1,no',
  '38,clerk,10,2,no',
  '53,Énergie,2,.25,yes',
].join('\n');

describe('parseCsv: types and codes', () => {
  it('reads numbers as numbers and codes categories 0..k-1 in sorted order, the target left out', () => {
    const t = parseCsv(PEOPLE, { target: 'label' });
    expect(t.featureNames).toEqual(['age', 'job', 'rooms', 'score']);
    // UTF-8 byte order: uppercase before lowercase, 'É' (0xC3 0x89) after every ASCII letter.
    expect(t.categoryMap).toEqual({ 1: ['clerk', 'manager, sales', 'Énergie'] });
    expect(t.rows).toEqual([
      [39, 0, 3, 0.5],
      [50, 1, 1, -0.1],
      [38, 0, 10, 2],
      [53, 2, 2, 0.25],
    ]);
    expect(t.targetName).toBe('label');
    expect(t.target).toEqual(['yes', 'no', 'no', 'yes']);
    expect(t.targetNames).toEqual(['no', 'yes']);
    expect(t.modelValues).toEqual([undefined, undefined, undefined, undefined]);
    expect(csvModelRows(t, t.rows)).toBe(t.rows);
  });

  it('takes a byte-order mark, CRLF lines, blanks around fields and trailing empty lines', () => {
    const t = parseCsv('\uFEFFa , b\r\n 1 , x \r\n2,y\r\n\r\n');
    expect(t.featureNames).toEqual(['a', 'b']);
    expect(t.rows).toEqual([[1, 0], [2, 1]]);
    expect(t.target).toBeUndefined();
  });

  it('reads a column as categorical on request: numeric categories sorted as numbers, fed to the model as numbers', () => {
    const t = parseCsv(PEOPLE, { target: 'label', categorical: ['rooms'] });
    expect(t.categoryMap[2]).toEqual(['1', '2', '3', '10']);
    expect(t.rows.map((r) => r[2])).toEqual([2, 0, 3, 1]);
    expect(t.modelValues[2]).toEqual([1, 2, 3, 10]);
    expect(csvModelRows(t, t.rows).map((r) => r[2])).toEqual([3, 1, 10, 2]);
    expect(t.rows[0][2]).toBe(2); // the codes themselves are left alone
  });

  it('reads a column as numbers on request, naming the line of a value that is not one', () => {
    expect(() => parseCsv('a,b\n1,x\n', { numeric: ['b'] })).toThrow(/the CSV text line 2, column "b" is "x"; expected a number \(the column is numeric\)/);
    expect(parseCsv('a\n1\n2\n', { numeric: ['a'] }).rows).toEqual([[1], [2]]);
  });

  it('codes the bundled adult-train.csv exactly as loadAdult codes the training split', () => {
    const t = loadCsv(ADULT_CSV, { target: 'Income' });
    const adult = loadAdult();
    expect(t.featureNames).toEqual(adult.featureNames);
    expect(t.categoryMap).toEqual(adult.categoryMap);
    expect(t.rows).toEqual(adult.train.rows);
    expect(t.targetNames).toEqual(adult.targetNames);
    expect(t.target?.map((name) => adult.targetNames.indexOf(name))).toEqual(adult.train.target);
  });
});

describe('encodeCsvRecord', () => {
  const t = parseCsv(PEOPLE, { target: 'label', categorical: ['rooms'] });

  it('encodes a record with category names, numbers for numeric categories, and ignores the target', () => {
    expect(encodeCsvRecord(t, { age: 40, job: 'Énergie', rooms: 10, score: 1, label: 'yes' })).toEqual([40, 2, 3, 1]);
    expect(encodeCsvRecord(t, { age: 40, job: 'clerk', rooms: '3', score: 1 })).toEqual([40, 0, 2, 1]);
  });

  it('names unknown fields, missing features, wrong types and unseen categories', () => {
    const ok = { age: 40, job: 'clerk', rooms: 3, score: 1 };
    const bad = (record: unknown) => () => encodeCsvRecord(t, record, '--instance');
    expect(bad({ ...ok, salary: 3 })).toThrow(/--instance has a field "salary" that is not a column of the CSV text; its features are: age, job, rooms, score/);
    expect(bad({ age: 40, job: 'clerk', rooms: 3 })).toThrow(/--instance has no value for feature "score"/);
    expect(bad({ ...ok, age: '40' })).toThrow(/--instance, feature "age" is "40"; expected a number \(the column is numeric\)/);
    expect(bad({ ...ok, job: 'pilot' })).toThrow(InvalidInputError);
    expect(bad({ ...ok, job: 'pilot' })).toThrow(
      /--instance, feature "job" has category "pilot", which the CSV text never holds; its categories are: clerk, manager, sales, Énergie/,
    );
    expect(bad({ ...ok, rooms: 4 })).toThrow(/feature "rooms" has category 4, which the CSV text never holds; its categories are: 1, 2, 3, 10/);
    expect(bad([40, 'clerk', 3, 1])).toThrow(/--instance is an array; expected an object keyed by column name/);
  });
});

describe('parseCsv and loadCsv errors', () => {
  const error = (text: string, options = {}) => {
    try {
      parseCsv(text, { source: 'data.csv', ...options });
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      return (err as Error).message;
    }
    throw new Error('expected an error');
  };

  it('empty files and files without rows', () => {
    expect(error('')).toBe('data.csv is empty; expected a header line and at least one row');
    expect(error('\n\r\n\n')).toBe('data.csv is empty; expected a header line and at least one row');
    expect(error('a,b\n')).toBe('data.csv has a header but no rows');
  });

  it('ragged rows, with the line number', () => {
    expect(error('a,b,c\n1,2,3\n\n4,5\n')).toBe('data.csv line 4 has 2 fields; expected 3, one per header column');
    expect(error('a,b\n1,2,3\n')).toBe('data.csv line 2 has 3 fields; expected 2, one per header column');
  });

  it('empty fields, bad headers and malformed CSV', () => {
    expect(error('a,b\n1,\n')).toBe('data.csv line 2, column "b" is empty; expected a value (fill in missing values, e.g. with "?" in a categorical column)');
    expect(error('a,a\n1,2\n')).toBe('data.csv header names column "a" twice; column names must be unique');
    expect(error('a,,c\n1,2,3\n')).toBe('data.csv header: column 2 has no name; expected a name for every column');
    expect(error('a,b\n"1,2\n')).toMatch(/^data\.csv is not valid CSV: Quote Not Closed/);
  });

  it('a missing target and unknown or conflicting columns in the options', () => {
    expect(error(PEOPLE, { target: 'income' })).toBe('target column "income" is not a column of data.csv; its columns are: age, job, rooms, score, label');
    expect(error(PEOPLE, { categorical: ['room'] })).toBe('categorical column "room" is not a column of data.csv; its columns are: age, job, rooms, score, label');
    expect(error(PEOPLE, { numeric: ['Age'] })).toMatch(/^numeric column "Age" is not a column of data\.csv/);
    expect(error(PEOPLE, { categorical: ['age'], numeric: ['age'] })).toBe('column "age" is named both categorical and numeric');
    expect(error(PEOPLE, { target: 'label', categorical: ['label'] })).toBe('categorical column "label" is the target column; the target is not a feature');
    expect(error(PEOPLE, { targets: 'label' })).toMatch(/unknown option "targets"/);
  });

  it('a file that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-csv-'));
    expect(() => loadCsv(join(dir, 'none.csv'))).toThrow(/^CSV file not found: .*none\.csv$/);
    writeFileSync(join(dir, 'ok.csv'), 'x\n1\n');
    expect(loadCsv(join(dir, 'ok.csv')).source).toBe(join(dir, 'ok.csv'));
  });
});
