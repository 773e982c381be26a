import { V2_INPUT_DATATYPES } from '../predictors/remote/options.js';
import { firstInexactValue, flattenTensor, ResponseShapeError, shapedTensor, type FlatTensor } from '../predictors/remote/tensor.js';
import { HttpError } from './http-error.js';

/**
 * Request tensors as flat values: the same flattening the remote predictor uses on responses, with every
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

/** Returns `body` as an object, or answers 400 saying what was expected. */
export function requestObject(body: unknown, expected: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, `the request body is ${body === undefined ? 'empty' : `not a JSON object`}; expected ${expected}`);
  }
  return body as Record<string, unknown>;
}

/**
 * The datatypes of the Open Inference Protocol whose values are numbers: those a remote predictor sends
 * rows as, and FP16 (which JSON carries as plain numbers too).
 */
export const V2_NUMERIC_DATATYPES: ReadonlySet<string> = new Set(['FP16', ...V2_INPUT_DATATYPES]);

/**
 * Checks that the values of an integer datatype (INT*, UINT*) are integers within its range (INT64 and
 * UINT64 within the safe integers, see `INTEGER_DATATYPE_RANGES`); a 400 naming the value otherwise.
 */
export function checkIntegerValues(values: readonly number[], datatype: string, what: string): void {
  const { index, expected } = firstInexactValue(values, datatype);
  if (index >= 0) throw new HttpError(400, `${what} is ${datatype} but value ${index} is ${values[index]}; expected ${expected}`);
}
