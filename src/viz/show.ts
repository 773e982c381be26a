import { createRequire } from 'node:module';
import { GlassboxError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { renderHtml, type RenderOptions } from './render.js';

/** The part of tslab's `display` that glassbox uses (tslab's `Display` interface has more). */
export interface NotebookDisplay {
  /** Displays a piece of HTML as the cell's output. */
  html(html: string): void;
}

/** The tslab kernel's own module: loaded whenever this process is a tslab kernel, never otherwise. */
const TSLAB_KERNEL_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/**
 * tslab's `display` when this process is a tslab kernel, otherwise `undefined`. tslab is not a
 * dependency of glassbox: the kernel is recognised by its module in the CommonJS module cache, and
 * `display` is loaded from next to it, so it is the very instance that writes to the running notebook
 * (a second copy of tslab would not know the current cell). A global `tslab` command that hands over
 * to a project's local copy leaves both copies in the cache; the one running the notebook is the one
 * that holds the current cell's output channel (`lastWriteDisplayData`).
 */
export function tslabDisplay(moduleCache: NodeJS.Dict<NodeJS.Module> = createRequire(import.meta.url).cache): NotebookDisplay | undefined {
  const kernels = Object.entries(moduleCache).filter(([file]) => TSLAB_KERNEL_MODULE.test(file));
  const running = kernels.find(([, mod]) => typeof (mod?.exports as { lastWriteDisplayData?: unknown })?.lastWriteDisplayData === 'function');
  if (running === undefined) return undefined;
  const tslab = createRequire(running[0])('./public.js') as { display?: NotebookDisplay };
  return typeof tslab.display?.html === 'function' ? tslab.display : undefined;
}

/**
 * Shows an explanation's card ({@link renderHtml}) in the tslab notebook this code runs in. Outside a
 * notebook it throws a `GlassboxError` (code `NOT_IN_NOTEBOOK`) that names the alternatives.
 */
export function show(explanation: Explanation<unknown>, options: RenderOptions = {}): void {
  const display = tslabDisplay();
  if (display === undefined) {
    throw new GlassboxError(
      'NOT_IN_NOTEBOOK',
      'show() displays an explanation in a tslab notebook, and this process is not a tslab kernel; ' +
        'use renderHtml(explanation) or renderHtmlPage(explanation) for the HTML, or renderPng(html) for a picture',
    );
  }
  display.html(renderHtml(explanation, options));
}
