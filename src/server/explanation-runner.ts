import { performance } from 'node:perf_hooks';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GlassboxError, InvalidInputError, PredictorError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { HttpError } from '../http/http-error.js';
import { Limiter } from '../predictors/remote/batching.js';
import { runForRequest, type RequestContext } from './context.js';
import type { ExplainFailure, ExplainerMetrics } from './metrics.js';
import { REQUEST_OPTION_LIMITS, type RequestLimitName } from './options.js';
import type { ServerState } from './state.js';
import type { ServableExplainer } from './explainer.js';
import { describe } from '../predictors/remote/options.js';

/** Why an explanation's signal aborted. */
class Stopped extends Error {
  constructor(
    message: string,
    readonly why: 'budget' | 'client-gone',
  ) {
    super(message);
  }
}

/** An {@link HttpError} that also says which failure it counts as. */
class ExplainError extends HttpError {
  constructor(
    statusCode: number,
    message: string,
    readonly failure: ExplainFailure,
    readonly headers: Record<string, string> = {},
  ) {
    super(statusCode, message);
  }
}

/** Whether `err` is a failure the runner has already counted. */
export function isExplainError(err: unknown): boolean {
  return err instanceof ExplainError;
}

/**
 * Runs explanations for requests: at most `maxConcurrent` at once with up to `maxQueue` waiting
 * (first come, first served; 429 beyond), each within `explainTimeoutMs` from its arrival (504 then,
 * and its signal aborts, so its model requests are cancelled and it makes no further model calls; it
 * keeps its slot until it has stopped), each stopped as well when its client disconnects. Failures
 * become HTTP errors: a bad instance or option 400, the model failing 502 with the model's error, not
 * ready 503. Every explanation is tallied in the metrics.
 */
export class ExplanationRunner {
  private readonly slots: Limiter;
  private readonly contexts = new WeakMap<FastifyRequest, RequestContext>();

  constructor(
    private readonly state: ServerState,
    private readonly metrics: ExplainerMetrics,
    private readonly limits: {
      maxConcurrent: number;
      maxQueue: number;
      explainTimeoutMs: number;
      requestLimits: Record<RequestLimitName, number>;
    },
  ) {
    this.slots = new Limiter(limits.maxConcurrent);
    metrics.watchLoad(() => ({ running: this.slots.inFlight, queued: this.slots.queued }));
  }

  /** The context of a request's explanation (its model tally), for the request log. */
  contextOf(req: FastifyRequest): RequestContext | undefined {
    return this.contexts.get(req);
  }

  /** Resolves once no explanation is running or waiting (polled: draining is not a hot path). */
  async idle(): Promise<void> {
    while (this.slots.inFlight > 0 || this.slots.queued > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Counts a request refused before it reached the runner (bad body, no token). */
  refused(failure: ExplainFailure): void {
    this.metrics.failed(failure);
  }

  /**
   * Explains `instance` with `options` for `req`.
   *
   * @throws HttpError with the status to answer (and `headers`, e.g. Retry-After) when it cannot.
   */
  async explain(req: FastifyRequest, reply: FastifyReply, instance: unknown, options: Record<string, unknown>): Promise<Explanation<unknown>> {
    try {
      const omit = omittedFields((req.query as Record<string, unknown> | undefined)?.omit);
      return omitFields(await this.run(req, reply, instance, options), omit);
    } catch (err) {
      if (!(err instanceof ExplainError)) {
        this.metrics.failed('internal');
        throw err;
      }
      this.metrics.failed(err.failure);
      for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
      throw err;
    }
  }

  private async run(req: FastifyRequest, reply: FastifyReply, instance: unknown, options: Record<string, unknown>) {
    const explainer = this.state.explainer;
    if (explainer === undefined || this.state.phase !== 'ready') {
      throw new ExplainError(503, `the explainer is not ready: ${this.state.reason}`, 'not_ready', { 'retry-after': '1' });
    }
    checkInstanceKind(explainer, instance);
    this.checkRequestLimits(options);
    const { maxConcurrent, maxQueue, explainTimeoutMs } = this.limits;
    if (this.slots.inFlight >= maxConcurrent && this.slots.queued >= maxQueue) {
      throw new ExplainError(
        429,
        `too many explanations: ${maxConcurrent} running and ${maxQueue} waiting (maxConcurrent, maxQueue); retry later`,
        'overloaded',
        { 'retry-after': '1' },
      );
    }

    const controller = new AbortController();
    const budget = setTimeout(
      () => controller.abort(new Stopped(`the time budget of ${explainTimeoutMs} ms (explainTimeoutMs) ran out`, 'budget')),
      explainTimeoutMs,
    );
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort(new Stopped('the client closed the connection', 'client-gone'));
    };
    reply.raw.once('close', onClose);
    const context: RequestContext = { requestId: String(req.id), signal: controller.signal, model: { calls: 0, rows: 0, seconds: 0 } };
    this.contexts.set(req, context);
    const started = performance.now();
    const labels = { model_name: this.metrics.modelName };

    try {
      await this.slots.acquire(controller.signal);
    } catch {
      clearTimeout(budget);
      throw this.stopped(controller.signal, context, 'waiting for a free slot');
    }

    const work = runForRequest(context, () => explainer.explain(instance, options));
    // The slot is held until the work has really stopped, even when the answer (a 504) goes out earlier.
    void work
      .catch(() => undefined)
      .finally(() => {
        this.slots.release();
        this.metrics.observeModelUse(context.model);
        reply.raw.off('close', onClose);
      });
    try {
      const explanation = await untilAborted(work, controller.signal);
      this.metrics.explainSeconds.observe(labels, (performance.now() - started) / 1000);
      this.metrics.explanations.observe(explanation);
      return explanation;
    } catch (err) {
      if (controller.signal.aborted) throw this.stopped(controller.signal, context, 'explaining');
      throw this.failure(err);
    } finally {
      clearTimeout(budget);
    }
  }

  /** Refuses explain options above this server's per-request bounds (the explainer checks the rest). */
  private checkRequestLimits(options: Record<string, unknown>): void {
    for (const [limit, option] of Object.entries(REQUEST_OPTION_LIMITS) as [RequestLimitName, string][]) {
      const value = Object.hasOwn(options, option) ? options[option] : undefined;
      const max = this.limits.requestLimits[limit];
      if (typeof value === 'number' && value > max) {
        throw new ExplainError(400, `option ${option} is ${value}; this server allows at most ${max} (${limit})`, 'bad_request');
      }
    }
  }

  /** The error for an explanation whose signal aborted. */
  private stopped(signal: AbortSignal, context: RequestContext, during: string): ExplainError {
    const reason = signal.reason as Stopped;
    const calls = `${context.model.calls} model call${context.model.calls === 1 ? '' : 's'}`;
    // 499: nginx's "client closed request"; nobody reads it, but the log line and the metrics do.
    if (reason.why === 'client-gone') return new ExplainError(499, `${reason.message} while ${during}; stopped after ${calls}`, 'cancelled');
    return new ExplainError(504, `${reason.message} while ${during}; the explanation was stopped after ${calls}`, 'timeout');
  }

  /**
   * The HTTP error for an explanation that failed on its own; an unexpected error is returned as it is,
   * for the error handler to answer with a bare 500 and to log with its stack.
   */
  private failure(err: unknown): unknown {
    if (err instanceof InvalidInputError) return new ExplainError(400, err.message, 'bad_request');
    if (err instanceof PredictorError) return new ExplainError(502, `the model failed: ${err.message}`, 'model_error');
    if (err instanceof GlassboxError) return new ExplainError(500, `${err.name}: ${err.message}`, 'internal');
    return err;
  }
}

/** The fields a client may leave out of an answer with `?omit=`: the bulky ones, image anchors' examples above all. */
const OMITTABLE = ['data.raw.examples', 'data.raw.segments', 'data.segments'] as const;

/**
 * The fields `?omit=a,b` names (comma-separated dotted paths), checked against {@link OMITTABLE}; a 400
 * for another. An explanation of an image carries its covered examples (images) in `data.raw.examples`,
 * hundreds of kilobytes that a client showing the anchor does not need.
 */
function omittedFields(query: unknown): string[] {
  if (query === undefined) return [];
  const fields = String(query).split(',').filter((f) => f !== '');
  for (const field of fields) {
    if (!(OMITTABLE as readonly string[]).includes(field)) {
      throw new ExplainError(400, `?omit names ${JSON.stringify(field)}; expected a comma-separated list of ${OMITTABLE.join(', ')}`, 'bad_request');
    }
  }
  return fields;
}

/** The explanation without the fields named (a shallow copy along each path; absent fields are skipped). */
function omitFields(explanation: Explanation<unknown>, fields: readonly string[]): Explanation<unknown> {
  let out = explanation as unknown as Record<string, unknown>;
  for (const field of fields) {
    const keys = field.split('.');
    const strip = (node: unknown, depth: number): unknown => {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, keys[depth])) return node;
      const copy = { ...(node as Record<string, unknown>) };
      if (depth === keys.length - 1) delete copy[keys[depth]];
      else copy[keys[depth]] = strip(copy[keys[depth]], depth + 1);
      return copy;
    };
    out = strip(out, 0) as Record<string, unknown>;
  }
  return out as unknown as Explanation<unknown>;
}

/**
 * Refuses an instance of the wrong kind before any work: a non-string for an explainer of texts, a string
 * for one of numbers (the explainer checks the rest: row length, image shape, values), with a 400 that
 * says what an instance is.
 */
function checkInstanceKind(explainer: ServableExplainer, instance: unknown): void {
  const shape = explainer.instanceShape;
  if (shape === undefined || (typeof instance === 'string') === (shape === 'string')) return;
  throw new ExplainError(400, `the instance is ${describe(instance)}; expected ${explainer.instanceDescription}`, 'bad_request');
}

/** Settles as `work` does, or rejects as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
