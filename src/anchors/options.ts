import { InvalidInputError } from '../core/errors.js';

/** Progress of an anchor search, reported through the `onProgress` option. */
export interface AnchorProgress {
  /** `start` once the explained prediction is known; `size` after each anchor size is searched. */
  stage: 'start' | 'size';
  /** The anchor size just searched (0 at `start`). */
  anchorSize: number;
  /** Candidate anchors evaluated at this size. */
  candidates: number;
  /** Samples drawn so far. */
  samples: number;
  /** The best precision among the anchors kept at this size. */
  bestPrecision: number;
}

/** Options of the anchor search, shared by every modality. */
export interface AnchorSearchOptions {
  /** Minimum precision an anchor must reach (its KL lower bound must clear `threshold − 0.05`). */
  threshold: number;
  /** Significance of the precision bounds: they hold with probability 1 − δ. */
  delta: number;
  /** Tolerance ε of the KL-LUCB bandit when it picks the best candidates. */
  tau: number;
  /** Samples drawn per arm pull. */
  batchSize: number;
  /** Candidate anchors kept at each size (beam width B). */
  beamSize: number;
  /** Return the first anchor that meets the threshold instead of the one of highest coverage. */
  stopOnFirst: boolean;
  /** Largest anchor size searched; `undefined` searches up to the number of predicates. */
  maxAnchorSize: number | undefined;
  /** Samples drawn before the search to estimate the precision of the empty anchor. */
  minSamplesStart: number;
  /** Covered examples (agreeing and disagreeing) kept per anchor step. */
  nCoveredEx: number;
  /** Called as the search progresses. */
  onProgress?: (progress: AnchorProgress) => void;
}

/**
 * Defaults of the anchor search: the values Alibi Explain's `AnchorTabular.explain` documents
 * (threshold 0.95, delta 0.1, tau 0.15, batch_size 100, beam_size 1, stop_on_first False,
 * max_anchor_size None, min_samples_start 100, n_covered_ex 10), which its users know.
 */
export const ANCHOR_SEARCH_DEFAULTS: Readonly<AnchorSearchOptions> = Object.freeze({
  threshold: 0.95,
  delta: 0.1,
  tau: 0.15,
  batchSize: 100,
  beamSize: 1,
  stopOnFirst: false,
  maxAnchorSize: undefined,
  minSamplesStart: 100,
  nCoveredEx: 10,
});

/**
 * Upper bounds of the search options, enforced for every caller (library, CLI, server). They are not
 * tuning advice: each lies one to two orders of magnitude above any value Alibi Explain's examples or
 * our benchmarks use, and exists so that one option cannot make one explanation take unbounded memory
 * or time (issue 14: `batchSize: 1e6` held 890 MB; each pull of `batchSize` rows is one model call).
 * - `batchSize` 10,000: rows per arm pull and model request; 100x Alibi's default of 100.
 * - `beamSize` 20: candidates kept per anchor size, each sampled every round; Alibi's examples use 1 to 2.
 * - `minSamplesStart` 100,000 and `nCoveredEx` 1,000: samples drawn before the search, and examples
 *   kept (and written into the explanation) per step.
 * - `maxAnchorSize` 1,000: above any number of predicates a row, text or image has in practice.
 */
export const ANCHOR_SEARCH_LIMITS = Object.freeze({
  batchSize: 10_000,
  beamSize: 20,
  minSamplesStart: 100_000,
  nCoveredEx: 1_000,
  maxAnchorSize: 1_000,
});

/**
 * Most coverage samples an anchor explanation draws (AnchorTabular, AnchorText, AnchorImage): 10x
 * Alibi's default of 10,000. Coverage is a fraction estimated from them; its standard error at 100,000
 * samples is below 0.0016, and every candidate anchor's coverage costs one pass over them (issue 14:
 * `coverageSamples: 1e8` blocked the event loop for 10.6 s and kept 2.1 GB).
 */
export const COVERAGE_SAMPLES_MAX = 100_000;

const SEARCH_OPTION_NAMES: readonly string[] = [...Object.keys(ANCHOR_SEARCH_DEFAULTS), 'onProgress'];

/**
 * Merges user options over `defaults`, rejecting unknown names (a typo must not silently fall back to a
 * default) and wrongly typed or out-of-range values, by name. A modality that takes options of its own
 * removes them from `given` first and names them in `alsoKnown`, for the error message.
 */
export function resolveSearchOptions(
  given: Partial<AnchorSearchOptions>,
  defaults: Readonly<AnchorSearchOptions> = ANCHOR_SEARCH_DEFAULTS,
  alsoKnown: readonly string[] = [],
): AnchorSearchOptions {
  rejectUnknownOptions(given, [...SEARCH_OPTION_NAMES, ...alsoKnown]);
  const o: AnchorSearchOptions = { ...defaults, ...stripUndefined(given) };
  checkNumber('threshold', o.threshold, 0, 1, { openLow: true });
  checkNumber('delta', o.delta, 0, 1, { openLow: true, openHigh: true });
  checkNumber('tau', o.tau, 0, 1, { openLow: true, openHigh: true });
  const max = ANCHOR_SEARCH_LIMITS;
  checkInteger('batchSize', o.batchSize, 1, max.batchSize);
  checkInteger('beamSize', o.beamSize, 1, max.beamSize);
  checkInteger('minSamplesStart', o.minSamplesStart, 1, max.minSamplesStart);
  checkInteger('nCoveredEx', o.nCoveredEx, 0, max.nCoveredEx);
  if (o.maxAnchorSize !== undefined) checkInteger('maxAnchorSize', o.maxAnchorSize, 1, max.maxAnchorSize);
  if (typeof o.stopOnFirst !== 'boolean') {
    throw new InvalidInputError(`option stopOnFirst is ${String(o.stopOnFirst)}; expected true or false`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new InvalidInputError('option onProgress must be a function');
  }
  return o;
}

/** Throws an {@link InvalidInputError} naming any key of `given` that is not in `known`. */
export function rejectUnknownOptions(given: object, known: readonly string[]): void {
  const unknown = Object.keys(given).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw new InvalidInputError(
      `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; ` +
        `known options are: ${known.join(', ')}`,
    );
  }
}

/** Copies `obj` without its undefined-valued keys, so that `{ x: undefined }` keeps x's default. */
export function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Checks that option `name` is an integer in `min..max` (no upper bound unless `max` is given). */
export function checkInteger(name: string, value: unknown, min: number, max = Infinity): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
    throw new InvalidInputError(`option ${name} is ${String(value)}; expected an integer ${range}`);
  }
}

/** Checks the `coverageSamples` option of an anchor explainer (see {@link COVERAGE_SAMPLES_MAX}). */
export function checkCoverageSamples(value: unknown): void {
  checkInteger('coverageSamples', value, 1, COVERAGE_SAMPLES_MAX);
}

export function checkBoolean(name: string, value: unknown): void {
  if (typeof value !== 'boolean') throw new InvalidInputError(`option ${name} is ${String(value)}; expected true or false`);
}

export function checkNumber(
  name: string,
  value: unknown,
  min: number,
  max: number,
  { openLow = false, openHigh = false } = {},
): void {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (openLow ? value > min : value >= min) &&
    (openHigh ? value < max : value <= max);
  if (!ok) {
    const range = `${openLow ? '(' : '['}${min}, ${max}${openHigh ? ')' : ']'}`;
    throw new InvalidInputError(`option ${name} is ${String(value)}; expected a number in ${range}`);
  }
}
