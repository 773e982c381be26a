import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { Neighbour, WordEmbeddings } from '../anchors/text/fill-mask.js';
import { InvalidInputError } from '../core/errors.js';
import { WordVectors } from '../text/word-vectors.js';

/**
 * The bundled GloVe vectors: GloVe 6B, 100 dimensions, the 20,000 most frequent tokens (Pennington,
 * Socher & Manning, EMNLP 2014; PDDL 1.0; see `datasets/glove-100d-top20k/README.md`).
 */

/** The package's `datasets/glove-100d-top20k/` folder: this module sits two levels below the root. */
const DEFAULT_DIR = fileURLToPath(new URL('../../datasets/glove-100d-top20k/', import.meta.url));
const FILE = 'glove.6B.100d.top20k.txt.gz';

/** Options of {@link loadGloVe}. */
export interface LoadGloVeOptions {
  /** The folder holding `glove.6B.100d.top20k.txt.gz`; defaults to the bundled copy. */
  dir?: string;
}

/**
 * The bundled GloVe vectors as {@link WordEmbeddings}, read lazily: nothing is read until the first
 * query (about half a second to unpack and parse 17 MB), so that only explanations with the similarity
 * sampler pay for it. Later queries reuse the parsed table and its per-word neighbour lists.
 */
export class GloVeVectors implements WordEmbeddings {
  readonly name = 'glove-100d-top20k';
  private table: WordVectors | undefined;

  constructor(readonly path: string) {}

  /** Whether the file has been read. */
  get loaded(): boolean {
    return this.table !== undefined;
  }

  /**
   * The parsed vectors, reading the file the first time.
   *
   * @throws InvalidInputError when the file is missing, is not gzip, or a line is malformed.
   */
  vectors(): WordVectors {
    if (this.table === undefined) {
      let text: string;
      try {
        text = gunzipSync(readFileSync(this.path)).toString('utf8');
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        throw new InvalidInputError(
          missing
            ? `GloVe vectors not found: ${this.path}; expected ${FILE} (see datasets/glove-100d-top20k/README.md)`
            : `cannot read GloVe vectors ${this.path}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      this.table = WordVectors.fromGloVeText(text, this.name);
    }
    return this.table;
  }

  neighbours(word: string, topN: number): readonly Neighbour[] | undefined {
    return this.vectors().neighbours(word, topN);
  }
}

/** The bundled GloVe vectors, read on first use (see {@link GloVeVectors}). */
export function loadGloVe(options: LoadGloVeOptions = {}): GloVeVectors {
  return new GloVeVectors(join(options.dir ?? DEFAULT_DIR, FILE));
}

/**
 * The bundled word vectors saved under `name`, or undefined for another name: what `loadExplainer`'s
 * `findEmbeddings` takes, so that an AnchorText saved with the bundled GloVe vectors loads without them
 * being passed. Reads nothing until the vectors are first used.
 */
export function bundledEmbeddings(name: string): GloVeVectors | undefined {
  const glove = loadGloVe();
  return name === glove.name ? glove : undefined;
}
