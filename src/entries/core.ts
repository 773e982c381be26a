/** glassbox/core: the explanation's meta, the seeded random generator, the tabular schema and the byte-budgeted cache. */
export type { ExplanationMeta } from '../core/explanation.js';
export { createRng, type Rng } from '../core/rng.js';
export { TabularSchema } from '../core/tabular-schema.js';
export { ByteBudgetCache } from '../core/byte-budget-cache.js';
