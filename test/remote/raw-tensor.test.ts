import { describe, expect, it } from 'vitest';
import {
  decodeBytesElements,
  decodeRawTensor,
  encodeBytesElements,
  encodeRawTensor,
  RAW_ELEMENT_BYTES,
} from '../../src/predictors/remote/raw-tensor.js';
import { ResponseShapeError } from '../../src/predictors/remote/tensor.js';

/** Raw tensor contents (gRPC raw_*_contents, the REST binary extension): little-endian, row-major. */
describe('raw tensor contents', () => {
  it('round-trips every numeric datatype, little-endian', () => {
    const cases: Record<string, number[]> = {
      BOOL: [0, 1, 1],
      INT8: [-128, 0, 127],
      UINT8: [0, 200, 255],
      INT16: [-32768, 5, 32767],
      UINT16: [0, 65535],
      INT32: [-2147483648, 2147483647],
      UINT32: [0, 4294967295],
      INT64: [Number.MIN_SAFE_INTEGER, -1, Number.MAX_SAFE_INTEGER],
      UINT64: [0, Number.MAX_SAFE_INTEGER],
      FP32: [0.5, -2, 1e10],
      FP64: [0.1, -1e-300, Math.PI],
    };
    for (const [datatype, values] of Object.entries(cases)) {
      const bytes = encodeRawTensor(values, datatype);
      expect(bytes.length).toBe(values.length * RAW_ELEMENT_BYTES[datatype]);
      expect(decodeRawTensor(bytes, datatype, values.length, 't')).toEqual(values);
    }
    expect([...encodeRawTensor([1], 'INT32')]).toEqual([1, 0, 0, 0]);
    expect(encodeRawTensor([1.5], 'FP64').readDoubleLE(0)).toBe(1.5);
  });

  it('reads FP16 and unaligned slices', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 ≈ 0.333
    const half = Buffer.from([0x00, 0x3c, 0x00, 0xc0, 0x55, 0x35]);
    const [one, minusTwo, third] = decodeRawTensor(half, 'FP16', 3, 't');
    expect([one, minusTwo]).toEqual([1, -2]);
    expect(third).toBeCloseTo(1 / 3, 3);
    const padded = Buffer.concat([Buffer.from([9]), encodeRawTensor([0.25, 4], 'FP64')]);
    expect(decodeRawTensor(padded.subarray(1), 'FP64', 2, 't')).toEqual([0.25, 4]);
  });

  it('refuses contents of the wrong length, non-numeric datatypes and inexact 64-bit integers', () => {
    expect(() => decodeRawTensor(Buffer.alloc(15), 'FP64', 2, 'output "p"')).toThrow(
      new ResponseShapeError('output "p" has 15 bytes of raw contents; its shape and datatype FP64 call for 2 × 8 = 16 bytes'),
    );
    expect(() => decodeRawTensor(Buffer.alloc(4), 'STRING', 1, 'output "p"')).toThrow(/datatype "STRING"; expected a numeric datatype/);
    const big = Buffer.alloc(8);
    big.writeBigInt64LE(2n ** 60n);
    expect(() => decodeRawTensor(big, 'INT64', 1, 'output "p"')).toThrow(/holds the INT64 value 1152921504606846976, beyond 2\^53/);
  });

  it('carries BYTES elements as 4-byte little-endian lengths and their bytes', () => {
    const bytes = encodeBytesElements(['ab', '', 'héllo']);
    expect([...bytes.subarray(0, 6)]).toEqual([2, 0, 0, 0, 0x61, 0x62]);
    expect(decodeBytesElements(bytes, 3, 't').map((b) => b.toString('utf8'))).toEqual(['ab', '', 'héllo']);
    expect(() => decodeBytesElements(bytes.subarray(0, bytes.length - 1), 3, 'output "s"')).toThrow(
      /output "s"'s raw BYTES element 2 says 6 bytes but only 5 remain/,
    );
    expect(() => decodeBytesElements(bytes, 2, 'output "s"')).toThrow(/hold 3 elements; its shape calls for 2/);
    expect(() => decodeBytesElements(Buffer.from([1, 0]), 1, 'o')).toThrow(/end inside the length of element 0/);
  });
});
