import type { Neighbour, WordEmbeddings } from '../anchors/text/fill-mask.js';
import { InvalidInputError } from '../core/errors.js';
import { topK } from './top-k.js';

/**
 * A table of word vectors with nearest-neighbour search by cosine similarity. The vectors are
 * normalised to unit length once, into one row-major `Float32Array`, so a query is one matrix–vector
 * product; each word's neighbour list is computed once and cached (the longest list asked for, sliced
 * for shorter requests).
 */
export class WordVectors implements WordEmbeddings {
  readonly dimension: number;
  private readonly index: Map<string, number>;
  /** Row i is the unit vector of `words[i]` (all zeros if its vector was zero). */
  private readonly unit: Float32Array;
  private readonly cache = new Map<number, Neighbour[]>();

  /**
   * @param vectors row-major, `words.length × dimension`.
   * @throws InvalidInputError when the sizes disagree, a value is not finite, or a word repeats.
   */
  constructor(
    readonly name: string,
    readonly words: readonly string[],
    vectors: Float32Array,
    dimension: number,
  ) {
    if (!(Number.isInteger(dimension) && dimension >= 1) || vectors.length !== words.length * dimension) {
      throw new InvalidInputError(
        `word vectors ${name}: ${vectors.length} values for ${words.length} words of dimension ${dimension}; expected words × dimension values`,
      );
    }
    this.dimension = dimension;
    this.index = new Map();
    words.forEach((w, i) => {
      if (this.index.has(w)) throw new InvalidInputError(`word vectors ${name}: the word ${JSON.stringify(w)} appears twice (rows ${this.index.get(w)} and ${i})`);
      this.index.set(w, i);
    });
    this.unit = new Float32Array(vectors.length);
    for (let i = 0; i < words.length; i++) {
      let norm = 0;
      for (let d = 0; d < dimension; d++) {
        const v = vectors[i * dimension + d];
        if (!Number.isFinite(v)) throw new InvalidInputError(`word vectors ${name}: value ${d} of ${JSON.stringify(words[i])} is ${v}; expected a finite number`);
        norm += v * v;
      }
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < dimension; d++) this.unit[i * dimension + d] = vectors[i * dimension + d] * scale;
    }
  }

  /**
   * Parses the GloVe text format (Pennington et al., 2014): one line per word, `word v1 … vD`, separated
   * by single spaces; the dimension is read from the first line.
   *
   * @throws InvalidInputError naming the line whose number of values differs or holds a non-number.
   */
  static fromGloVeText(text: string, name: string): WordVectors {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines.length === 0) throw new InvalidInputError(`word vectors ${name}: no lines; expected "word v1 … vD" per line`);
    const dimension = lines[0].split(' ').length - 1;
    const words: string[] = [];
    const vectors = new Float32Array(lines.length * dimension);
    lines.forEach((line, i) => {
      const fields = line.split(' ');
      if (fields.length !== dimension + 1) {
        throw new InvalidInputError(`word vectors ${name} line ${i + 1}: ${fields.length - 1} values; expected ${dimension} like line 1`);
      }
      words.push(fields[0]);
      for (let d = 0; d < dimension; d++) {
        const v = Number(fields[d + 1]);
        if (fields[d + 1] === '' || !Number.isFinite(v)) {
          throw new InvalidInputError(`word vectors ${name} line ${i + 1}: value ${d + 1} is ${JSON.stringify(fields[d + 1])}; expected a number`);
        }
        vectors[i * dimension + d] = v;
      }
    });
    return new WordVectors(name, words, vectors, dimension);
  }

  /** Whether `word` (lowercased) has a vector. */
  has(word: string): boolean {
    return this.index.has(word.toLowerCase());
  }

  /** The cosine similarity of two words, or `undefined` if either has no vector. */
  similarity(a: string, b: string): number | undefined {
    const i = this.index.get(a.toLowerCase());
    const j = this.index.get(b.toLowerCase());
    if (i === undefined || j === undefined) return undefined;
    const { unit, dimension: D } = this;
    let s = 0;
    for (let d = 0; d < D; d++) s += unit[i * D + d] * unit[j * D + d];
    return s;
  }

  neighbours(word: string, topN: number): readonly Neighbour[] | undefined {
    if (!(Number.isInteger(topN) && topN >= 1)) {
      throw new InvalidInputError(`word vectors ${this.name}: topN is ${topN}; expected an integer >= 1`);
    }
    const i = this.index.get(word.toLowerCase());
    if (i === undefined) return undefined;
    const cached = this.cache.get(i);
    if (cached !== undefined && (cached.length >= topN || cached.length === this.words.length - 1)) return cached.slice(0, topN);
    const { unit, dimension: D } = this;
    const query = unit.subarray(i * D, (i + 1) * D);
    const sims = new Float32Array(this.words.length);
    const D4 = D - (D % 4);
    for (let j = 0, base = 0; j < sims.length; j++, base += D) {
      // Four partial sums: about 1.5x faster than one in V8 (independent additions pipeline).
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < D4; d += 4) {
        s0 += query[d] * unit[base + d];
        s1 += query[d + 1] * unit[base + d + 1];
        s2 += query[d + 2] * unit[base + d + 2];
        s3 += query[d + 3] * unit[base + d + 3];
      }
      for (let d = D4; d < D; d++) s0 += query[d] * unit[base + d];
      sims[j] = s0 + s1 + s2 + s3;
    }
    const list = topK(sims, topN, (j) => j === i).map((j) => ({ word: this.words[j], similarity: sims[j] }));
    this.cache.set(i, list);
    return list.slice();
  }
}
