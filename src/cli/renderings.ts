import { writeFile } from 'node:fs/promises';
import { GlassboxError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { renderPng } from '../viz/png.js';
import { renderHtmlPage, type RenderOptions } from '../viz/render.js';
import { UsageError } from './io.js';

/** Files the `--html FILE` and `--png FILE` flags ask for. */
export interface RenderingFiles {
  html?: string;
  png?: string;
}

async function writeOutput(flag: string, file: string, content: string | Buffer): Promise<void> {
  try {
    await writeFile(file, content);
  } catch (err) {
    throw new GlassboxError('OUTPUT_ERROR', `cannot write ${flag} file "${file}": ${(err as Error).message}`, { cause: err });
  }
}

/** Checks the file flags before any work is done: a flag given without a file name is a usage mistake. */
export function checkRenderingFiles(files: RenderingFiles): RenderingFiles {
  for (const [flag, file] of Object.entries(files)) {
    if (file !== undefined && file.trim() === '') throw new UsageError(`--${flag} needs a file name`);
  }
  return files;
}

/** Writes the explanation's card as a self-contained HTML page and/or a PNG picture, as the flags ask. */
export async function writeRenderings(explanation: Explanation<unknown>, options: RenderOptions, files: RenderingFiles): Promise<void> {
  if (files.html === undefined && files.png === undefined) return;
  const page = renderHtmlPage(explanation, options);
  if (files.html !== undefined) await writeOutput('--html', files.html, page);
  if (files.png !== undefined) await writeOutput('--png', files.png, await renderPng(page, { scale: 2 }));
}
