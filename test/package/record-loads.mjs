// Preloaded with `node --import` by root-import.test.ts: registers record-loads-hooks.mjs, which appends
// every module URL the ESM loader resolves to the file named by GLASSBOX_RECORD_LOADS.
import { register } from 'node:module';

register('./record-loads-hooks.mjs', import.meta.url, { data: { file: process.env.GLASSBOX_RECORD_LOADS } });
