import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { createImage, imagesToBatch, imageToNested, toImage } from '../../src/image/image.js';

const nested = [
  [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
  [[0.7, 0.8, 0.9], [1, 0, 0.25]],
];
const flat = nested.flat(2);

describe('toImage', () => {
  it('reads nested [h][w][c] arrays row-major with the channels of a pixel together', () => {
    const img = toImage(nested);
    expect([img.height, img.width, img.channels]).toEqual([2, 2, 3]);
    expect(Array.from(img.data)).toEqual(Array.from(Float32Array.from(flat)));
    expect(imageToNested(img)).toEqual(nested.map((r) => r.map((p) => p.map((v) => Math.fround(v)))));
  });

  it('reads [h][w] arrays as one channel, flat arrays given the shape, tensor-like objects and Images', () => {
    expect(toImage([[1, 2, 3], [4, 5, 6]])).toMatchObject({ height: 2, width: 3, channels: 1, data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
    expect(toImage(flat, [2, 2, 3]).data).toEqual(toImage(nested).data);
    const tensor = { shape: [1, 2, 2, 3], dataSync: () => Float32Array.from(flat) };
    expect(toImage(tensor)).toEqual(toImage(nested));
    expect(toImage({ shape: [2, 2], dataSync: () => [1, 2, 3, 4] })).toMatchObject({ height: 2, width: 2, channels: 1 });
    const image = toImage(nested);
    const copy = toImage(image, [2, 2, 3]);
    expect(copy).toEqual(image);
    expect(copy.data).not.toBe(image.data);
  });

  it('rejects a wrong shape, ragged arrays and non-finite values, naming where', () => {
    expect(() => toImage(nested, [2, 3, 3], 'the explained image')).toThrow('the explained image is 2x2x3; expected 2x3x3');
    expect(() => toImage([[[1], [2]], [[3]]])).toThrow('row 1 has 1 pixels; expected 2 like row 0');
    expect(() => toImage([[[1, 2], [3]]])).toThrow('pixel (row 0, column 1) has 1 channels; expected 2');
    expect(() => toImage([[[0, NaN]]])).toThrow('channel 1 of pixel (row 0, column 0) is NaN; expected a finite number');
    expect(() => toImage(flat, [2, 2, 2])).toThrow('a flat array of 12 values; expected 2x2x2 = 8 values');
    expect(() => toImage(flat)).toThrow('give nested [h][w][c] arrays, or the image shape');
    expect(() => toImage({ shape: [2, 2, 2, 3], dataSync: () => [] })).toThrow('a tensor of shape [2, 2, 2, 3]; expected [h, w, c]');
    expect(() => toImage([[['a']]] as never)).toThrow('channel 0 of pixel (row 0, column 0) is string; expected a number');
    expect(() => toImage(null as never)).toThrow(InvalidInputError);
  });
});

describe('imagesToBatch', () => {
  it('stacks images into one [n, h, w, c] array', () => {
    const a = createImage(2, 2, 1, 1);
    const b = createImage(2, 2, 1, 2);
    const batch = imagesToBatch([a, b]);
    expect(batch.shape).toEqual([2, 2, 2, 1]);
    expect(Array.from(batch.data)).toEqual([1, 1, 1, 1, 2, 2, 2, 2]);
    expect(() => imagesToBatch([a, createImage(2, 3, 1)])).toThrow('image 1 of the batch is 2x3x1; expected 2x2x1');
  });
});
