/**
 * The look of every glassbox card: one stylesheet, scoped to the `.gbx` class so that it never touches
 * the page around it, with a light and a dark palette.
 *
 * Which palette applies: the reader's `prefers-color-scheme` by default; a notebook's own theme when it
 * says so (JupyterLab marks `body[data-jp-theme-light]`, VS Code notebooks `body.vscode-light|dark`),
 * because a dark notebook on a light desktop (and the reverse) is common. The colours are GitHub's
 * Primer light and dark tokens, chosen for WCAG AA text contrast on their own background; the card
 * paints its own background, so it reads on any page.
 */

export interface Palette {
  fg: string;
  muted: string;
  bg: string;
  subtle: string;
  border: string;
  accent: string;
  agree: string;
  disagree: string;
  track: string;
  highlight: string;
}

const LIGHT: Palette = {
  fg: '#1f2328',
  muted: '#59636e',
  bg: '#ffffff',
  subtle: '#f6f8fa',
  border: '#d1d9e0',
  accent: '#0969da',
  agree: '#1a7f37',
  disagree: '#cf222e',
  track: '#e6eaef',
  highlight: '#fff1c2',
};

const DARK: Palette = {
  fg: '#f0f6fc',
  muted: '#9198a1',
  bg: '#0d1117',
  subtle: '#151b23',
  border: '#3d444d',
  accent: '#4493f8',
  agree: '#3fb950',
  disagree: '#f85149',
  track: '#262c36',
  highlight: '#4a3d0f',
};

/** The palette's colours as the card's CSS custom properties (`--gbx-fg: ...`). */
function variables(p: Palette): string {
  return Object.entries(p)
    .map(([name, value]) => `--gbx-${name}:${value}`)
    .join(';');
}

/**
 * Both palettes. Light colours also serve as fallbacks in SVG presentation attributes, for hosts that
 * strip `<style>` from notebook outputs.
 */
export const PALETTES: Readonly<Record<'light' | 'dark', Readonly<Palette>>> = Object.freeze({
  light: Object.freeze({ ...LIGHT }),
  dark: Object.freeze({ ...DARK }),
});

/**
 * The card stylesheet. Rules after the variables are shared by every kind of card; a card adds its own
 * class names under `.gbx` with the same variables.
 */
export const CARD_CSS = `
.gbx{${variables(LIGHT)}}
@media (prefers-color-scheme: dark){.gbx{${variables(DARK)}}}
[data-jp-theme-light="true"] .gbx,body.vscode-light .gbx,.gbx.gbx-light{${variables(LIGHT)}}
[data-jp-theme-light="false"] .gbx,body.vscode-dark .gbx,body.vscode-high-contrast .gbx,.gbx.gbx-dark{${variables(DARK)}}
.gbx{color:var(--gbx-fg);background:var(--gbx-bg);border:1px solid var(--gbx-border);border-radius:8px;padding:14px 18px;
  font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",Roboto,sans-serif;max-width:920px;box-sizing:border-box;
  display:inline-block;text-align:left}
.gbx *{box-sizing:border-box}
.gbx h3{font-size:15px;margin:0 0 10px;font-weight:600;color:var(--gbx-fg)}
.gbx h4{font-size:13px;margin:14px 0 6px;font-weight:600;color:var(--gbx-muted)}
.gbx .gbx-kind{color:var(--gbx-muted);font-weight:400;font-size:12px;margin-left:8px}
.gbx .gbx-grid{display:grid;grid-template-columns:max-content 1fr;gap:6px 14px;align-items:center}
.gbx .gbx-label{color:var(--gbx-muted)}
.gbx .gbx-strong{font-weight:600}
.gbx .gbx-pill{display:inline-block;padding:1px 8px;margin:2px 2px 2px 0;border-radius:999px;border:1px solid var(--gbx-accent);
  color:var(--gbx-fg);background:var(--gbx-subtle);white-space:nowrap}
.gbx .gbx-and{color:var(--gbx-muted);font-size:12px;margin:0 4px}
.gbx .gbx-bar{display:inline-flex;align-items:center;gap:8px}
.gbx .gbx-bar svg{display:block}
.gbx .gbx-bar .gbx-track{fill:var(--gbx-track)}
.gbx .gbx-bar .gbx-fill{fill:var(--gbx-accent)}
.gbx .gbx-bar .gbx-tick{stroke:var(--gbx-fg)}
.gbx .gbx-note{color:var(--gbx-muted);font-size:12px}
.gbx .gbx-warning{color:var(--gbx-disagree);font-weight:600;margin-top:8px}
.gbx table{border-collapse:collapse;font-size:12px;font-variant-numeric:tabular-nums;margin:0}
.gbx th,.gbx td{border-bottom:1px solid var(--gbx-border);padding:3px 6px;text-align:left;white-space:nowrap;color:var(--gbx-fg)}
.gbx th{font-weight:600;color:var(--gbx-muted);background:var(--gbx-subtle);white-space:normal;vertical-align:bottom}
.gbx .gbx-scroll{overflow-x:auto;max-width:100%}
.gbx .gbx-anchored{background:var(--gbx-highlight)}
.gbx .gbx-agree{color:var(--gbx-agree);font-weight:600}
.gbx .gbx-disagree{color:var(--gbx-disagree);font-weight:600}
.gbx .gbx-text{font-size:15px;line-height:1.7;white-space:pre-wrap}
.gbx mark.gbx-anchored{background:var(--gbx-highlight);color:var(--gbx-fg);border-radius:3px;padding:0 2px;font-weight:600;outline:1px solid var(--gbx-accent)}
.gbx .gbx-changed{color:var(--gbx-muted);text-decoration:underline dotted}
.gbx ul.gbx-examples{margin:0;padding-left:20px;line-height:1.6}
.gbx .gbx-figures{display:flex;flex-wrap:wrap;gap:14px;margin:12px 0 4px}
.gbx figure.gbx-figure{margin:0}
.gbx figure.gbx-figure figcaption{color:var(--gbx-muted);font-size:12px;margin-top:4px;max-width:280px}
.gbx img.gbx-img,.gbx img.gbx-thumb{display:block;image-rendering:pixelated;border:1px solid var(--gbx-border);border-radius:4px}
.gbx .gbx-thumbs{display:flex;flex-wrap:wrap;gap:8px}
.gbx .gbx-footer{margin-top:12px;color:var(--gbx-muted);font-size:12px}
`;

/** The `<style>` element every card starts with. */
export function cardStyle(): string {
  return `<style>${CARD_CSS}</style>`;
}
