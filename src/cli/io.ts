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

/** Parses a number option, naming the flag when it is not a number in range. */
export function numberFlag(flag: string, value: string | undefined, { integer = false, min = -Infinity } = {}): number | undefined {
  if (value === undefined) return undefined;
  const x = Number(value);
  if (value.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x)) || x < min) {
    throw new UsageError(`--${flag} is "${value}"; expected ${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` >= ${min}` : ''}`);
  }
  return x;
}
