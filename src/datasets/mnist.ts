import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { InvalidInputError } from '../core/errors.js';

/**
 * Loader for the bundled MNIST digits: the 10,000 images of the MNIST test set (LeCun, Cortes &
 * Burges, "The MNIST database of handwritten digits"), 28x28 grey levels, in the IDX format of the
 * original distribution, gzipped (see `datasets/mnist/README.md`).
 *
 * Only the test set is bundled (1.6 MB), so it is split in two for the bundled models: every fifth
 * image (index 4, 9, 14, … of the file) is held out, the other 8,000 are for training. An interleaved
 * split keeps both halves of the file in both parts; the first 5,000 test images come from NIST's
 * SD-3 (written by Census Bureau employees) and the last 5,000 from SD-1 (high-school students),
 * which differ in difficulty.
 */

/** The package's `datasets/mnist/` folder: this module sits two levels below the package root. */
const DEFAULT_DIR = fileURLToPath(new URL('../../datasets/mnist/', import.meta.url));

export const MNIST_IMAGES_FILE = 't10k-images-idx3-ubyte.gz';
export const MNIST_LABELS_FILE = 't10k-labels-idx1-ubyte.gz';

/** Height, width and channels of an MNIST image, as TensorFlow.js models take it (channels last). */
export const MNIST_SHAPE: readonly [28, 28, 1] = Object.freeze([28, 28, 1]) as readonly [28, 28, 1];
const PIXELS = 28 * 28;

/** One split of MNIST. */
export interface MnistSplit {
  /** Number of images. */
  count: number;
  /** Raw grey levels, image after image, row-major: `count × 784` bytes, 0 = background, 255 = ink. */
  pixels: Uint8Array;
  /** The digit of each image, 0–9. */
  labels: Uint8Array;
  /** The position of each image in the original IDX file. */
  fileIndex: Int32Array;
  /** Image `i` as 784 floats in [0, 1] (grey level / 255), a fresh array. */
  image(i: number): Float32Array;
}

/** The bundled MNIST digits ({@link loadMnist}): training and held-out images, their labels and the image shape. */
export interface MnistDataset {
  name: 'mnist';
  /** The shape of one image, `[28, 28, 1]`. */
  shape: [28, 28, 1];
  /** Class names by label: `'0'` … `'9'`. */
  targetNames: string[];
  /** 8,000 images the bundled models were trained on. */
  train: MnistSplit;
  /** 2,000 held-out images (every fifth image of the file); "row N" in the CLI means `test.image(N)`. */
  test: MnistSplit;
}

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** The folder holding the two IDX files; defaults to the package's bundled `datasets/mnist/`. */
  dir?: string;
}

/**
 * Loads the bundled MNIST digits and splits them (see the module comment). Synchronous; about 50 ms.
 *
 * @throws InvalidInputError when a file is missing, is not gzip, or is not a well-formed IDX file of
 *   28x28 images with as many labels as images.
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistDataset {
  const dir = options.dir ?? DEFAULT_DIR;
  const images = readIdx(join(dir, MNIST_IMAGES_FILE), 0x00000803, 3);
  const labels = readIdx(join(dir, MNIST_LABELS_FILE), 0x00000801, 1);
  const [n, rows, cols] = images.dims;
  if (rows !== 28 || cols !== 28) {
    throw new InvalidInputError(`${join(dir, MNIST_IMAGES_FILE)} holds ${rows}x${cols} images; expected 28x28`);
  }
  if (labels.dims[0] !== n) {
    throw new InvalidInputError(`${join(dir, MNIST_LABELS_FILE)} holds ${labels.dims[0]} labels for ${n} images; expected one label per image`);
  }
  for (let i = 0; i < n; i++) {
    if (labels.data[i] > 9) throw new InvalidInputError(`${join(dir, MNIST_LABELS_FILE)}: label ${i} is ${labels.data[i]}; expected a digit 0-9`);
  }
  const heldOut: number[] = [];
  const train: number[] = [];
  for (let i = 0; i < n; i++) (i % 5 === 4 ? heldOut : train).push(i);
  return {
    name: 'mnist',
    shape: [28, 28, 1],
    targetNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    train: split(images.data, labels.data, train),
    test: split(images.data, labels.data, heldOut),
  };
}

function split(pixels: Uint8Array, labels: Uint8Array, indices: number[]): MnistSplit {
  const count = indices.length;
  const out = new Uint8Array(count * PIXELS);
  const outLabels = new Uint8Array(count);
  indices.forEach((src, i) => {
    out.set(pixels.subarray(src * PIXELS, (src + 1) * PIXELS), i * PIXELS);
    outLabels[i] = labels[src];
  });
  return {
    count,
    pixels: out,
    labels: outLabels,
    fileIndex: Int32Array.from(indices),
    image(i: number): Float32Array {
      if (!Number.isInteger(i) || i < 0 || i >= count) {
        throw new InvalidInputError(`MNIST image index is ${i}; expected an integer in 0..${count - 1}`);
      }
      const img = new Float32Array(PIXELS);
      for (let p = 0; p < PIXELS; p++) img[p] = out[i * PIXELS + p] / 255;
      return img;
    },
  };
}

/**
 * Reads a gzipped IDX file of unsigned bytes (LeCun's format: a big-endian int32 magic number
 * `0x0000080D` with D the number of dimensions, D big-endian int32 sizes, then the data row-major).
 */
export function readIdx(path: string, magic: number, dimensions: number): { dims: number[]; data: Uint8Array } {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readFileSync(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      code === 'ENOENT' ? `MNIST file not found: ${path}` : `cannot read ${path} as a gzipped IDX file: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const header = 4 + 4 * dimensions;
  if (bytes.length < header || bytes.readUInt32BE(0) !== magic) {
    const got = bytes.length >= 4 ? `0x${bytes.readUInt32BE(0).toString(16).padStart(8, '0')}` : `${bytes.length} bytes`;
    throw new InvalidInputError(`${path} starts with ${got}; expected the IDX magic number 0x${magic.toString(16).padStart(8, '0')}`);
  }
  const dims = Array.from({ length: dimensions }, (_, k) => bytes.readUInt32BE(4 + 4 * k));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new InvalidInputError(`${path} holds ${bytes.length - header} data bytes; its header (${dims.join('x')}) says ${size}`);
  }
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + header, size) };
}
