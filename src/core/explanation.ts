import { VERSION } from '../version.js';

/**
 * Explanations use the `{meta, data}` shape that Alibi Explain introduced and that Seldon, KServe and
 * MLServer clients read: `meta.name` is the explainer, `meta.type` the access it needs to the model
 * (`blackbox` or `whitebox`), `meta.explanations` their scope (`local` or `global`), `meta.params` the
 * options it ran with. Explanations are plain JSON values: they carry counts (samples, model calls) but
 * never timings, so the same seed and inputs serialise to the same bytes.
 */
export interface ExplanationMeta {
  name: string;
  type: Array<'blackbox' | 'whitebox'>;
  explanations: Array<'local' | 'global'>;
  params: Record<string, unknown>;
  version: string;
}

/**
 * An explanation in Alibi Explain's format: `meta` says which explainer made it and with which parameters,
 * `data` holds what it found (its keys depend on the explainer; see docs/explanation-format.md).
 */
export interface Explanation<Data> {
  meta: ExplanationMeta;
  data: Data;
}

/** Builds the `meta` block of a black-box, local explanation. */
export function blackboxLocalMeta(name: string, params: Record<string, unknown>): ExplanationMeta {
  return { name, type: ['blackbox'], explanations: ['local'], params, version: VERSION };
}

/** `sampleProba` → `sample_proba`: a JS option name as `meta.params` writes it (Alibi Explain's style). */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** A record's keys in {@link snakeCase} (the top level only: values are kept as they are). */
export function snakeCaseKeys(record: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([name, value]) => [snakeCase(name), value]));
}
