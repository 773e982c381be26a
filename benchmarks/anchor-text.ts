/**
 * Benchmark of AnchorText on the first 50 held-out sentiment sentences at threshold 0.95, with the
 * bundled sentiment classifier, for each sampling: unknown, similarity (bundled GloVe) and
 * language_model (bundled context masked-word model).
 *
 *     npx tsx benchmarks/anchor-text.ts [--sentences 50] [--json]
 *
 * Reports, per sampling: explanations per second, median and p90 milliseconds per explanation, model
 * calls and rows per explanation, the median time outside the model (the explainer's own cost, timed
 * around every predictor call), and the one-off cost of loading the sampler's resources (the GloVe file
 * for similarity, the masked-word model for language_model). One warm-up explanation runs first.
 */
import { parseArgs } from 'node:util';
import { mean } from 'simple-statistics';
import { AnchorText, type AnchorTextOptions, type TextSampling } from '../src/anchors/text/anchor-text.js';
import { loadGloVe } from '../src/datasets/glove.js';
import { loadSentiment } from '../src/datasets/sentiment.js';
import { loadSentimentFillMask, loadSentimentModel } from '../src/models/sentiment-models.js';
import { anchorSample, machineLine, round as r, summariseAnchors } from './report.js';
import { timedPredictor } from './timing.js';

const { values } = parseArgs({ options: { sentences: { type: 'string', default: '50' }, json: { type: 'boolean', default: false } } });
const n = Number(values.sentences);
const sentences = loadSentiment().test.texts.slice(0, n);
const { predictor } = loadSentimentModel();


async function run(sampling: TextSampling) {
  const { wrapped, clock } = timedPredictor(predictor);
  const loadStart = performance.now();
  const options: AnchorTextOptions = { sampling, seed: 1 };
  if (sampling === 'similarity') {
    const glove = loadGloVe();
    glove.vectors(); // read the file now, so that it is timed apart from the explanations
    options.embeddings = glove;
  }
  if (sampling === 'language_model') options.fillMask = loadSentimentFillMask();
  const loadMs = performance.now() - loadStart;
  const explainer = new AnchorText(wrapped, options);
  await explainer.explain(sentences[0]); // warm-up

  const samples = [];
  for (const text of sentences) samples.push(await anchorSample(clock, () => explainer.explain(text, { threshold: 0.95 })));
  const fillMask = samples.map((x) => x.explanation.data.raw.fill_mask);
  return {
    sampling,
    ...summariseAnchors(samples),
    loadMs: r(loadMs),
    meanFillMaskCalls: r(mean(fillMask.map((f) => f?.calls ?? 0))),
    meanFillMaskRequests: r(mean(fillMask.map((f) => f?.requests ?? 0))),
  };
}

const results = [];
for (const sampling of ['unknown', 'similarity', 'language_model'] as const) results.push(await run(sampling));
const machine = await machineLine();
if (values.json) {
  console.log(JSON.stringify({ date: new Date().toISOString().slice(0, 10), machine, results }, null, 2));
} else {
  console.log(`AnchorText, first ${n} held-out sentiment sentences, threshold 0.95, bundled sentiment-logreg — ${machine}\n`);
  const columns = Object.keys(results[0]) as Array<keyof (typeof results)[0]>;
  console.log(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|`);
  for (const row of results) console.log(`| ${columns.map((c) => row[c]).join(' | ')} |`);
}
