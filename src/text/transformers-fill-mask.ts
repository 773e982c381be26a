import type { FillCandidate, FillMask, FillMaskRequest } from '../anchors/text/fill-mask.js';
import { InvalidInputError, PredictorError } from '../core/errors.js';

/**
 * An adapter that makes a transformers.js fill-mask pipeline (BERT, DistilBERT, RoBERTa … exported to
 * ONNX) a {@link FillMask}. glassbox does not depend on transformers.js: you create the pipeline —
 * from a local directory, with remote loading disabled, so nothing is downloaded at run time — and
 * pass it in:
 *
 * ```ts
 * import { env, pipeline } from '@huggingface/transformers';
 * import { AnchorText, transformersFillMask } from 'glassbox';
 *
 * env.allowRemoteModels = false;          // never download
 * env.localModelPath = '/opt/models/';    // holds distilbert-base-uncased/{config.json, tokenizer.json,
 *                                         //   tokenizer_config.json, onnx/model_quantized.onnx}
 * const unmasker = await pipeline('fill-mask', 'distilbert-base-uncased', { local_files_only: true });
 * const explainer = new AnchorText(predict, { sampling: 'language_model', fillMask: transformersFillMask(unmasker) });
 * ```
 *
 * A transformers.js fill-mask pipeline predicts one mask per text (the first mask token it finds), so
 * the adapter sends one text per masked position: the sentence's tokens joined by spaces, with that
 * position replaced by the pipeline's mask token and every other word as in the original sentence. A
 * position's candidates thus depend on the original context, not on which other words of the sample
 * are masked — so equal texts recur, and the adapter asks the pipeline about each distinct text once
 * (cached), in batches of `batchSize`. Candidates are the pipeline's `token_str`, trimmed; word-piece
 * continuations (`##ing`) and empty strings are dropped; scores are its probabilities.
 */

/** One prediction of a transformers.js fill-mask pipeline (the fields the adapter reads). */
export interface FillMaskPipelinePrediction {
  score: number;
  token_str: string;
}

/**
 * The part of a transformers.js fill-mask pipeline the adapter uses: called with an array of texts
 * and `{ top_k }`, it answers one array of predictions per text; its tokenizer names the mask token.
 */
export interface FillMaskPipelineLike {
  (texts: string[], options: { top_k: number }): Promise<unknown> | unknown;
  tokenizer?: { mask_token?: string | null };
}

/** Options of {@link transformersFillMask}: the mask token and the texts per pipeline call. */
export interface TransformersFillMaskOptions {
  /** The mask token; defaults to `pipeline.tokenizer.mask_token` (`[MASK]` for BERT, `<mask>` for RoBERTa). */
  maskToken?: string;
  /** Texts per pipeline call (Alibi Explain's `batch_size_lm` default: 32). */
  batchSize?: number;
  /** Name in explanation metadata. */
  name?: string;
}

/** Distinct texts kept in the cache before it is cleared (a bound on memory, not a tuning knob). */
const CACHE_LIMIT = 10_000;

/** Wraps a transformers.js fill-mask pipeline as a {@link FillMask} (see the module comment). */
export function transformersFillMask(pipeline: FillMaskPipelineLike, options: TransformersFillMaskOptions = {}): FillMask {
  if (typeof pipeline !== 'function') {
    throw new InvalidInputError(`transformersFillMask expects a fill-mask pipeline (a function); received ${pipeline === null ? 'null' : typeof pipeline}`);
  }
  const maskToken = options.maskToken ?? pipeline.tokenizer?.mask_token;
  if (typeof maskToken !== 'string' || maskToken === '') {
    throw new InvalidInputError(
      'transformersFillMask: the pipeline has no tokenizer.mask_token; pass the model\'s mask token as options.maskToken (e.g. "[MASK]")',
    );
  }
  const batchSize = options.batchSize ?? 32;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new InvalidInputError(`transformersFillMask: option batchSize is ${batchSize}; expected an integer >= 1`);
  }
  const name = options.name ?? 'transformers.js fill-mask';
  const cache = new Map<string, FillCandidate[]>();

  const ask = async (texts: string[], topN: number): Promise<void> => {
    for (let from = 0; from < texts.length; from += batchSize) {
      const batch = texts.slice(from, from + batchSize);
      let answer: unknown;
      try {
        answer = await pipeline(batch, { top_k: topN });
      } catch (err) {
        throw new PredictorError(`${name} threw on a batch of ${batch.length} texts: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
      // A one-text batch may come back as that text's predictions rather than a list of one.
      if (batch.length === 1 && Array.isArray(answer) && answer.length > 0 && !Array.isArray(answer[0])) answer = [answer];
      if (!Array.isArray(answer) || answer.length !== batch.length) {
        throw new PredictorError(
          `${name} answered ${Array.isArray(answer) ? `${answer.length} results` : typeof answer} for ${batch.length} texts; expected one array of predictions per text`,
        );
      }
      if (cache.size + batch.length > CACHE_LIMIT) cache.clear();
      batch.forEach((text, i) => cache.set(`${topN}\u0000${text}`, toCandidates(answer[i] as unknown, text, name)));
    }
  };

  return {
    name,
    async fill(requests: readonly FillMaskRequest[], topN: number): Promise<FillCandidate[][][]> {
      const textsOf = requests.map(({ tokens, masked }) => masked.map((p) => tokens.map((t, i) => (i === p ? maskToken : t)).join(' ')));
      const missing = [...new Set(textsOf.flat())].filter((text) => !cache.has(`${topN}\u0000${text}`));
      await ask(missing, topN);
      return textsOf.map((texts) => texts.map((text) => cache.get(`${topN}\u0000${text}`) as FillCandidate[]));
    },
  };
}

/** Maps one text's predictions to candidates, dropping word pieces and empty tokens. */
function toCandidates(predictions: unknown, text: string, name: string): FillCandidate[] {
  const ok =
    Array.isArray(predictions) &&
    predictions.every((p) => typeof p?.token_str === 'string' && typeof p?.score === 'number' && Number.isFinite(p.score));
  if (!ok) {
    throw new PredictorError(
      `${name} answered ${Array.isArray(predictions) ? 'a malformed prediction list' : typeof predictions} for ${JSON.stringify(text)}; ` +
        'expected an array of { score: number, token_str: string }',
    );
  }
  return (predictions as FillMaskPipelinePrediction[]).flatMap((p) => {
    const word = p.token_str.trim();
    return word === '' || word.startsWith('##') ? [] : [{ word, score: p.score }];
  });
}
