import { checkBoolean, checkNumber, rejectUnknownOptions, stripUndefined } from '../../anchors/options.js';
import { InvalidInputError } from '../../core/errors.js';
import { rgbToLab, useLab } from '../colour.js';
import { gaussianFilter } from '../gaussian.js';
import type { Image } from '../image.js';
import { relabelSequential, splitDisconnected, type Segments } from './segments.js';

/** Options of {@link quickshift}, named as scikit-image's `quickshift` names them. */
export interface QuickshiftOptions {
  /** Weight of colour against position, in [0, 1]: higher favours colour. */
  ratio?: number;
  /** Width σ of the Gaussian kernel that estimates the density (pixels); the window reaches 3σ. */
  kernelSize?: number;
  /** Distance beyond which a pixel does not link to a denser one: higher gives fewer segments. */
  maxDist?: number;
  /** Standard deviation of the Gaussian smoothing applied before segmenting (pixels; 0 for none). */
  sigma?: number;
  /** Measure colour in CIELAB; defaults to true for 3-channel images, and needs 3 channels. */
  convert2lab?: boolean;
}

/** Defaults of {@link quickshift}: scikit-image's (`ratio 1, kernel_size 5, max_dist 10, sigma 0`). */
export const QUICKSHIFT_DEFAULTS = Object.freeze({ ratio: 1, kernelSize: 5, maxDist: 10, sigma: 0 });

/**
 * Terms of the density sum with exponent below −20 (weight under 2·10⁻⁹, next to the pixel's own weight
 * of 1) are skipped without computing them.
 */
const NEGLIGIBLE_EXPONENT = 20;

/** Steps per unit of the table of e^−t on [0, 20] that the density sum interpolates linearly. */
const EXP_STEPS = 1024;
/** e^−t at t = i / EXP_STEPS: interpolated linearly, it is within 1.2·10⁻⁷ of e^−t (h²/8 bound), 3x faster than Math.exp. */
const EXP_TABLE = Float64Array.from({ length: NEGLIGIBLE_EXPONENT * EXP_STEPS + 2 }, (_, i) => Math.exp(-i / EXP_STEPS));

/**
 * The options of {@link quickshift} over its defaults, checked.
 *
 * @throws InvalidInputError on an unknown option or a value out of range, naming it.
 */
export function resolveQuickshiftOptions(options: QuickshiftOptions): Required<Omit<QuickshiftOptions, 'convert2lab'>> & Pick<QuickshiftOptions, 'convert2lab'> {
  rejectUnknownOptions(options, ['ratio', 'kernelSize', 'maxDist', 'sigma', 'convert2lab']);
  const o = { ...QUICKSHIFT_DEFAULTS, ...stripUndefined(options) };
  checkNumber('ratio', o.ratio, 0, 1);
  checkNumber('kernelSize', o.kernelSize, 0, Infinity, { openLow: true, openHigh: true });
  checkNumber('maxDist', o.maxDist, 0, Infinity, { openHigh: true });
  checkNumber('sigma', o.sigma, 0, Infinity, { openHigh: true });
  if (o.convert2lab !== undefined) checkBoolean('convert2lab', o.convert2lab);
  return o;
}

/**
 * Quick shift (Vedaldi & Soatto, "Quick Shift and Kernel Methods for Mode Seeking", ECCV 2008): pixels are
 * points in the joint space of position and colour (CIELAB for colour images, scaled by `ratio`); each
 * pixel's density is estimated with a Gaussian kernel of width `kernelSize` over a window of 3σ, and each
 * pixel links to the nearest pixel of its window that is denser. Links longer than `maxDist` are cut; the
 * trees left are the segments.
 *
 * Where scikit-image breaks ties between equal densities with tiny seeded random noise, this breaks them
 * by pixel index (a later pixel counts as denser), which is deterministic without a seed. Links may jump
 * over pixels of another tree, so a tree need not be connected; every tree is split into its 4-connected
 * pieces, so that each segment is connected. Labels are 0..K−1 in row-major order of first pixels.
 *
 * Cost: each pixel meets about (6σ + 1)² / 2 + π·maxDist² neighbours, so quick shift is the slowest of
 * the three segmentations (seconds for a 512 × 512 photo with the defaults, see benchmarks/README.md);
 * a smaller `kernelSize` is faster. Images of 1 to 3 channels (after the CIELAB conversion).
 *
 * @throws InvalidInputError on an unknown or out-of-range option, or `convert2lab: true` without 3 channels.
 */
export function quickshift(image: Image, options: QuickshiftOptions = {}): Segments {
  const o = resolveQuickshiftOptions(options);
  const { height, width } = image;
  const lab = useLab(o.convert2lab, image);
  const C = lab ? 3 : image.channels;
  if (C > 3) {
    throw new InvalidInputError(`quickshift segments images of 1 to 3 channels; the image has ${C}: drop the extra channels (alpha?), or use slic or felzenszwalb`);
  }
  const smoothed = gaussianFilter(lab ? rgbToLab(image) : image.data, height, width, C, o.sigma);
  // Three values per pixel, colour scaled by ratio; missing channels are zeros, which add no distance.
  const n = height * width;
  const features = new Float32Array(3 * n);
  for (let p = 0; p < n; p++) for (let c = 0; c < C; c++) features[3 * p + c] = smoothed[p * C + c] * o.ratio;
  const density = densities(features, height, width, o.kernelSize);
  const parent = links(features, density, height, width, Math.min(Math.ceil(3 * o.kernelSize), Math.floor(o.maxDist)), o.maxDist);

  // Roots: follow the links (density strictly increases along them, so there are no cycles).
  const root = new Int32Array(n).fill(-1);
  const path: number[] = [];
  for (let p = 0; p < n; p++) {
    let q = p;
    while (root[q] < 0 && parent[q] !== q) {
      path.push(q);
      q = parent[q];
    }
    const r = root[q] >= 0 ? root[q] : q;
    root[q] = r;
    for (const s of path) root[s] = r;
    path.length = 0;
  }
  const trees = relabelSequential(root, height, width);
  return splitDisconnected(trees.labels, height, width);
}

/**
 * The density at each pixel: a Parzen estimate with a Gaussian kernel of width σ in the joint space,
 * summed over the window |dy|, |dx| <= 3σ. The kernel is symmetric, so each pair of pixels is visited
 * once (from its first pixel) and counts for both. `features` holds 3 values per pixel.
 */
function densities(features: Float32Array, height: number, width: number, sigma: number): Float64Array {
  const window = Math.ceil(3 * sigma);
  const scale = EXP_STEPS / (2 * sigma * sigma);
  const cutoff = NEGLIGIBLE_EXPONENT * EXP_STEPS;
  const density = new Float64Array(height * width).fill(1);
  for (let y = 0; y < height; y++) {
    const vEnd = Math.min(height - 1, y + window);
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const a0 = features[3 * p];
      const a1 = features[3 * p + 1];
      const a2 = features[3 * p + 2];
      const uStart = Math.max(0, x - window);
      const uEnd = Math.min(width - 1, x + window);
      let sum = 0;
      for (let v = y; v <= vEnd; v++) {
        const dy2 = (v - y) * (v - y);
        const u0 = v === y ? x + 1 : uStart;
        for (let u = u0, q = v * width + u0; u <= uEnd; u++, q++) {
          const e0 = a0 - features[3 * q];
          const e1 = a1 - features[3 * q + 1];
          const e2 = a2 - features[3 * q + 2];
          const t = (dy2 + (u - x) * (u - x) + e0 * e0 + e1 * e1 + e2 * e2) * scale;
          if (t >= cutoff) continue;
          const i = Math.floor(t);
          const w = EXP_TABLE[i] + (EXP_TABLE[i + 1] - EXP_TABLE[i]) * (t - i);
          sum += w;
          density[q] += w;
        }
      }
      density[p] += sum;
    }
  }
  return density;
}

/**
 * Each pixel's link: the nearest pixel (in the joint space) that is denser, among those within
 * `maxDist`; a pixel with none is a root and links to itself. Only pixels within `maxDist` in position
 * alone can qualify, so the search covers the disc of that radius, cut to `reach`. `features` holds 3
 * values per pixel.
 */
function links(features: Float32Array, density: Float64Array, height: number, width: number, reach: number, maxDist: number): Int32Array {
  const maxDist2 = maxDist * maxDist;
  const parent = new Int32Array(height * width);
  for (let y = 0; y < height; y++) {
    const vStart = Math.max(0, y - reach);
    const vEnd = Math.min(height - 1, y + reach);
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const a0 = features[3 * p];
      const a1 = features[3 * p + 1];
      const a2 = features[3 * p + 2];
      const dp = density[p];
      let best = p;
      let bestD2 = maxDist2;
      for (let v = vStart; v <= vEnd; v++) {
        const dy2 = (v - y) * (v - y);
        const half = Math.min(reach, Math.floor(Math.sqrt(maxDist2 - dy2)));
        const u0 = Math.max(0, x - half);
        const uEnd = Math.min(width - 1, x + half);
        for (let u = u0, q = v * width + u0; u <= uEnd; u++, q++) {
          const dq = density[q];
          if (dq < dp || (dq === dp && q <= p)) continue;
          const e0 = a0 - features[3 * q];
          const e1 = a1 - features[3 * q + 1];
          const e2 = a2 - features[3 * q + 2];
          const d2 = dy2 + (u - x) * (u - x) + e0 * e0 + e1 * e1 + e2 * e2;
          if (d2 < bestD2 || (d2 === bestD2 && best === p)) {
            bestD2 = d2;
            best = q;
          }
        }
      }
      parent[p] = best;
    }
  }
  return parent;
}
