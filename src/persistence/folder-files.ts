import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ExplainerFileError } from '../core/errors.js';
import { EXPLAINER_FILE } from './format.js';

/**
 * Reading the files of a saved explainer as untrusted data. A folder may come from anyone (a model
 * registry, a colleague, an archive), so a file is read only when it is a regular file directly inside
 * the folder (never through a symbolic link, never a device, FIFO or socket, which could hang or never
 * end), of the size the manifest declares and at most {@link MAX_EXPLAINER_FILE_BYTES}; `explainer.json`
 * at most {@link MAX_MANIFEST_BYTES} and nested at most {@link MAX_JSON_DEPTH} deep. Every refusal is an
 * {@link ExplainerFileError} naming the file, and never quotes its content.
 */

/** Most bytes of `explainer.json`: its large arrays live in binary files, so it is a few KB to a few MB. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Most bytes of any other file of a saved explainer: 1 GiB, 128 million float64 values. */
export const MAX_EXPLAINER_FILE_BYTES = 1024 * 1024 * 1024;
/** Deepest nesting of arrays and objects in a JSON file: a saved explainer's own JSON is under 10 deep. */
export const MAX_JSON_DEPTH = 64;

/** A file name directly inside the folder: no separators, no `..`, no hidden names. */
const PLAIN_NAME = /^[\w-][\w.-]*$/;

/**
 * The bytes of file `name` of folder `dir`: exactly `exactBytes` when given (the size the manifest
 * declares, which `declared` says where, for the message), else at most `maxBytes`.
 */
export async function readFolderFile(
  dir: string,
  name: string,
  { exactBytes, declared = `as ${EXPLAINER_FILE} says`, maxBytes }: { exactBytes?: number; declared?: string; maxBytes: number },
): Promise<Buffer> {
  const path = join(dir, name);
  if (!PLAIN_NAME.test(name)) throw new ExplainerFileError(path, 'is not a plain file name inside the folder; expected a name without separators or a leading dot');
  let handle;
  try {
    // O_NOFOLLOW refuses a symbolic link; O_NONBLOCK keeps a FIFO from blocking the open (it is refused below).
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? name === EXPLAINER_FILE
          ? 'not found; expected a folder written by saveExplainer or `glassbox fit`'
          : `not found; ${EXPLAINER_FILE} refers to it`
        : code === 'ELOOP' || code === 'EMLINK'
          ? 'is a symbolic link; a saved explainer is read from regular files inside its folder only'
          : `cannot be read (${code ?? (err as Error).message})`;
    throw new ExplainerFileError(path, why, { cause: err });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new ExplainerFileError(path, `is ${stat.isDirectory() ? 'a folder' : 'a device, FIFO or socket'}; a saved explainer is read from regular files only`);
    }
    if (exactBytes !== undefined && exactBytes > maxBytes) {
      throw new ExplainerFileError(path, `is declared as ${exactBytes} bytes in ${EXPLAINER_FILE}; expected at most ${maxBytes}`);
    }
    if (exactBytes !== undefined ? stat.size !== exactBytes : stat.size > maxBytes) {
      throw new ExplainerFileError(
        path,
        exactBytes !== undefined
          ? `has ${stat.size} bytes; expected ${exactBytes} (${declared}): the file is truncated or was replaced`
          : `has ${stat.size} bytes; expected at most ${maxBytes}`,
      );
    }
    // Read the size checked above, no more: a file that grows while it is read is not followed.
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const { bytesRead } = await handle.read(bytes, read, bytes.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    if (read !== stat.size) throw new ExplainerFileError(path, `changed while it was read (${read} of ${stat.size} bytes)`);
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Parses JSON text after checking, in one pass over it, that arrays and objects nest at most
 * {@link MAX_JSON_DEPTH} deep (a deeper document could exhaust the stack of whatever walks it).
 */
export function parseBoundedJson(text: string, path: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new ExplainerFileError(path, `nests arrays and objects more than ${MAX_JSON_DEPTH} deep; expected a saved explainer's JSON`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes a piece of the text in its message; the error names the file and the position only.
    const why = (err as Error).message.replace(/"(?:[^"\\]|\\.)*"/g, '…');
    throw new ExplainerFileError(path, `is not valid JSON (${why}); the file is truncated or corrupt`, { cause: err });
  }
}
