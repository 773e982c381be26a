import type { RemotePredictor } from '../predictors/remote/remote-predictor.js';
import type { ServableExplainer } from './explainer.js';

/**
 * Where the server is in its life: `loading` the explainer, `connecting` to the model (until it has
 * answered), `ready` to explain, `draining` after SIGTERM (running explanations finish, readiness is
 * off), `failed` when the explainer could not be loaded.
 */
export type ServerPhase = 'loading' | 'connecting' | 'ready' | 'draining' | 'failed';

export interface ServerState {
  phase: ServerPhase;
  /** Why the server is not ready, for readiness answers and 503s. */
  reason: string;
  explainer: ServableExplainer | undefined;
  model: RemotePredictor | undefined;
}
