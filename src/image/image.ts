import { InvalidInputError } from '../core/errors.js';

/**
 * An image as glassbox handles it: `height × width × channels` floats, row-major with the channels of a
 * pixel next to each other (HWC, "channels last", the layout of TensorFlow.js and NumPy images). The
 * value of channel `c` of the pixel at row `y`, column `x` is `data[(y * width + x) * channels + c]`.
 *
 * Values are whatever the model takes. The PNG and JPEG readers give values in [0, 1] (grey level / 255),
 * the convention of scikit-image's float images.
 */
export interface Image {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly data: Float32Array;
}

/** `[height, width, channels]`. */
export type ImageShape = readonly [number, number, number];

/** Anything with a shape and synchronous data, such as a TensorFlow.js tensor: `[h, w, c]`, `[1, h, w, c]` or `[h, w]`. */
export interface TensorLike {
  readonly shape: readonly number[];
  /** The tensor's values, row-major. */
  dataSync(): ArrayLike<number>;
}

/**
 * The forms an image may be given in: an {@link Image}; nested arrays `[h][w][c]` (or `[h][w]` for one
 * channel); a tensor-like object; or a flat array of `h·w·c` numbers in HWC order when the shape is known
 * from elsewhere (as in `AnchorImage`, which is given the shape).
 */
export type ImageInput = Image | TensorLike | ArrayLike<ArrayLike<ArrayLike<number>>> | ArrayLike<ArrayLike<number>> | ArrayLike<number>;

/** `28x28x1`. */
export function formatShape(shape: readonly number[]): string {
  return shape.join('x');
}

/** Creates an image of the given shape filled with `value`. */
export function createImage(height: number, width: number, channels: number, value = 0): Image {
  checkShape([height, width, channels], 'image shape');
  const data = new Float32Array(height * width * channels);
  if (value !== 0) data.fill(value);
  return { height, width, channels, data };
}

/**
 * Checks that `shape` is `[height, width, channels]` of positive integers.
 *
 * @throws InvalidInputError naming `what` otherwise.
 */
export function checkShape(shape: unknown, what: string): ImageShape {
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new InvalidInputError(
      `${what} is ${Array.isArray(shape) ? `[${shape.join(', ')}]` : String(shape)}; expected [height, width, channels] of positive integers, e.g. [28, 28, 1]`,
    );
  }
  return shape as unknown as ImageShape;
}

/**
 * Converts any {@link ImageInput} to an {@link Image} (a fresh copy of the data), checking that every
 * value is a finite number and, when `shape` is given, that the image has that shape.
 *
 * @param what how to name the image in error messages ("the explained image", "background image 3").
 * @throws InvalidInputError on a wrong shape, ragged nested arrays, or a value that is not a finite number.
 */
export function toImage(input: ImageInput, shape?: ImageShape, what = 'the image'): Image {
  const image = convert(input, shape, what);
  if (shape !== undefined && (image.height !== shape[0] || image.width !== shape[1] || image.channels !== shape[2])) {
    throw new InvalidInputError(
      `${what} is ${formatShape([image.height, image.width, image.channels])}; expected ${formatShape(shape)}`,
    );
  }
  checkFinite(image, what);
  return image;
}

function convert(input: ImageInput, shape: ImageShape | undefined, what: string): Image {
  if (input === null || typeof input !== 'object') {
    throw new InvalidInputError(`${what} is ${input === null ? 'null' : typeof input}; expected an image: nested [h][w][c] arrays, a tensor or an Image`);
  }
  if (isImage(input)) {
    checkShape([input.height, input.width, input.channels], `the shape of ${what}`);
    if (input.data.length !== input.height * input.width * input.channels) {
      throw new InvalidInputError(
        `${what} has ${input.data.length} values; expected height·width·channels = ${input.height * input.width * input.channels}`,
      );
    }
    return { height: input.height, width: input.width, channels: input.channels, data: Float32Array.from(input.data) };
  }
  if (isTensorLike(input)) return fromTensor(input, what);
  const arr = input as ArrayLike<unknown>;
  if (arr.length > 0 && typeof arr[0] === 'object' && arr[0] !== null) return fromNested(arr as ArrayLike<ArrayLike<unknown>>, what);
  if (shape === undefined) {
    throw new InvalidInputError(`${what} is a flat array of ${arr.length} values; give nested [h][w][c] arrays, or the image shape`);
  }
  const size = shape[0] * shape[1] * shape[2];
  if (arr.length !== size) {
    throw new InvalidInputError(`${what} is a flat array of ${arr.length} values; expected ${formatShape(shape)} = ${size} values`);
  }
  return { height: shape[0], width: shape[1], channels: shape[2], data: toFloats(arr, what) };
}

function isImage(x: object): x is Image {
  return 'data' in x && 'height' in x && 'width' in x && 'channels' in x;
}

function isTensorLike(x: object): x is TensorLike {
  return 'shape' in x && typeof (x as { dataSync?: unknown }).dataSync === 'function';
}

function fromTensor(t: TensorLike, what: string): Image {
  const s = Array.from(t.shape);
  let shape: number[];
  if (s.length === 3) shape = s;
  else if (s.length === 4 && s[0] === 1) shape = s.slice(1);
  else if (s.length === 2) shape = [...s, 1];
  else throw new InvalidInputError(`${what} is a tensor of shape [${s.join(', ')}]; expected [h, w, c], [1, h, w, c] or [h, w]`);
  const [height, width, channels] = checkShape(shape, `the shape of ${what}`);
  const values = t.dataSync();
  if (values.length !== height * width * channels) {
    throw new InvalidInputError(`${what} is a tensor of shape [${s.join(', ')}] with ${values.length} values`);
  }
  return { height, width, channels, data: toFloats(values, what) };
}

function fromNested(rows: ArrayLike<ArrayLike<unknown>>, what: string): Image {
  const height = rows.length;
  const width = rows[0].length;
  const first = rows[0][0];
  const channels = typeof first === 'object' && first !== null ? (first as ArrayLike<unknown>).length : 1;
  const grey = !(typeof first === 'object' && first !== null);
  checkShape([height, width, channels], `the shape of ${what}`);
  const data = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    const row = rows[y];
    if (row === null || typeof row !== 'object' || row.length !== width) {
      throw new InvalidInputError(`${what}: row ${y} has ${lengthOf(row)} pixels; expected ${width} like row 0`);
    }
    for (let x = 0; x < width; x++) {
      const px = row[x];
      if (grey) {
        data[y * width + x] = numberAt(px, what, y, x, 0);
        continue;
      }
      if (px === null || typeof px !== 'object' || (px as ArrayLike<unknown>).length !== channels) {
        throw new InvalidInputError(`${what}: pixel (row ${y}, column ${x}) has ${lengthOf(px)} channels; expected ${channels} like pixel (0, 0)`);
      }
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = numberAt((px as ArrayLike<unknown>)[c], what, y, x, c);
    }
  }
  return { height, width, channels, data };
}

function lengthOf(v: unknown): string {
  return v !== null && typeof v === 'object' && typeof (v as ArrayLike<unknown>).length === 'number'
    ? String((v as ArrayLike<unknown>).length)
    : `no array (${v === null ? 'null' : typeof v})`;
}

function numberAt(v: unknown, what: string, y: number, x: number, c: number): number {
  if (typeof v !== 'number') {
    throw new InvalidInputError(`${what}: channel ${c} of pixel (row ${y}, column ${x}) is ${v === null ? 'null' : typeof v}; expected a number`);
  }
  return v;
}

function toFloats(values: ArrayLike<unknown>, what: string): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number') throw new InvalidInputError(`${what}: value ${i} is ${v === null ? 'null' : typeof v}; expected a number`);
    out[i] = v;
  }
  return out;
}

/** @throws InvalidInputError naming the first pixel and channel holding NaN or ±Infinity. */
export function checkFinite(image: Image, what: string): void {
  const { data, width, channels } = image;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const p = Math.floor(i / channels);
      throw new InvalidInputError(
        `${what}: channel ${i % channels} of pixel (row ${Math.floor(p / width)}, column ${p % width}) is ${data[i]}; expected a finite number`,
      );
    }
  }
}

/** The image as nested arrays `[h][w][c]` of plain numbers, the JSON form of images in explanations. */
export function imageToNested(image: Image): number[][][] {
  const { height, width, channels, data } = image;
  const out: number[][][] = new Array(height);
  for (let y = 0; y < height; y++) {
    const row: number[][] = new Array(width);
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      row[x] = Array.from(data.subarray(o, o + channels));
    }
    out[y] = row;
  }
  return out;
}

/**
 * Stacks images of one shape into a batch `{ data, shape: [n, h, w, c] }`, ready for
 * `tf.tensor4d(batch.data, batch.shape)`.
 *
 * @throws InvalidInputError when the images differ in shape or there are none.
 */
export function imagesToBatch(images: readonly Image[]): { data: Float32Array; shape: [number, number, number, number] } {
  if (images.length === 0) throw new InvalidInputError('imagesToBatch needs at least one image');
  const { height, width, channels } = images[0];
  const size = height * width * channels;
  const data = new Float32Array(images.length * size);
  images.forEach((img, i) => {
    if (img.height !== height || img.width !== width || img.channels !== channels) {
      throw new InvalidInputError(
        `image ${i} of the batch is ${formatShape([img.height, img.width, img.channels])}; expected ${formatShape([height, width, channels])} like image 0`,
      );
    }
    data.set(img.data, i * size);
  });
  return { data, shape: [images.length, height, width, channels] };
}

/** The smallest and largest value of an image. */
export function valueRange(image: Image): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  const { data } = image;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
