import type { RemoteProtocol } from '../options.js';
import { describeJson, ResponseShapeError, type RemotePrediction } from '../tensor.js';

/**
 * How one protocol turns rows into a request body and a response body into predictions. Codecs are pure:
 * the transport does the HTTP, the predictor the batching.
 */
export interface ProtocolCodec {
  readonly protocol: RemoteProtocol;
  /**
   * Checks that the protocol can carry these rows (the predictor has already checked that they are
   * rectangular and finite); throws InvalidInputError before any request is made.
   */
  checkRows(rows: readonly (readonly number[])[]): void;
  /** The JSON request body asking for predictions of `rows`. */
  encode(rows: readonly (readonly number[])[]): unknown;
  /** Predictions for `n` rows from a parsed 2xx response body; throws ResponseShapeError. */
  decode(body: unknown, n: number): RemotePrediction;
}

/** Reads a JSON document (the v2 model metadata), with the transport's retries. */
export type GetJson = (url: string, what: string) => Promise<unknown>;

/** Returns `body` as a record, or throws a ResponseShapeError saying what it is and what was `expected`. */
export function asObject(body: unknown, what: string, expected: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ResponseShapeError(`${what} is ${describeJson(body)}; expected ${expected}`);
  }
  return body as Record<string, unknown>;
}
