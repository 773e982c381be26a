import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { loadMnist, MNIST_IMAGES_FILE, MNIST_LABELS_FILE } from '../../src/datasets/mnist.js';

const bundled = new URL('../../datasets/mnist/', import.meta.url).pathname;

describe('loadMnist', () => {
  it('splits the 10,000 test-set digits into 8,000 for training and every fifth one held out', () => {
    const mnist = loadMnist();
    expect(mnist.shape).toEqual([28, 28, 1]);
    expect([mnist.train.count, mnist.test.count]).toEqual([8000, 2000]);
    expect(mnist.train.pixels).toHaveLength(8000 * 784);
    expect(Array.from(mnist.test.fileIndex.subarray(0, 3))).toEqual([4, 9, 14]);
    expect(Array.from(mnist.train.fileIndex.subarray(0, 5))).toEqual([0, 1, 2, 3, 5]);
    // Labels of the whole file are the official test-set counts (datasets/mnist/NOTES.md).
    const counts = new Array(10).fill(0);
    for (const split of [mnist.train, mnist.test]) split.labels.forEach((l) => (counts[l] += 1));
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    // The first image of the file is a 7 (LeCun's test set starts 7, 2, 1, 0, 4).
    expect(Array.from(mnist.train.labels.subarray(0, 4))).toEqual([7, 2, 1, 0]);
    expect(mnist.test.labels[0]).toBe(4);
    const image = mnist.test.image(0);
    expect(image).toHaveLength(784);
    image.forEach((v, i) => expect(v).toBe(Math.fround(mnist.test.pixels[i] / 255)));
    expect(Math.max(...image)).toBe(1);
    expect(() => mnist.test.image(2000)).toThrow(/MNIST image index is 2000; expected an integer in 0\.\.1999/);
  });

  it('names a missing file, a wrong magic number and a truncated file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glassbox-mnist-'));
    expect(() => loadMnist({ dir })).toThrow(InvalidInputError);
    expect(() => loadMnist({ dir })).toThrow(/MNIST file not found: .*t10k-images-idx3-ubyte\.gz/);
    copyFileSync(join(bundled, MNIST_IMAGES_FILE), join(dir, MNIST_IMAGES_FILE));
    writeFileSync(join(dir, MNIST_LABELS_FILE), gzipSync(Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 7])));
    expect(() => loadMnist({ dir })).toThrow(/t10k-labels-idx1-ubyte\.gz starts with 0x00000803; expected the IDX magic number 0x00000801/);
    writeFileSync(join(dir, MNIST_LABELS_FILE), gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 7])));
    expect(() => loadMnist({ dir })).toThrow(/holds 1 data bytes; its header \(3\) says 3/);
    writeFileSync(join(dir, MNIST_LABELS_FILE), Buffer.from('not gzip'));
    expect(() => loadMnist({ dir })).toThrow(/cannot read .* as a gzipped IDX file/);
  });
});
