/** The glassbox version written into every explanation's `meta.version` (kept equal to package.json). */
export const VERSION = '0.1.0';
