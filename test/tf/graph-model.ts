import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Writes a graph model computing softmax(x · W) for x of shape [n, 3], W of shape [3, 2]. */
export function writeGraphModel(w: number[][]): string {
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-graph-'));
  const float = { type: 'DT_FLOAT' };
  const modelJSON = {
    format: 'graph-model',
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: float, shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } } } },
        { name: 'W', op: 'Const', attr: { dtype: float, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }, { size: '2' }] } } } } },
        { name: 'logits', op: 'MatMul', input: ['x', 'W'], attr: { T: float, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'proba', op: 'Softmax', input: ['logits'], attr: { T: float } },
      ],
      library: {},
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'W', shape: [3, 2], dtype: 'float32' }] }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJSON));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(Float32Array.from(w.flat()).buffer));
  return dir;
}
