/**
 * Gaussian smoothing of each channel of an HWC image over its two spatial axes, as a separable
 * convolution with a sampled Gaussian kernel truncated at 4 σ (the default truncation of SciPy's
 * `ndimage.gaussian_filter`, which scikit-image's segmentations use for their `sigma` pre-smoothing).
 * Borders are extended by mirroring about the edge (`d c b a | a b c d | d c b a`, SciPy's `reflect`).
 *
 * Returns a new array; `sigma <= 0` returns a copy.
 */
export function gaussianFilter(data: Float32Array, height: number, width: number, channels: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.from(data);
  const kernel = gaussianKernel(sigma);
  const tmp = new Float32Array(data.length);
  const out = new Float32Array(data.length);
  convolveRows(data, tmp, height, width, channels, kernel);
  convolveColumns(tmp, out, height, width * channels, kernel);
  return out;
}

/** The normalised kernel exp(−x²/2σ²) for |x| <= round(4σ). */
export function gaussianKernel(sigma: number): Float64Array {
  const radius = Math.floor(4 * sigma + 0.5);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    kernel[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  return kernel;
}

/** Index `i` of an axis of length `n`, mirrored into range (half-sample symmetric). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}

/** Convolves along x: each row of each channel is copied, mirrored at both ends, into a padded line. */
function convolveRows(src: Float32Array, dst: Float32Array, height: number, width: number, channels: number, kernel: Float64Array): void {
  const radius = (kernel.length - 1) / 2;
  const source = mirroredIndices(width, radius);
  const padded = new Float64Array(width + 2 * radius);
  for (let y = 0; y < height; y++) {
    for (let c = 0; c < channels; c++) {
      const base = y * width * channels + c;
      for (let i = 0; i < padded.length; i++) padded[i] = src[base + source[i] * channels];
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let k = 0; k < kernel.length; k++) acc += kernel[k] * padded[x + k];
        dst[base + x * channels] = acc;
      }
    }
  }
}

/** Convolves along y, a whole row (of `rowLength` values) at a time, so that memory is read in order. */
function convolveColumns(src: Float32Array, dst: Float32Array, height: number, rowLength: number, kernel: Float64Array): void {
  const radius = (kernel.length - 1) / 2;
  const source = mirroredIndices(height, radius);
  const acc = new Float64Array(rowLength);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    for (let k = 0; k < kernel.length; k++) {
      const w = kernel[k];
      const row = source[y + k] * rowLength;
      for (let i = 0; i < rowLength; i++) acc[i] += w * src[row + i];
    }
    dst.set(acc, y * rowLength);
  }
}

/** For positions −radius … n − 1 + radius of an axis of length n, the mirrored index in range. */
function mirroredIndices(n: number, radius: number): Int32Array {
  const out = new Int32Array(n + 2 * radius);
  for (let i = 0; i < out.length; i++) out[i] = reflect(i - radius, n);
  return out;
}
