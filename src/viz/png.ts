/**
 * HTML cards as PNG pictures, drawn by a headless Chromium driven through `puppeteer-core`.
 *
 * This module is the only part of glassbox that needs a browser, and it loads `puppeteer-core` only when
 * a picture is asked for: everything else (explaining, `renderHtml`, `show`) works without either.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { GlassboxError, InvalidInputError } from '../core/errors.js';
import { htmlDocument } from './html.js';
import { importPeer } from '../peer-dependency.js';

/** The environment variable that names the Chromium (or Chrome) executable to use. */
export const CHROMIUM_PATH_ENV = 'GLASSBOX_CHROMIUM';

/** Debian's Chromium, the browser used when {@link CHROMIUM_PATH_ENV} is not set. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The Chromium command line, and nothing else (puppeteer's defaults are not used): headless, no sandbox
 * (containers and CI runners rarely allow it), no GPU, and none of the background work a fresh profile
 * starts (networking, component updates, sync, first-run pages), so that a picture needs no network.
 * Scrollbars are hidden so that they never appear in a picture. puppeteer adds a fresh temporary
 * `--user-data-dir`, removed when the browser closes, and the pipe it talks over.
 */
export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--hide-scrollbars',
]);

/** The Chromium executable: `$GLASSBOX_CHROMIUM` if set, else Debian's `/usr/bin/chromium`. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[CHROMIUM_PATH_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CHROMIUM_PATH;
}

/**
 * Options of a PNG picture of a card ({@link renderPng}): the window size, the pixel ratio and the colour
 * scheme.
 */
export interface PngOptions {
  /** Width of the browser window in CSS pixels; the card is at most 920 wide. Default 960. */
  width?: number;
  /** Device pixels per CSS pixel: 2 draws a sharper, larger picture. Default 1. */
  scale?: number;
  /** Which palette the card uses, through `prefers-color-scheme`. Default `light`. */
  colorScheme?: 'light' | 'dark';
}

/** A rendered card: the PNG bytes, their size in pixels, and the text a reader sees in it. */
export interface RenderedPicture {
  png: Buffer;
  width: number;
  height: number;
  /** The page's visible text (`innerText`), e.g. for alt text or to check what was drawn. */
  text: string;
}

/** Blank space kept around the card in the picture, in CSS pixels. */
const MARGIN = 8;

function checkOptions({ width = 960, scale = 1, colorScheme = 'light' }: PngOptions): Required<PngOptions> {
  if (!Number.isInteger(width) || width < 200 || width > 4000) {
    throw new InvalidInputError(`option width is ${width}; expected an integer from 200 to 4000 (CSS pixels)`);
  }
  if (!Number.isFinite(scale) || scale <= 0 || scale > 4) {
    throw new InvalidInputError(`option scale is ${scale}; expected a number in (0, 4]`);
  }
  if (colorScheme !== 'light' && colorScheme !== 'dark') {
    throw new InvalidInputError(`option colorScheme is ${JSON.stringify(colorScheme)}; expected "light" or "dark"`);
  }
  return { width, scale, colorScheme };
}

/**
 * A running headless Chromium that draws HTML cards as PNG. Launch one to draw many pictures (a launch
 * takes about a second); {@link renderPng} draws one picture with a browser of its own.
 */
export class PngRenderer {
  private constructor(private readonly browser: Browser) {}

  /**
   * Starts Chromium (`executablePath`, default {@link chromiumPath}). Throws a `GlassboxError` with code
   * `NO_BROWSER` when there is no such executable, a `MissingDependencyError` when `puppeteer-core` is
   * not installed.
   */
  static async launch({ executablePath = chromiumPath() }: { executablePath?: string } = {}): Promise<PngRenderer> {
    if (!existsSync(executablePath)) {
      throw new GlassboxError(
        'NO_BROWSER',
        `no Chromium at ${executablePath}: PNG pictures need a headless Chromium; install one (Debian: apt-get install chromium) ` +
          `or set ${CHROMIUM_PATH_ENV} to a Chromium or Chrome executable`,
      );
    }
    const { launch } = await importPeer(() => import('puppeteer-core'), 'puppeteer-core', 'PNG pictures');
    const browser = await launch({
      executablePath,
      ignoreDefaultArgs: true,
      args: [...CHROMIUM_ARGS],
      pipe: true,
    });
    return new PngRenderer(browser);
  }

  /**
   * Draws HTML (a card from `renderHtml`, or a whole page) and returns the picture of the first card on
   * it, with a small margin, or of the whole page when there is no card.
   */
  async render(html: string, options: PngOptions = {}): Promise<RenderedPicture> {
    const { width, scale, colorScheme } = checkOptions(options);
    const page: Page = await this.browser.newPage();
    try {
      await page.setViewport({ width, height: 300, deviceScaleFactor: scale });
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: colorScheme }]);
      const document = /^\s*<!doctype html/i.test(html) ? html : htmlDocument(html, 'glassbox');
      await page.setContent(document, { waitUntil: 'load' });
      await page.evaluate('document.fonts.ready.then(() => true)');
      // A table wider than the card scrolls in a notebook; a picture cannot scroll, so widen the page.
      const overflow = (await page.evaluate(
        `Math.max(0, ...Array.from(document.querySelectorAll('.gbx-scroll'), (e) => e.scrollWidth - e.clientWidth))`,
      )) as number;
      if (overflow > 0) {
        await page.addStyleTag({ content: '.gbx{max-width:none !important}' });
        await page.setViewport({ width: width + overflow, height: 300, deviceScaleFactor: scale });
      }
      const card = await (await page.$('.gbx'))?.boundingBox();
      const full = (await page.evaluate(
        '({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight })',
      )) as { width: number; height: number };
      const clip =
        card == null
          ? { x: 0, y: 0, width: full.width, height: full.height }
          : {
              x: Math.max(0, Math.floor(card.x) - MARGIN),
              y: Math.max(0, Math.floor(card.y) - MARGIN),
              width: Math.ceil(card.width) + 2 * MARGIN,
              height: Math.ceil(card.height) + 2 * MARGIN,
            };
      const png = Buffer.from(await page.screenshot({ type: 'png', clip, captureBeyondViewport: true }));
      const text = (await page.evaluate('document.body.innerText')) as string;
      return { png, width: Math.round(clip.width * scale), height: Math.round(clip.height * scale), text };
    } finally {
      await page.close();
    }
  }

  /** Closes the browser and removes its temporary profile. */
  async close(): Promise<void> {
    await this.browser.close();
  }
}

/** Draws HTML as a PNG with a Chromium started for this picture alone (see {@link PngRenderer}). */
export async function renderPng(html: string, options: PngOptions & { executablePath?: string } = {}): Promise<Buffer> {
  const { executablePath, ...pngOptions } = options;
  checkOptions(pngOptions);
  const renderer = await PngRenderer.launch({ executablePath });
  try {
    return (await renderer.render(html, pngOptions)).png;
  } finally {
    await renderer.close();
  }
}
