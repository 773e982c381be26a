import { InvalidInputError } from '../core/errors.js';
import { escapeHtml, formatFraction } from './html.js';
import { PALETTES } from './theme.js';

export interface FractionBarOptions {
  /** What the bar measures, for screen readers: `precision`. */
  label: string;
  /** Width of the full bar (the value 1) in CSS pixels. */
  width?: number;
  /** A value to mark with a tick across the bar, e.g. the precision threshold. */
  tick?: number;
}

const HEIGHT = 12;

/**
 * A horizontal bar for a fraction in [0, 1], as inline SVG followed by the value with two decimals. The
 * bar is linear, so that a coverage of 0.01 looks as small as it is; a non-zero value keeps at least one
 * pixel so that it remains visible.
 */
export function fractionBar(value: number, { label, width = 160, tick }: FractionBarOptions): string {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new InvalidInputError(`${label} is ${value}; expected a fraction in [0, 1]`);
  }
  const filled = value === 0 ? 0 : Math.max(1, Math.round(value * width * 10) / 10);
  const tickX = tick === undefined ? undefined : Math.round(Math.min(1, Math.max(0, tick)) * width * 10) / 10;
  const colours = PALETTES.light;
  return (
    `<span class="gbx-bar"><svg width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" role="img" ` +
    `aria-label="${escapeHtml(`${label} ${formatFraction(value)}`)}">` +
    `<rect class="gbx-track" width="${width}" height="${HEIGHT}" rx="3" fill="${colours.track}"/>` +
    `<rect class="gbx-fill" width="${filled}" height="${HEIGHT}" rx="3" fill="${colours.accent}"/>` +
    (tickX === undefined
      ? ''
      : `<line class="gbx-tick" x1="${tickX}" x2="${tickX}" y1="0" y2="${HEIGHT}" stroke="${colours.fg}" stroke-width="2"/>`) +
    `</svg><span class="gbx-strong">${formatFraction(value)}</span></span>`
  );
}
