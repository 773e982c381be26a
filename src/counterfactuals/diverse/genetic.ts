import type { Rng } from '../../core/rng.js';
import { compareCandidates, type Candidate, type CandidatePool } from './candidates.js';
import { limitChanges, mutate, randomChanges, revertOne } from './mutations.js';
import { selectDiverse, setLoss } from './selection.js';

/**
 * A seeded genetic search over feasible rows, after DiCE's genetic method (Mothilal, Sharma & Tan,
 * FAT* 2020; interpretml/DiCE `dice_genetic`): a population of rows near the instance (each with a few
 * random feasible changes), ranked validity first and then by loss (`candidates.ts`); the better half
 * survives, and the rest is bred from it by uniform crossover of two survivors, then a mutation (a
 * feature set to a random feasible value) or a revert (a feature back at the instance's value, for
 * sparsity). Every generation is evaluated in one model call. The search stops when the set chosen
 * from the valid rows found (`selectDiverse`) has not improved for `GENETIC_PATIENCE` generations, after
 * `maxGenerations`, or when the pool's budget of rows is spent.
 */

export interface GeneticOptions {
  count: number;
  populationSize: number;
  maxGenerations: number;
  maxFeaturesChanged: number;
  diversityWeight: number;
}

/** Generations without improvement of the chosen set before the search stops. */
export const GENETIC_PATIENCE = 3;
/** Features changed at most in a row of the first population. */
const INITIAL_CHANGES = 3;
/** Probability that a child is mutated (else a feature is reverted). */
const MUTATION_RATE = 0.6;

/** Runs the search; returns the generations run (the valid rows found are in `pool.valid`). */
export async function geneticSearch(pool: CandidatePool, options: GeneticOptions, rng: Rng): Promise<number> {
  const { space } = pool;
  const { count, populationSize, maxGenerations, maxFeaturesChanged, diversityWeight } = options;
  const initialChanges = Math.min(INITIAL_CHANGES, maxFeaturesChanged, space.mutable.length);
  let population = Array.from({ length: populationSize }, () => randomChanges(space, 1 + rng.int(initialChanges), rng));
  let best = Infinity;
  let stale = 0;
  let generation = 0;
  while (generation < maxGenerations) {
    generation += 1;
    const ranked = (await pool.evaluate(population)).sort(compareCandidates);
    const chosen = selectDiverse([...pool.valid.values()].sort(compareCandidates), count, diversityWeight, space.difference);
    const loss = chosen.length < count ? Infinity : setLoss(chosen, diversityWeight, space.difference);
    if (loss < best - 1e-12) {
      best = loss;
      stale = 0;
    } else if (loss < Infinity) {
      stale += 1;
    }
    if (stale >= GENETIC_PATIENCE || pool.full || ranked.length === 0) break;
    population = breed(ranked, populationSize, maxFeaturesChanged, pool, rng);
  }
  return generation;
}

/** The survivors (the better half of the ranked population) and children bred from them. */
function breed(ranked: Candidate[], size: number, maxFeaturesChanged: number, pool: CandidatePool, rng: Rng): number[][] {
  const { space } = pool;
  const survivors = ranked.slice(0, Math.max(2, Math.ceil(size / 2)));
  const next = survivors.map((c) => c.row);
  const pick = () => {
    // Tournament of two: the better-ranked of two random survivors.
    const i = rng.int(survivors.length);
    const j = rng.int(survivors.length);
    return survivors[Math.min(i, j)].row;
  };
  while (next.length < size) {
    const a = pick();
    const b = pick();
    const child = a.map((v, f) => (rng.next() < 0.5 ? v : b[f]));
    if (rng.next() < MUTATION_RATE) mutate(space, child, maxFeaturesChanged, rng);
    else revertOne(space, child, rng);
    limitChanges(space, child, maxFeaturesChanged, rng);
    next.push(child);
  }
  return next;
}
