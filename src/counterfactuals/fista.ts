/**
 * Pieces of the elastic-net search shared by the contrastive explanation method (Dhurandhar et al.,
 * NeurIPS 2018) and prototype-guided counterfactuals (Van Looveren & Klaise, 2019): both minimise
 * c·L_attack + β‖δ‖₁ + ‖δ‖₂² + … by FISTA (Beck & Teboulle, "A Fast Iterative Shrinkage-Thresholding
 * Algorithm for Linear Inverse Problems", SIAM J. Imaging Sciences 2(1), 2009) with the
 * shrinkage-thresholding operator as the proximal step of the L1 term (as in EAD, Chen et al., AAAI
 * 2018), and both search the attack weight c as Carlini & Wagner (IEEE S&P 2017) do.
 */

import { project, type Box } from './constraints.js';

/**
 * The shrinkage-thresholding operator S_β around `center` (the proximal operator of β‖· − center‖₁):
 * values within β of the center snap to it, others move β towards it.
 */
export function shrink(z: number, center: number, beta: number): number {
  const diff = z - center;
  if (diff > beta) return z - beta;
  if (diff < -beta) return z + beta;
  return center;
}

/**
 * The learning rate of iteration `k` (from 0) of `maxIterations`: `init · (1 − k/maxIterations)^0.5`,
 * a polynomial decay to 0 with power 0.5, as in the CEM authors' reference implementation and Alibi
 * Explain's `CEM` and `CounterfactualProto` (TensorFlow's `polynomial_decay`, end rate 0, power 0.5).
 */
export function polynomialDecay(init: number, k: number, maxIterations: number): number {
  return init * Math.sqrt(1 - k / maxIterations);
}

/** FISTA's momentum weight after iteration `k` (from 0): k / (k + 3), as the CEM paper's Algorithm 1. */
export function fistaMomentum(k: number): number {
  return k / (k + 3);
}

/** Where one FISTA iteration stands: the iterates and the search's settings. */
export interface FistaIterate {
  /** The current iterate x_k. */
  x: Float32Array;
  /** The point the gradient was taken at, y_k; replaced by y_{k+1} in place. */
  y: Float32Array;
  /** Scratch space for x_{k+1}. */
  next: Float32Array;
  /** The features that may move. */
  features: Int32Array;
  /** The center of the shrinkage (the instance, or CEM's no-information values for PP). */
  center: Float32Array;
  /** The box every iterate is projected onto. */
  box: Box;
  beta: number;
  /** Gradients are clipped to `[min, max]` element-wise. */
  clip: readonly [number, number];
  /** The learning rate α_k. */
  rate: number;
  /** The iteration, from 0. */
  k: number;
}

/**
 * One FISTA iteration (Beck & Teboulle, 2009; Dhurandhar et al., 2018, Algorithm 1) once the gradient
 * of the smooth part g is known: x_{k+1} = Π(S_β(y_k − α_k·clip(∇g(y_k)))) on the features that move,
 * y_{k+1} = Π(x_{k+1} + k/(k+3)·(x_{k+1} − x_k)), with Π the projection onto the box. Updates `y` in
 * place and returns x_{k+1}.
 *
 * @param gradient ∂g/∂y_i for feature i, before clipping.
 */
export function fistaStep(at: FistaIterate, gradient: (i: number) => number): Float32Array<ArrayBuffer> {
  const { x, y, next, features, center, box, beta, rate, k } = at;
  const [lo, hi] = at.clip;
  for (const i of features) {
    const g = Math.min(hi, Math.max(lo, gradient(i)));
    next[i] = shrink(y[i] - rate * g, center[i], beta);
  }
  project(next, box); // also pins the features that cannot move
  const momentum = fistaMomentum(k);
  for (let i = 0; i < y.length; i++) y[i] = next[i] + momentum * (next[i] - x[i]);
  project(y, box);
  return Float32Array.from(next);
}

/**
 * The search for the attack weight c over several runs of the optimiser (Carlini & Wagner, 2017, as
 * CEM and Alibi Explain do it): start at `cInit`; after a run that found a valid candidate, bisect
 * towards the largest c that failed (or 0); after a failure, bisect towards the smallest c that
 * succeeded, or multiply c by 10 while none has.
 */
export class AttackWeightSearch {
  private lower = 0;
  private upper = 1e10;

  constructor(
    /** The weight of the next run. */
    public c: number,
  ) {}

  /** Moves `c` on after a run with weight `c` that did (`success`) or did not find a candidate. */
  update(success: boolean): void {
    if (success) {
      this.upper = Math.min(this.upper, this.c);
      this.c = (this.lower + this.upper) / 2;
    } else {
      this.lower = Math.max(this.lower, this.c);
      this.c = this.upper < 1e10 ? (this.lower + this.upper) / 2 : this.c * 10;
    }
  }
}

/** Progress of a search over c, after each value (CEM's and CounterfactualProto's `onProgress`). */
export interface WeightSearchProgress {
  /** 0-based index of the value of c just tried. */
  cStep: number;
  c: number;
  success: boolean;
  iterations: number;
  /** Elastic-net distance of the closest candidate so far, or null. */
  bestDistance: number | null;
}

/**
 * Runs the optimiser for up to `cSteps` values of c chosen by {@link AttackWeightSearch} from `cInit`,
 * and keeps the closest candidate of all runs. With c = 0 a run does not depend on c (prototype-only
 * search), so the search stops after it: every further run would repeat it.
 *
 * @param run one optimisation with weight c, numbering its iterations from `firstIndex`.
 */
export async function searchAttackWeight<R extends { c: number; iterations: number; best: { distance: number } | null }>(
  cInit: number,
  cSteps: number,
  run: (c: number, firstIndex: number) => Promise<R>,
  onProgress?: (progress: WeightSearchProgress) => void,
): Promise<{ runs: R[]; best: R['best']; iterations: number }> {
  const runs: R[] = [];
  let best: R['best'] = null;
  const weight = new AttackWeightSearch(cInit);
  let iterations = 0;
  for (let cStep = 0; cStep < cSteps; cStep++) {
    const step = await run(weight.c, iterations);
    iterations += step.iterations;
    runs.push(step);
    if (step.best !== null && (best === null || step.best.distance < best.distance)) best = step.best;
    onProgress?.({ cStep, c: step.c, success: step.best !== null, iterations: step.iterations, bestDistance: best?.distance ?? null });
    if (weight.c === 0) break;
    weight.update(step.best !== null);
  }
  return { runs, best, iterations };
}
