import type { FillCandidate, FillMask, FillMaskRequest } from '../anchors/text/fill-mask.js';
import { DEFAULT_STOPWORDS } from '../anchors/text/stopwords.js';
import { isSingleWord, tokenize } from '../anchors/text/tokenize.js';
import { InvalidInputError, PredictorError } from '../core/errors.js';
import { JsonReader } from '../core/json-checks.js';
import { topK } from './top-k.js';

/**
 * A small masked-word model that runs anywhere: it fills a masked word from the words on its left and
 * right, with bigram statistics of a training corpus.
 *
 * For a masked position with left neighbour `l` and right neighbour `r`, the score of a candidate `w` is
 *
 *     P(w | l, r) ∝ P(w | l) · P(w | r) / P(w)
 *
 * which is Bayes' rule when `l` and `r` are independent given `w` (P(l, r | w) = P(l | w) P(r | w)).
 * `P(w | l)` is a forward bigram model and `P(w | r)` a backward one, each smoothed towards the
 * unigram distribution `P(w)` by Witten–Bell interpolation (Witten & Bell, IEEE Trans. Inf. Theory
 * 1991; Chen & Goodman, "An empirical study of smoothing techniques for language modeling", 1998, §2.4):
 *
 *     P(w | l) = (c(l, w) + T(l) · P(w)) / (c(l) + T(l))
 *
 * with `c(l, w)` the count of the bigram, `c(l)` the count of `l` as a left context and `T(l)` the
 * number of distinct words seen after `l`. A neighbour that is itself masked (or off the sentence: the
 * boundaries are the tokens `<s>` and `</s>`) tells nothing, and its factor is `P(w)`. Words outside the
 * vocabulary are read as `<unk>`, whose statistics come from the training words seen fewer than
 * `minCount` times. Like a masked language model filling all masks of a sentence at once, each masked
 * position is filled from its unmasked neighbours only.
 *
 * Candidates are the vocabulary's words (not punctuation, numbers or stopwords); scores are
 * probabilities normalised over them. Queries are cached by context pair.
 */

export interface ContextFillMaskOptions {
  /** Tokens seen fewer times in training are `<unk>`. */
  minCount?: number;
  /** Words never proposed as fills. */
  stopwords?: readonly string[];
}

/** Defaults: a word seen once cannot be told from noise, so `minCount` 2; the library's stopwords. */
export const CONTEXT_FILL_MASK_DEFAULTS = Object.freeze({ minCount: 2, stopwords: DEFAULT_STOPWORDS });

export const CONTEXT_FILL_MASK_FORMAT = 'glassbox/context-fill-mask';
export const CONTEXT_FILL_MASK_FORMAT_VERSION = 1;

/** The JSON form (see {@link ContextFillMask.toJSON}). */
export interface ContextFillMaskJSON {
  format: typeof CONTEXT_FILL_MASK_FORMAT;
  formatVersion: typeof CONTEXT_FILL_MASK_FORMAT_VERSION;
  /** Token ids: 0 `<s>`, 1 `</s>`, 2 `<unk>`, then the vocabulary (lowercase), in byte order. */
  tokens: string[];
  /** How often each token occurs in the training sentences (`<s>` and `</s>` once per sentence). */
  counts: number[];
  /** Bigrams as flat triples `left id, right id, count`, sorted by left then right id. */
  bigrams: number[];
  /** Words never proposed as fills. */
  stopwords: string[];
  minCount: number;
}

const BOS = 0;
const EOS = 1;
const UNK = 2;
const SPECIAL = ['<s>', '</s>', '<unk>'];
/** Cached candidate lists kept before the cache is cleared (a bound on memory, not a tuning knob). */
const CACHE_LIMIT = 50_000;

/** Neighbour statistics of one side (forward: who follows whom; backward: who precedes whom). */
interface Side {
  /** CSR: the neighbours of token t are `ids[start[t] .. start[t + 1])` with counts `counts[...]`. */
  start: Int32Array;
  ids: Int32Array;
  counts: Float64Array;
  /** Per token: c(t) + T(t), the Witten–Bell denominator, and T(t) / (c(t) + T(t)), the unigram weight. */
  denominator: Float64Array;
  backoff: Float64Array;
}

export class ContextFillMask implements FillMask {
  readonly name = 'context-fill-mask';
  private readonly index: Map<string, number>;
  /** P(w) for every token id. */
  private readonly unigram: Float64Array;
  /** Token ids that may be proposed. */
  private readonly candidates: Int32Array;
  /** Per token id: its index in `candidates`, or −1. */
  private readonly candidateOf: Int32Array;
  private readonly forward: Side;
  private readonly backward: Side;
  private readonly cache = new Map<string, FillCandidate[]>();

  private constructor(
    readonly tokens: readonly string[],
    private readonly counts: Float64Array,
    private readonly bigrams: Int32Array,
    readonly stopwords: readonly string[],
    readonly minCount: number,
  ) {
    this.index = new Map(tokens.map((t, i) => [t, i]));
    let total = 0;
    for (let t = 3; t < counts.length; t++) total += counts[t];
    total += counts[EOS] + counts[UNK];
    this.unigram = Float64Array.from(counts, (c, t) => (t === BOS ? 0 : c / total));
    const stop = new Set(stopwords.map((s) => s.toLowerCase()));
    this.candidates = Int32Array.from(
      tokens.flatMap((t, i) => (i > UNK && isSingleWord(t) && /\p{L}/u.test(t) && !stop.has(t) ? [i] : [])),
    );
    this.candidateOf = new Int32Array(tokens.length).fill(-1);
    this.candidates.forEach((id, k) => (this.candidateOf[id] = k));
    this.forward = side(tokens.length, bigrams, 0);
    this.backward = side(tokens.length, bigrams, 1);
  }

  /**
   * Counts the tokens and bigrams of `sentences` (lowercased, as `tokenize` cuts them).
   *
   * @throws InvalidInputError for no sentences, a non-string sentence, or bad options.
   */
  static train(sentences: readonly string[], options: ContextFillMaskOptions = {}): ContextFillMask {
    const { minCount, stopwords } = { ...CONTEXT_FILL_MASK_DEFAULTS, ...options };
    if (!(Number.isInteger(minCount) && minCount >= 1)) {
      throw new InvalidInputError(`context fill-mask: option minCount is ${minCount}; expected an integer >= 1`);
    }
    if (!Array.isArray(sentences) || sentences.length === 0) {
      throw new InvalidInputError('context fill-mask: training needs a non-empty array of sentences');
    }
    const docs = sentences.map((s, i) => {
      if (typeof s !== 'string') throw new InvalidInputError(`context fill-mask: sentence ${i} is ${typeof s}; expected a string`);
      return tokenize(s).map((t) => t.text.toLowerCase());
    });
    const frequency = new Map<string, number>();
    for (const doc of docs) for (const t of doc) frequency.set(t, (frequency.get(t) ?? 0) + 1);
    const vocabulary = [...frequency.keys()].filter((t) => (frequency.get(t) as number) >= minCount && !SPECIAL.includes(t));
    vocabulary.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const tokens = [...SPECIAL, ...vocabulary];
    const index = new Map(tokens.map((t, i) => [t, i]));
    const counts = new Float64Array(tokens.length);
    const pairs = new Map<number, number>();
    for (const doc of docs) {
      const ids = [BOS, ...doc.map((t) => index.get(t) ?? UNK), EOS];
      for (let i = 0; i < ids.length; i++) {
        counts[ids[i]] += 1;
        if (i > 0) {
          const key = ids[i - 1] * tokens.length + ids[i];
          pairs.set(key, (pairs.get(key) ?? 0) + 1);
        }
      }
    }
    const keys = [...pairs.keys()].sort((a, b) => a - b);
    const bigrams = new Int32Array(keys.length * 3);
    keys.forEach((key, k) => bigrams.set([Math.floor(key / tokens.length), key % tokens.length, pairs.get(key) as number], 3 * k));
    return new ContextFillMask(tokens, counts, bigrams, [...stopwords], minCount);
  }

  /**
   * Reads a model from its JSON form, checking every field.
   *
   * @throws InvalidInputError naming the field that is missing or malformed.
   */
  static fromJSON(json: unknown, source = 'context fill-mask JSON'): ContextFillMask {
    const r = new JsonReader(source);
    const o = r.object(json, '(top level)');
    r.literal(o.format, 'format', CONTEXT_FILL_MASK_FORMAT);
    r.literal(o.formatVersion, 'formatVersion', CONTEXT_FILL_MASK_FORMAT_VERSION);
    const tokens = r.strings(o.tokens, 'tokens');
    if (SPECIAL.some((s, i) => tokens[i] !== s)) r.fail('tokens', `an array starting with ${SPECIAL.join(', ')}`, o.tokens);
    const counts = r.numbers(o.counts, 'counts', tokens.length);
    const bigrams = r.numbers(o.bigrams, 'bigrams');
    if (bigrams.length % 3 !== 0) r.fail('bigrams', 'flat triples (left id, right id, count)', o.bigrams);
    for (let k = 0; k < bigrams.length; k++) {
      const max = k % 3 === 2 ? Number.MAX_SAFE_INTEGER : tokens.length - 1;
      r.integer(bigrams[k], `bigrams[${k}]`, k % 3 === 2 ? 1 : 0, max);
    }
    const stopwords = r.strings(o.stopwords, 'stopwords');
    const minCount = r.integer(o.minCount, 'minCount', 1);
    return new ContextFillMask(tokens, Float64Array.from(counts), Int32Array.from(bigrams), stopwords, minCount);
  }

  /** The JSON form, for `JSON.stringify`; {@link fromJSON} reads it back to an identical model. */
  toJSON(): ContextFillMaskJSON {
    return {
      format: CONTEXT_FILL_MASK_FORMAT,
      formatVersion: CONTEXT_FILL_MASK_FORMAT_VERSION,
      tokens: [...this.tokens],
      counts: Array.from(this.counts),
      bigrams: Array.from(this.bigrams),
      stopwords: [...this.stopwords],
      minCount: this.minCount,
    };
  }

  fill(requests: readonly FillMaskRequest[], topN: number): FillCandidate[][][] {
    if (!(Number.isInteger(topN) && topN >= 1)) {
      throw new InvalidInputError(`context fill-mask: topN is ${topN}; expected an integer >= 1`);
    }
    return requests.map((request, r) => {
      const { tokens, masked } = request;
      const isMasked = new Set(masked);
      const idOf = (p: number) => {
        if (p < 0) return BOS;
        if (p >= tokens.length) return EOS;
        return isMasked.has(p) ? -1 : (this.index.get(tokens[p].toLowerCase()) ?? UNK);
      };
      return masked.map((p) => {
        if (!(Number.isInteger(p) && p >= 0 && p < tokens.length)) {
          throw new PredictorError(`context fill-mask: request ${r} masks position ${p}; expected a token index 0..${tokens.length - 1}`);
        }
        return this.candidatesFor(idOf(p - 1), idOf(p + 1), topN);
      });
    });
  }

  /** The `topN` most probable fills between the tokens `left` and `right` (−1: unknown, masked). */
  private candidatesFor(left: number, right: number, topN: number): FillCandidate[] {
    const key = `${left},${right},${topN}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const { candidates, candidateOf, unigram } = this;
    const scores = new Float64Array(candidates.length);
    // P(w | l) / P(w) and P(w | r) / P(w) are each (backoff + c(l, w) / (P(w) · denominator)).
    const factor = (s: Side, context: number): Float64Array => {
      const f = new Float64Array(candidates.length).fill(context < 0 || s.denominator[context] === 0 ? 1 : s.backoff[context]);
      if (context < 0 || s.denominator[context] === 0) return f;
      for (let e = s.start[context]; e < s.start[context + 1]; e++) {
        const k = candidateOf[s.ids[e]];
        if (k >= 0) f[k] += s.counts[e] / (unigram[s.ids[e]] * s.denominator[context]);
      }
      return f;
    };
    const fl = factor(this.forward, left);
    const fr = factor(this.backward, right);
    let total = 0;
    for (let k = 0; k < candidates.length; k++) {
      scores[k] = unigram[candidates[k]] * fl[k] * fr[k];
      total += scores[k];
    }
    const best = topK(scores, topN).map((k) => ({ word: this.tokens[candidates[k]], score: scores[k] / total }));
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, best);
    return best;
  }
}

/** The CSR index of one side of the bigrams: `from` 0 indexes by left token (forward), 1 by right. */
function side(n: number, bigrams: Int32Array, from: 0 | 1): Side {
  const m = bigrams.length / 3;
  const start = new Int32Array(n + 1);
  for (let k = 0; k < m; k++) start[bigrams[3 * k + from] + 1] += 1;
  for (let t = 0; t < n; t++) start[t + 1] += start[t];
  const fill = start.slice(0, n);
  const ids = new Int32Array(m);
  const counts = new Float64Array(m);
  const total = new Float64Array(n);
  const distinct = new Float64Array(n);
  for (let k = 0; k < m; k++) {
    const context = bigrams[3 * k + from];
    const e = fill[context]++;
    ids[e] = bigrams[3 * k + 1 - from];
    counts[e] = bigrams[3 * k + 2];
    total[context] += counts[e];
    distinct[context] += 1;
  }
  const denominator = Float64Array.from(total, (c, t) => c + distinct[t]);
  const backoff = Float64Array.from(denominator, (d, t) => (d === 0 ? 1 : distinct[t] / d));
  return { start, ids, counts, denominator, backoff };
}
