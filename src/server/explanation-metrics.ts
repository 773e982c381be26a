import { Histogram, type Registry } from 'prom-client';

/**
 * Prometheus histograms of what the explanations say, so that a drift in explanations (anchors getting
 * less precise or covering less, growing longer, costing more model calls; counterfactuals moving
 * further away) shows on a dashboard like any other service metric. Labelled by `explainer` (the
 * explanation's `meta.name`) and `class` (the class explained, as a number: `data.raw.prediction` of an
 * anchor, `data.orig_class` of a counterfactual), besides the server's `model_name`.
 */

type Labels = 'model_name' | 'explainer' | 'class';

/** Class labels kept as they are: beyond, `class="other"`, so that a model with many classes cannot blow up the series. */
const MAX_CLASS_LABEL = 100;

export class ExplanationMetrics {
  readonly precision: Histogram<Labels>;
  readonly coverage: Histogram<Labels>;
  readonly anchorSize: Histogram<Labels>;
  readonly modelCalls: Histogram<Labels>;
  readonly counterfactualDistance: Histogram<Labels>;

  constructor(
    private readonly modelName: string,
    registry: Registry,
  ) {
    const labelNames: Labels[] = ['model_name', 'explainer', 'class'];
    const histogram = (name: string, help: string, buckets: number[]) => new Histogram({ name, help, labelNames, buckets, registers: [registry] });
    // Precision near the default threshold (0.95) is where a drift matters, so the buckets crowd there.
    this.precision = histogram('glassbox_anchor_precision', 'Precision of each anchor explained', [0.5, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 1]);
    this.coverage = histogram('glassbox_anchor_coverage', 'Coverage of each anchor explained', [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    this.anchorSize = histogram('glassbox_anchor_size', 'Conditions (features, words or superpixels) in each anchor explained', [0, 1, 2, 3, 4, 5, 6, 8, 10, 15]);
    this.modelCalls = histogram(
      'glassbox_explanation_model_calls_by_class',
      'Model calls each explanation reports (its own count), by explainer and class',
      [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
    );
    this.counterfactualDistance = histogram(
      'glassbox_counterfactual_distance',
      "Distance of each counterfactual found to its instance (the explainer's own distance: L1, beta*L1 + L2^2 for CounterfactualProto, mean |change| / MAD for DiverseCounterfactuals)",
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 100],
    );
  }

  /** Records what a successful explanation says; values an explanation does not have are skipped. */
  observe(explanation: unknown): void {
    const e = explanation as { meta?: { name?: unknown }; data?: Record<string, unknown> } | null;
    const data = e?.data;
    if (typeof e?.meta?.name !== 'string' || data === null || typeof data !== 'object') return;
    const raw = (data.raw ?? {}) as Record<string, unknown>;
    const cls = typeof raw.prediction === 'number' ? raw.prediction : data.orig_class;
    // A regression model's prediction is a value, not a class: one label for all of them (bounded cardinality).
    const regression = raw.task === 'regression' || data.task === 'regression';
    const labels = { model_name: this.modelName, explainer: e.meta.name, class: regression ? 'regression' : classLabel(cls) };
    if (typeof data.precision === 'number') this.precision.observe(labels, data.precision);
    if (typeof data.coverage === 'number') this.coverage.observe(labels, data.coverage);
    if (Array.isArray(data.anchor)) this.anchorSize.observe(labels, data.anchor.length);
    const calls = typeof raw.model_calls === 'number' ? raw.model_calls : data.model_calls;
    if (typeof calls === 'number') this.modelCalls.observe(labels, calls);
    const cf = data.cf as { distance?: unknown } | null | undefined;
    if (typeof cf?.distance === 'number') this.counterfactualDistance.observe(labels, cf.distance);
    // DiverseCounterfactuals: every counterfactual of the set.
    const cfs = Array.isArray(data.cfs) ? (data.cfs as Array<{ distance?: unknown }>) : [];
    for (const one of cfs) if (typeof one?.distance === 'number') this.counterfactualDistance.observe(labels, one.distance);
  }
}

function classLabel(cls: unknown): string {
  return typeof cls === 'number' && Number.isInteger(cls) && cls >= 0 && cls < MAX_CLASS_LABEL ? String(cls) : 'other';
}
