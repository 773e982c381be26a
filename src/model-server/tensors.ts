import { HttpError } from '../http/http-error.js';
import { requestTensor } from '../http/request-tensors.js';
import { describeJson, type FlatTensor } from '../predictors/remote/tensor.js';
import type { ServedModel } from './model.js';

/** Rows of a `[n, nFeatures]` tensor; any other shape is a 400. */
export function rowsOf(tensor: FlatTensor, model: ServedModel, what: string): number[][] {
  const { values, shape } = tensor;
  const dims = model.shape === 'string' ? [] : model.shape;
  if (dims.length > 1) return arraysOf(tensor, dims, model, what);
  if (shape.length !== 2) {
    if (shape.length === 1 && shape[0] === 0) return [];
    throw new HttpError(
      400,
      `${what} has shape ${JSON.stringify(shape)}; expected [rows, ${model.nFeatures}] (one row of ${model.nFeatures} features per instance)`,
    );
  }
  const [n, width] = shape;
  model.checkWidth(n, width, what);
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = values.slice(i * width, (i + 1) * width);
  return rows;
}

/** Instances of a `[n, ...dims]` tensor, each flat (row-major); any other shape is a 400. */
function arraysOf(tensor: FlatTensor, dims: readonly number[], model: ServedModel, what: string): number[][] {
  const { values, shape } = tensor;
  if (shape.length === 1 && shape[0] === 0) return [];
  if (shape.length !== dims.length + 1 || dims.some((d, i) => shape[i + 1] !== d)) {
    throw new HttpError(400, `${what} has shape ${JSON.stringify(shape)}; model ${model.name} takes [N, ${dims.join(', ')}] (${model.instanceDescription} per instance)`);
  }
  const size = model.nFeatures;
  return Array.from({ length: shape[0] }, (_, i) => values.slice(i * size, (i + 1) * size));
}

/**
 * The instances a request carries, for the model's kind: texts (an array of strings, or of one-string
 * arrays, with `shape` `[N]` or `[N, 1]` when given), or numbers (see {@link rowsOf}). A 400 otherwise.
 */
export function instancesOf(data: unknown, model: ServedModel, what: string, shape?: unknown): number[][] | string[] {
  if (model.shape !== 'string') {
    if (Array.isArray(data) && typeof data[0] === 'string') {
      throw new HttpError(400, `${what} holds strings; model ${model.name} takes ${model.instanceDescription} per instance`);
    }
    return rowsOf(requestTensor(data, what, shape), model, what);
  }
  if (!Array.isArray(data)) throw new HttpError(400, `${what} is ${describeJson(data)}; expected an array of texts`);
  const texts = data.map((d: unknown, i) => {
    const text = Array.isArray(d) && d.length === 1 ? d[0] : d;
    if (typeof text !== 'string') throw new HttpError(400, `${what}[${i}] is ${describeJson(d)}; model ${model.name} takes texts (strings)`);
    return text;
  });
  if (shape !== undefined) {
    const ok = Array.isArray(shape) && shape[0] === texts.length && (shape.length === 1 || (shape.length === 2 && shape[1] === 1));
    if (!ok) throw new HttpError(400, `${what} has shape ${describeJson(shape)} for ${texts.length} texts; expected [${texts.length}] or [${texts.length}, 1]`);
  }
  return texts;
}
