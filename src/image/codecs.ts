import { readFileSync, writeFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG, type ColorType } from 'pngjs';
import { InvalidInputError } from '../core/errors.js';
import { checkFinite, type Image } from './image.js';

/**
 * PNG and JPEG files to and from {@link Image}s, with values in [0, 1] (byte / 255). PNG through pngjs
 * (grey, grey + alpha, RGB and RGBA, 8 or 16 bits; palettes are expanded), JPEG through jpeg-js (read only).
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** Channels of a PNG by colour type: grey, RGB, palette (expanded to RGB), grey + alpha, RGBA. */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/**
 * Decodes a PNG file's bytes. Grey images have one channel, grey + alpha two, RGB three, RGBA four;
 * palette images become RGB (RGBA when the palette has transparency). 16-bit samples are scaled to 8 bits.
 *
 * @throws InvalidInputError when the bytes are not a valid PNG.
 */
export function decodePng(bytes: Uint8Array): Image {
  let png;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new InvalidInputError(`cannot decode the PNG: ${(err as Error).message}`, { cause: err });
  }
  const channels = png.palette ? (png.alpha ? 4 : 3) : PNG_CHANNELS[png.colorType];
  // pngjs always decodes to RGBA; pick the channels the file holds.
  const picks = channels === 1 ? [0] : channels === 2 ? [0, 3] : channels === 3 ? [0, 1, 2] : [0, 1, 2, 3];
  return fromRgba(png.data, png.width, png.height, picks);
}

/**
 * Decodes a baseline or progressive JPEG file's bytes to an RGB image (three channels).
 *
 * @throws InvalidInputError when the bytes are not a valid JPEG.
 */
export function decodeJpeg(bytes: Uint8Array): Image {
  let decoded;
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  } catch (err) {
    throw new InvalidInputError(`cannot decode the JPEG: ${(err as Error).message}`, { cause: err });
  }
  return fromRgba(decoded.data, decoded.width, decoded.height, [0, 1, 2]);
}

function fromRgba(rgba: Uint8Array, width: number, height: number, picks: number[]): Image {
  const channels = picks.length;
  const data = new Float32Array(width * height * channels);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < channels; c++) data[p * channels + c] = rgba[p * 4 + picks[c]] / 255;
  }
  return { height, width, channels, data };
}

/**
 * Decodes PNG or JPEG bytes, recognised by their signature.
 *
 * @throws InvalidInputError when the bytes are neither.
 */
export function decodeImage(bytes: Uint8Array, what = 'the image file'): Image {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(8, bytes.byteLength));
  if (head.equals(PNG_SIGNATURE)) return decodePng(bytes);
  if (head.subarray(0, 3).equals(JPEG_SIGNATURE)) return decodeJpeg(bytes);
  throw new InvalidInputError(`${what} starts with bytes ${head.toString('hex')}; expected a PNG or a JPEG file`);
}

/** Reads a PNG or JPEG file into an {@link Image} with values in [0, 1]. */
export function readImage(path: string): Image {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new InvalidInputError(`cannot read the image file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return decodeImage(bytes, `image file ${path}`);
}

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** The value drawn as full intensity (255): 1 for images in [0, 1] (the default), 255 for 8-bit values. */
  maxValue?: number;
}

/**
 * Encodes an image with 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA) channels as an 8-bit PNG.
 * Values are scaled by `255 / maxValue`, rounded, and clipped to 0–255.
 *
 * @throws InvalidInputError on another number of channels or a non-finite value.
 */
export function encodePng(image: Image, options: EncodePngOptions = {}): Buffer {
  const { maxValue = 1 } = options;
  if (!(typeof maxValue === 'number' && Number.isFinite(maxValue) && maxValue > 0)) {
    throw new InvalidInputError(`option maxValue is ${String(maxValue)}; expected a positive number`);
  }
  const { height, width, channels, data } = image;
  const colorType = ({ 1: 0, 2: 4, 3: 2, 4: 6 } as Record<number, ColorType>)[channels];
  if (colorType === undefined) {
    throw new InvalidInputError(`cannot write an image of ${channels} channels as PNG; expected 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA)`);
  }
  checkFinite(image, 'the image to encode');
  const png = new PNG({ width, height });
  const scale = 255 / maxValue;
  const byte = (v: number) => Math.min(255, Math.max(0, Math.round(v * scale)));
  for (let p = 0; p < width * height; p++) {
    const o = p * channels;
    const [r, g, b, a] =
      channels === 1 ? [data[o], data[o], data[o], maxValue]
      : channels === 2 ? [data[o], data[o], data[o], data[o + 1]]
      : channels === 3 ? [data[o], data[o + 1], data[o + 2], maxValue]
      : [data[o], data[o + 1], data[o + 2], data[o + 3]];
    png.data[p * 4] = byte(r);
    png.data[p * 4 + 1] = byte(g);
    png.data[p * 4 + 2] = byte(b);
    png.data[p * 4 + 3] = byte(a);
  }
  return PNG.sync.write(png, { colorType });
}

/** Writes an image as a PNG file (see {@link encodePng}). */
export function writePng(path: string, image: Image, options: EncodePngOptions = {}): void {
  writeFileSync(path, encodePng(image, options));
}
