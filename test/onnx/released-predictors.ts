import { afterEach } from 'vitest';
import { onnxPredictor, type OnnxPredictor } from '../../src/predictors/onnx.js';

/**
 * `onnxPredictor` for a test file: every predictor it opens is released after each test, so that no
 * onnxruntime session outlives the test that opened it. Call it at the top level of the file.
 */
export function releasedAfterEach(): (...args: Parameters<typeof onnxPredictor>) => Promise<OnnxPredictor> {
  const open: OnnxPredictor[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.release()));
  });
  return async (...args) => {
    const p = await onnxPredictor(...args);
    open.push(p);
    return p;
  };
}
