/**
 * A least-recently-used cache bounded by the bytes its values hold, for caches keyed by values a caller
 * chooses (e.g. a coverage sample per `coverageSamples`): however many distinct keys arrive, it never
 * holds more than its budget. A value larger than the whole budget is returned to the caller but not kept.
 */
export class ByteBudgetCache<K, V> {
  /** Map iteration order is insertion order: the first entry is the least recently used. */
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private used = 0;

  constructor(
    /** The most bytes the kept values may hold together. */
    readonly budgetBytes: number,
    /** The bytes one value holds. */
    private readonly sizeOf: (value: V) => number,
  ) {}

  /** Bytes the kept values hold now. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value kept for `key` (now the most recently used), or `undefined`. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** The value for `key`, computed by `make` and kept (evicting the least recently used) when absent. */
  getOrCreate(key: K, make: () => V): V {
    const kept = this.get(key);
    if (kept !== undefined) return kept;
    const value = make();
    const bytes = this.sizeOf(value);
    if (bytes > this.budgetBytes) return value;
    for (const [k, e] of this.entries) {
      if (this.used + bytes <= this.budgetBytes) break;
      this.entries.delete(k);
      this.used -= e.bytes;
    }
    this.entries.set(key, { value, bytes });
    this.used += bytes;
    return value;
  }

  /** Drops every entry. */
  clear(): void {
    this.entries.clear();
    this.used = 0;
  }
}
