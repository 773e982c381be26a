import { InvalidInputError } from './errors.js';

/**
 * Small checks for reading model JSON: each returns the value with its type narrowed, or throws an
 * {@link InvalidInputError} naming the source (e.g. a file), the field, what was expected and what was
 * found.
 */

/** Describes a JSON value in an error message. */
export function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? `${s.slice(0, 40)}…` : s}`;
}

export class JsonReader {
  /** @param source names what is read, e.g. `models/adult-gbt.json`. */
  constructor(readonly source: string) {}

  fail(field: string, expected: string, found: unknown): never {
    throw new InvalidInputError(`${this.source}: "${field}" should be ${expected}; found ${describeJson(found)}`);
  }

  object(v: unknown, field: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(field, 'an object', v);
    return v as Record<string, unknown>;
  }

  literal<T extends string | number>(v: unknown, field: string, expected: T): T {
    if (v !== expected) this.fail(field, JSON.stringify(expected), v);
    return expected;
  }

  finite(v: unknown, field: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(field, 'a finite number', v);
    return v as number;
  }

  integer(v: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, `an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`, v);
    }
    return v as number;
  }

  /** An array of finite numbers, optionally of a given length. */
  numbers(v: unknown, field: string, length?: number): number[] {
    const what = `an array of ${length ?? ''}${length === undefined ? '' : ' '}finite numbers`;
    if (!Array.isArray(v) || (length !== undefined && v.length !== length)) this.fail(field, what, v);
    const arr = v as unknown[];
    for (let i = 0; i < arr.length; i++) {
      if (typeof arr[i] !== 'number' || !Number.isFinite(arr[i])) this.fail(`${field}[${i}]`, 'a finite number', arr[i]);
    }
    return arr as number[];
  }

  /** An array of strings, optionally of a given length. */
  strings(v: unknown, field: string, length?: number): string[] {
    const what = `an array of ${length === undefined ? '' : `${length} `}strings`;
    if (!Array.isArray(v) || (length !== undefined && v.length !== length) || !v.every((s) => typeof s === 'string')) {
      this.fail(field, what, v);
    }
    return v as string[];
  }
}
