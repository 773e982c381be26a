/** glassbox/persistence: reading saved explainers' folders, their format version and size limits. */
export {
  readExplainerManifest,
  readSavedExplainer,
  EXPLAINER_FORMAT_VERSION,
  type ExplainerManifest,
  type SaveableExplainer,
  type ExplainerType,
} from '../persistence/explainer-dir.js';
export { MAX_EXPLAINER_FILE_BYTES, MAX_JSON_DEPTH, MAX_MANIFEST_BYTES } from '../persistence/folder-files.js';
