import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { InvalidInputError } from '../core/errors.js';

/**
 * The output of a batch run: a JSON Lines file with one line per row, in row order, and beside it a
 * manifest (`OUT.manifest.json`) saying which run wrote it. A rerun with the same output file continues
 * where the last one stopped: it checks the manifest, keeps every complete line, cuts a last line that a
 * crash left unfinished, and appends the rows that are missing.
 */

/** The manifest's path for an output file. */
function manifestPath(out: string): string {
  return `${out}.manifest.json`;
}

/** The output file of one run, opened for appending after the rows it already holds. */
export class BatchOutput {
  private constructor(
    private readonly fd: number,
    /** Where the next line goes: the end of the file's complete lines. */
    private position: number,
    /** Rows already in the file when it was opened (a prefix of the run's rows). */
    readonly resumed: number,
    /** Error lines already in the file when it was opened. */
    readonly resumedFailed: number,
  ) {}

  /**
   * Opens `out` for the run described by `manifest`, whose rows are `rows` (in output order). A file
   * written by another run (a different manifest), or holding lines that are not this run's rows in
   * order, is refused with an {@link InvalidInputError} that says what differs; nothing is overwritten.
   */
  static open(out: string, manifest: Record<string, unknown>, rows: readonly number[]): BatchOutput {
    const manifestFile = manifestPath(out);
    const hasOutput = existsSync(out) && statSync(out).size > 0;
    if (hasOutput) {
      if (!existsSync(manifestFile)) {
        throw new InvalidInputError(
          `${out} exists but has no manifest ${manifestFile}, so it was not written by explain-batch; ` +
            'expected a new file or the output of an earlier explain-batch run: choose another --out or delete it',
        );
      }
      checkSameRun(out, readManifest(manifestFile), manifest);
    }
    let fd: number;
    try {
      if (!hasOutput) {
        const tmp = `${manifestFile}.tmp`;
        writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
        renameSync(tmp, manifestFile);
      }
      fd = openSync(out, hasOutput ? 'r+' : 'w+');
    } catch (err) {
      throw new InvalidInputError(`cannot write the output ${out} or its manifest: ${(err as Error).message}; expected a writable file in an existing folder`, { cause: err });
    }
    try {
      const { lines, failed, end } = scanLines(fd, out, rows);
      ftruncateSync(fd, end);
      return new BatchOutput(fd, end, lines, failed);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Appends complete lines (each without its newline) in one write, so a crash can cut only the last. */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    for (let written = 0; written < bytes.length; ) {
      written += writeSync(this.fd, bytes, written, bytes.length - written, this.position + written);
    }
    this.position += bytes.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readManifest(path: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidInputError(`${path} is not a JSON object; expected the manifest explain-batch wrote (delete it and its output to start over)`);
}

/** Throws unless the two manifests agree, naming the first setting that differs. */
function checkSameRun(out: string, previous: Record<string, unknown>, current: Record<string, unknown>): void {
  const before = flatten(previous);
  const now = flatten(current);
  for (const key of new Set([...before.keys(), ...now.keys()])) {
    if (before.get(key) !== now.get(key)) {
      throw new InvalidInputError(
        `${out} was written by a different run: its manifest has ${key} = ${before.get(key) ?? '(none)'}, this run has ${now.get(key) ?? '(none)'}; ` +
          'rerun with the same settings to resume it, or choose another --out',
      );
    }
  }
}

/** Leaf values of a JSON value by their dotted path, as JSON text. */
function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, into);
  } else if (value !== undefined) {
    into.set(prefix, JSON.stringify(value));
  }
  return into;
}

const CHUNK = 1 << 20;

/**
 * Reads the lines already in an output file and checks them: line k must be the JSON of row `rows[k]`,
 * with its explanation or its error. A last line without its newline is what a crash leaves behind:
 * it is not counted, and `end` (where appending resumes) is the byte after the last complete line.
 */
function scanLines(fd: number, out: string, rows: readonly number[]): { lines: number; failed: number; end: number } {
  let lines = 0;
  let failed = 0;
  let end = 0;
  let pending: Buffer[] = [];
  const buffer = Buffer.alloc(CHUNK);
  for (let position = 0; ; ) {
    const n = readSync(fd, buffer, 0, CHUNK, position);
    if (n === 0) break;
    let from = 0;
    for (let nl = buffer.indexOf(10, from); nl >= 0 && nl < n; nl = buffer.indexOf(10, from)) {
      pending.push(buffer.subarray(from, nl));
      if (checkLine(Buffer.concat(pending).toString('utf8'), lines, out, rows)) failed++;
      pending = [];
      lines++;
      end = position + nl + 1;
      from = nl + 1;
    }
    pending.push(Buffer.from(buffer.subarray(from, n)));
    position += n;
  }
  return { lines, failed, end };
}

/** Checks line `k` (0-based) of the output; true when it is an error line. */
function checkLine(text: string, k: number, out: string, rows: readonly number[]): boolean {
  const where = `${out} line ${k + 1}`;
  const fix = 'the file was edited or is not this run\'s output: choose another --out, or delete it and its manifest to start over';
  if (k >= rows.length) throw new InvalidInputError(`${where} is one line more than the ${rows.length} rows of this run; ${fix}`);
  let value: { row?: unknown; explanation?: unknown; error?: unknown } | undefined;
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    // reported below
  }
  if (value === null || typeof value !== 'object' || (value.explanation === undefined) === (value.error === undefined)) {
    throw new InvalidInputError(`${where} is not a row's JSON ({"row", "explanation"} or {"row", "error"}); ${fix}`);
  }
  if (value.row !== rows[k]) throw new InvalidInputError(`${where} holds row ${String(value.row)}; expected row ${rows[k]}; ${fix}`);
  return value.error !== undefined;
}
