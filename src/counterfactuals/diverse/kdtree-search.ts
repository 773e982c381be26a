import type { TabularSchema } from '../../core/tabular-schema.js';
import { KdTree } from '../proto/kd-tree.js';
import type { CandidatePool } from './candidates.js';
import { changeScale, type FeatureStats } from './feature-stats.js';
import type { DesiredOutcome } from './outcome.js';

/**
 * The k-d tree method, as DiCE's (Mothilal, Sharma & Tan, FAT* 2020; interpretml/DiCE `dice_KD`): the
 * training rows the model predicts as a wanted class, nearest to the instance first, each with the
 * features the constraints do not let it take set back to the instance's values, evaluated in one
 * model call (with more neighbours in a further call or two when too few are valid); post-hoc
 * sparsity then reverts what is not needed.
 *
 * For a regression model (a desired range), the rows are those whose predicted value lies in the range:
 * the range is known only when explaining, so their tree is built then (training rows are few).
 *
 * The trees (one per predicted class, `kd-tree.ts`) hold the rows embedded so that Euclidean distance
 * matches the proximity of `FeasibleSpace`: numbers divided by their scale (MAD, `changeScale`), each
 * categorical feature one-hot with coordinates 1/√2, so that a different category adds 1 to the
 * squared distance.
 */
export class TrainingNeighbours {
  private readonly trees = new Map<number, { tree: KdTree; rows: number[] }>();
  private readonly embed: (row: ArrayLike<number>) => number[];

  /** @param predicted what the model predicted for each row: classes, or (a regression model) values. */
  constructor(
    schema: TabularSchema,
    stats: FeatureStats,
    private readonly rows: readonly number[][],
    private readonly predicted: Int32Array | Float64Array,
  ) {
    const scales = stats.map((s) => (s === null ? 1 : changeScale(s)));
    this.embed = (row) => {
      const out: number[] = [];
      stats.forEach((s, f) => {
        if (s !== null) out.push(row[f] / scales[f]);
        else schema.categories[f]!.forEach((_, c) => out.push(row[f] === c ? Math.SQRT1_2 : 0));
      });
      return out;
    };
    if (predicted instanceof Float64Array) return;
    const byClass = new Map<number, number[]>();
    predicted.forEach((c, i) => {
      const members = byClass.get(c);
      if (members === undefined) byClass.set(c, [i]);
      else members.push(i);
    });
    for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
      const members = byClass.get(c)!;
      this.trees.set(c, { tree: new KdTree(members.map((i) => this.embed(rows[i]))), rows: members });
    }
  }

  /** The classes the model predicted for some training row, ascending. */
  get classes(): number[] {
    return [...this.trees.keys()];
  }

  /** The `k` training rows nearest to `x` among those predicted as one of `classes`, nearest first (ties by index). */
  nearest(x: ArrayLike<number>, classes: readonly number[], k: number): number[][] {
    const query = this.embed(x);
    const found: Array<{ index: number; distance: number }> = [];
    for (const c of classes) {
      const entry = this.trees.get(c);
      if (entry !== undefined) this.query(entry, query, k, found);
    }
    return this.nearestOf(found, k);
  }

  /** The `k` training rows nearest to `x` among those a regression model predicted in `[low, high]`, nearest first (ties by index). */
  nearestInRange(x: ArrayLike<number>, low: number, high: number, k: number): number[][] {
    const members: number[] = [];
    this.predicted.forEach((v, i) => {
      if (v >= low && v <= high) members.push(i);
    });
    const found: Array<{ index: number; distance: number }> = [];
    if (members.length > 0) this.query({ tree: new KdTree(members.map((i) => this.embed(this.rows[i]))), rows: members }, this.embed(x), k, found);
    return this.nearestOf(found, k);
  }

  private query(entry: { tree: KdTree; rows: number[] }, query: number[], k: number, found: Array<{ index: number; distance: number }>): void {
    const { indices, distances } = entry.tree.query(query, k);
    indices.forEach((j, n) => found.push({ index: entry.rows[j], distance: distances[n] }));
  }

  private nearestOf(found: Array<{ index: number; distance: number }>, k: number): number[][] {
    found.sort((a, b) => a.distance - b.distance || a.index - b.index);
    return found.slice(0, k).map(({ index }) => this.rows[index]);
  }
}

export interface KdTreeSearchOptions {
  count: number;
  /** Training rows to start from; each further round takes `KDTREE_GROWTH` times as many. */
  neighbours: number;
}

/** How many more neighbours each round takes when the last left fewer than `count` valid rows. */
export const KDTREE_GROWTH = 4;
/** Rounds at most (one model call each; rows tried before are not sent again). */
export const KDTREE_ROUNDS = 3;

/** Runs the search; returns the rounds run (the valid rows found are in `pool.valid`). */
export async function kdtreeSearch(pool: CandidatePool, training: TrainingNeighbours, desired: DesiredOutcome, options: KdTreeSearchOptions): Promise<number> {
  const { space } = pool;
  const nearestTo = (k: number) => {
    if (desired.kind === 'range') return training.nearestInRange(space.x, desired.low, desired.high, k);
    return training.nearest(space.x, desired.kind === 'class' ? [desired.target] : training.classes.filter((c) => c !== desired.origClass), k);
  };
  let k = options.neighbours;
  let rounds = 0;
  while (rounds < KDTREE_ROUNDS && !pool.full) {
    rounds += 1;
    const nearest = nearestTo(k);
    await pool.evaluate(nearest.map((row) => row.map((v, f) => space.take(f, v))));
    if (pool.valid.size >= options.count || nearest.length < k) break;
    k *= KDTREE_GROWTH;
  }
  return rounds;
}
