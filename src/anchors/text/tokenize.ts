/**
 * Tokenisation for text anchors: a text is cut into word and punctuation tokens, each with its
 * character offsets, so that a perturbed text can be rebuilt from the original with only some tokens
 * replaced (the spaces, line breaks and punctuation between them stay as they were), and so that an
 * anchor's words can be located in the text.
 */

/** One token of a text: `text === source.slice(start, end)`. */
export interface Token {
  readonly text: string;
  /** Offset of the token's first UTF-16 code unit in the source text. */
  readonly start: number;
  /** Offset just past the token's last code unit. */
  readonly end: number;
  /** Whether the token is a word (letters or digits) rather than punctuation or symbols. */
  readonly isWord: boolean;
}

/**
 * A word is a run of letters, digits and combining marks, optionally joined by apostrophes or hyphens
 * (`don't`, `well-known`), or a number with decimal points or thousands separators (`5.99`, `1,000`).
 * Any other run of characters that are not white space is one punctuation token (`.`, `!!`, `...`).
 * White space is Unicode's White_Space property, which includes U+0085 (NEL) and U+00A0.
 */
const TOKEN = /\p{N}+(?:[.,]\p{N}+)+|[\p{L}\p{N}\p{M}]+(?:['’-][\p{L}\p{N}\p{M}]+)*|[^\p{L}\p{N}\p{M}\p{White_Space}]+/gu;
const WORD_START = /^[\p{L}\p{N}\p{M}]/u;
const WORD_END = /[\p{L}\p{N}\p{M}]$/u;

/** Cuts `text` into word and punctuation tokens, in order, with their character offsets. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index as number;
    tokens.push({ text: m[0], start, end: start + m[0].length, isWord: WORD_START.test(m[0]) });
  }
  return tokens;
}

/** Whether `s` is exactly one word token: what a replacement word must be to keep the text's tokens. */
export function isSingleWord(s: string): boolean {
  const tokens = tokenize(s);
  return tokens.length === 1 && tokens[0].isWord && tokens[0].text.length === s.length;
}

/**
 * `replacement` written in the case pattern of `original`: all capitals if the original is all
 * capitals (and longer than one letter), capitalised if it starts with a capital, else as given.
 * Word vectors and masked-word models are mostly lowercase; this keeps "Great" → "Fine", not "fine".
 */
export function matchCase(original: string, replacement: string): string {
  if (original.length > 1 && original === original.toUpperCase() && original !== original.toLowerCase()) {
    return replacement.toUpperCase();
  }
  const first = original.charAt(0);
  if (first !== first.toLowerCase() && first === first.toUpperCase()) {
    return replacement.charAt(0).toUpperCase() + replacement.slice(1);
  }
  return replacement;
}

/**
 * Rebuilds texts from one source text with some of its tokens replaced: everything between tokens
 * (spaces, line breaks) is copied from the source, so only the replaced tokens differ. A replaced token
 * that touched a neighbour (`slow.`, `don't`) is set apart from it by one space when both sides of the
 * join are word characters, so that a replacement never merges with its neighbour into a new word
 * (`slowUNK`, which a model reads as one unknown word, losing `slow`).
 */
export class TextRebuilder {
  /** `gaps[i]` is the source text before token i (after token i − 1); `gaps[n]` the text after the last. */
  private readonly gaps: string[];

  constructor(
    source: string,
    readonly tokens: readonly Token[],
  ) {
    this.gaps = tokens.map((t, i) => source.slice(i === 0 ? 0 : tokens[i - 1].end, t.start));
    this.gaps.push(source.slice(tokens.length === 0 ? 0 : tokens[tokens.length - 1].end));
  }

  /** The text with token i written as `words[i]` (one entry per token). */
  build(words: readonly string[]): string {
    let out = '';
    for (let i = 0; i < this.tokens.length; i++) {
      const gap = this.gaps[i];
      const touching = gap === '' && i > 0 && (words[i] !== this.tokens[i].text || words[i - 1] !== this.tokens[i - 1].text);
      out += (touching && WORD_END.test(words[i - 1]) && WORD_START.test(words[i]) ? ' ' : gap) + words[i];
    }
    return out + this.gaps[this.tokens.length];
  }
}
