import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodePng, encodePng, readImage, writePng } from '../../src/image/codecs.js';
import { imageToNested, toImage, valueRange, type Image } from '../../src/image/image.js';
import { loadPhoto } from '../../src/datasets/photos.js';

/** An image of 8-bit levels / 255, so that a PNG round trip is exact. */
function levels(height: number, width: number, channels: number): Image {
  const data = new Float32Array(height * width * channels);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 37) % 256) / 255;
  return { height, width, channels, data };
}

describe('PNG', () => {
  it.each([1, 2, 3, 4])('round-trips an image of %i channels exactly', (channels) => {
    const img = levels(7, 5, channels);
    const back = decodePng(encodePng(img));
    expect(back).toEqual(img);
  });

  it('writes the colour type of the channels: grey, grey + alpha, RGB, RGBA', () => {
    for (const [channels, colorType] of [[1, 0], [2, 4], [3, 2], [4, 6]]) {
      expect(PNG.sync.read(encodePng(levels(2, 2, channels))).colorType).toBe(colorType);
    }
  });

  it('scales by maxValue and clips out-of-range values', () => {
    const img = toImage([[0, 127.5, 255, 300, -4]]);
    expect(Array.from(decodePng(encodePng(img, { maxValue: 255 })).data).map((v) => Math.round(v * 255))).toEqual([0, 128, 255, 255, 0]);
  });

  it('writes a file that reads back the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-png-'));
    const img = levels(3, 4, 3);
    writePng(join(dir, 'x.png'), img);
    expect(readImage(join(dir, 'x.png'))).toEqual(img);
  });

  it('rejects images it cannot write and bytes it cannot read', () => {
    expect(() => encodePng(levels(2, 2, 5))).toThrow('cannot write an image of 5 channels as PNG');
    expect(() => encodePng(toImage([[[0, 0, 0]]]), { maxValue: 0 })).toThrow('option maxValue is 0');
    expect(() => encodePng({ height: 1, width: 1, channels: 1, data: Float32Array.from([NaN]) })).toThrow('is NaN; expected a finite number');
    expect(() => decodeImage(Buffer.from('hello world'))).toThrow('starts with bytes 68656c6c6f20776f; expected a PNG or a JPEG file');
    expect(() => decodePng(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]))).toThrow('cannot decode the PNG');
    expect(() => readImage('/nonexistent/x.png')).toThrow('cannot read the image file /nonexistent/x.png');
  });
});

describe('bundled photos', () => {
  it('reads the PNG and JPEG photos with their sizes, as RGB in [0, 1]', () => {
    const astronaut = loadPhoto('astronaut');
    expect([astronaut.height, astronaut.width, astronaut.channels]).toEqual([512, 512, 3]);
    const rocket = loadPhoto('rocket');
    expect([rocket.height, rocket.width, rocket.channels]).toEqual([427, 640, 3]);
    for (const img of [astronaut, rocket]) {
      const { min, max } = valueRange(img);
      expect(min).toBeGreaterThanOrEqual(0);
      expect(max).toBeLessThanOrEqual(1);
      expect(max - min).toBeGreaterThan(0.9); // real photos use the whole range
    }
    expect(() => loadPhoto('lena' as never)).toThrow('unknown photo "lena"; expected one of: astronaut, chelsea');
  });

  it('reads the same pixels as pngjs does from the file', () => {
    const png = PNG.sync.read(readFileSync(new URL('../../datasets/images/chelsea.png', import.meta.url)));
    const chelsea = loadPhoto('chelsea');
    const nested = imageToNested(chelsea);
    for (const [y, x] of [[0, 0], [150, 225], [299, 450]]) {
      const o = (y * png.width + x) * 4;
      expect(nested[y][x].map((v) => Math.round(v * 255))).toEqual([png.data[o], png.data[o + 1], png.data[o + 2]]);
    }
  });
});
