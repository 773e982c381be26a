import { checkBoolean, checkInteger, checkNumber, rejectUnknownOptions, stripUndefined } from '../../anchors/options.js';
import { rgbToLab, useLab } from '../colour.js';
import { gaussianFilter } from '../gaussian.js';
import type { Image } from '../image.js';
import { enforceConnectivity, relabelSequential, type Segments } from './segments.js';

/** Options of {@link slic}, named as scikit-image's `slic` names them. */
export interface SlicOptions {
  /** The number of segments wanted (approximately: the grid of starting centres is as square as the image allows). */
  nSegments?: number;
  /** Weight of space against colour: higher makes squarer segments (m in Achanta et al., 2012). */
  compactness?: number;
  /** Standard deviation of the Gaussian smoothing applied before segmenting (pixels; 0 for none). */
  sigma?: number;
  /** Iterations of k-means at most (it stops earlier when no pixel changes segment). */
  maxNumIter?: number;
  /** Measure colour in CIELAB; defaults to true for 3-channel images, and needs 3 channels. */
  convert2lab?: boolean;
  /** Make every segment connected and merge pieces smaller than `minSizeFactor` × the average segment size. */
  enforceConnectivity?: boolean;
  /** See `enforceConnectivity`. */
  minSizeFactor?: number;
}

/**
 * Defaults of {@link slic}: `nSegments 10, compactness 10, sigma 0.5` are the SLIC arguments Alibi
 * Explain's `AnchorImage` uses by default (few, large superpixels suit anchors); `maxNumIter 10`,
 * `enforceConnectivity true` and `minSizeFactor 0.5` are scikit-image's `slic` defaults.
 */
export const SLIC_DEFAULTS = Object.freeze({
  nSegments: 10,
  compactness: 10,
  sigma: 0.5,
  maxNumIter: 10,
  enforceConnectivity: true,
  minSizeFactor: 0.5,
});

/**
 * Upper bounds of {@link slic}'s counts: each superpixel is a candidate predicate of an image anchor, so
 * more than 10,000 would make every search step sample thousands of candidates; the k-means iterations
 * are each a pass over the image (scikit-image's default is 10).
 */
export const SLIC_LIMITS = Object.freeze({ nSegments: 10_000, maxNumIter: 1_000 });

/**
 * The options of {@link slic} over its defaults, checked.
 *
 * @throws InvalidInputError on an unknown option or a value out of range, naming it.
 */
export function resolveSlicOptions(options: SlicOptions): Required<Omit<SlicOptions, 'convert2lab'>> & Pick<SlicOptions, 'convert2lab'> {
  rejectUnknownOptions(options, ['nSegments', 'compactness', 'sigma', 'maxNumIter', 'convert2lab', 'enforceConnectivity', 'minSizeFactor']);
  const o = { ...SLIC_DEFAULTS, ...stripUndefined(options) };
  checkInteger('nSegments', o.nSegments, 1, SLIC_LIMITS.nSegments);
  checkNumber('compactness', o.compactness, 0, Infinity, { openLow: true, openHigh: true });
  checkNumber('sigma', o.sigma, 0, Infinity, { openHigh: true });
  checkInteger('maxNumIter', o.maxNumIter, 1, SLIC_LIMITS.maxNumIter);
  checkNumber('minSizeFactor', o.minSizeFactor, 0, 1);
  checkBoolean('enforceConnectivity', o.enforceConnectivity);
  if (o.convert2lab !== undefined) checkBoolean('convert2lab', o.convert2lab);
  return o;
}

/**
 * SLIC superpixels (Achanta, Shaji, Smith, Lucchi, Fua & Süsstrunk, "SLIC Superpixels Compared to
 * State-of-the-Art Superpixel Methods", IEEE TPAMI 34(11), 2012): k-means on pixels in the joint space of
 * colour (CIELAB for colour images, else the channel values) and position, with cluster centres starting
 * on a regular grid of step S = √(N/K) and each centre searching only a 2S × 2S window around itself, so
 * an iteration costs O(N). The distance is D² = d_c² + (d_s / S)² m², with m the compactness.
 *
 * As in scikit-image, the image is converted to CIELAB first and then smoothed with a Gaussian of
 * `sigma`; centres start at the grid points (the paper's optional move to the lowest gradient in a 3 × 3
 * neighbourhood is not made); finally connectivity is enforced (see {@link enforceConnectivity}).
 * Deterministic: no random choice is made. Labels are 0..K−1; with connectivity enforced every segment is
 * 4-connected.
 *
 * @throws InvalidInputError on an unknown or out-of-range option, or `convert2lab: true` without 3 channels.
 */
export function slic(image: Image, options: SlicOptions = {}): Segments {
  const o = resolveSlicOptions(options);
  const { height, width } = image;
  const lab = useLab(o.convert2lab, image);
  const C = lab ? 3 : image.channels;
  const features = gaussianFilter(lab ? rgbToLab(image) : image.data, height, width, C, o.sigma);

  // The grid of starting centres: ny × nx cells as close to K and to square as the image allows.
  const step = Math.sqrt((height * width) / o.nSegments);
  const ny = Math.min(height, Math.max(1, Math.round(height / step)));
  const nx = Math.min(width, Math.max(1, Math.round(width / step)));
  const K = ny * nx;
  const S = Math.sqrt((height * width) / K);
  const radius = Math.ceil(Math.max(height / ny, width / nx));
  const D = C + 2; // a centre: y, x, then the C features
  const centres = new Float64Array(K * D);
  const labels = new Int32Array(height * width);
  for (let i = 0; i < ny; i++) {
    for (let j = 0; j < nx; j++) {
      const k = i * nx + j;
      const y = Math.min(height - 1, Math.floor(((i + 0.5) * height) / ny));
      const x = Math.min(width - 1, Math.floor(((j + 0.5) * width) / nx));
      centres[k * D] = y;
      centres[k * D + 1] = x;
      for (let c = 0; c < C; c++) centres[k * D + 2 + c] = features[(y * width + x) * C + c];
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) labels[y * width + x] = Math.floor((y * ny) / height) * nx + Math.floor((x * nx) / width);
  }

  const spatialWeight = (o.compactness / S) ** 2;
  const distance = new Float64Array(height * width);
  const sums = new Float64Array(K * D);
  const counts = new Float64Array(K);
  const previous = new Int32Array(labels.length);
  for (let iter = 0; iter < o.maxNumIter; iter++) {
    distance.fill(Infinity);
    previous.set(labels);
    // Assignment: every centre claims the pixels of its window that it is nearest to. A pixel no window
    // reaches keeps its segment.
    for (let k = 0; k < K; k++) {
      const cy = centres[k * D];
      const cx = centres[k * D + 1];
      const y0 = Math.max(0, Math.floor(cy - radius));
      const y1 = Math.min(height - 1, Math.ceil(cy + radius));
      const x0 = Math.max(0, Math.floor(cx - radius));
      const x1 = Math.min(width - 1, Math.ceil(cx + radius));
      const ck = k * D + 2;
      for (let y = y0; y <= y1; y++) {
        const dy2 = (y - cy) * (y - cy);
        for (let x = x0; x <= x1; x++) {
          const p = y * width + x;
          let d = (dy2 + (x - cx) * (x - cx)) * spatialWeight;
          for (let c = 0, f = p * C; c < C; c++, f++) {
            const diff = features[f] - centres[ck + c];
            d += diff * diff;
          }
          if (d < distance[p]) {
            distance[p] = d;
            labels[p] = k;
          }
        }
      }
    }
    // Update: every centre moves to the mean position and features of its pixels.
    sums.fill(0);
    counts.fill(0);
    for (let y = 0, p = 0; y < height; y++) {
      for (let x = 0; x < width; x++, p++) {
        const k = labels[p];
        counts[k] += 1;
        sums[k * D] += y;
        sums[k * D + 1] += x;
        for (let c = 0; c < C; c++) sums[k * D + 2 + c] += features[p * C + c];
      }
    }
    for (let k = 0; k < K; k++) {
      if (counts[k] === 0) continue;
      for (let d = 0; d < D; d++) centres[k * D + d] = sums[k * D + d] / counts[k];
    }
    if (equal(labels, previous)) break;
  }
  if (!o.enforceConnectivity) return relabelSequential(labels, height, width);
  return enforceConnectivity(labels, height, width, Math.floor((o.minSizeFactor * height * width) / K));
}

function equal(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
