import { flattenTensor, ResponseShapeError, shapedTensor, type FlatTensor } from '../predictors/remote/tensor.js';
import { HttpError, type ServedModel } from './model.js';

/**
 * Request tensors to rows: the same flattening the remote predictor uses on responses, with every
 * malformed tensor answered as a 400.
 */

/** Flattens a nested array of numbers; a ragged or non-numeric one is a 400. */
export function requestTensor(data: unknown, what: string, shape?: unknown): FlatTensor {
  try {
    return shape === undefined ? flattenTensor(data, what) : shapedTensor(data, shape, what);
  } catch (err) {
    if (err instanceof ResponseShapeError) throw new HttpError(400, err.message);
    throw err;
  }
}

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

/** Returns `body` as an object, or answers 400 saying what was expected. */
export function requestObject(body: unknown, expected: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, `the request body is ${body === undefined ? 'empty' : `not a JSON object`}; expected ${expected}`);
  }
  return body as Record<string, unknown>;
}
