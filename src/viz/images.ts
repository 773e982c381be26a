import { encodePng } from '../image/codecs.js';
import type { Image } from '../image/image.js';
import { escapeHtml } from './html.js';

/**
 * Every `step`-th pixel of every `step`-th row, with `step` the smallest integer that brings the longer
 * side to at most `maxSide` (nearest-neighbour downsampling, for thumbnails).
 */
export function downsample(image: Image, maxSide: number): Image {
  const step = Math.max(1, Math.ceil(Math.max(image.height, image.width) / maxSide));
  if (step === 1) return image;
  const height = Math.ceil(image.height / step);
  const width = Math.ceil(image.width / step);
  const { channels } = image;
  const data = new Float32Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * step * image.width + x * step) * channels;
      data.set(image.data.subarray(from, from + channels), (y * width + x) * channels);
    }
  }
  return { height, width, channels, data };
}

/**
 * An image (values in [0, 1]) as an `<img>` holding its PNG as a `data:` URL, so the HTML stays
 * self-contained. `image-rendering: pixelated` keeps magnified pixels square.
 */
export function pngImg(image: Image, alt: string, cls = 'gbx-img'): string {
  const base64 = encodePng(image).toString('base64');
  return (
    `<img class="${cls}" src="data:image/png;base64,${base64}" width="${image.width}" height="${image.height}" ` +
    `alt="${escapeHtml(alt)}">`
  );
}

/** A picture with its caption. */
export function figure(img: string, caption: string): string {
  return `<figure class="gbx-figure">${img}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
}
