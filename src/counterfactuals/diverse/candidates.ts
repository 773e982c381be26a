import type { FeasibleSpace } from './feasible-space.js';
import { meetsOutcome, outcomeGap, type CandidateModel, type DesiredOutcome, type Prediction } from './outcome.js';

/**
 * Candidate counterfactuals and their loss. Each candidate's loss is DiCE's (Mothilal, Sharma & Tan,
 * FAT* 2020) without the diversity term, which belongs to a set (see `selection.ts`):
 *
 *   loss = proximityWeight · proximity + sparsityWeight · (features changed / features)
 *
 * Candidates are ranked validity first: those the model predicts as desired by their loss, then the
 * others by how far they are from the outcome (`outcomeGap`), then by loss.
 */

export interface Candidate {
  row: number[];
  prediction: Prediction;
  valid: boolean;
  /** How far the prediction is from the desired outcome (0 when valid). */
  gap: number;
  /** Proximity to the instance (`FeasibleSpace.distance`). */
  distance: number;
  changed: number;
  loss: number;
  /** The row as a string, to tell candidates apart. */
  key: string;
}

export interface LossWeights {
  proximityWeight: number;
  sparsityWeight: number;
}

/** Validity first, then the loss (see the module comment); ties by key, so rankings are deterministic. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.valid !== b.valid) return a.valid ? -1 : 1;
  return a.gap - b.gap || a.loss - b.loss || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Evaluates candidate rows against the model (one call per batch, rows seen before are not sent
 * again) and keeps every distinct valid candidate found: the pool the counterfactuals are chosen from.
 * Bounded: it remembers at most `budget` rows.
 */
export class CandidatePool {
  /** Every row evaluated, by key. */
  private readonly seen = new Map<string, Candidate>();
  /** The valid candidates, by key. */
  readonly valid = new Map<string, Candidate>();

  constructor(
    readonly space: FeasibleSpace,
    private readonly model: CandidateModel,
    private readonly desired: DesiredOutcome,
    private readonly weights: LossWeights,
    private readonly budget: number,
  ) {}

  /** Rows evaluated so far. */
  get size(): number {
    return this.seen.size;
  }

  /** Whether the pool can take no more rows. */
  get full(): boolean {
    return this.seen.size >= this.budget;
  }

  /** The candidates of `rows`, in order: new rows predicted in one model call (none when all were seen). */
  async evaluate(rows: number[][]): Promise<Candidate[]> {
    const fresh = new Map<string, number[]>();
    for (const row of rows) {
      const key = row.join(',');
      if (!this.seen.has(key) && !fresh.has(key) && this.seen.size + fresh.size < this.budget) fresh.set(key, row);
    }
    if (fresh.size > 0) {
      const batch = [...fresh.values()];
      const predictions = await this.model.predict(batch);
      batch.forEach((row, i) => this.add(row, predictions[i]));
    }
    return rows.flatMap((row) => {
      const found = this.seen.get(row.join(','));
      return found === undefined ? [] : [found];
    });
  }

  private add(row: number[], prediction: Prediction): void {
    const { space, weights } = this;
    const distance = space.distance(row);
    const changed = space.changed(row);
    const valid = meetsOutcome(this.desired, prediction);
    const key = row.join(',');
    const candidate: Candidate = {
      row,
      prediction,
      valid,
      gap: outcomeGap(this.desired, prediction),
      distance,
      changed,
      loss: weights.proximityWeight * distance + (weights.sparsityWeight * changed) / row.length,
      key,
    };
    this.seen.set(key, candidate);
    if (valid) this.valid.set(key, candidate);
  }
}
