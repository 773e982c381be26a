/**
 * glassbox/predictors: the predictor helpers, the remote predictor's defaults and limits, the ONNX and
 * TensorFlow.js details (loadTf loads TensorFlow.js at its first call, not at import).
 */
export { toLabels, LabelModel, assertPredictor, type PredictorOutput, type ModelUsage } from '../predictors/predictor.js';
export type { RemoteFailureKind } from '../predictors/remote/errors.js';
export type { RemotePredictorStats, RemoteLatency } from '../predictors/remote/stats.js';
export type { InstanceShape, RemoteInstance, TensorLayout } from '../predictors/remote/instances.js';
export {
  REMOTE_PREDICTOR_DEFAULTS,
  V2_INPUT_DATATYPES,
  responseByteLimit,
  type RemoteTlsOptions,
  type V2InputDatatype,
} from '../predictors/remote/options.js';
export { redactUrl, splitUrlCredentials } from '../predictors/remote/credentials.js';
export { MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK } from '../predictors/remote/tensor.js';
export type { OnnxOutputKind, OnnxInputLayout, OnnxInputType, OnnxValue, OnnxSession } from '../predictors/onnx.js';
export type { ClassLabel } from '../predictors/onnx-graph.js';
export { isTfjsPredictor, TFJS_DEFAULT_BATCH_SIZE, type TfjsModelOptions } from '../predictors/tfjs.js';
export { loadTf, tfBackendInfo, type Tf, type TfBackendInfo } from '../tf/tf.js';
export { fileSystemIO } from '../tf/fs-io.js';
export { loadLayersModel, loadGraphModel } from '../tf/models.js';
// Regression (issue 19): predictors that return one number per row, and the task an explainer explains.
export { toValues, taskOf, resolveTask, type TaskDeclaringPredictor } from '../predictors/predictor.js';
