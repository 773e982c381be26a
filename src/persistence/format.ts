import { ExplainerFileError } from '../core/errors.js';
import { describeJson, JsonReader } from '../core/json-checks.js';
import { dtypeOf, isBinaryArray, type BinaryArray, type BinaryDtype } from './binary.js';

/**
 * The saved-explainer format: a folder with `explainer.json`,
 *
 *     { "format": "glassbox-explainer", "version": 1, "type": "AnchorTabular", "glassbox": "0.1.0",
 *       "created": "2026-11-27T04:00:00.000Z", "options": {...}, "state": {...} }
 *
 * and, beside it, one little-endian binary file per large numeric array (see `binary.ts`), which the
 * JSON names with its type, length and SHA-256. It holds data only, never code, and no model: the model
 * is passed when loading.
 */

export const EXPLAINER_FORMAT = 'glassbox-explainer';
/** The version of the format this glassbox writes and the newest it reads. */
export const EXPLAINER_FORMAT_VERSION = 1;
export const EXPLAINER_FILE = 'explainer.json';

export const EXPLAINER_TYPES = ['AnchorTabular', 'AnchorText', 'AnchorImage', 'Counterfactual', 'CEM', 'CounterfactualProto', 'DiverseCounterfactuals'] as const;
/** The explainers a folder can hold, by the name `explainer.json` gives them. */
export type ExplainerType = (typeof EXPLAINER_TYPES)[number];

/** What `explainer.json` says about itself. */
export interface ExplainerManifest {
  format: typeof EXPLAINER_FORMAT;
  version: number;
  type: ExplainerType;
  /** The glassbox version that wrote it. */
  glassbox: string;
  /** When it was written (ISO 8601). */
  created: string;
  /**
   * The model the explainer was fitted for, as the saver named it (e.g. `adult-gbt`): a note for people
   * and tools. The model itself is never saved.
   */
  model?: string;
}

/**
 * Reads the fields of a saved explainer's JSON; every failure is an {@link ExplainerFileError} naming
 * the file, the field, what was expected and what was found.
 */
export class ExplainerJsonReader extends JsonReader {
  override fail(field: string, expected: string, found: unknown): never {
    throw new ExplainerFileError(this.source, `"${field}" should be ${expected}; found ${describeJson(found)}`);
  }

  string(v: unknown, field: string): string {
    if (typeof v !== 'string') this.fail(field, 'a string', v);
    return v as string;
  }

  boolean(v: unknown, field: string): boolean {
    if (typeof v !== 'boolean') this.fail(field, 'true or false', v);
    return v as boolean;
  }

  seed(v: unknown, field: string): number | string {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) this.fail(field, 'a number or a string', v);
    return v as number | string;
  }

  /**
   * Checks that `object` (the JSON at `field`) has every key of `keys`: a saved explainer keeps all its
   * options, so that a field lost from the file is reported rather than replaced by its default.
   */
  requireKeys(object: Record<string, unknown>, field: string, keys: readonly string[]): void {
    for (const key of keys) {
      if (!(key in object)) this.fail(`${field}.${key}`, 'present (a saved explainer keeps every option)', undefined);
    }
  }

  /** A numeric array that was stored in binary, of one of the given types. */
  typedArray(v: unknown, field: string, dtypes: readonly BinaryDtype[]): BinaryArray {
    if (!isBinaryArray(v) || !dtypes.includes(dtypeOf(v))) this.fail(field, `a binary array of ${dtypes.join(' or ')}`, v);
    return v as BinaryArray;
  }
}

/**
 * Checks the header of `explainer.json` (already parsed): format, version (a newer one is refused with
 * the version this glassbox reads), type, glassbox version and date.
 */
export function readManifest(json: unknown, r: ExplainerJsonReader): ExplainerManifest {
  const o = r.object(json, '(top level)');
  r.literal(o.format, 'format', EXPLAINER_FORMAT);
  const version = r.integer(o.version, 'version', 1);
  const glassbox = r.string(o.glassbox, 'glassbox');
  if (version > EXPLAINER_FORMAT_VERSION) {
    throw new ExplainerFileError(
      r.source,
      `format version ${version} (written by glassbox ${glassbox}); this glassbox reads version ${EXPLAINER_FORMAT_VERSION} ` +
        'and older: upgrade glassbox, or save the explainer again with this one',
    );
  }
  if (!EXPLAINER_TYPES.includes(o.type as ExplainerType)) {
    r.fail('type', `one of ${EXPLAINER_TYPES.join(', ')}`, o.type);
  }
  const created = r.string(o.created, 'created');
  const model = o.model === undefined ? undefined : r.string(o.model, 'model');
  return { format: EXPLAINER_FORMAT, version, type: o.type as ExplainerType, glassbox, created, ...(model !== undefined && { model }) };
}
