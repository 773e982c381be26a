/**
 * Letting other work run during a long computation: an explanation is CPU work on the one JavaScript
 * thread between model calls, and a model that answers synchronously (a local function) never gives the
 * thread back. Awaiting {@link EventLoopYielder.maybeYield} between steps lets timers and I/O callbacks
 * (a server's health probes, other requests) run at least every `everyMs`, without changing any result.
 */
export class EventLoopYielder {
  private last = performance.now();

  constructor(private readonly everyMs = 20) {}

  /** Resolves at once when less than `everyMs` passed since the last yield, else after the event loop turned. */
  async maybeYield(): Promise<void> {
    if (performance.now() - this.last < this.everyMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
