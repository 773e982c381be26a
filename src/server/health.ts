import type { FastifyInstance } from 'fastify';
import type { ServerState } from './state.js';

/**
 * Health in the Open Inference Protocol's terms, which KServe and Kubernetes probes use:
 * `GET /v2/health/live` answers `{"live": true}` while the process serves HTTP; `GET /v2/health/ready`
 * answers `{"ready": true}` only once the explainer is loaded and the model endpoint has answered, and
 * 503 `{"ready": false, "reason"}` while loading, while waiting for the model and while draining.
 */
export function healthRoutes(state: ServerState) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/v2/health/live', async () => ({ live: true }));
    app.get('/v2/health/ready', async (_req, reply) => {
      const ready = state.phase === 'ready';
      return reply.code(ready ? 200 : 503).send(ready ? { ready } : { ready, reason: state.reason });
    });
  };
}
