/**
 * The filter gradient of a 2-D convolution (`Conv2DBackpropFilter`) as a kernel of the TensorFlow.js
 * WebAssembly backend, which ships the input gradient but not this one (tfjs 4.22). Explainers need it
 * even though they only differentiate with respect to the input: a convolution layer with a linear or
 * sigmoid activation runs as a fused op whose custom gradient computes the filter gradient along with
 * the input gradient, so without this kernel `tf.grad` through such a model fails on wasm. It also lets
 * scripts/train-mnist.ts train convolutional models on wasm.
 *
 * For strides s, dilations r and top/left padding (pt, pl):
 *   dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s_h + kh·r_h − pt, ow·s_w + kw·r_w − pl, ci] · dy[n, oh, ow, co]
 * the correlation of the input with the output gradient. It is computed with the wasm backend's own
 * kernels, one matrix product per filter tap (kh, kw): pad x, take the strided slice of it the tap
 * sees as a [N·OH·OW, Cin] matrix, and multiply its transpose by dy as a [N·OH·OW, Cout] matrix; the
 * KH·KW products of shape [Cin, Cout], stacked in tap order, are dW in row-major order.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Tf } from './tf.js';

type KernelFunc = (args: { inputs: tfTypes.NamedTensorInfoMap | tfTypes.TensorInfo[]; backend: unknown; attrs?: tfTypes.NamedAttrMap }) => tfTypes.TensorInfo;

function kernel(tf: Tf, name: string): KernelFunc {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`the wasm backend has no ${name} kernel`);
  return config.kernelFunc as KernelFunc;
}

/** Registers the kernel for the wasm backend, unless the backend already has one. */
export function registerWasmConv2DFilterGrad(tf: Tf): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined) return;
  const pad = kernel(tf, 'PadV2');
  const slice = kernel(tf, 'StridedSlice');
  const concat = kernel(tf, 'Concat');
  const reshape = kernel(tf, 'Reshape');
  const matMul = kernel(tf, 'BatchMatMul');
  const transpose = kernel(tf, 'Transpose');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as BackendWasm;
      const { x, dy } = inputs as { x: tfTypes.TensorInfo; dy: tfTypes.TensorInfo };
      const a = attrs as unknown as {
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number;
        dataFormat: 'NHWC' | 'NCHW';
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: only channels-last (NHWC) is implemented');
      const c = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode);
      const temporaries: tfTypes.TensorInfo[] = [];
      const keep = (t: tfTypes.TensorInfo) => (temporaries.push(t), t);
      const padded = keep(
        pad({
          inputs: { x },
          backend,
          attrs: { paddings: [[0, 0], [c.padInfo.top, c.padInfo.bottom], [c.padInfo.left, c.padInfo.right], [0, 0]], constantValue: 0 },
        }),
      );
      const rows = c.batchSize * c.outHeight * c.outWidth;
      const rhs = keep(reshape({ inputs: { x: dy }, backend, attrs: { shape: [1, rows, c.outChannels] } }));
      const taps: tfTypes.TensorInfo[] = [];
      for (let kh = 0; kh < c.filterHeight; kh++) {
        for (let kw = 0; kw < c.filterWidth; kw++) {
          const top = kh * c.dilationHeight;
          const left = kw * c.dilationWidth;
          const seen = keep(
            slice({
              inputs: { x: padded },
              backend,
              attrs: {
                begin: [0, top, left, 0],
                end: [c.batchSize, top + (c.outHeight - 1) * c.strideHeight + 1, left + (c.outWidth - 1) * c.strideWidth + 1, c.inChannels],
                strides: [1, c.strideHeight, c.strideWidth, 1],
                beginMask: 0,
                endMask: 0,
                ellipsisMask: 0,
                newAxisMask: 0,
                shrinkAxisMask: 0,
              },
            }),
          );
          const lhs = keep(reshape({ inputs: { x: seen }, backend, attrs: { shape: [1, rows, c.inChannels] } }));
          // An explicit transpose and a plain product: the backend's transposeA path is ten times slower.
          const lhsT = keep(transpose({ inputs: { x: lhs }, backend, attrs: { perm: [0, 2, 1] } }));
          taps.push(keep(matMul({ inputs: { a: lhsT, b: rhs }, backend, attrs: { transposeA: false, transposeB: false } })));
        }
      }
      const product = keep(concat({ inputs: taps, backend, attrs: { axis: 1 } }));
      const dw = reshape({ inputs: { x: product }, backend, attrs: { shape: a.filterShape } });
      for (const t of temporaries) wasm.disposeData(t.dataId);
      return dw;
    },
  });
}
