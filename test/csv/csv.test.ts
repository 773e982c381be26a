import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { csvModelRows, encodeCsvRecord, loadCsv, MAX_CSV_BYTES, parseCsv } from '../../src/datasets/csv.js';

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
    expect(error('a,b\n"1,2\n')).toBe('data.csv line 2 opens a quoted field that is never closed; expected a closing quote (")');
    expect(error('a,b\n1,"x"y\n')).toMatch(/^data\.csv is not valid CSV: Invalid Closing Quote: got "y" at line 2/);
  });

  it('an unclosed quote is named by the line where it opens, past closed quotes, doubled quotes and line breaks', () => {
    const text = ['a,b', '1,"two\nlines"', '2,"say ""hi"""', '3,  "open', '4,x', '5,y'].join('\n');
    expect(error(text)).toBe('data.csv line 5 opens a quoted field that is never closed; expected a closing quote (")');
  });

  it('a mostly numeric column with other values is an error naming the first, never a silent recode', () => {
    const ages = (bad: string, at = 5) => ['age,job', ...Array.from({ length: 8 }, (_, i) => `${i === at ? bad : 30 + i},clerk`)].join('\n');
    for (const bad of ['abc', 'NaN', 'Infinity', '-inf', '0x1F']) {
      expect(error(ages(bad))).toBe(
        `data.csv line 7, column "age" is ${JSON.stringify(bad)}, but 7 of the column's 8 values are numbers; a numeric column must hold ` +
          'only finite numbers: fix the value, or pass --categorical age (option categorical) to read the column as categories',
      );
    }
    expect(error(ages(''))).toBe('data.csv line 7, column "age" is empty; expected a value (fill in missing values, e.g. with "?" in a categorical column)');
    // Named categorical, the column is read as categories; a column of mostly words stays categorical.
    expect(parseCsv(ages('abc'), { categorical: ['age'] }).categoryMap[0]).toContain('abc');
    expect(parseCsv('code\nA1\nB2\n7\n').categoryMap).toEqual({ 0: ['7', 'A1', 'B2'] });
    expect(error('x\nNaN\nNaN\n')).toMatch(/^data\.csv line 2, column "x" is "NaN", but 0 of the column's 2 values are numbers/);
  });

  it('one column that holds another delimiter, and the delimiter option', () => {
    expect(error('age;job\n39;clerk\n')).toBe(
      `data.csv has one column, "age;job": its fields look separated by ";", not ","; pass --delimiter ';' (option delimiter) to read it`,
    );
    expect(error('age\tjob\n39\tclerk\n')).toMatch(/its fields look separated by "\\t", not ","; pass --delimiter '\\t'/);
    expect(parseCsv('age;job\n39;"a;b"\n', { delimiter: ';' }).categoryMap).toEqual({ 1: ['a;b'] });
    expect(parseCsv('age\n39\n').featureNames).toEqual(['age']);
    expect(error('a\n1\n', { delimiter: ';;' })).toBe('option delimiter is ";;"; expected one character other than a quote or a line break');
  });

  it('files that are not UTF-8: a UTF-16 byte-order mark, NUL bytes, invalid bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-csv-'));
    const file = (name: string, bytes: Uint8Array) => {
      writeFileSync(join(dir, name), bytes);
      return join(dir, name);
    };
    const utf16 = file('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]));
    expect(() => loadCsv(utf16)).toThrow(/utf16\.csv is UTF-16 text \(it starts with the byte-order mark FF FE\); expected UTF-8: save it as UTF-8/);
    const nul = file('nul.csv', Buffer.from('a,b\n1,2\n3,\u00004\n'));
    expect(() => loadCsv(nul)).toThrow(/nul\.csv line 3 holds a NUL byte; expected UTF-8 text \(is the file UTF-16 or binary\?\)$/);
    const latin1 = file('latin1.csv', Buffer.from('a,b\n1,x\n2,\xe9t\xe9\n', 'latin1'));
    expect(() => loadCsv(latin1)).toThrow(/latin1\.csv line 3 holds bytes that are not UTF-8; expected a UTF-8 text file$/);
  });

  it('a good file still round-trips: written back as CSV, it reads the same', () => {
    const t = parseCsv(PEOPLE, { target: 'label' });
    const field = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const lines = t.rows.map((row, i) =>
      [...row.map((v, j) => (t.categoryMap[j] === undefined ? String(v) : t.categoryMap[j][v])), t.target?.[i] ?? ''].map(field).join(','),
    );
    const again = parseCsv([[...t.featureNames, 'label'].join(','), ...lines].join('\n'), { target: 'label' });
    expect(again).toEqual(t);
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
    expect(() => loadCsv(dir)).toThrow(/^CSV file .* is not a regular file; expected a file of rows$/);
    // A sparse file: its size is read from the file system before any byte is.
    writeFileSync(join(dir, 'huge.csv'), '');
    truncateSync(join(dir, 'huge.csv'), MAX_CSV_BYTES + 1);
    expect(() => loadCsv(join(dir, 'huge.csv'))).toThrow(`has ${MAX_CSV_BYTES + 1} bytes; expected at most ${MAX_CSV_BYTES} (sample the rows first)`);
  });
});
