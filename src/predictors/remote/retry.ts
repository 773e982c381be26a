/**
 * When and how long to wait before retrying a remote request. Only failures that are transient by
 * definition are retried: the connection could not be made or was cut, the request timed out, or the
 * server said so with 429 Too Many Requests (RFC 6585 §4), 502 Bad Gateway, 503 Service Unavailable or
 * 504 Gateway Timeout (RFC 9110 §15.6). Everything else (400, 404, 422, 500, ...) is an answer, and
 * asking again would get the same one.
 */

/** HTTP statuses that are retried. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Node.js network error codes that are retried: connection reset or refused, timed out, a broken pipe
 * (the server closed a kept-alive connection while we wrote), and a temporary DNS failure.
 */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * The Node.js error code of a failed request: the system code (`ECONNRESET`, ...) on the error or on
 * its cause (axios wraps system errors), else whatever code the error carries.
 */
export function networkErrorCode(err: unknown): string | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown };
  const own = typeof e.code === 'string' ? e.code : undefined;
  if (own !== undefined && !own.startsWith('ERR_')) return own;
  const inner = e.cause !== undefined && e.cause !== err ? networkErrorCode(e.cause) : undefined;
  return inner ?? own;
}

/**
 * Whether a failed request without an HTTP answer may be retried: a {@link RETRYABLE_NETWORK_CODES}
 * code, or Node's "socket hang up" (the server closed the connection before answering), or a response
 * cut off while it was being read.
 */
export function isRetryableNetworkError(err: unknown): boolean {
  const code = networkErrorCode(err);
  if (code !== undefined && RETRYABLE_NETWORK_CODES.has(code)) return true;
  const message = err instanceof Error ? err.message : '';
  return /socket hang up|stream has been aborted/i.test(message);
}

/**
 * The wait before retry number `retryIndex` (0 for the first retry): exponential backoff with "full
 * jitter", uniform in `[0, min(maxMs, baseMs * 2^retryIndex))`. Full jitter spreads the retries of many
 * clients apart, so that they do not hit a recovering server in waves (Brooker, "Exponential Backoff
 * And Jitter", AWS Architecture Blog, 2015).
 *
 * @param random a uniform [0, 1) source.
 */
export function backoffDelay(retryIndex: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** retryIndex);
  const u = random();
  return ceiling * (Number.isFinite(u) ? Math.min(Math.max(u, 0), 1) : 0);
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3); `undefined` when absent or unreadable.
 */
export function retryAfterMs(header: unknown, nowMs: number = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Resolves after `ms` milliseconds, or rejects with the signal's reason as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
