import { describe, expect, it } from 'vitest';
import { rgbToLab, useLab } from '../../src/image/colour.js';
import { gaussianFilter, gaussianKernel } from '../../src/image/gaussian.js';
import { toImage } from '../../src/image/image.js';

describe('rgbToLab', () => {
  it('gives the published CIELAB (D65) values of the sRGB primaries, white and black', () => {
    // Reference values: sRGB → L*a*b* (D65) as tabulated e.g. by Bruce Lindbloom's calculator.
    const lab = rgbToLab(toImage([[[1, 1, 1], [0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]]));
    const expected = [
      [100, 0, 0],
      [0, 0, 0],
      [53.24, 80.09, 67.2],
      [87.73, -86.18, 83.18],
      [32.3, 79.19, -107.86],
    ];
    expected.forEach((e, i) => e.forEach((v, c) => expect(lab[i * 3 + c]).toBeCloseTo(v, 1)));
  });

  it('reads images with values above 1 as 8-bit, and rejects values outside [0, 255]', () => {
    const unit = rgbToLab(toImage([[[0.2, 0.4, 0.6]]]));
    const bytes = rgbToLab(toImage([[[51, 102, 153]]]));
    Array.from(unit).forEach((v, c) => expect(bytes[c]).toBeCloseTo(v, 4));
    expect(() => rgbToLab(toImage([[[-0.5, 0, 0]]]))).toThrow('the image holds values in [-0.5, 0]: rescale it, or turn the conversion off');
    expect(() => rgbToLab(toImage([[1, 2]]))).toThrow('CIELAB conversion needs an RGB image of 3 channels; got 1');
    expect(() => useLab(true, toImage([[1, 2]]))).toThrow('option convert2lab needs an RGB image of 3 channels; the image has 1');
    expect(useLab(undefined, toImage([[1, 2]]))).toBe(false);
  });
});

describe('gaussianFilter', () => {
  it('uses a normalised kernel truncated at 4 sigma', () => {
    const k = gaussianKernel(0.5);
    expect(k.length).toBe(5);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[2] / k[3]).toBeCloseTo(Math.exp(2), 10);
    expect(gaussianKernel(2).length).toBe(17);
  });

  it('spreads an impulse into the outer product of the kernel, per channel, and keeps constants', () => {
    const size = 9;
    const data = new Float32Array(size * size * 2);
    data[(4 * size + 4) * 2 + 1] = 1; // channel 1 of the centre pixel
    const out = gaussianFilter(data, size, size, 2, 1);
    const k = gaussianKernel(1);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        expect(out[(y * size + x) * 2]).toBe(0);
        expect(out[(y * size + x) * 2 + 1]).toBeCloseTo(k[y] * k[x], 6);
      }
    }
    const constant = new Float32Array(5 * 7).fill(0.3);
    for (const v of gaussianFilter(constant, 5, 7, 1, 1.5)) expect(v).toBeCloseTo(0.3, 6);
  });

  it('mirrors the image at its borders', () => {
    // A ramp 0, 1, 2 … mirrored at x = -0.5 makes the first pixel's neighbourhood 1, 0 | 0, 1, 2.
    const ramp = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const out = gaussianFilter(ramp, 1, 8, 1, 0.5);
    const k = gaussianKernel(0.5);
    expect(out[0]).toBeCloseTo(k[0] * 1 + k[1] * 0 + k[2] * 0 + k[3] * 1 + k[4] * 2, 6);
    expect(gaussianFilter(ramp, 1, 8, 1, 0)).toEqual(ramp);
  });
});
