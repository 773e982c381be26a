import { performance } from 'node:perf_hooks';
import type * as Grpc from '@grpc/grpc-js';
import { VERSION } from '../../../version.js';
import { Limiter } from '../batching.js';
import { RemoteModelError, TOO_LARGE_ADVICE, type RemoteFailureKind } from '../errors.js';
import { resolveMetadata, responseByteLimit, type ResolvedRemoteOptions } from '../options.js';
import { backoffDelay, sleep } from '../retry.js';
import type { StatsRecorder } from '../stats.js';
import { SiblingFailed, type RequestSignals } from '../transport.js';
import type { GrpcEndpoint } from './endpoint.js';
import type { InferenceMethod, InferenceService } from './service.js';

/**
 * Unary calls of the Open Inference Protocol's gRPC service with the REST transport's guarantees: a
 * deadline per attempt (`timeoutMs`), the shared `concurrency` limit, retries with exponential backoff
 * and full jitter, statistics, and every failure a {@link RemoteModelError}.
 *
 * Retried status codes: UNAVAILABLE (14), RESOURCE_EXHAUSTED (8) and DEADLINE_EXCEEDED (4), the
 * transient ones of the gRPC status code table ("Status codes and their use in gRPC", grpc/grpc
 * doc/statuscodes.md, which says UNAVAILABLE "is most likely a transient condition"). Everything else
 * (INVALID_ARGUMENT, NOT_FOUND, INTERNAL, ...) is an answer that asking again would repeat.
 *
 * One grpc-js client per predictor; grpc-js pools its connections (subchannels) per target and
 * credentials process-wide, so predictors of one server share one kept-alive HTTP/2 connection.
 */

/** gRPC status codes (grpc/grpc doc/statuscodes.md) that are retried. */
export const RETRYABLE_GRPC_CODES: ReadonlySet<number> = new Set([4, 8, 14]);

/**
 * Keep-alive pings and message size limits of the channel. The receive limit is set per predictor (see
 * the constructor): grpc-js has it per channel, not per call.
 */
const CHANNEL_OPTIONS = {
  /** A ping after a minute without traffic keeps idle connections through proxies and detects dead ones. */
  'grpc.keepalive_time_ms': 60_000,
  'grpc.keepalive_timeout_ms': 20_000,
  /** 64 MiB: a batch of 1,000 rows of 1,000 FP64 features is 8 MB. */
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.primary_user_agent': `glassbox/${VERSION}`,
};

/** How grpc-js words a response past `grpc.max_receive_message_length` (stream-decoder.js), under RESOURCE_EXHAUSTED. */
const TOO_LARGE_DETAILS = /^Received message larger than max/;

export type GrpcTransportOptions = Pick<
  ResolvedRemoteOptions,
  'headers' | 'metadata' | 'tls' | 'timeoutMs' | 'maxResponseBytes' | 'maxBatchSize' | 'retries' | 'backoffBaseMs' | 'backoffMaxMs' | 'random' | 'concurrency'
>;

/** A successful call: its response and how many attempts it took. */
export interface GrpcAnswer {
  response: Record<string, unknown>;
  attempts: number;
}

type Outcome = { ok: true; response: Record<string, unknown> } | { ok: false; error: Grpc.ServiceError };

export class GrpcTransport {
  readonly limiter: Limiter;
  private readonly client: Grpc.Client;
  /** The most bytes of one response message: `maxResponseBytes`, or sized from the largest batch. */
  private readonly maxBytes: number;

  constructor(
    private readonly service: InferenceService,
    private readonly endpoint: GrpcEndpoint,
    private readonly options: GrpcTransportOptions,
    private readonly stats: StatsRecorder,
  ) {
    const { grpc } = service;
    this.limiter = new Limiter(options.concurrency);
    const tls = options.tls !== false || endpoint.tls;
    const pem = (v: string | Buffer | undefined) => (v === undefined ? null : Buffer.from(v));
    const t = options.tls === false ? {} : options.tls;
    const credentials = tls ? grpc.credentials.createSsl(pem(t.ca), pem(t.key), pem(t.cert)) : grpc.credentials.createInsecure();
    // The REST transport sizes its limit from each request's rows; a channel has one limit, so it is
    // sized from the largest request (maxBatchSize rows). grpc-js stops reading a longer message.
    this.maxBytes = responseByteLimit(options.maxBatchSize, options.maxResponseBytes);
    this.client = new grpc.Client(endpoint.target, credentials, { ...CHANNEL_OPTIONS, 'grpc.max_receive_message_length': this.maxBytes });
  }

  /**
   * Calls `method` with `request`, retrying the transient status codes, and resolves to the response.
   *
   * @param what says what the call is for, in error messages ("prediction request for rows 0..299").
   * @param headers sent as metadata with this call, over the transport's own.
   * @throws RemoteModelError when it fails for good or the caller aborts; {@link SiblingFailed} when the
   *   call was abandoned because another request of it failed.
   */
  async call(
    method: InferenceMethod,
    request: object,
    what: string,
    signals: RequestSignals,
    headers?: Record<string, string>,
  ): Promise<GrpcAnswer> {
    const { url } = this.endpoint;
    const { grpc } = this.service;
    const maxAttempts = this.options.retries + 1;
    const metadata = this.metadata(headers);
    for (let attempt = 1; ; attempt++) {
      this.checkSignals(what, attempt - 1, signals);
      try {
        await this.limiter.acquire(signals.call);
      } catch {
        this.checkSignals(what, attempt - 1, signals);
        throw new SiblingFailed();
      }
      let outcome: Outcome;
      try {
        outcome = await this.once(method, request, metadata, signals.call);
      } finally {
        this.limiter.release();
      }
      if (outcome.ok) return { response: outcome.response, attempts: attempt };

      const { error } = outcome;
      if (error.code === grpc.status.CANCELLED && signals.call.aborted) {
        this.checkSignals(what, attempt, signals);
        throw new SiblingFailed();
      }
      this.stats.failures += 1;
      if (error.code === grpc.status.RESOURCE_EXHAUSTED && TOO_LARGE_DETAILS.test(error.details ?? '')) {
        throw new RemoteModelError(
          `${what} to ${url} answered more than ${this.maxBytes} bytes (maxResponseBytes` +
            `${this.options.maxResponseBytes === undefined ? `, sized from maxBatchSize = ${this.options.maxBatchSize} rows` : ''}); ${TOO_LARGE_ADVICE}`,
          { url, status: error.code, attempts: attempt, body: error.details ?? '', kind: 'response-too-large', cause: error },
        );
      }
      const retryable = RETRYABLE_GRPC_CODES.has(error.code);
      if (retryable && attempt < maxAttempts) {
        this.stats.retries += 1;
        try {
          await sleep(backoffDelay(attempt - 1, this.options.backoffBaseMs, this.options.backoffMaxMs, this.options.random), signals.call);
        } catch {
          this.checkSignals(what, attempt, signals);
          throw new SiblingFailed();
        }
        continue;
      }
      const name = grpc.status[error.code] ?? 'UNKNOWN';
      const kind: RemoteFailureKind =
        error.code === grpc.status.DEADLINE_EXCEEDED ? 'timeout' : error.code === grpc.status.UNAVAILABLE ? 'network' : 'grpc-status';
      const why = retryable
        ? `(${name} is retried; gave up after ${this.options.retries} ${this.options.retries === 1 ? 'retry' : 'retries'}` +
          `${kind === 'timeout' ? `, each with a deadline of timeoutMs = ${this.options.timeoutMs} ms` : ''}` +
          `${kind === 'network' ? '; is the model server up and reachable at this address?' : ''})`
        : '(not retried: only UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED are)';
      throw new RemoteModelError(
        `${what} to ${url} failed with gRPC status ${error.code} ${name} after ${attempts(attempt)} ${why}` +
          `${error.details ? `; the server said: ${JSON.stringify(error.details)}` : ''}`,
        { url, status: error.code, attempts: attempt, body: error.details ?? '', kind, cause: error },
      );
    }
  }

  /** Closes the client's channel. Calls still in flight are not interrupted. */
  close(): void {
    this.client.close();
  }

  /**
   * The options' headers and metadata, then this call's headers, as gRPC metadata (header names
   * lower-cased, and checked as metadata names: InvalidInputError for one gRPC cannot carry).
   */
  private metadata(headers: Record<string, string> | undefined): Grpc.Metadata {
    const md = new this.service.grpc.Metadata();
    const lower = (h: Record<string, string>) => resolveMetadata(Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v])));
    for (const [k, v] of Object.entries({ ...lower(this.options.headers), ...this.options.metadata, ...lower(headers ?? {}) })) md.set(k, v);
    return md;
  }

  /** One call under the per-attempt deadline; never throws. */
  private once(method: InferenceMethod, request: object, metadata: Grpc.Metadata, signal: AbortSignal): Promise<Outcome> {
    const def = this.service.method(method);
    const stats = this.stats;
    const serialize = (value: object) => {
      const bytes = def.requestSerialize(value);
      stats.bytesSent += bytes.length;
      return bytes;
    };
    const deserialize = (bytes: Buffer) => {
      stats.bytesReceived += bytes.length;
      return def.responseDeserialize(bytes) as Record<string, unknown>;
    };
    stats.requests += 1;
    const started = performance.now();
    return new Promise<Outcome>((resolve) => {
      const deadline = new Date(Date.now() + this.options.timeoutMs);
      const onAbort = () => call.cancel();
      const call = this.client.makeUnaryRequest(def.path, serialize, deserialize, request, metadata, { deadline }, (error, response) => {
        signal.removeEventListener('abort', onAbort);
        stats.recordLatency(performance.now() - started);
        resolve(error ? { ok: false, error } : { ok: true, response: response ?? {} });
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Throws the "aborted" RemoteModelError if the caller's signal has fired; SiblingFailed if the call has. */
  private checkSignals(what: string, attemptsMade: number, signals: RequestSignals): void {
    const caller = signals.caller;
    if (caller?.aborted) {
      const reason = caller.reason instanceof Error ? caller.reason.message : String(caller.reason);
      throw new RemoteModelError(
        `${what} to ${this.endpoint.url} was aborted by the caller's signal (${reason}) after ${attempts(attemptsMade)}; no predictions were returned`,
        { url: this.endpoint.url, status: undefined, attempts: attemptsMade, body: '', kind: 'aborted', cause: caller.reason },
      );
    }
    if (signals.call.aborted) throw new SiblingFailed();
  }
}

function attempts(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}
