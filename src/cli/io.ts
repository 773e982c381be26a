import { GlassboxError } from '../core/errors.js';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal, so progress lines are worth printing. */
  interactive: boolean;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends GlassboxError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/**
 * Parses a number option, naming the flag when it is not a number in range (`min` to `max`, `min`
 * excluded with `openLow`): a {@link UsageError}, so that every invalid option value exits 2.
 */
export function numberFlag(
  flag: string,
  value: string | undefined,
  { integer = false, min = -Infinity, max = Infinity, openLow = false } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || (openLow ? x <= min : x < min) || x > max) {
    const kind = integer ? 'an integer' : 'a number';
    const range =
      max < Infinity ? ` in ${openLow ? '(' : '['}${min}, ${max}]` : min > -Infinity ? ` ${openLow ? '>' : '>='} ${min}` : '';
    throw new UsageError(`--${flag} is "${value}"; expected ${kind}${range}`);
  }
  return x;
}

/** `--threshold`: the precision an anchor must reach, in (0, 1] as the explainers take it. */
export function thresholdFlag(value: string | undefined): number | undefined {
  return numberFlag('threshold', value, { min: 0, max: 1, openLow: true });
}

/**
 * Joins `--flag -1` into `--flag=-1`: node's parseArgs reads a value that starts with a dash as a
 * missing value ("argument is ambiguous"), while every option here that takes a number may take a
 * negative one (and no option or positional looks like a negative number).
 */
export function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (/^--[^=]+$/.test(arg) && next !== undefined && /^-(?:\d|\.\d)/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
