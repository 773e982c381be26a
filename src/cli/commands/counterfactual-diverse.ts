import { DIVERSE_METHODS, DiverseCounterfactuals, type DiverseCounterfactualsData, type DiverseMethod } from '../../counterfactuals/diverse/diverse-counterfactuals.js';
import type { Explanation } from '../../core/explanation.js';
import { ADULT_EDUCATION_ORDER } from '../../datasets/adult-counterfactual.js';
import { loadAdult } from '../../datasets/adult.js';
import { loadDemoModel, type DemoModelName } from '../../models/demo-models.js';
import type { DiverseCounterfactualsRenderOptions } from '../../viz/diverse-counterfactuals-card.js';
import { numberFlag, UsageError } from '../io.js';

/**
 * `glassbox counterfactual adult --count N [--immutable A,B] [--method genetic|random|kdtree]`: diverse
 * counterfactuals (after DiCE) of a held-out Adult row for the bundled gradient-boosted trees, a black
 * box, fitted on the 32,561 training rows in the model's own units, Education ordered (so that a
 * direction on it has a meaning); and `glassbox fit adult --method diverse`, which saves the same.
 */

/** Whether a `--method` value names a diverse counterfactuals method. */
export function isDiverseMethod(method: string): method is DiverseMethod {
  return (DIVERSE_METHODS as readonly string[]).includes(method);
}

/** The Adult DiverseCounterfactuals of the CLI, fitted on the training rows (a seeded sample of `maxTrainingRows` when given). */
export async function adultDiverseExplainer(model: DemoModelName = 'adult-gbt', maxTrainingRows?: number, seed?: number): Promise<DiverseCounterfactuals> {
  const adult = loadAdult();
  const explainer = new DiverseCounterfactuals(loadDemoModel(model).predictor, adult.featureNames, { categoryMap: adult.categoryMap, order: { Education: ADULT_EDUCATION_ORDER }, seed });
  return explainer.fit(adult.train.rows, maxTrainingRows === undefined ? {} : { maxTrainingRows });
}

/** An explanation, its text for the terminal, and its card's options. */
export interface DiverseResult {
  explanation: Explanation<DiverseCounterfactualsData>;
  text: string;
  render: DiverseCounterfactualsRenderOptions;
}

/** `--count N` (1-100, default 4) and `--immutable A,B` as `adultDiverse` takes them. */
export function diverseFlags(values: { count?: string; immutable?: string }): { count: number; immutable: string[] } {
  const count = numberFlag('count', values.count, { integer: true, min: 1 }) ?? 4;
  if (count > 100) throw new UsageError(`--count is ${count}; expected an integer in 1..100`);
  const immutable = values.immutable === undefined ? [] : values.immutable.split(',').map((name) => name.trim());
  if (immutable.some((name) => name === '')) throw new UsageError(`--immutable is "${values.immutable}"; expected comma-separated feature names, e.g. Sex,Race,Age`);
  return { count, immutable };
}

/** Explains held-out Adult row `row` with `count` counterfactuals, `immutable` features kept. */
export async function adultDiverse(row: number, options: { count: number; immutable: string[]; method: DiverseMethod }): Promise<DiverseResult> {
  const adult = loadAdult();
  const { test, targetNames } = adult;
  if (row >= test.rows.length) {
    throw new UsageError(`--row ${row} is out of range; adult has ${test.rows.length} held-out rows (0..${test.rows.length - 1})`);
  }
  const unknown = options.immutable.filter((name) => !adult.featureNames.includes(name));
  if (unknown.length > 0) throw new UsageError(`--immutable names ${unknown.map((n) => `"${n}"`).join(', ')}; expected feature names: ${adult.featureNames.join(', ')}`);
  const explainer = await adultDiverseExplainer();
  const started = performance.now();
  const explanation = await explainer.explain(test.rows[row], { count: options.count, method: options.method, constraints: { immutable: options.immutable } });
  const elapsed = performance.now() - started;
  const d = explanation.data;
  // The bundled Adult model is a classifier: every prediction has a class.
  const p = (proba: number[] | null, k: number | null) => `${targetNames[k!]}${proba === null ? '' : ` (p = ${proba[k!].toFixed(2)})`}`;
  const kept = options.immutable.length === 0 ? '' : `, ${options.immutable.join(', ')} immutable`;
  const lines = [`Row ${row} (held-out): the model predicts ${p(d.orig_proba, d.orig_class)}`, `Counterfactuals: ${d.cfs.length} of ${options.count} (${options.method}${kept})`];
  d.cfs.forEach((cf, i) => lines.push(`  ${i + 1}. ${p(cf.proba, cf.class)}: ${cf.changes.map((c) => c.text).join('; ')}`));
  if (!d.success) lines.push(`  ${d.reason}`);
  lines.push(`Set:             validity ${d.validity.toFixed(2)}, ${d.mean_changed.toFixed(2)} features changed on average, diversity ${d.diversity.toFixed(2)}, proximity ${d.proximity.toFixed(3)}`);
  const most = Object.entries(d.feature_importance).filter(([, share]) => share > 0).sort((a, b) => b[1] - a[1]);
  if (most.length > 0) lines.push(`Changed most:    ${most.map(([name, share]) => `${name} ${share.toFixed(2)}`).join(', ')}`);
  lines.push(`Search:          ${d.raw.candidates.toLocaleString('en-US')} candidates, ${d.model_calls.toLocaleString('en-US')} model calls (${d.model_rows.toLocaleString('en-US')} rows), ${Math.round(elapsed).toLocaleString('en-US')} ms`);
  return { explanation, text: `${lines.join('\n')}\n`, render: { targetNames } };
}
