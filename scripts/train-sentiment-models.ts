/**
 * Trains the bundled text models on the training sentences of the bundled sentiment data set
 * (`loadSentiment()`, split seed 0: 2,400 training and 600 held-out sentences) and writes them, with
 * their README, to models/sentiment/:
 *
 *     npx tsx scripts/train-sentiment-models.ts [--out models/sentiment]
 *
 * - sentiment-logreg.json: logistic regression on a bag of words. Its L2 penalty is chosen on a
 *   validation split (the first 20% of the shuffled training sentences; the held-out sentences are not
 *   used), then it is refitted on all training sentences.
 * - context-fill-mask.json: the masked-word model (bigram counts) for the language-model sampler.
 *
 * Training is deterministic (fixed split seed, no other randomness): running it again writes
 * byte-identical model files; only the timings in the README change.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_STOPWORDS } from '../src/anchors/text/stopwords.js';
import { tokenize } from '../src/anchors/text/tokenize.js';
import { loadSentiment } from '../src/datasets/sentiment.js';
import { BAG_OF_WORDS_DEFAULTS, BagOfWordsLogisticRegression } from '../src/models/bag-of-words.js';
import { accuracy } from '../src/models/metrics.js';
import { SENTIMENT_FILL_MASK_FILE, SENTIMENT_MODEL_FILE } from '../src/models/sentiment-models.js';
import { ContextFillMask } from '../src/text/context-fill-mask.js';

const COMMAND = 'npx tsx scripts/train-sentiment-models.ts';
const SPLIT = { testFraction: 0.2, seed: 0 };
/** Penalties tried on the validation split: scikit-learn's default C = 1 and a factor of ~3 each way. */
const L2_GRID = [0.3, 1, 3];
const VALIDATION_FRACTION = 0.2;

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = values.out ?? fileURLToPath(new URL('../models/sentiment/', import.meta.url));
mkdirSync(outDir, { recursive: true });

const data = loadSentiment(SPLIT);
const { train, test } = data;
const seconds = (t: number) => ((performance.now() - t) / 1000).toFixed(1);

// 1. The classifier: choose l2 on a validation split of the training sentences, refit on all of them.
const nValidation = Math.round(VALIDATION_FRACTION * train.texts.length);
const validation = { texts: train.texts.slice(0, nValidation), target: train.target.slice(0, nValidation) };
const fitting = { texts: train.texts.slice(nValidation), target: train.target.slice(nValidation) };
const grid: Array<{ l2: number; validationAccuracy: number }> = [];
for (const l2 of L2_GRID) {
  const t = performance.now();
  const m = BagOfWordsLogisticRegression.train(fitting.texts, fitting.target, { l2 });
  grid.push({ l2, validationAccuracy: accuracy(m.predictProba(validation.texts), validation.target) });
  console.log(`l2 ${l2}: validation accuracy ${grid.at(-1)?.validationAccuracy.toFixed(4)} (${seconds(t)} s)`);
}
const best = grid.reduce((a, b) => (b.validationAccuracy > a.validationAccuracy ? b : a));
let t = performance.now();
const classifier = BagOfWordsLogisticRegression.train(train.texts, train.target, { l2: best.l2 });
const classifierSeconds = seconds(t);
const testAccuracy = accuracy(classifier.predictProba(test.texts), test.target);
const trainAccuracy = accuracy(classifier.predictProba(train.texts), train.target);
console.log(`sentiment-logreg: l2 ${best.l2}, ${classifier.vocabulary.length} tokens, test accuracy ${testAccuracy.toFixed(4)}`);

// 2. The masked-word model, and how often it ranks the true word of a held-out sentence in its top 10 / 100.
t = performance.now();
const fillMask = ContextFillMask.train(train.texts);
const fillMaskSeconds = seconds(t);
const stop = new Set(DEFAULT_STOPWORDS);
let asked = 0;
const hits = { 10: 0, 100: 0 };
for (const text of test.texts) {
  const tokens = tokenize(text).map((tok) => tok.text);
  tokens.forEach((word, p) => {
    const w = word.toLowerCase();
    if (!fillMask.tokens.includes(w) || stop.has(w) || !/\p{L}/u.test(w)) return;
    asked += 1;
    const [[candidates]] = fillMask.fill([{ tokens, masked: [p] }], 100);
    const rank = candidates.findIndex((c) => c.word === w);
    if (rank >= 0 && rank < 10) hits[10] += 1;
    if (rank >= 0) hits[100] += 1;
  });
}
console.log(`context-fill-mask: ${fillMask.tokens.length} tokens; top-10 ${(hits[10] / asked).toFixed(3)}, top-100 ${(hits[100] / asked).toFixed(3)}`);

// 3. Write the models and the README.
const meta = {
  dataset: 'sentiment',
  split: SPLIT,
  trainedOn: `loadSentiment(${JSON.stringify(SPLIT)}).train (${train.texts.length} sentences)`,
  command: COMMAND,
};
const classifierPath = join(outDir, SENTIMENT_MODEL_FILE);
writeFileSync(
  classifierPath,
  `${JSON.stringify({
    ...classifier.toJSON(),
    meta: { name: 'sentiment-logreg', ...meta, targetNames: data.targetNames, testAccuracy, trainAccuracy, validation: grid },
  })}\n`,
);
const fillMaskPath = join(outDir, SENTIMENT_FILL_MASK_FILE);
writeFileSync(fillMaskPath, `${JSON.stringify({ ...fillMask.toJSON(), meta: { name: 'context-fill-mask', ...meta } })}\n`);

const kib = (path: string) => `${Math.round(statSync(path).size / 1024)} KiB`;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const majority = Math.max(...[0, 1].map((c) => test.target.filter((y) => y === c).length)) / test.target.length;
const batch = test.texts.slice(0, 500).concat(test.texts.slice(0, 500));
classifier.predictProba(batch);
t = performance.now();
for (let i = 0; i < 10; i++) classifier.predictProba(batch);
const predictMs = ((performance.now() - t) / 10).toFixed(2);

writeFileSync(
  join(outDir, 'README.md'),
  `# Bundled text models

Two small models trained on the bundled sentiment sentences (\`datasets/sentiment/\`, split by
\`loadSentiment(${JSON.stringify(SPLIT)})\`: ${train.texts.length} training and ${test.texts.length} held-out sentences,
balanced across amazon, imdb and yelp and across classes), so that examples, the CLI and the tests have
a real text classifier to explain and a real masked-word model to perturb with, in process, offline.

| model | file | what it is | size |
|---|---|---|---|
| \`sentiment-logreg\` | \`${SENTIMENT_MODEL_FILE}\` | logistic regression on a bag of ${classifier.vocabulary.length} tokens | ${kib(classifierPath)} |
| \`context-fill-mask\` | \`${SENTIMENT_FILL_MASK_FILE}\` | masked-word model from the bigram counts of ${fillMask.tokens.length - 3} tokens | ${kib(fillMaskPath)} |

Load them with \`loadSentimentModel()\` (a \`Predictor<string>\` returning \`[p(negative), p(positive)]\`)
and \`loadSentimentFillMask()\` (a \`FillMask\`) from \`src/models/sentiment-models.ts\`.

## Reproduce

    ${COMMAND}

Training is deterministic: the model files come out byte-identical on every run (only the timings below
change). Measured when these files were written (${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, one thread):
the classifier trains in ${classifierSeconds} s (Newton's method on ${classifier.vocabulary.length + 1} parameters), the masked-word
model in ${fillMaskSeconds} s, and the classifier predicts 1,000 sentences in ${predictMs} ms.

## sentiment-logreg

\`src/models/bag-of-words.ts\`: a sentence's features are the presence of each vocabulary token (words and
punctuation, lowercased, cut by the text anchors' tokeniser), the vocabulary being the tokens found in at
least ${BAG_OF_WORDS_DEFAULTS.minCount} training sentences. L2-penalised logistic regression, fitted by Newton's method. The
penalty was chosen on a validation split (the first ${nValidation} shuffled training sentences, fitted on the
other ${train.texts.length - nValidation}; the held-out sentences were not used):

| l2 | validation accuracy |
|---|---|
${grid.map((g) => `| ${g.l2} | ${pct(g.validationAccuracy)} |`).join('\n')}

then refitted on all ${train.texts.length} training sentences with l2 = ${best.l2}.

**Held-out accuracy: ${pct(testAccuracy)}** on the ${test.texts.length} held-out sentences (train accuracy ${pct(trainAccuracy)};
predicting the majority class gives ${pct(majority)}). A bag of words is a transparent baseline whose
explanations can be checked against its weights.

## context-fill-mask

\`src/text/context-fill-mask.ts\`: fills a masked word from its left and right neighbours,
\`P(w | l, r) ∝ P(w | l) P(w | r) / P(w)\`, with forward and backward bigram models smoothed by
Witten–Bell interpolation. Tokens seen fewer than 2 times in training are \`<unk>\`. It never proposes
punctuation, numbers or stopwords. On the held-out sentences, masking one vocabulary word (not a
stopword) at a time, the true word is among its top 10 proposals ${pct(hits[10] / asked)} of the time and among its top
100 ${pct(hits[100] / asked)} (${asked.toLocaleString('en-US')} words). It is small and fast, not fluent: a transformers.js fill-mask
model (see \`transformersFillMask\`) gives more natural replacements at a far higher cost.

## File format

Each file is the model's \`toJSON()\` plus a \`meta\` block (name, data set, split, accuracies, the command
above); \`fromJSON\` checks every field.

## Data and license

Trained on the UCI Sentiment Labelled Sentences (Kotzias et al., KDD 2015,
https://doi.org/10.24432/C57604, CC BY 4.0). See \`datasets/sentiment/README.md\`.
`,
);
console.log(`wrote ${classifierPath}, ${fillMaskPath} and README.md`);
