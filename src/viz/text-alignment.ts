import type { Token } from '../anchors/text/tokenize.js';

/** One token of a perturbed text, aligned with the original: its text and whether it was replaced. */
export interface AlignedToken {
  text: string;
  changed: boolean;
}

const WHITE_SPACE = /\p{White_Space}/u;

/**
 * Splits a perturbed text back into the original's tokens. Text anchors perturb a text by replacing
 * whole tokens and keeping everything between them (`TextRebuilder`), so the perturbed text is the
 * original's gaps with a non-empty, space-free string in each token's place. Where two tokens touch
 * (`Aria.` → `AriaUNK`) the split can be ambiguous; a split that leaves a token unchanged is preferred
 * (two touching replaced tokens are both marked, wherever the split falls). Returns `undefined` when
 * the text is not such a perturbation of the original.
 */
export function alignPerturbedText(source: string, tokens: readonly Token[], perturbed: string): AlignedToken[] | undefined {
  const n = tokens.length;
  const gaps = tokenGaps(source, tokens);
  const failed = new Set<number>();

  // Aligns tokens i.. against perturbed[pos..], where perturbed[pos..] must start with gap i.
  const align = (i: number, pos: number): AlignedToken[] | undefined => {
    const key = i * (perturbed.length + 1) + pos;
    if (failed.has(key) || !perturbed.startsWith(gaps[i], pos)) return undefined;
    const start = pos + gaps[i].length;
    if (i === n) return start === perturbed.length ? [] : undefined;
    const original = tokens[i].text;
    // Token ends in order of preference: the token unchanged, then ends after which the next token
    // is unchanged, then any other end (a replacement never contains white space).
    const ends: number[] = [];
    for (let end = start + 1; end <= perturbed.length && !WHITE_SPACE.test(perturbed[end - 1]); end++) ends.push(end);
    const next = i + 1 < n ? gaps[i + 1] + tokens[i + 1].text : undefined;
    const rank = (end: number) =>
      perturbed.slice(start, end) === original ? 0 : next !== undefined && perturbed.startsWith(next, end) ? 1 : 2;
    ends.sort((a, b) => rank(a) - rank(b) || a - b);
    for (const end of ends) {
      const rest = align(i + 1, end);
      if (rest !== undefined) {
        const text = perturbed.slice(start, end);
        return [{ text, changed: text !== original }, ...rest];
      }
    }
    failed.add(key);
    return undefined;
  };
  return align(0, 0);
}

/** The gaps of `source` around its tokens: `gaps[i]` precedes token i, `gaps[n]` follows the last. */
export function tokenGaps(source: string, tokens: readonly Token[]): string[] {
  const gaps = tokens.map((t, i) => source.slice(i === 0 ? 0 : tokens[i - 1].end, t.start));
  gaps.push(source.slice(tokens.length === 0 ? 0 : tokens[tokens.length - 1].end));
  return gaps;
}
