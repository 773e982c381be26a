import { HttpError } from '../http/http-error.js';
import type { FlatTensor } from '../predictors/remote/tensor.js';
import type { ServedModel } from './model.js';

/** Rows of a `[n, nFeatures]` tensor; any other shape is a 400. */
export function rowsOf(tensor: FlatTensor, model: ServedModel, what: string): number[][] {
  const { values, shape } = tensor;
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
