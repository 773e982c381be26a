/**
 * Small, pure helpers for writing HTML as strings: escaping, number formatting, and the page that wraps
 * a card. Every piece of text that reaches a rendering goes through {@link escapeHtml}.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values (the five characters the HTML
 * standard's "escaping a string" algorithm and OWASP's XSS rule #1 name: `& < > " '`).
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A count with thousands separators, as the CLI prints counts: `1,901`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A fraction in [0, 1] as the CLI prints precision and coverage: two decimals, `0.97`. */
export function formatFraction(x: number): string {
  return x.toFixed(2);
}

/** A feature value as a table cell shows it: integers as they are, other numbers with two decimals. */
export function formatValue(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

/**
 * A complete HTML document around a card: UTF-8, `color-scheme: light dark` so that the browser's own
 * surfaces follow the reader's theme, and no external resource of any kind.
 */
export function htmlDocument(card: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
</head>
<body style="margin:0;padding:16px">
${card}
</body>
</html>
`;
}
