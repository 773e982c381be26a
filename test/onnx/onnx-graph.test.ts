import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { classesOf, exposeZipMapInputs, readOnnxGraph, zipMapOutputs, type OnnxGraph } from '../../src/predictors/onnx-graph.js';
import {
  concatBytes,
  encodeVarint,
  fieldInt64s,
  fields,
  fieldString,
  lenField,
  readVarint,
  stringField,
  varintField,
} from '../../src/predictors/protobuf-wire.js';

const dir = fileURLToPath(new URL('../../models/onnx/', import.meta.url));
const rfBytes = new Uint8Array(readFileSync(`${dir}adult-rf.onnx`));
const logregBytes = new Uint8Array(readFileSync(`${dir}adult-logreg.onnx`));

describe('protobuf wire format', () => {
  it('round-trips varints, including ones past 32 bits', () => {
    for (const n of [0, 1, 127, 128, 300, 2 ** 31, 2 ** 35 + 7, Number.MAX_SAFE_INTEGER]) {
      const bytes = encodeVarint(n);
      expect(readVarint(bytes, 0)).toEqual([BigInt(n), bytes.length]);
    }
    expect(Array.from(encodeVarint(300))).toEqual([0xac, 0x02]); // the protobuf documentation's example
  });

  it('walks fields and reads strings and int64s, packed or not, negative ones as 10-byte varints', () => {
    const minusTwo = Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    const message = concatBytes([
      stringField(1, 'héllo'),
      varintField(8, 5),
      concatBytes([encodeVarint(8 * 8), minusTwo]),
      lenField(8, concatBytes([encodeVarint(3), encodeVarint(2 ** 40)])),
    ]);
    const got = [...fields(message)];
    expect(got.map((f) => [f.field, f.wireType])).toEqual([[1, 2], [8, 0], [8, 0], [8, 2]]);
    expect(fieldString(message, got[0])).toBe('héllo');
    expect(got.slice(1).flatMap((f) => fieldInt64s(message, f))).toEqual([5n, -2n, 3n, 2n ** 40n]);
    expect(got[3].end).toBe(message.length);
  });

  it('names truncated and malformed input by byte offset', () => {
    expect(() => [...fields(Uint8Array.from([0x0a, 0x05, 0x61]))]).toThrow(/field 1 at byte 0 runs past the end of its message \(byte 3\)/);
    expect(() => [...fields(Uint8Array.from([0x08, 0x80]))]).toThrow(/truncated or overlong varint at byte 1/);
    expect(() => [...fields(Uint8Array.from([0x0b]))]).toThrow(/unsupported wire type 3 at byte 0/);
    expect(() => [...fields(Uint8Array.from([0x02]))]).toThrow(/field number 0 at byte 0/);
  });
});

describe('ONNX graphs', () => {
  it('reads the nodes, outputs and declared classes of the exported random forest', () => {
    const graph = readOnnxGraph(rfBytes);
    expect(graph.outputs).toEqual(['output_label', 'output_probability']);
    expect(graph.nodes).toEqual([
      { opType: 'TreeEnsembleClassifier', domain: 'ai.onnx.ml', inputs: ['X'], outputs: ['output_label', 'probabilities'], classes: [0, 1], weightClassIds: [0], postTransform: 'NONE' },
      { opType: 'ZipMap', domain: 'ai.onnx.ml', inputs: ['probabilities'], outputs: ['output_probability'], classes: [0, 1] },
    ]);
    expect(zipMapOutputs(graph)).toEqual([{ output: 'output_probability', input: 'probabilities', classes: [0, 1] }]);
  });

  it('reads string classes from the logistic regression, which has no ZipMap', () => {
    const graph = readOnnxGraph(logregBytes);
    expect(graph.outputs).toEqual(['label', 'probabilities']);
    expect(classesOf(graph, 'label')).toEqual(['<=50K', '>50K']);
    expect(classesOf(graph, 'probabilities')).toEqual(['<=50K', '>50K']);
    expect(classesOf(graph, 'scaled')).toBeUndefined(); // made by Div, which declares no classes
    expect(zipMapOutputs(graph)).toEqual([]);
  });

  it('follows labels through Identity and Cast nodes, and keeps ZipMaps that other nodes read', () => {
    const graph: OnnxGraph = {
      outputs: ['label', 'zipped'],
      nodes: [
        { opType: 'LinearClassifier', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['raw', 'p'], classes: [3, 7] },
        { opType: 'Cast', domain: '', inputs: ['raw'], outputs: ['cast'] },
        { opType: 'Identity', domain: '', inputs: ['cast'], outputs: ['label'] },
        { opType: 'ZipMap', domain: 'ai.onnx.ml', inputs: ['p'], outputs: ['zipped'], classes: [3, 7] },
        { opType: 'Identity', domain: '', inputs: ['zipped'], outputs: ['copy'] },
      ],
    };
    expect(classesOf(graph, 'label')).toEqual([3, 7]);
    expect(classesOf(graph, 'x')).toBeUndefined();
    expect(zipMapOutputs(graph)).toEqual([]);
  });

  it('replaces a ZipMap output by its probability tensor, which onnxruntime then returns', async () => {
    const rewritten = exposeZipMapInputs(rfBytes, zipMapOutputs(readOnnxGraph(rfBytes)));
    const graph = readOnnxGraph(rewritten);
    expect(graph.outputs).toEqual(['output_label', 'probabilities']);
    expect(graph.nodes.map((n) => n.opType)).toEqual(['TreeEnsembleClassifier']);
    // Everything else is copied: the model shrinks by the ZipMap node and the output's type only.
    expect(rfBytes.length - rewritten.length).toBeGreaterThan(0);
    expect(rfBytes.length - rewritten.length).toBeLessThan(200);

    const session = await InferenceSession.create(rewritten);
    try {
      expect(session.outputMetadata).toEqual([
        { name: 'output_label', isTensor: true, type: 'int64', shape: ['N'] },
        { name: 'probabilities', isTensor: true, type: 'float32', shape: ['N', 2] },
      ]);
    } finally {
      await session.release();
    }
  });
});
