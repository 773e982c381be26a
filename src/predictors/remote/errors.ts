import { InvalidInputError, PredictorError } from '../../core/errors.js';

/** How many characters of a response body a {@link RemoteModelError} keeps. */
export const BODY_SNIPPET_LENGTH = 500;

/**
 * Why a remote prediction failed:
 * - `http-status`: the endpoint answered with an error status (after retries, for 429/502/503/504);
 * - `network`: no answer (connection refused or reset, DNS failure), after retries where retryable;
 * - `timeout`: no answer within `timeoutMs`, after retries;
 * - `bad-response`: a 2xx answer that is not JSON, or not the predictions that were asked for;
 * - `aborted`: the caller's `AbortSignal` fired;
 * - `grpc-status`: a gRPC endpoint answered with an error status code (`status` holds the code; after
 *   retries for RESOURCE_EXHAUSTED). gRPC's UNAVAILABLE is `network` and DEADLINE_EXCEEDED `timeout`;
 * - `response-too-large`: the answer grew past `maxResponseBytes` and was cut off unread (not retried;
 *   over gRPC, a message past the channel's receive limit, which grpc-js reports as RESOURCE_EXHAUSTED).
 */
export type RemoteFailureKind = 'http-status' | 'network' | 'timeout' | 'bad-response' | 'aborted' | 'grpc-status' | 'response-too-large';

/** What a `response-too-large` message advises, over HTTP and gRPC alike. */
export const TOO_LARGE_ADVICE =
  'the answer was cut off unread and not retried: ask for fewer rows per request (maxBatchSize) or raise maxResponseBytes';

export interface RemoteModelErrorDetails {
  /** The URL that was requested. */
  url: string;
  /** The HTTP status of the last answer (the gRPC status code over gRPC), or `undefined` when there was none. */
  status: number | undefined;
  /** HTTP requests made for this batch, the first one included. */
  attempts: number;
  /** The first {@link BODY_SNIPPET_LENGTH} characters of the last response body ('' when none). */
  body: string;
  kind: RemoteFailureKind;
  cause?: unknown;
}

/**
 * A model behind a URL could not give the predictions asked for. The message says what was requested,
 * what came back (status and the start of the body), how many attempts were made and what to do; the
 * same facts are properties, for programs. A remote predictor that throws this has returned nothing:
 * there are no partial results.
 */
export class RemoteModelError extends PredictorError {
  readonly url: string;
  readonly status: number | undefined;
  readonly attempts: number;
  readonly body: string;
  readonly kind: RemoteFailureKind;

  constructor(message: string, details: RemoteModelErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.url = details.url;
    this.status = details.status;
    this.attempts = details.attempts;
    this.body = details.body;
    this.kind = details.kind;
  }
}

/** The first {@link BODY_SNIPPET_LENGTH} characters of `text`, with an ellipsis when cut. */
export function bodySnippet(text: string): string {
  return text.length > BODY_SNIPPET_LENGTH ? `${text.slice(0, BODY_SNIPPET_LENGTH)}…` : text;
}

/**
 * The message a serving stack put in an error body, if any: `{"error": "..."}` (Open Inference
 * Protocol, KServe, TF Serving), `{"status": {"info": "...", "reason": "..."}}` (Seldon Core v1),
 * `{"message": "..."}` or `{"detail": "..."}` (FastAPI and others).
 */
export function serverMessage(text: string): string | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b.error === 'string') return b.error;
  if (b.error !== null && typeof b.error === 'object' && typeof (b.error as { message?: unknown }).message === 'string') {
    return (b.error as { message: string }).message;
  }
  if (b.status !== null && typeof b.status === 'object') {
    const s = b.status as Record<string, unknown>;
    const parts = [s.info, s.reason].filter((p): p is string => typeof p === 'string' && p.length > 0);
    if (parts.length > 0) return parts.join(': ');
  }
  if (typeof b.message === 'string') return b.message;
  if (typeof b.detail === 'string') return b.detail;
  return undefined;
}

/**
 * The model's metadata declares an input the instances do not fit (texts for a `BYTES` input, a shape
 * that fits neither NHWC nor NCHW): an InvalidInputError, told apart so that a server can wait for the
 * model to be redeployed instead of giving up.
 */
export class ModelInputMismatchError extends InvalidInputError {}
