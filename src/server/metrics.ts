import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ModelTally } from './context.js';
import { ExplanationMetrics } from './explanation-metrics.js';

/** Why an explain request failed, as the `reason` label of `glassbox_explain_errors_total`. */
export type ExplainFailure =
  | 'bad_request'
  | 'unauthorized'
  | 'overloaded'
  | 'not_ready'
  | 'timeout'
  | 'cancelled'
  | 'model_error'
  | 'internal';

/**
 * The server's Prometheus metrics, in a registry of its own (several servers can live in one process).
 * Names follow the servers operators already scrape: KServe's model server exports
 * `request_explain_seconds{model_name}`; MLServer counts REST requests by endpoint and status and
 * reports requests in progress and queued. The model-call histograms are per explanation: how many
 * calls and rows an explanation cost, and how long it waited for the model.
 */
export class ExplainerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly explainSeconds: Histogram<'model_name'>;
  readonly modelCalls: Histogram<'model_name'>;
  readonly modelRows: Histogram<'model_name'>;
  readonly modelSeconds: Histogram<'model_name'>;
  readonly errors: Counter<'model_name' | 'reason'>;
  readonly inProgress: Gauge<'model_name'>;
  readonly queued: Gauge<'model_name'>;
  /** Histograms of what the explanations say (precision, coverage, anchor size, model calls, counterfactual distance). */
  readonly explanations: ExplanationMetrics;

  /** Explanations running (holding a slot) and waiting for one, read when the gauges are scraped. */
  private load: () => { running: number; queued: number } = () => ({ running: 0, queued: 0 });

  constructor(readonly modelName: string) {
    const registers = [this.registry];
    const metrics = this;
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'glassbox_http_requests_total',
      help: 'HTTP requests answered, by method, route and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.explainSeconds = new Histogram({
      name: 'request_explain_seconds',
      help: 'Duration of successful explanations in seconds, queueing included (as KServe names it)',
      labelNames: ['model_name'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
      registers,
    });
    this.modelCalls = new Histogram({
      name: 'glassbox_explanation_model_calls',
      help: 'Model calls (batches) per explanation',
      labelNames: ['model_name'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    });
    this.modelRows = new Histogram({
      name: 'glassbox_explanation_model_rows',
      help: 'Rows sent to the model per explanation',
      labelNames: ['model_name'],
      buckets: [100, 300, 1000, 3000, 10_000, 30_000, 100_000],
      registers,
    });
    this.modelSeconds = new Histogram({
      name: 'glassbox_explanation_model_seconds',
      help: 'Seconds an explanation spent waiting for the model, summed over its calls',
      labelNames: ['model_name'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({
      name: 'glassbox_explain_errors_total',
      help: 'Explain requests that failed, by reason',
      labelNames: ['model_name', 'reason'],
      registers,
    });
    this.inProgress = new Gauge({
      name: 'glassbox_explanations_in_progress',
      help: 'Explanations running now',
      labelNames: ['model_name'],
      registers,
      collect() {
        this.set({ model_name: metrics.modelName }, metrics.load().running);
      },
    });
    this.queued = new Gauge({
      name: 'glassbox_explanations_queued',
      help: 'Explain requests waiting for a free slot',
      labelNames: ['model_name'],
      registers,
      collect() {
        this.set({ model_name: metrics.modelName }, metrics.load().queued);
      },
    });
    this.explanations = new ExplanationMetrics(modelName, this.registry);
  }

  /** Makes the in-progress and queued gauges report `load()`. */
  watchLoad(load: () => { running: number; queued: number }): void {
    this.load = load;
  }

  /** Records what an explanation's model calls cost, whether it succeeded or not. */
  observeModelUse(tally: ModelTally): void {
    const labels = { model_name: this.modelName };
    this.modelCalls.observe(labels, tally.calls);
    this.modelRows.observe(labels, tally.rows);
    this.modelSeconds.observe(labels, tally.seconds);
  }

  failed(reason: ExplainFailure): void {
    this.errors.inc({ model_name: this.modelName, reason });
  }
}

/**
 * Counts every answered request by its route pattern (so `/v1/models/:nameAndVerb`, not each URL, and
 * `unmatched` for 404s) and serves `GET /metrics` in Prometheus' text format.
 */
export function installMetrics(app: FastifyInstance, metrics: ExplainerMetrics): void {
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
  });
  app.get('/metrics', async (_req, reply) => {
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}
