/** Splitting a batch of rows into requests, and bounding how many requests are in flight. */

/** The half-open row range `[start, end)` of one request. */
export interface BatchRange {
  start: number;
  end: number;
}

/**
 * Splits `n` rows into consecutive ranges of at most `maxBatchSize` rows, in order. Every row is in
 * exactly one range; the last range holds the remainder.
 */
export function splitBatches(n: number, maxBatchSize: number): BatchRange[] {
  const ranges: BatchRange[] = [];
  for (let start = 0; start < n; start += maxBatchSize) {
    ranges.push({ start, end: Math.min(n, start + maxBatchSize) });
  }
  return ranges;
}

/**
 * A counting semaphore: at most `limit` holders at once, served first come first served. One limiter is
 * shared by every call of a remote predictor, so that its `concurrency` bounds the requests in flight
 * even when an explainer calls it several times at once.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<{ grant: () => void }> = [];

  constructor(readonly limit: number) {}

  /** Requests in flight now. */
  get inFlight(): number {
    return this.active;
  }

  /** Callers waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Waits for a free slot; rejects with the signal's reason, giving up its place in the queue, if
   * `signal` aborts first. Every resolved `acquire` must be followed by one {@link release}.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.active += 1;
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  /** Frees a slot and hands it to the longest waiter, if any. */
  release(): void {
    this.active -= 1;
    const next = this.waiting.shift();
    if (next) next.grant();
  }
}
