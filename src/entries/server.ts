/** glassbox/server: the explainer server (fastify, prom-client), what it serves, and its limits. */
export { createExplainerServer, type ExplainerServer, type ListeningExplainerServer } from '../server/server.js';
export { EXPLAINER_SERVER_DEFAULTS, REQUEST_OPTION_LIMITS, type ExplainerServerOptions, type LogLevel } from '../server/options.js';
export type { ServableExplainer, ExplainerFactory } from '../server/explainer.js';
export { loadServableExplainer, SERVABLE_TYPES } from '../server/servable-explainer.js';
export { ListenError } from '../http/listening-url.js';
