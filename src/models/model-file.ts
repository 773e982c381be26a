import { readFileSync } from 'node:fs';
import { InvalidInputError } from '../core/errors.js';

/** Reads and parses a bundled model file; `regenerate` is the command that writes it, for the message. */
export function readModelJson(path: string, regenerate: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InvalidInputError(
      missing ? `demo model file not found: ${path}; regenerate it with \`${regenerate}\`` : `cannot read demo model file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`demo model file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}
