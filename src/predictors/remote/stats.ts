/** Traffic statistics of a remote predictor. */

export interface RemoteLatency {
  /** Milliseconds spent in HTTP requests, summed over requests. */
  totalMs: number;
  /** Mean milliseconds per request (0 before the first request). */
  meanMs: number;
  /** The slowest request, in milliseconds. */
  maxMs: number;
}

/** A snapshot of what a remote predictor has done since it was created (or its stats were reset). */
export interface RemotePredictorStats {
  /** Calls of the predictor. */
  calls: number;
  /**
   * HTTP requests sent: predictions, retries included, and the v2 model metadata request (over gRPC,
   * calls: ModelInfer, and ModelMetadata and ModelReady on connecting).
   */
  requests: number;
  /** Requests that were retries of a failed request. */
  retries: number;
  /** Requests that failed (an error status, a network error or a timeout), retried or not. */
  failures: number;
  /** Rows predicted: rows of successful prediction requests. */
  rows: number;
  /** Request body bytes sent. */
  bytesSent: number;
  /** Response body bytes received (after decompression). */
  bytesReceived: number;
  latency: RemoteLatency;
}

/** Mutable counters behind {@link RemotePredictorStats}. */
export class StatsRecorder {
  calls = 0;
  requests = 0;
  retries = 0;
  failures = 0;
  rows = 0;
  bytesSent = 0;
  bytesReceived = 0;
  private latencyTotal = 0;
  private latencyCount = 0;
  private latencyMax = 0;

  /** Records the duration of one finished request. */
  recordLatency(ms: number): void {
    this.latencyTotal += ms;
    this.latencyCount += 1;
    if (ms > this.latencyMax) this.latencyMax = ms;
  }

  snapshot(): RemotePredictorStats {
    return {
      calls: this.calls,
      requests: this.requests,
      retries: this.retries,
      failures: this.failures,
      rows: this.rows,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      latency: {
        totalMs: this.latencyTotal,
        meanMs: this.latencyCount === 0 ? 0 : this.latencyTotal / this.latencyCount,
        maxMs: this.latencyMax,
      },
    };
  }

  reset(): void {
    this.calls = 0;
    this.requests = 0;
    this.retries = 0;
    this.failures = 0;
    this.rows = 0;
    this.bytesSent = 0;
    this.bytesReceived = 0;
    this.latencyTotal = 0;
    this.latencyCount = 0;
    this.latencyMax = 0;
  }
}
