import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { PredictorError } from '../core/errors.js';
import type { Predictor } from '../predictors/predictor.js';
import type { RemoteInstance } from '../predictors/remote/instances.js';
import type { RemotePredictor } from '../predictors/remote/remote-predictor.js';

/**
 * The request an explanation is running for. One explainer, loaded once, serves every request; its
 * predictor finds the request it is called for here (through AsyncLocalStorage, which follows the
 * explanation's awaits), so that every model call carries the request's id and stops when the request's
 * signal aborts, and the calls are counted per request.
 */
export interface RequestContext {
  /** Sent to the model as `x-request-id`. */
  requestId: string;
  /** Aborted when the time budget runs out or the client goes away: every later model call fails at once. */
  signal: AbortSignal;
  /** The model calls of this request's explanation so far. */
  model: ModelTally;
}

/** Model calls, rows and seconds spent waiting for the model, for one explanation. */
export interface ModelTally {
  calls: number;
  rows: number;
  seconds: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (an explanation) as the work of the request `context`. */
export function runForRequest<T>(context: RequestContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

/** The header that carries the request id to the model, as KServe, Seldon and Envoy name it. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A predictor for the served explainer: it calls the remote model `model()` (connected once the server
 * has reached it) with the current request's id as a header and its signal, refuses to call once that
 * signal has aborted, and tallies the calls on the request.
 */
export function requestScopedPredictor(model: () => RemotePredictor): Predictor<RemoteInstance> {
  return async (rows: RemoteInstance[]) => {
    const context = storage.getStore();
    if (context?.signal.aborted) {
      const reason = context.signal.reason instanceof Error ? context.signal.reason.message : String(context.signal.reason);
      throw new PredictorError(`the explanation was stopped before its next model call: ${reason}`, { cause: context.signal.reason });
    }
    const remote = model();
    if (context === undefined) return remote(rows);
    const started = performance.now();
    try {
      return await remote(rows, { signal: context.signal, headers: { [REQUEST_ID_HEADER]: context.requestId } });
    } finally {
      context.model.calls += 1;
      context.model.rows += rows.length;
      context.model.seconds += (performance.now() - started) / 1000;
    }
  };
}
