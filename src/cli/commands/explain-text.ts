import { AnchorText, TEXT_SAMPLINGS, type AnchorTextOptions, type TextSampling } from '../../anchors/text/anchor-text.js';
import { loadGloVe } from '../../datasets/glove.js';
import { loadSentiment } from '../../datasets/sentiment.js';
import { loadSentimentFillMask, loadSentimentModel } from '../../models/sentiment-models.js';
import { formatAnchor } from '../format.js';
import { numberFlag, thresholdFlag, UsageError, type CliIO } from '../io.js';
import { checkRenderingFiles, writeRenderings } from '../renderings.js';
import type { ConnectRemote } from './explain.js';

/** The bundled text data sets `glassbox explain` knows. */
export const TEXT_DATASETS: readonly string[] = ['sentiment'];

/** The flags of `glassbox explain` that only text data sets take. */
export const TEXT_FLAGS = ['text', 'sampling'] as const;

/** The flags `glassbox explain sentiment` reads (parsed by the explain command). */
export interface ExplainTextFlags {
  row?: string;
  text?: string;
  sampling?: string;
  threshold?: string;
  seed?: string;
  json?: boolean;
  html?: string;
  png?: string;
}

/**
 * `glassbox explain sentiment --text "..." | --row N [--sampling S]`: explains the bundled sentiment
 * classifier's prediction for a sentence with `AnchorText`. The word vectors (similarity sampling) and
 * the masked-word model (language-model sampling) are read only when that sampling is asked for. With
 * `--model-url`, `remote` connects to the model to explain instead of the bundled one.
 */
export async function explainTextCommand(dataset: string, flags: ExplainTextFlags, io: CliIO, remote?: ConnectRemote): Promise<number> {
  const row = numberFlag('row', flags.row, { integer: true, min: 0 });
  if ((flags.text === undefined) === (row === undefined)) {
    throw new UsageError(`explain ${dataset} needs exactly one of --text "SENTENCE" and --row N`);
  }
  let text: string;
  if (row !== undefined) {
    const { test } = loadSentiment();
    if (row >= test.texts.length) {
      throw new UsageError(`--row ${row} is out of range; ${dataset} has ${test.texts.length} held-out sentences (0..${test.texts.length - 1})`);
    }
    text = test.texts[row];
  } else {
    text = flags.text as string;
  }
  const sampling = (flags.sampling ?? 'unknown') as TextSampling;
  if (!TEXT_SAMPLINGS.includes(sampling)) {
    throw new UsageError(`--sampling is "${flags.sampling}"; expected one of: ${TEXT_SAMPLINGS.join(', ')}`);
  }
  const threshold = thresholdFlag(flags.threshold);
  const seed = flags.seed === undefined ? undefined : (numberFlag('seed', flags.seed) as number);
  const files = checkRenderingFiles({ html: flags.html, png: flags.png });

  const { predictor, info } = loadSentimentModel();
  const options: AnchorTextOptions = { sampling, seed };
  if (sampling === 'similarity') options.embeddings = loadGloVe();
  if (sampling === 'language_model') options.fillMask = loadSentimentFillMask();
  const model = remote === undefined ? undefined : await remote();
  const explainer = new AnchorText(model ?? predictor, options);
  const started = performance.now();
  const explanation = await explainer.explain(text, {
    threshold,
    onProgress: io.interactive
      ? (p) => io.stderr(`searched anchors of size ${p.anchorSize}: ${p.candidates} candidates, ${p.samples} samples\n`)
      : undefined,
  });
  const elapsedMs = performance.now() - started;
  model?.close();
  if (flags.json) io.stdout(`${JSON.stringify(explanation)}\n`);
  else io.stdout(`Text:       ${text}\n${formatAnchor(explanation, { targetNames: info.targetNames, elapsedMs })}`);
  await writeRenderings(explanation, { targetNames: info.targetNames }, files);
  return 0;
}
