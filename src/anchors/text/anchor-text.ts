import { InvalidInputError } from '../../core/errors.js';
import { snakeCaseKeys, type Explanation } from '../../core/explanation.js';
import { createRng } from '../../core/rng.js';
import { assertPredictor, LabelModel, resolveTask, type Predictor, type Task } from '../../predictors/predictor.js';
import { predictExplained, type IntervalOption } from '../target.js';
import { searchAnchor } from '../beam-search.js';
import { anchorExplanation, type AnchorRaw, type AnchorStepExamples } from '../explanation.js';
import { MaskSampler } from '../mask-sampler.js';
import {
  ANCHOR_SEARCH_DEFAULTS,
  checkCoverageSamples,
  checkInteger,
  checkNumber,
  rejectUnknownOptions,
  resolveSearchOptions,
  stripUndefined,
  type AnchorSearchOptions,
} from '../options.js';
import type { FillMask, Neighbour, WordEmbeddings } from './fill-mask.js';
import {
  languageModelPerturbation,
  similarityPerturbation,
  unknownPerturbation,
  type FillMaskUsage,
  type TextPerturbation,
} from './perturbations.js';
import { DEFAULT_STOPWORDS } from './stopwords.js';
import { tokenize, type Token } from './tokenize.js';

/** How words outside the anchor are perturbed (see `perturbations.ts`). */
export type TextSampling = 'unknown' | 'similarity' | 'language_model';
/** The text perturbations, as the `sampling` option accepts them. */
export const TEXT_SAMPLINGS: readonly TextSampling[] = ['unknown', 'similarity', 'language_model'];

/**
 * Options of {@link AnchorText}: how words are perturbed (and with which word vectors or masked-word model), and
 * the seed.
 */
export interface AnchorTextOptions {
  /** `unknown` (default): words become `UNK`; `similarity`: nearest neighbours; `language_model`: fills. */
  sampling?: TextSampling;
  /** Seed of every random choice; the same seed and inputs give the same explanation. */
  seed?: number | string;
  /** Probability that a word outside the anchor is perturbed in a sample. */
  sampleProba?: number;
  /** `similarity`, `language_model`: candidate replacements per word (nearest neighbours or fills). */
  topN?: number;
  /** `similarity`, `language_model`: draw replacements by similarity or probability, not uniformly. */
  useProba?: boolean;
  /** `similarity`, `language_model`: temperature of the weights when `useProba` is set. */
  temperature?: number;
  /** `similarity`: the word vectors, e.g. `loadGloVe()`. Required for that sampling. */
  embeddings?: WordEmbeddings;
  /** `language_model`: the masked-word model, e.g. `loadSentimentFillMask()`. Required for that sampling. */
  fillMask?: FillMask;
  /** `language_model`: fraction of samples that get a mask template of their own. */
  fracMaskTemplates?: number;
  /** `language_model`: words never masked (nor proposed); default {@link DEFAULT_STOPWORDS}. */
  stopwords?: readonly string[];
  /** `'classification'` or `'regression'` (a model scoring texts with one number); default: what the model declares, else classification. */
  task?: Task;
}

/**
 * Options of {@link AnchorText.explain}: the anchors search's with Alibi Explain's defaults, and the coverage
 * sample.
 */
export interface AnchorTextExplainOptions extends Partial<AnchorSearchOptions> {
  /** Samples of the perturbation distribution on which coverage is measured. */
  coverageSamples?: number;
  /**
   * Regression only, and required there: the interval `[low, high]` (holding ŷ) or `{ width }` (centred
   * on ŷ) the predicted value must stay in. (`'auto'` needs training rows, which a text explainer has not.)
   */
  interval?: IntervalOption;
}

/**
 * Defaults of AnchorText, Alibi Explain's for its text anchors: `sampling_strategy 'unknown'`,
 * `sample_proba 0.5`, `top_n 100`, `use_proba False`, `temperature 1.0`, `frac_mask_templates 0.1`,
 * `coverage_samples 10000`; seed 0 so that explanations are reproducible unless a seed is chosen.
 */
export const ANCHOR_TEXT_DEFAULTS = Object.freeze({
  sampling: 'unknown' as TextSampling,
  seed: 0 as number | string,
  sampleProba: 0.5,
  topN: 100,
  useProba: false,
  temperature: 1,
  fracMaskTemplates: 0.1,
  coverageSamples: 10_000,
});

/**
 * Most neighbours or masked-word candidates (`topN`) a word is replaced from: 10x Alibi's default;
 * every candidate list is held for each word of the text while it is explained.
 */
export const ANCHOR_TEXT_TOP_N_MAX = 1_000;

/**
 * The search defaults for text: the shared ones (threshold 0.95, delta 0.1, tau 0.15, batch size 100,
 * beam size 1 …) with `stopOnFirst = true`, which Alibi Explain's `AnchorText.explain` uses: a text
 * anchor is a handful of words, and the first one that clears the threshold is kept.
 */
export const ANCHOR_TEXT_SEARCH_DEFAULTS: Readonly<AnchorSearchOptions> = Object.freeze({
  ...ANCHOR_SEARCH_DEFAULTS,
  stopOnFirst: true,
});

/**
 * Everything an AnchorText explains with, as plain data (see {@link AnchorText.toState}): the sampling
 * and its options, with the word vectors and the masked-word model by name only (they are passed, or
 * resolved, on restoring).
 */
export interface AnchorTextState {
  sampling: TextSampling;
  seed: number | string;
  sampleProba: number;
  /** `similarity`, `language_model`. */
  topN?: number;
  useProba?: boolean;
  temperature?: number;
  /** `similarity`: the name of the word vectors. */
  embeddings?: string;
  /** `language_model`: the name of the masked-word model. */
  fillMask?: string;
  fracMaskTemplates?: number;
  /** `language_model`: `'default'` for {@link DEFAULT_STOPWORDS}, or the words. */
  stopwords?: 'default' | string[];
  /** `'regression'` for a regression explainer; absent for a classifier. */
  task?: Task;
}

/** The language resources an AnchorText samples with, when its sampling needs one. */
export type TextResources = Pick<AnchorTextOptions, 'embeddings' | 'fillMask'>;

/** The options each sampling takes; giving another is an error (it would be silently ignored). */
const SAMPLING_OPTIONS: Record<TextSampling, readonly (keyof AnchorTextOptions)[]> = {
  unknown: ['sampleProba'],
  similarity: ['sampleProba', 'topN', 'useProba', 'temperature', 'embeddings'],
  language_model: ['sampleProba', 'topN', 'useProba', 'temperature', 'fillMask', 'fracMaskTemplates', 'stopwords'],
};
const OPTION_NAMES = ['sampling', 'seed', 'sampleProba', 'topN', 'useProba', 'temperature', 'embeddings', 'fillMask', 'fracMaskTemplates', 'stopwords', 'task'];

/** One prefix of the anchor, with perturbed texts the model agreed (covered_true) or disagreed (covered_false) on. */
export type TextAnchorExamples = AnchorStepExamples<string>;

/**
 * The `data` of an AnchorText explanation: the anchor's words, precision and coverage, and `raw` with
 * Alibi Explain's keys (the search's steps and perturbed sentences, `all_precision`, `num_preds` ...) and
 * the words' positions.
 */
export interface AnchorTextData {
  /** The anchor's words, in the order the search added them. */
  anchor: string[];
  precision: number;
  coverage: number;
  raw: AnchorRaw<string> & {
    /** Per search step: the token index (position among the text's tokens) of the word added. */
    feature: number[];
    /** Character offsets (UTF-16) in the text where the anchor's words start. */
    positions: number[];
    /** The anchor's words after each step. */
    names: string[][];
    /** The explained text, and (Alibi's `instances`) the batch of one it came in. */
    instance: string;
    instances: string[];
    /** `language_model` only: calls to the fill-mask model and masked sentences sent to it. */
    fill_mask?: FillMaskUsage;
  };
}

/**
 * Anchor explanations of text classifiers (Ribeiro, Singh & Guestrin, "Anchors: High-Precision
 * Model-Agnostic Explanations", AAAI 2018): the few words that, when they stay in the text while the
 * other words are perturbed, keep the model's prediction with high probability (precision), and how
 * often perturbed texts keep them (coverage). Words are features by position, so a word that appears
 * twice is two features. Perturbation and coverage follow Alibi Explain's `AnchorText`.
 */
export class AnchorText {
  private readonly predictor: Predictor<string>;
  private readonly options: Required<Omit<AnchorTextOptions, 'embeddings' | 'fillMask' | 'task'>> &
    Pick<AnchorTextOptions, 'embeddings' | 'fillMask'>;
  private readonly stopwords: Set<string>;
  /** What the model predicts: classes, or (regression) a number per text. */
  readonly task: Task;

  /**
   * @param predictor `(texts: string[]) => labels | probabilities`, sync or async.
   * @throws InvalidInputError for an unknown option, an option the sampling does not take, a value out
   *   of range, or a missing `embeddings` / `fillMask` for the sampling that needs it.
   */
  constructor(predictor: Predictor<string>, options: AnchorTextOptions = {}) {
    this.predictor = assertPredictor(predictor);
    rejectUnknownOptions(options, OPTION_NAMES);
    const { task, ...given } = stripUndefined(options);
    const sampling = given.sampling ?? ANCHOR_TEXT_DEFAULTS.sampling;
    if (!TEXT_SAMPLINGS.includes(sampling)) {
      throw new InvalidInputError(`option sampling is ${JSON.stringify(sampling)}; expected one of: ${TEXT_SAMPLINGS.join(', ')}`);
    }
    for (const name of Object.keys(given) as (keyof AnchorTextOptions)[]) {
      if (name === 'sampling' || name === 'seed' || SAMPLING_OPTIONS[sampling].includes(name)) continue;
      const takers = TEXT_SAMPLINGS.filter((s) => SAMPLING_OPTIONS[s].includes(name));
      throw new InvalidInputError(
        `option ${name} applies to sampling ${takers.map((s) => `'${s}'`).join(' or ')}; sampling is '${sampling}'`,
      );
    }
    const o = { ...ANCHOR_TEXT_DEFAULTS, stopwords: DEFAULT_STOPWORDS, ...given, sampling };
    if (typeof o.seed !== 'number' && typeof o.seed !== 'string') {
      throw new InvalidInputError(`option seed is ${typeof o.seed}; expected a number or a string`);
    }
    checkNumber('sampleProba', o.sampleProba, 0, 1, { openLow: true });
    checkInteger('topN', o.topN, 1, ANCHOR_TEXT_TOP_N_MAX);
    if (typeof o.useProba !== 'boolean') throw new InvalidInputError(`option useProba is ${String(o.useProba)}; expected true or false`);
    if (typeof o.temperature !== 'number' || !(o.temperature > 0 && Number.isFinite(o.temperature))) {
      throw new InvalidInputError(`option temperature is ${String(o.temperature)}; expected a positive number`);
    }
    checkNumber('fracMaskTemplates', o.fracMaskTemplates, 0, 1, { openLow: true });
    if (!Array.isArray(o.stopwords) || !o.stopwords.every((w) => typeof w === 'string')) {
      throw new InvalidInputError('option stopwords must be an array of words');
    }
    if (sampling === 'similarity' && typeof o.embeddings?.neighbours !== 'function') {
      throw new InvalidInputError(
        `sampling 'similarity' needs the embeddings option: word vectors with a neighbours(word, topN) method, ` +
          `such as loadGloVe() (the bundled GloVe vectors); received ${o.embeddings === undefined ? 'none' : typeof o.embeddings}`,
      );
    }
    if (sampling === 'language_model' && typeof o.fillMask?.fill !== 'function') {
      throw new InvalidInputError(
        `sampling 'language_model' needs the fillMask option: a masked-word model with a fill(requests, topN) method, ` +
          `such as loadSentimentFillMask() (the bundled one) or transformersFillMask(pipeline); ` +
          `received ${o.fillMask === undefined ? 'none' : typeof o.fillMask}`,
      );
    }
    this.task = resolveTask(predictor, task, 'AnchorText');
    this.options = o;
    this.stopwords = new Set(o.stopwords.map(normaliseWord));
  }

  /** The sampling this explainer perturbs texts with. */
  get sampling(): TextSampling {
    return this.options.sampling;
  }

  /** The word vectors (`similarity`) or masked-word model (`language_model`) it samples with. */
  get resources(): TextResources {
    return { embeddings: this.options.embeddings, fillMask: this.options.fillMask };
  }

  /**
   * The sampling options, as plain data for `saveExplainer`; language resources by name. Restoring
   * them with {@link AnchorText.fromState}, the same model and the same resources gives identical
   * explanations.
   */
  toState(): AnchorTextState {
    const o = this.options;
    const state: AnchorTextState = { seed: o.seed, sampling: o.sampling, sampleProba: o.sampleProba, ...(this.task === 'regression' && { task: this.task }) };
    if (o.sampling === 'unknown') return state;
    Object.assign(state, { topN: o.topN, useProba: o.useProba, temperature: o.temperature });
    if (o.sampling === 'similarity') return { ...state, embeddings: (o.embeddings as WordEmbeddings).name };
    return {
      ...state,
      fillMask: (o.fillMask as FillMask).name,
      fracMaskTemplates: o.fracMaskTemplates,
      stopwords: o.stopwords === DEFAULT_STOPWORDS ? 'default' : [...o.stopwords],
    };
  }

  /**
   * The explainer a {@link AnchorText.toState} state describes, for `predictor`, sampling with
   * `resources` (the word vectors or masked-word model the state names).
   *
   * @throws InvalidInputError for invalid options, or a resource missing or named differently.
   */
  static fromState(predictor: Predictor<string>, state: AnchorTextState, resources: TextResources = {}): AnchorText {
    const { embeddings: embeddingsName, fillMask: fillMaskName, stopwords, ...options } = state;
    const named = <T extends { name: string }>(option: string, given: T | undefined, name: string): T => {
      if (given?.name !== name) {
        throw new InvalidInputError(`the explainer samples with ${option} "${name}"; received ${given === undefined ? 'none' : `"${given.name}"`}`);
      }
      return given;
    };
    return new AnchorText(predictor, {
      ...options,
      task: options.task ?? 'classification', // a state without a task is a classifier's
      ...(embeddingsName !== undefined && { embeddings: named('embeddings', resources.embeddings, embeddingsName) }),
      ...(fillMaskName !== undefined && { fillMask: named('fillMask', resources.fillMask, fillMaskName) }),
      ...(stopwords !== undefined && { stopwords: stopwords === 'default' ? DEFAULT_STOPWORDS : stopwords }),
    });
  }

  /**
   * The perturbation distribution `explain` samples `text` from: its features (the tokens it may
   * change) and how it perturbs them. Useful to check an anchor on fresh samples.
   *
   * @throws InvalidInputError for a text that is not a string, has no words, or none the sampling can change.
   */
  async perturbationFor(text: string): Promise<TextPerturbation> {
    const tokens = checkText(text);
    const o = this.options;
    const draw = { useProba: o.useProba, temperature: o.temperature };
    let perturbation: TextPerturbation;
    if (o.sampling === 'unknown') {
      perturbation = unknownPerturbation(text, tokens);
    } else if (o.sampling === 'similarity') {
      const embeddings = o.embeddings as WordEmbeddings;
      const lists = new Map<string, readonly Neighbour[] | undefined>();
      for (const t of tokens) {
        const word = t.text.toLowerCase();
        if (t.isWord && !lists.has(word)) lists.set(word, checkNeighbours(await embeddings.neighbours(word, o.topN), word, embeddings.name));
      }
      const neighbours = tokens.map((t) => (t.isWord ? lists.get(t.text.toLowerCase()) : undefined));
      perturbation = similarityPerturbation(text, tokens, neighbours, draw);
    } else {
      perturbation = languageModelPerturbation(text, tokens, o.fillMask as FillMask, {
        ...draw,
        topN: o.topN,
        isStopword: (w) => this.stopwords.has(normaliseWord(w)),
      });
    }
    if (perturbation.numFeatures === 0) {
      const why =
        o.sampling === 'unknown'
          ? 'it has no words, only punctuation or symbols, which the sampler keeps'
          : o.sampling === 'similarity'
            ? `none of its words has neighbours in the word vectors (${(o.embeddings as WordEmbeddings).name})`
            : 'every word is a stopword or punctuation, which the language-model sampler never masks';
      throw new InvalidInputError(
        `sampling '${o.sampling}' can perturb no word of the text ${JSON.stringify(shorten(text))}: ${why}` +
          `${o.sampling === 'unknown' ? '; explain a text with words' : "; use sampling 'unknown'"}`,
      );
    }
    return perturbation;
  }

  /** Explains the model's prediction for one text. */
  async explain(text: string, options: AnchorTextExplainOptions = {}): Promise<Explanation<AnchorTextData>> {
    const { coverageSamples = ANCHOR_TEXT_DEFAULTS.coverageSamples, interval, ...searchGiven } = stripUndefined(options);
    checkCoverageSamples(coverageSamples);
    const search = resolveSearchOptions(searchGiven, ANCHOR_TEXT_SEARCH_DEFAULTS, ['coverageSamples', 'interval']);
    const tokens = checkText(text);
    const o = this.options;

    const model = new LabelModel(this.predictor, this.task);
    // The samples of the empty anchor do not depend on the prediction: it comes with their batch.
    const explained = predictExplained(model, text, interval, () => undefined);
    const perturbation = await this.perturbationFor(text);
    const sampler = new MaskSampler(perturbation, model, explained.target, createRng(o.seed), {
      perturbProbability: o.sampleProba,
      coverageSamples,
      ...(o.sampling === 'language_model' && { templateFraction: o.fracMaskTemplates }),
    });
    const found = await searchAnchor(sampler, search);

    const tokenOf = (feature: number): Token => tokens[perturbation.featureTokens[feature]];
    const usage = (perturbation as { usage?: FillMaskUsage }).usage;
    return anchorExplanation({
      name: 'AnchorText',
      found,
      search,
      coverageSamples,
      explained,
      usage: model.usage,
      example: (sentence: string) => sentence,
      data: (raw): AnchorTextData => ({
        anchor: found.anchor.map((j) => tokenOf(j).text),
        precision: found.precision,
        coverage: found.coverage,
        raw: {
          feature: found.anchor.map((j) => perturbation.featureTokens[j]),
          positions: found.anchor.map((j) => tokenOf(j).start),
          names: found.steps.map((s) => s.predicates.map((j) => tokenOf(j).text)),
          ...raw,
          instance: text,
          instances: [text],
          ...(usage !== undefined && { fill_mask: { ...usage } }),
        },
      }),
      params: this.samplerParams(),
    });
  }

  /** The sampler's options, as `meta.params` records them (snake_case): only those of the chosen sampling. */
  private samplerParams(): Record<string, unknown> {
    return snakeCaseKeys(this.toState());
  }

}

/** The tokens of the text to explain, which must be a string with at least one word or symbol. */
function checkText(text: unknown): Token[] {
  if (typeof text !== 'string') {
    throw new InvalidInputError(`the text to explain is ${text === null ? 'null' : typeof text}; expected a string`);
  }
  const tokens = tokenize(text);
  if (tokens.length === 0) {
    throw new InvalidInputError(`the text to explain is ${text === '' ? 'empty' : `only white space (${JSON.stringify(text)})`}; expected at least one word`);
  }
  return tokens;
}

/** Checks the answer of `WordEmbeddings.neighbours(word, topN)`: a list of neighbours or `undefined`. */
function checkNeighbours(list: unknown, word: string, name: string): readonly Neighbour[] | undefined {
  if (list === undefined) return undefined;
  const ok =
    Array.isArray(list) &&
    list.every((n) => typeof n?.word === 'string' && typeof n?.similarity === 'number' && Number.isFinite(n.similarity));
  if (!ok) {
    throw new InvalidInputError(
      `word vectors ${name} answered neighbours(${JSON.stringify(word)}) with ${Array.isArray(list) ? 'a malformed array' : typeof list}; ` +
        'expected an array of { word: string, similarity: number } or undefined',
    );
  }
  return list as Neighbour[];
}

/** Lowercase, with typographic apostrophes as ASCII ones, as stopwords are compared. */
function normaliseWord(word: string): string {
  return word.toLowerCase().replace(/’/g, "'");
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
