import seedrandom from 'seedrandom';

/**
 * The one source of randomness of an explanation. Every random choice an explainer makes goes through an
 * `Rng` created from the user's seed and passed down explicitly, so the same seed and inputs give the
 * same explanation.
 *
 * Backed by seedrandom's Alea generator (Baagøe, 2010): fast, and identical across platforms.
 */
export interface Rng {
  /** A float uniformly distributed in [0, 1). */
  next(): number;
  /** An integer uniformly distributed in [0, n). */
  int(n: number): number;
}

/** Creates the seeded generator; seeds are numbers or strings, and equal seeds give equal streams. */
export function createRng(seed: number | string): Rng {
  const prng = seedrandom.alea(String(seed));
  return {
    next: () => prng(),
    int: (n: number) => Math.floor(prng() * n),
  };
}
