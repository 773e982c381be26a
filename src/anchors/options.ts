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
  checkInteger('batchSize', o.batchSize, 1);
  checkInteger('beamSize', o.beamSize, 1);
  checkInteger('minSamplesStart', o.minSamplesStart, 1);
  checkInteger('nCoveredEx', o.nCoveredEx, 0);
  if (o.maxAnchorSize !== undefined) checkInteger('maxAnchorSize', o.maxAnchorSize, 1);
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

export function checkInteger(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidInputError(`option ${name} is ${String(value)}; expected an integer >= ${min}`);
  }
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

/** The search options and coverage sample size as they appear in an explanation's `meta.params`. */
export function searchParams(search: AnchorSearchOptions, coverageSamples: number): Record<string, unknown> {
  return {
    threshold: search.threshold,
    delta: search.delta,
    tau: search.tau,
    batchSize: search.batchSize,
    coverageSamples,
    beamSize: search.beamSize,
    stopOnFirst: search.stopOnFirst,
    maxAnchorSize: search.maxAnchorSize ?? null,
    minSamplesStart: search.minSamplesStart,
    nCoveredEx: search.nCoveredEx,
  };
}
