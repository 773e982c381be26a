import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { AxiosInstance } from 'axios';
import { VERSION } from '../../version.js';
import { Limiter } from './batching.js';
import { bodySnippet, RemoteModelError, serverMessage, TOO_LARGE_ADVICE, type RemoteFailureKind } from './errors.js';
import { responseByteLimit, type ResolvedRemoteOptions } from './options.js';
import { backoffDelay, isRetryableNetworkError, networkErrorCode, RETRYABLE_STATUSES, retryAfterMs, sleep } from './retry.js';
import type { StatsRecorder } from './stats.js';

/**
 * HTTP for remote predictors: one axios instance over keep-alive agents (a connection is reused across
 * batches instead of a TCP handshake per request), a per-request deadline, the shared concurrency
 * limit, retries with backoff, and the translation of every failure into a {@link RemoteModelError}.
 */

/** A 2xx answer whose body parsed as JSON. */
export interface JsonAnswer {
  status: number;
  body: unknown;
  /** The raw body, for error messages. */
  text: string;
  /** Requests it took, the first one included. */
  attempts: number;
}

/** Thrown to a request whose call was abandoned because a sibling request failed for good. */
export class SiblingFailed extends Error {
  override readonly name = 'SiblingFailed';
}

/** The signals a request listens to. */
export interface RequestSignals {
  /** Aborted when the caller aborts or when the call has failed elsewhere. */
  call: AbortSignal;
  /** The caller's own signal, to tell "aborted" from "a sibling failed". */
  caller: AbortSignal | undefined;
}

/** A 2xx answer to a binary request: the JSON header and the tensor bytes after it (see {@link Transport.requestBinary}). */
export interface BinaryAnswer extends JsonAnswer {
  /** The bytes after the JSON header (empty for an all-JSON answer). */
  binary: Buffer;
}

/** What a request sends: its body and the headers that describe it. */
interface Payload {
  data: string | Buffer;
  headers: Record<string, string>;
}

type Outcome =
  | { ok: true; status: number; statusText: string; headers: Record<string, unknown>; bytes: Buffer }
  | { ok: false; error: unknown; timedOut: boolean; tooLarge: boolean };

export type TransportOptions = Pick<
  ResolvedRemoteOptions,
  'headers' | 'timeoutMs' | 'maxResponseBytes' | 'retries' | 'backoffBaseMs' | 'backoffMaxMs' | 'random' | 'concurrency'
>;

export class Transport {
  readonly limiter: Limiter;
  /** The axios instance, created at the first request: axios is loaded only by a predictor that sends one. */
  private client: Promise<AxiosInstance> | undefined;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    private readonly options: TransportOptions,
    private readonly stats: StatsRecorder,
  ) {
    this.limiter = new Limiter(options.concurrency);
    // Sockets beyond `concurrency` would only idle; keep-alive sockets are unref'd while free, so they
    // never keep the process alive.
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.concurrency });
  }

  private httpClient(): Promise<AxiosInstance> {
    this.client ??= import('axios').then(({ default: axios }) =>
      axios.create({
        httpAgent: this.httpAgent,
        httpsAgent: this.httpsAgent,
        headers: { Accept: 'application/json', 'User-Agent': `glassbox/${VERSION}`, ...this.options.headers },
        responseType: 'arraybuffer',
        // Parse (and report malformed JSON) ourselves; hand every status back instead of throwing.
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        maxBodyLength: Infinity,
        maxContentLength: -1,
      }),
    );
    return this.client;
  }

  /**
   * Sends one request, retrying network errors, timeouts and 429/502/503/504 answers with backoff, and
   * resolves to the parsed JSON of a 2xx answer.
   *
   * @param what says what the request is for, in error messages ("prediction request for rows 0..299").
   * @param headers sent with this request, over the transport's own headers.
   * @param rows rows the answer is for (0 for metadata), which size its byte limit ({@link responseByteLimit}).
   * @throws RemoteModelError when it fails for good, when the caller aborts, or when a 2xx body is not JSON;
   *   {@link SiblingFailed} when the call was abandoned because another request of it failed.
   */
  async requestJson(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    what: string,
    signals: RequestSignals,
    headers?: Record<string, string>,
    rows = 0,
  ): Promise<JsonAnswer> {
    const payload = body === undefined ? undefined : { data: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } };
    return this.request(method, url, payload, what, signals, headers, rows, (status, bytes, _headers, attempt) => {
      const text = bytes.toString('utf8');
      return { status, body: this.parseJson(text, status, url, what, attempt), text, attempts: attempt };
    });
  }

  /**
   * POSTs a body in the Open Inference Protocol's binary tensor data extension (a JSON header of
   * `headerLength` bytes, then raw tensor bytes), with the retries of {@link requestJson}, and resolves to
   * the answer's JSON header and the bytes after it: the answer's `Inference-Header-Content-Length`
   * says where its header ends; without it, the whole body is JSON.
   *
   * @param rows rows the answer is for, which size its byte limit as for {@link requestJson}.
   * @throws RemoteModelError as {@link requestJson} does, and for a header length beyond the body.
   */
  async requestBinary(
    url: string,
    body: Buffer,
    headerLength: number,
    what: string,
    signals: RequestSignals,
    headers: Record<string, string> | undefined,
    rows: number,
  ): Promise<BinaryAnswer> {
    const payload = {
      data: body,
      headers: { 'Content-Type': 'application/octet-stream', 'Inference-Header-Content-Length': String(headerLength) },
    };
    return this.request('POST', url, payload, what, signals, headers, rows, (status, bytes, resHeaders, attempt) => {
      const declared = resHeaders['inference-header-content-length'];
      const length = declared === undefined ? bytes.length : Number(declared);
      if (!Number.isInteger(length) || length < 0 || length > bytes.length) {
        throw new RemoteModelError(
          `${what} to ${url} answered HTTP ${status} with Inference-Header-Content-Length ${JSON.stringify(declared)} for a body of ` +
            `${bytes.length} bytes; expected the length of its JSON header`,
          { url, status, attempts: attempt, body: bodySnippet(bytes.toString('utf8')), kind: 'bad-response' },
        );
      }
      const headerText = bytes.subarray(0, length).toString('utf8');
      return { status, body: this.parseJson(headerText, status, url, what, attempt), text: headerText, attempts: attempt, binary: bytes.subarray(length) };
    });
  }

  /** Parses a 2xx body as JSON, or throws the "not JSON" RemoteModelError. */
  private parseJson(text: string, status: number, url: string, what: string, attempt: number): unknown {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new RemoteModelError(
        `${what} to ${url} answered HTTP ${status} with a body that is not JSON ` +
          `(${(err as Error).message}), after ${attempts(attempt)}; body starts: ${JSON.stringify(bodySnippet(text))}`,
        { url, status, attempts: attempt, body: bodySnippet(text), kind: 'bad-response', cause: err },
      );
    }
  }

  /** The retry loop of every request; `accept` turns a 2xx answer into the result. */
  private async request<T>(
    method: 'GET' | 'POST',
    url: string,
    payload: Payload | undefined,
    what: string,
    signals: RequestSignals,
    headers: Record<string, string> | undefined,
    rows: number,
    accept: (status: number, bytes: Buffer, headers: Record<string, unknown>, attempt: number) => T,
  ): Promise<T> {
    const maxBytes = responseByteLimit(rows, this.options.maxResponseBytes);
    const maxAttempts = this.options.retries + 1;
    for (let attempt = 1; ; attempt++) {
      this.checkSignals(url, what, attempt - 1, signals);
      try {
        await this.limiter.acquire(signals.call);
      } catch {
        this.checkSignals(url, what, attempt - 1, signals);
        throw new SiblingFailed();
      }
      let outcome: Outcome;
      try {
        outcome = await this.once(method, url, payload, signals.call, headers, maxBytes);
      } finally {
        this.limiter.release();
      }

      const fail = (kind: RemoteFailureKind, message: string, status: number | undefined, text: string, cause?: unknown) =>
        new RemoteModelError(message, { url, status, attempts: attempt, body: bodySnippet(text), kind, cause });

      if (outcome.ok) {
        const { status, statusText } = outcome;
        if (status >= 200 && status < 300) return accept(status, outcome.bytes, outcome.headers, attempt);
        const text = outcome.bytes.toString('utf8');
        this.stats.failures += 1;
        const retryable = RETRYABLE_STATUSES.has(status);
        if (retryable && attempt < maxAttempts) {
          await this.backoff(attempt, outcome.headers['retry-after'], url, what, signals);
          continue;
        }
        const said = serverMessage(text);
        const why = retryable
          ? `(${status} is retried; gave up after ${this.options.retries} ${this.options.retries === 1 ? 'retry' : 'retries'})`
          : `(not retried: only network errors, timeouts and 429, 502, 503, 504 are)`;
        throw fail(
          'http-status',
          `${what} to ${url} failed with HTTP ${status}${statusText ? ` ${statusText}` : ''} after ${attempts(attempt)} ${why}` +
            `${said !== undefined ? `; the server said: ${JSON.stringify(said)}` : ''}` +
            `; response body: ${text.length === 0 ? '(empty)' : JSON.stringify(bodySnippet(text))}`,
          status,
          text,
        );
      }

      // No answer: a network error, our timeout, an abort, or an answer cut off at the byte limit.
      const { error, timedOut, tooLarge } = outcome;
      if (tooLarge) {
        this.stats.failures += 1;
        throw fail(
          'response-too-large',
          `${what} to ${url} answered more than ${maxBytes} bytes (maxResponseBytes${this.options.maxResponseBytes === undefined ? ', sized from the rows asked' : ''}); ${TOO_LARGE_ADVICE}`,
          undefined,
          '',
          error,
        );
      }
      if (!timedOut && signals.call.aborted) {
        this.checkSignals(url, what, attempt, signals);
        throw new SiblingFailed();
      }
      this.stats.failures += 1;
      const retryable = timedOut || isRetryableNetworkError(error);
      if (retryable && attempt < maxAttempts) {
        await this.backoff(attempt, undefined, url, what, signals);
        continue;
      }
      const code = timedOut ? 'ETIMEDOUT' : networkErrorCode(error);
      const detail = timedOut
        ? `no answer within timeoutMs = ${this.options.timeoutMs} ms`
        : `${code ?? 'network error'}: ${error instanceof Error ? error.message : String(error)}`;
      const advice = retryable
        ? `gave up after ${this.options.retries} ${this.options.retries === 1 ? 'retry' : 'retries'}; is the model server up and reachable at this address?`
        : 'not retried';
      throw fail(
        timedOut ? 'timeout' : 'network',
        `${what} to ${url} got no HTTP answer after ${attempts(attempt)} (${detail}; ${advice})`,
        undefined,
        '',
        error,
      );
    }
  }

  /** Closes kept-alive connections. Requests still in flight are not interrupted. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** One HTTP request under the per-request deadline; never throws. */
  private async once(
    method: 'GET' | 'POST',
    url: string,
    payload: Payload | undefined,
    signal: AbortSignal,
    headers: Record<string, string> | undefined,
    maxBytes: number,
  ): Promise<Outcome> {
    const client = await this.httpClient();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`no answer within ${this.options.timeoutMs} ms`));
    }, this.options.timeoutMs);
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.stats.requests += 1;
    if (payload !== undefined) this.stats.bytesSent += Buffer.byteLength(payload.data);
    const started = performance.now();
    try {
      const res = await client.request<ArrayBuffer | Buffer>({
        method,
        url,
        data: payload?.data,
        headers: { ...headers, ...payload?.headers },
        signal: controller.signal,
        maxContentLength: maxBytes,
      });
      const buf = Buffer.isBuffer(res.data) ? res.data : Buffer.from(res.data ?? new ArrayBuffer(0));
      this.stats.bytesReceived += buf.length;
      return {
        ok: true,
        status: res.status,
        statusText: res.statusText ?? '',
        headers: res.headers as Record<string, unknown>,
        bytes: buf,
      };
    } catch (error) {
      // axios stops reading an answer at maxContentLength and rejects with this message.
      const tooLarge = error instanceof Error && /^maxContentLength size of \d+ exceeded/.test(error.message);
      return { ok: false, error, timedOut, tooLarge };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.stats.recordLatency(performance.now() - started);
    }
  }

  /** Waits before retry number `attempt` (1 for the first), honouring `Retry-After` up to the cap. */
  private async backoff(attempt: number, retryAfter: unknown, url: string, what: string, signals: RequestSignals): Promise<void> {
    const { backoffBaseMs, backoffMaxMs, random } = this.options;
    let delay = backoffDelay(attempt - 1, backoffBaseMs, backoffMaxMs, random);
    const asked = retryAfterMs(retryAfter);
    if (asked !== undefined) delay = Math.max(delay, Math.min(asked, backoffMaxMs));
    this.stats.retries += 1;
    try {
      await sleep(delay, signals.call);
    } catch {
      this.checkSignals(url, what, attempt, signals);
      throw new SiblingFailed();
    }
  }

  /** Throws the "aborted" RemoteModelError if the caller's signal has fired. */
  private checkSignals(url: string, what: string, attemptsMade: number, signals: RequestSignals): void {
    const caller = signals.caller;
    if (caller?.aborted) {
      const reason = caller.reason instanceof Error ? caller.reason.message : String(caller.reason);
      throw new RemoteModelError(
        `${what} to ${url} was aborted by the caller's signal (${reason}) after ${attempts(attemptsMade)}; no predictions were returned`,
        { url, status: undefined, attempts: attemptsMade, body: '', kind: 'aborted', cause: caller.reason },
      );
    }
    if (signals.call.aborted) throw new SiblingFailed();
  }
}

function attempts(n: number): string {
  return `${n} attempt${n === 1 ? '' : 's'}`;
}
