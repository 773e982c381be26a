import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { urlToHttpOptions } from 'node:url';
import { VERSION } from '../../version.js';
import { Limiter } from './batching.js';
import { bodySnippet, RemoteModelError, serverMessage, type RemoteFailureKind } from './errors.js';
import type { ResolvedRemoteOptions } from './options.js';
import { backoffDelay, isRetryableNetworkError, networkErrorCode, RETRYABLE_STATUSES, retryAfterMs, sleep } from './retry.js';
import type { StatsRecorder } from './stats.js';

/**
 * HTTP for remote predictors: Node's own `http`/`https` clients over keep-alive agents (a connection is
 * reused across batches instead of a TCP handshake per request), a per-request deadline, the shared
 * concurrency limit, retries with backoff, and the translation of every failure into a
 * {@link RemoteModelError}.
 *
 * Requests go to the URL as given: no redirect is followed (a 3xx is an answer like any other) and no
 * proxy is read from the environment. An explanation sends its model calls one after another, so the
 * fixed cost of a request is paid several times per explanation: a plain `http.request` costs about
 * 0.3 ms a round trip on loopback where axios (which this transport used before) cost 0.7-0.9 ms
 * (benchmarks/README.md, remote-predictor).
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

type Outcome =
  | { ok: true; status: number; statusText: string; headers: Record<string, unknown>; text: string }
  | { ok: false; error: unknown; timedOut: boolean };

export type TransportOptions = Pick<
  ResolvedRemoteOptions,
  'headers' | 'timeoutMs' | 'retries' | 'backoffBaseMs' | 'backoffMaxMs' | 'random' | 'concurrency'
>;

export class Transport {
  readonly limiter: Limiter;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly headers: Record<string, string>;
  /** The request options of each URL asked so far (the inference URL and the metadata URL): parsed once. */
  private readonly targets = new Map<string, http.RequestOptions>();

  constructor(
    private readonly options: TransportOptions,
    private readonly stats: StatsRecorder,
  ) {
    this.limiter = new Limiter(options.concurrency);
    // Sockets beyond `concurrency` would only idle; keep-alive sockets are unref'd while free, so they
    // never keep the process alive.
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: options.concurrency });
    this.headers = { Accept: 'application/json', 'User-Agent': `glassbox/${VERSION}`, ...options.headers };
  }

  /**
   * Sends one request, retrying network errors, timeouts and 429/502/503/504 answers with backoff, and
   * resolves to the parsed JSON of a 2xx answer.
   *
   * @param what says what the request is for, in error messages ("prediction request for rows 0..299").
   * @param headers sent with this request, over the transport's own headers.
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
  ): Promise<JsonAnswer> {
    const data = body === undefined ? undefined : JSON.stringify(body);
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
        outcome = await this.once(method, url, data, signals.call, headers);
      } finally {
        this.limiter.release();
      }

      const fail = (kind: RemoteFailureKind, message: string, status: number | undefined, text: string, cause?: unknown) =>
        new RemoteModelError(message, { url, status, attempts: attempt, body: bodySnippet(text), kind, cause });

      if (outcome.ok) {
        const { status, statusText, text } = outcome;
        if (status >= 200 && status < 300) {
          try {
            return { status, body: JSON.parse(text), text, attempts: attempt };
          } catch (err) {
            throw fail(
              'bad-response',
              `${what} to ${url} answered HTTP ${status} with a body that is not JSON ` +
                `(${(err as Error).message}), after ${attempts(attempt)}; body starts: ${JSON.stringify(bodySnippet(text))}`,
              status,
              text,
              err,
            );
          }
        }
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

      // No answer: a network error, our timeout, or an abort.
      const { error, timedOut } = outcome;
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
  private once(
    method: 'GET' | 'POST',
    url: string,
    data: string | undefined,
    signal: AbortSignal,
    headers: Record<string, string> | undefined,
  ): Promise<Outcome> {
    const length = data === undefined ? 0 : Buffer.byteLength(data);
    this.stats.requests += 1;
    this.stats.bytesSent += length;
    const started = performance.now();
    return new Promise<Outcome>((resolve) => {
      let timedOut = false;
      let settled = false;
      let req: http.ClientRequest | undefined;
      const finish = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.stats.recordLatency(performance.now() - started);
        resolve(outcome);
      };
      const fail = (error: unknown) => {
        finish({ ok: false, error, timedOut });
        req?.destroy();
      };
      const timer = setTimeout(() => {
        timedOut = true;
        fail(new Error(`no answer within ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      const onAbort = () => fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) return onAbort();
      try {
        const target = this.target(url);
        const secure = target.protocol === 'https:';
        req = (secure ? https : http).request({
          ...target,
          method,
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: {
            ...this.headers,
            ...headers,
            ...(data === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': length }),
          },
        });
      } catch (error) {
        return fail(error);
      }
      req.on('error', fail);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          this.stats.bytesReceived += buf.length;
          finish({
            ok: true,
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            text: buf.toString('utf8'),
          });
        });
        // A response cut off before its end: the connection closed under it.
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('the response was cut off before its end'), { code: 'ECONNRESET' }));
        });
      });
      req.end(data);
    });
  }

  /** Host, port, path and credentials of `url`, as `http.request` takes them. */
  private target(url: string): http.RequestOptions {
    let target = this.targets.get(url);
    if (target === undefined) {
      target = urlToHttpOptions(new URL(url));
      this.targets.set(url, target);
    }
    return target;
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
