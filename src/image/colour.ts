import { InvalidInputError } from '../core/errors.js';
import { valueRange, type Image } from './image.js';

/**
 * sRGB to CIELAB (CIE 1976 L*a*b*) under the D65 white point, the colour space in which SLIC and quick
 * shift measure colour differences (Achanta et al., 2012, §3; Vedaldi & Soatto, 2008, §4), because
 * Euclidean distances in it approximate perceived differences.
 *
 * The transfer function and the linear-RGB → XYZ matrix are those of the sRGB standard (IEC 61966-2-1);
 * the XYZ → L*a*b* formulas and the D65 white (0.95047, 1, 1.08883) those of CIE 15 (colorimetry).
 */

const SRGB_TO_XYZ = [
  [0.412453, 0.35758, 0.180423],
  [0.212671, 0.71516, 0.072169],
  [0.019334, 0.119193, 0.950227],
] as const;
const D65 = [0.95047, 1, 1.08883] as const;
const EPSILON = (6 / 29) ** 3;
const KAPPA = 1 / (3 * (6 / 29) ** 2);

/** The sRGB transfer function inverted: encoded value in [0, 1] → linear light. */
function linearise(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** {@link linearise} of the 256 8-bit levels, for the common case of values that are bytes / 255. */
const LINEAR_8BIT = Float64Array.from({ length: 256 }, (_, i) => linearise(i / 255));

/** {@link linearise} of a value in [0, 1], looked up when it is an 8-bit level (within float32 rounding). */
function lineariseFast(c: number): number {
  const level = Math.round(c * 255);
  return Math.abs(c * 255 - level) < 1e-4 ? LINEAR_8BIT[level] : linearise(c);
}

function f(t: number): number {
  return t > EPSILON ? Math.cbrt(t) : t * KAPPA + 4 / 29;
}

/**
 * Converts an RGB image to CIELAB: L* in [0, 100], a* and b* roughly in [−128, 127]. Values are read as
 * sRGB in [0, 1]; an image whose largest value exceeds 1 is read as 8-bit values in [0, 255], as
 * scikit-image reads `uint8` images.
 *
 * @throws InvalidInputError when the image does not have three channels or holds values outside [0, 255].
 */
export function rgbToLab(image: Image): Float32Array {
  if (image.channels !== 3) {
    throw new InvalidInputError(`CIELAB conversion needs an RGB image of 3 channels; got ${image.channels}`);
  }
  const { min, max } = valueRange(image);
  if (min < 0 || max > 255) {
    throw new InvalidInputError(
      `CIELAB conversion reads RGB values in [0, 1] (or 8-bit values in [0, 255]); the image holds values in [${min}, ${max}]: ` +
        'rescale it, or turn the conversion off (option convert2lab: false)',
    );
  }
  const scale = max > 1 ? 1 / 255 : 1;
  const { data } = image;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += 3) {
    const r = lineariseFast(data[i] * scale);
    const g = lineariseFast(data[i + 1] * scale);
    const b = lineariseFast(data[i + 2] * scale);
    const fx = f((SRGB_TO_XYZ[0][0] * r + SRGB_TO_XYZ[0][1] * g + SRGB_TO_XYZ[0][2] * b) / D65[0]);
    const fy = f((SRGB_TO_XYZ[1][0] * r + SRGB_TO_XYZ[1][1] * g + SRGB_TO_XYZ[1][2] * b) / D65[1]);
    const fz = f((SRGB_TO_XYZ[2][0] * r + SRGB_TO_XYZ[2][1] * g + SRGB_TO_XYZ[2][2] * b) / D65[2]);
    out[i] = 116 * fy - 16;
    out[i + 1] = 500 * (fx - fy);
    out[i + 2] = 200 * (fy - fz);
  }
  return out;
}

/**
 * Whether a segmentation measures colour in CIELAB: as asked (`convert2lab`), or by default when the
 * image has 3 channels.
 *
 * @throws InvalidInputError when asked for an image without 3 channels.
 */
export function useLab(convert2lab: boolean | undefined, image: Image): boolean {
  const lab = convert2lab ?? image.channels === 3;
  if (lab && image.channels !== 3) {
    throw new InvalidInputError(`option convert2lab needs an RGB image of 3 channels; the image has ${image.channels}`);
  }
  return lab;
}
