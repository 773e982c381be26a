import { PredictorError } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { MaskPerturbation } from '../mask-sampler.js';
import type { FillCandidate, FillMask, Neighbour } from './fill-mask.js';
import { isSingleWord, matchCase, TextRebuilder, type Token } from './tokenize.js';

/**
 * The three ways text anchors perturb a sentence (Ribeiro et al., AAAI 2018, §4; Alibi Explain's
 * `unknown`, `similarity` and `language_model` sampling strategies). Each is a {@link MaskPerturbation}
 * whose features are the tokens it can change, by position: a mask keeps a feature's token (1) or
 * replaces it (0), and every replacement differs from the original word.
 */

/** A text sampler's perturbation, and which token each of its features is. */
export interface TextPerturbation extends MaskPerturbation<string> {
  /** `featureTokens[j]` is the index (into the text's tokens) of feature j, ascending. */
  readonly featureTokens: readonly number[];
}

/** The word that replaces a perturbed token in the `unknown` sampler, as in Alibi Explain. */
export const UNKNOWN_TOKEN = 'UNK';

/**
 * `unknown` sampling: every word token is a feature, and a perturbed word becomes {@link UNKNOWN_TOKEN}.
 * The simplest distribution, and the one where the model sees the least natural text (Ribeiro et al.,
 * AAAI 2018, §4 use it for their text experiments). Punctuation is kept, as Alibi Explain's default
 * `sample_punctuation=False`: an anchor of `?` or `.` says nothing about the text.
 */
export function unknownPerturbation(text: string, tokens: readonly Token[]): TextPerturbation {
  const featureTokens = tokens.flatMap((t, i) => (t.isWord ? [i] : []));
  return replacingPerturbation(text, tokens, featureTokens, () => UNKNOWN_TOKEN);
}

/** How a replacement is drawn from a candidate list: uniformly, or by weight. */
export interface DrawOptions {
  /** Draw by the candidates' similarity or probability rather than uniformly. */
  useProba: boolean;
  /** Sharpens (< 1) or flattens (> 1) the weights when `useProba` is set. */
  temperature: number;
}

/**
 * `similarity` sampling: a word token with neighbours is a feature; a perturbed word becomes one of its
 * nearest neighbours in a word-vector space (those that are single words), uniformly or with weights
 * `exp(similarity / temperature)` (a softmax over the similarities). Tokens without neighbours — words
 * not in the vectors' vocabulary, punctuation — are never changed and are not features.
 *
 * @param neighbours one list (or `undefined`) per token, e.g. `WordEmbeddings.neighbours(token, topN)`.
 */
export function similarityPerturbation(
  text: string,
  tokens: readonly Token[],
  neighbours: ReadonlyArray<readonly Neighbour[] | undefined>,
  draw: DrawOptions,
): TextPerturbation {
  const choices = tokens.map((t, i) => {
    if (!t.isWord) return undefined;
    const own = t.text.toLowerCase();
    const usable = (neighbours[i] ?? []).filter((n) => n.word.toLowerCase() !== own && isSingleWord(n.word));
    return usable.length === 0
      ? undefined
      : new WeightedChoice(usable.map((n) => matchCase(t.text, n.word)), usable.map((n) => n.similarity / draw.temperature), draw.useProba);
  });
  const featureTokens = tokens.flatMap((_, i) => (choices[i] === undefined ? [] : [i]));
  return replacingPerturbation(text, tokens, featureTokens, (i, rng) => (choices[i] as WeightedChoice).draw(rng));
}

/** How many times and with how many masked sentences a language-model sampler called its model. */
export interface FillMaskUsage {
  calls: number;
  requests: number;
}

/** A language-model perturbation, which also counts its use of the model. */
export interface LanguageModelPerturbation extends TextPerturbation {
  readonly usage: FillMaskUsage;
}

/**
 * `language_model` sampling: the maskable tokens — words that are not stopwords (punctuation is never
 * masked) — are the features. A sample's perturbed features are masked together and the masked
 * sentence goes to the {@link FillMask}, which proposes `topN` words for each masked position; each
 * perturbed word becomes one of them (single words that are neither stopwords nor the original word),
 * uniformly or with weights `score^(1 / temperature)` (a softmax over log-probabilities). When no
 * proposal qualifies, the word stays. Identical masks share one model request: each distinct masked
 * sentence is filled once per explanation, and all new ones of a batch go to the model in one call.
 *
 * @param isStopword whether a lowercase word is a stopword.
 */
export function languageModelPerturbation(
  text: string,
  tokens: readonly Token[],
  fillMask: FillMask,
  options: DrawOptions & { topN: number; isStopword: (word: string) => boolean },
): LanguageModelPerturbation {
  const featureTokens = tokens.flatMap((t, i) => (t.isWord && !options.isStopword(t.text.toLowerCase()) ? [i] : []));
  const F = featureTokens.length;
  const words = tokens.map((t) => t.text);
  const rebuild = new TextRebuilder(text, tokens);
  /** Per distinct mask (the perturbed features, as a key): one choice (or none) per perturbed feature. */
  const filled = new Map<string, Array<WeightedChoice | undefined>>();
  const usage: FillMaskUsage = { calls: 0, requests: 0 };

  /**
   * Choices by candidate list and feature: a model that caches its answers (as the bundled one and the
   * transformers.js adapter do) returns the same list for the same context, which is then filtered once.
   */
  const choices = new WeakMap<readonly FillCandidate[], Map<number, WeightedChoice | undefined>>();
  const choicesFor = (j: number, candidates: readonly FillCandidate[]): WeightedChoice | undefined => {
    let byFeature = choices.get(candidates);
    if (byFeature === undefined) choices.set(candidates, (byFeature = new Map()));
    if (!byFeature.has(j)) byFeature.set(j, filterCandidates(j, candidates));
    return byFeature.get(j);
  };
  const filterCandidates = (j: number, candidates: readonly FillCandidate[]): WeightedChoice | undefined => {
    const original = words[featureTokens[j]];
    const own = original.toLowerCase();
    const usable = candidates.filter(
      (c) => c.score > 0 && isSingleWord(c.word) && c.word.toLowerCase() !== own && !options.isStopword(c.word.toLowerCase()),
    );
    if (usable.length === 0) return undefined;
    return new WeightedChoice(
      usable.map((c) => matchCase(original, c.word)),
      usable.map((c) => Math.log(c.score) / options.temperature),
      options.useProba,
    );
  };

  return {
    numFeatures: F,
    featureTokens,
    usage,
    async perturb(masks: Uint8Array, count: number, rng: Rng): Promise<string[]> {
      const perturbedOf = (k: number) => featureTokens.flatMap((_, j) => (masks[k * F + j] === 0 ? [j] : []));
      const keys: string[] = [];
      const pending = new Map<string, number[]>();
      for (let k = 0; k < count; k++) {
        const perturbed = perturbedOf(k);
        const key = perturbed.join(',');
        keys.push(key);
        if (perturbed.length > 0 && !filled.has(key) && !pending.has(key)) pending.set(key, perturbed);
      }
      if (pending.size > 0) {
        const requests = [...pending.values()].map((perturbed) => ({ tokens: words, masked: perturbed.map((j) => featureTokens[j]) }));
        usage.calls += 1;
        usage.requests += requests.length;
        const answer = await fillMask.fill(requests, options.topN);
        checkFillAnswer(answer, requests.map((r) => r.masked.length), fillMask.name);
        [...pending.entries()].forEach(([key, perturbed], r) => {
          filled.set(key, perturbed.map((j, m) => choicesFor(j, answer[r][m])));
        });
      }
      const out = new Array<string>(count);
      for (let k = 0; k < count; k++) {
        const sample = words.slice();
        const choices = filled.get(keys[k]);
        if (choices !== undefined) {
          keys[k].split(',').forEach((j, m) => {
            const choice = choices[m];
            if (choice !== undefined) sample[featureTokens[Number(j)]] = choice.draw(rng);
          });
        }
        out[k] = rebuild.build(sample);
      }
      return out;
    },
  };
}

/** Checks that a fill-mask model answered one candidate list per masked position of each request. */
function checkFillAnswer(answer: unknown, maskedPerRequest: readonly number[], name: string): asserts answer is FillCandidate[][][] {
  const fail = (what: string): never => {
    throw new PredictorError(`fill-mask model ${name} ${what}`);
  };
  if (!Array.isArray(answer) || answer.length !== maskedPerRequest.length) {
    fail(`answered ${Array.isArray(answer) ? `${answer.length} results` : typeof answer} for ${maskedPerRequest.length} masked sentences; expected one result per sentence`);
  }
  (answer as unknown[]).forEach((result, r) => {
    if (!Array.isArray(result) || result.length !== maskedPerRequest[r]) {
      fail(
        `answered ${Array.isArray(result) ? `${result.length} candidate lists` : typeof result} for masked sentence ${r}, which has ` +
          `${maskedPerRequest[r]} masked words; expected one list per masked word`,
      );
    }
    (result as unknown[]).forEach((list, m) => {
      const ok =
        Array.isArray(list) &&
        list.every((c) => typeof c?.word === 'string' && typeof c?.score === 'number' && Number.isFinite(c.score) && c.score >= 0);
      if (!ok) fail(`answered a malformed candidate list for masked word ${m} of sentence ${r}; expected an array of { word: string, score: number >= 0 }`);
    });
  });
}

/**
 * A perturbation that replaces each perturbed feature's token by `replace(tokenIndex, rng)` and keeps
 * every other token, rebuilding the text around them.
 */
function replacingPerturbation(
  text: string,
  tokens: readonly Token[],
  featureTokens: readonly number[],
  replace: (token: number, rng: Rng) => string,
): TextPerturbation {
  const F = featureTokens.length;
  const words = tokens.map((t) => t.text);
  const rebuild = new TextRebuilder(text, tokens);
  return {
    numFeatures: F,
    featureTokens,
    perturb(masks: Uint8Array, count: number, rng: Rng): string[] {
      const out = new Array<string>(count);
      for (let k = 0; k < count; k++) {
        const sample = words.slice();
        for (let j = 0; j < F; j++) if (masks[k * F + j] === 0) sample[featureTokens[j]] = replace(featureTokens[j], rng);
        out[k] = rebuild.build(sample);
      }
      return out;
    },
  };
}

/** Draws one of a list of words, uniformly or with probability proportional to `exp(logWeight)`. */
export class WeightedChoice {
  private readonly cumulative: Float64Array | undefined;

  constructor(
    readonly words: readonly string[],
    logWeights: readonly number[],
    weighted: boolean,
  ) {
    if (!weighted) return;
    const max = Math.max(...logWeights);
    const cumulative = new Float64Array(words.length);
    let total = 0;
    for (let i = 0; i < words.length; i++) {
      total += Math.exp(logWeights[i] - max);
      cumulative[i] = total;
    }
    this.cumulative = cumulative;
  }

  draw(rng: Rng): string {
    const c = this.cumulative;
    if (c === undefined) return this.words[rng.int(this.words.length)];
    const u = rng.next() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return this.words[lo];
  }
}
