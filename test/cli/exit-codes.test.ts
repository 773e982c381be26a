import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from '../../src/cli/io.js';
import { cli } from './run-cli.js';

/**
 * Issue 14, item 10: every invalid option value exits 2 with the same message style
 * (`--flag is "value"; expected ...`), and a negative number is read as an option's value.
 */

describe('glassbox exit codes for invalid option values', () => {
  it.each([
    [['explain', 'adult', '--row', '-1'], '--row is "-1"; expected an integer >= 0'],
    [['explain', 'adult', '--row', '0', '--threshold', '1.5'], '--threshold is "1.5"; expected a number in (0, 1]'],
    [['explain', 'adult', '--row', '0', '--threshold', '-0.5'], '--threshold is "-0.5"; expected a number in (0, 1]'],
    [['explain', 'sentiment', '--row', '0', '--threshold', '0'], '--threshold is "0"; expected a number in (0, 1]'],
    [['explain', 'adult', '--row', '0', '--seed', 'x'], '--seed is "x"; expected a number'],
    [['explain-batch', '--explainer', 'e', '--data', 'd', '--out', 'o', '--model', 'adult-gbt', '--coverage-samples', '200000'], '--coverage-samples is "200000"; expected an integer in [1, 100000]'],
    [['serve-model', 'adult', '--port', '70000'], '--port is "70000"; expected an integer in [0, 65535]'],
    [['serve', '--explainer', 'e', '--predictor-url', 'http://h/v2/models/a/infer', '--max-coverage-samples', '-3'], '--max-coverage-samples is "-3"; expected an integer >= 1'],
  ])('glassbox %j exits 2', async (argv, message) => {
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(`glassbox ${argv[0]}: ${message}`);
  });

  it('reads a negative number after an option as its value', () => {
    expect(joinNegativeValues(['adult', '--row', '-1', '--seed', '-.5', '--json', '-h'])).toEqual(['adult', '--row=-1', '--seed=-.5', '--json', '-h']);
    expect(joinNegativeValues(['--row=-1', '-x', '-1'])).toEqual(['--row=-1', '-x', '-1']);
  });
});
