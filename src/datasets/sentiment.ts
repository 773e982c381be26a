import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidInputError } from '../core/errors.js';
import { createRng } from '../core/rng.js';

/**
 * Loader for the bundled UCI Sentiment Labelled Sentences (Kotzias, Denil, de Freitas & Smyth, KDD
 * 2015; https://doi.org/10.24432/C57604, CC BY 4.0): 1,000 review sentences from each of amazon.com,
 * imdb.com and yelp.com, half positive and half negative. The files in `datasets/sentiment/` are
 * byte-identical copies of the originals (see `datasets/sentiment/NOTES.md`).
 */

/** The package's `datasets/sentiment/` folder: this module sits two levels below the package root. */
const DEFAULT_DIR = fileURLToPath(new URL('../../datasets/sentiment/', import.meta.url));

/** The three sources, in the order their sentences are read. */
export const SENTIMENT_SOURCES = ['amazon', 'imdb', 'yelp'] as const;
/** Which site a sentiment sentence comes from (amazon, imdb or yelp). */
export type SentimentSource = (typeof SENTIMENT_SOURCES)[number];

const FILES: Record<SentimentSource, string> = {
  amazon: 'amazon_cells_labelled.txt',
  imdb: 'imdb_labelled.txt',
  yelp: 'yelp_labelled.txt',
};

/** One split of a text classification data set: `texts[i]` has class `target[i]`. */
export interface TextSplit {
  texts: string[];
  target: number[];
  /** The site each sentence comes from. */
  source: SentimentSource[];
}

/** The sentiment data set: class 0 is negative, 1 positive. */
export interface TextDataset {
  name: 'sentiment';
  /** Class names by label: `['negative', 'positive']`. */
  targetNames: string[];
  train: TextSplit;
  /** Held-out sentences; "sentence N" in the CLI means `test.texts[N]`. */
  test: TextSplit;
}

/** Options of {@link loadSentiment}: the folder, and the seeded stratified held-out split. */
export interface LoadSentimentOptions {
  /** The folder holding the three `*_labelled.txt` files; defaults to the bundled `datasets/sentiment/`. */
  dir?: string;
  /** Fraction of the sentences held out for testing, in (0, 1). Default 0.2 (600 of 3,000). */
  testFraction?: number;
  /** Seed of the split; the same seed gives the same split. Default 0. */
  seed?: number | string;
}

/**
 * Loads the 3,000 sentences and splits them into training and held-out sentences, seeded. The split is
 * stratified: each of the six groups (source × label) contributes `round(testFraction × size)` sentences
 * to the test split, so both splits stay balanced across sites and classes. Both splits are in the
 * order of one seeded shuffle of all sentences (Fisher–Yates).
 *
 * Lines are split on `\n` only (`imdb_labelled.txt` holds U+0085 inside sentences), each line at its
 * last tab; trailing spaces of a sentence are trimmed, nothing else is changed.
 *
 * @throws InvalidInputError when a file is missing, or a line is not `sentence<TAB>0|1`, naming the file
 *   and line; for a `testFraction` outside (0, 1).
 */
export function loadSentiment(options: LoadSentimentOptions = {}): TextDataset {
  const { dir = DEFAULT_DIR, testFraction = 0.2, seed = 0 } = options;
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new InvalidInputError(`option testFraction is ${String(testFraction)}; expected a number in (0, 1)`);
  }
  const all: Array<{ text: string; label: number; source: SentimentSource }> = [];
  for (const source of SENTIMENT_SOURCES) {
    const path = join(dir, FILES[source]);
    for (const [text, label] of parseLabelledLines(readText(path), path)) all.push({ text, label, source });
  }

  const order = Array.from(all.keys());
  const rng = createRng(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const groupKey = (k: number) => `${all[k].source}/${all[k].label}`;
  const quota = new Map<string, number>();
  for (const k of order) quota.set(groupKey(k), (quota.get(groupKey(k)) ?? 0) + 1);
  for (const [key, size] of quota) quota.set(key, Math.round(testFraction * size));

  const train: TextSplit = { texts: [], target: [], source: [] };
  const test: TextSplit = { texts: [], target: [], source: [] };
  for (const k of order) {
    const left = quota.get(groupKey(k)) as number;
    const split = left > 0 ? test : train;
    if (left > 0) quota.set(groupKey(k), left - 1);
    split.texts.push(all[k].text);
    split.target.push(all[k].label);
    split.source.push(all[k].source);
  }
  return { name: 'sentiment', targetNames: ['negative', 'positive'], train, test };
}

/** Parses `sentence<TAB>label` lines (label 0 or 1), splitting on `\n` only; a final empty line is allowed. */
function parseLabelledLines(text: string, path: string): Array<[string, number]> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line, i) => {
    const tab = line.lastIndexOf('\t');
    const label = line.slice(tab + 1);
    if (tab < 0 || (label !== '0' && label !== '1')) {
      const shown = JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);
      throw new InvalidInputError(`${path} line ${i + 1}: expected "sentence<TAB>0" or "sentence<TAB>1"; the line reads ${shown}`);
    }
    const sentence = line.slice(0, tab).replace(/ +$/, '');
    if (sentence === '') throw new InvalidInputError(`${path} line ${i + 1}: the sentence is empty; expected text before the tab`);
    return [sentence, Number(label)];
  });
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InvalidInputError(
      missing
        ? `sentiment data file not found: ${path}; expected ${Object.values(FILES).join(', ')} in that folder`
        : `cannot read sentiment data file ${path}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
