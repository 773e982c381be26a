import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExplainerFileError, GlassboxError, InvalidInputError } from '../core/errors.js';
import type { Explanation } from '../core/explanation.js';
import { MinMaxScaling } from '../core/min-max-scaling.js';
import type { Predictor } from '../predictors/predictor.js';
import type { InstanceShape } from '../predictors/remote/instances.js';
import type { TfjsPredictor } from '../predictors/tfjs.js';
import { VERSION } from '../version.js';
import { BYTES_PER_ELEMENT, decodeArray, dtypeOf, encodeArray, isBinaryArray, isBinaryRef, sha256, type BinaryDtype, type BinaryRef } from './binary.js';
import { fileSystemIO } from '../tf/fs-io.js';
import { loadTfModel } from '../tf/models.js';
import { CODECS, type LoadExplainerOptions, type SaveableExplainer, type SavedModels } from './codecs.js';
import { MAX_EXPLAINER_FILE_BYTES, MAX_MANIFEST_BYTES, parseBoundedJson, readFolderFile } from './folder-files.js';
import {
  EXPLAINER_FILE,
  EXPLAINER_FORMAT,
  EXPLAINER_FORMAT_VERSION,
  EXPLAINER_TYPES,
  ExplainerJsonReader,
  readManifest,
  type ExplainerManifest,
  type ExplainerType,
} from './format.js';

/**
 * Saving explainers to a folder and loading them back: the only place explainers meet the file system.
 * The explainers give and take their state as plain data (`toState` / `fromState`); this module writes
 * it as `explainer.json` plus binary arrays (see `format.ts`) and checks every byte on the way back.
 */

/** A loaded explainer, with what a service needs to explain with it whatever its type. */
export interface LoadedExplainer {
  type: ExplainerType;
  explainer: SaveableExplainer;
  manifest: ExplainerManifest;
  /** Explains one instance in the explainer's own input form (a tabular row, a text, an image array). */
  explain(instance: unknown, options?: Record<string, unknown>): Promise<Explanation<unknown>>;
  /** What an instance looks like, for error messages: e.g. "a string". */
  readonly instanceDescription: string;
  /** What one instance is: a string, or numbers of this shape. */
  readonly instanceShape: InstanceShape;
  /**
   * The scaling it was saved with (see {@link SaveExplainerOptions.inputScaling}): `explain` takes rows in
   * the model's encoding and `explainer` works on scaled rows.
   */
  inputScaling?: MinMaxScaling;
}

/** Options of {@link saveExplainer}: the model's name kept in the manifest, and the input scaling. */
export interface SaveExplainerOptions {
  /** A name for the model the explainer is for, kept in the manifest (see {@link ExplainerManifest.model}). */
  model?: string;
  /**
   * CounterfactualProto fitted on scaled rows (e.g. numbers in [-1, 1], as Alibi's Adult examples) for a
   * model that reads unscaled rows: the scaling it was fitted with, saved beside it, so that the loaded
   * explainer takes and returns rows in the model's encoding and calls the model with unscaled rows.
   * Save the explainer with the predictor `rows => model(rows.map(r => scaling.unscale(r)))`.
   */
  inputScaling?: MinMaxScaling;
}

/**
 * Saves a fitted explainer to `dir` (created if missing): `explainer.json` with its options and state,
 * and binary files for large arrays. The model is not saved; pass it to {@link loadExplainer}.
 *
 * @throws InvalidInputError for an object that is not a saveable explainer; NotFittedError for an
 *   AnchorTabular that was not fitted.
 */
export async function saveExplainer(explainer: SaveableExplainer, dir: string, saveOptions: SaveExplainerOptions = {}): Promise<void> {
  const codec = Object.values(CODECS).find((c) => c.is(explainer));
  if (codec === undefined) {
    const got = explainer === null || typeof explainer !== 'object' ? String(explainer) : `an object of class ${explainer.constructor?.name ?? 'none'}`;
    throw new InvalidInputError(`saveExplainer got ${got}; expected one of ${EXPLAINER_TYPES.join(', ')}`);
  }
  if (saveOptions.model !== undefined && (typeof saveOptions.model !== 'string' || saveOptions.model === '')) {
    throw new InvalidInputError(`saveExplainer option model is ${JSON.stringify(saveOptions.model)}; expected a non-empty string naming the model`);
  }
  const scaling = saveOptions.inputScaling;
  if (scaling !== undefined) {
    if (!(scaling instanceof MinMaxScaling)) throw new InvalidInputError(`saveExplainer option inputScaling is ${String(scaling)}; expected a MinMaxScaling`);
    if (codec.scaled === undefined) throw new InvalidInputError(`saveExplainer option inputScaling applies to CounterfactualProto; this explainer is an ${codec.type}`);
    codec.scaled.check(explainer, scaling);
  }
  const { options, state, files = {}, models = {} } = codec.save(explainer);
  const binaries = new Map<string, Buffer>();
  const jsonFiles = Object.entries(files).map(([name, content]) => [name, Buffer.from(JSON.stringify(content))] as const);
  const json = {
    format: EXPLAINER_FORMAT,
    version: EXPLAINER_FORMAT_VERSION,
    type: codec.type,
    glassbox: VERSION,
    created: new Date().toISOString(),
    ...(saveOptions.model !== undefined && { model: saveOptions.model }),
    ...(scaling !== undefined && { inputScaling: scaling.toJSON() }),
    options: extractArrays(options, 'options', binaries),
    state: extractArrays(state, 'state', binaries),
    ...(jsonFiles.length > 0 && { files: Object.fromEntries(jsonFiles.map(([name, bytes]) => [name, { bytes: bytes.byteLength, sha256: sha256(bytes) }])) }),
  };
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of binaries) await writeFile(join(dir, name), bytes);
  for (const [name, bytes] of jsonFiles) await writeFile(join(dir, name), bytes);
  const savedModels = await saveModels(models, dir);
  if (Object.keys(savedModels).length > 0) (json as Record<string, unknown>).models = savedModels;
  // The manifest is written last: a folder whose saving was interrupted has none, and does not load.
  await writeFile(join(dir, EXPLAINER_FILE), `${JSON.stringify(json, null, 2)}\n`);
}

/** The files of a TensorFlow.js model saved by {@link fileSystemIO}, in the subfolder named for its role. */
const MODEL_FILES = ['model.json', 'weights.bin'] as const;
const MODEL_ROLES = ['ae', 'encoder'] as const;

/**
 * Saves an explainer's TensorFlow.js models (autoencoder, encoder) in subfolders `ae/` and `encoder/`, as
 * layers-model (or graph-model) files written by the project's file-system IO handler, and returns their
 * sizes and checksums for `explainer.json`'s `models`.
 */
async function saveModels(models: SavedModels, dir: string): Promise<Record<string, Record<string, { bytes: number; sha256: string }>>> {
  const saved: Record<string, Record<string, { bytes: number; sha256: string }>> = {};
  for (const role of MODEL_ROLES) {
    const model = models[role];
    if (model === undefined) continue;
    await model.save(fileSystemIO(join(dir, role)));
    saved[role] = {};
    for (const file of MODEL_FILES) {
      const bytes = await readFile(join(dir, role, file));
      saved[role][file] = { bytes: bytes.byteLength, sha256: sha256(bytes) };
    }
  }
  return saved;
}

/** Loads the models `explainer.json`'s `models` lists, after checking each file's size and checksum; those passed in `load` are not read. */
async function loadModels(json: unknown, dir: string, load: LoadExplainerOptions, r: ExplainerJsonReader): Promise<SavedModels> {
  if (json === undefined) return {};
  const listed = r.object(json, 'models');
  const models: SavedModels = {};
  for (const role of Object.keys(listed)) {
    if (!(MODEL_ROLES as readonly string[]).includes(role)) r.fail(`models.${role}`, `one of ${MODEL_ROLES.join(', ')}`, role);
    if (load[role as 'ae' | 'encoder'] !== undefined) continue;
    const files = r.object(listed[role], `models.${role}`);
    for (const file of MODEL_FILES) {
      const { bytes, sha256: checksum } = r.object(files[file], `models.${role}.${file}`);
      const verified = await checkedBytes(join(dir, role), file, r.integer(bytes, `models.${role}.${file}.bytes`, 0), 'bytes', r.string(checksum, `models.${role}.${file}.sha256`), `models.${role}.${file}`);
      if (file === 'model.json') checkWeightPaths(join(dir, role, file), verified);
    }
    try {
      models[role as 'ae' | 'encoder'] = await loadTfModel(join(dir, role));
    } catch (err) {
      throw new ExplainerFileError(join(dir, role), `is not a TensorFlow.js model: ${(err as Error).message}`, { cause: err });
    }
  }
  return models;
}

/**
 * A saved model's `model.json` may name only the weights file saved beside it: its checksum is the
 * folder's own word, so a path in its weights manifest (`../../etc/passwd`) would otherwise make the
 * loader read outside the folder.
 */
function checkWeightPaths(path: string, bytes: Buffer): void {
  let manifest: unknown;
  try {
    manifest = (JSON.parse(bytes.toString('utf8')) as { weightsManifest?: unknown } | null)?.weightsManifest;
  } catch (err) {
    throw new ExplainerFileError(path, `is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const expected = MODEL_FILES.filter((f) => f !== 'model.json');
  for (const group of Array.isArray(manifest) ? manifest : []) {
    const paths = (group as { paths?: unknown } | null)?.paths;
    for (const name of Array.isArray(paths) ? paths : [paths]) {
      if (!expected.includes(name as (typeof expected)[number])) {
        throw new ExplainerFileError(path, `names the weights file ${JSON.stringify(name)?.slice(0, 80)}; expected only ${expected.map((f) => `"${f}"`).join(', ')} beside it`);
      }
    }
  }
}

/** Replaces every typed array in `value` by a {@link BinaryRef}, named by its path, and collects its bytes. */
function extractArrays(value: unknown, path: string, binaries: Map<string, Buffer>): unknown {
  if (isBinaryArray(value)) {
    const bytes = encodeArray(value);
    const name = `${path}.bin`;
    binaries.set(name, bytes);
    return { $binary: name, dtype: dtypeOf(value), length: value.length, sha256: sha256(bytes) } satisfies BinaryRef;
  }
  if (Array.isArray(value)) return value.map((v, i) => extractArrays(v, `${path}.${i}`, binaries));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, extractArrays(v, `${path}.${k}`, binaries)]));
  }
  return value;
}

/**
 * Reads the header of a saved explainer: its type, format version, the glassbox version that wrote it
 * and when.
 *
 * @throws ExplainerFileError when `explainer.json` is missing, is not JSON, is not a saved explainer, or
 *   has a newer format version than this glassbox reads.
 */
export async function readExplainerManifest(dir: string): Promise<ExplainerManifest> {
  const { json, r } = await readExplainerJson(dir);
  return readManifest(json, r);
}

/**
 * The header of a saved explainer with its options and state as `explainer.json` holds them (binary
 * arrays not read, only named), to decide how to load it before loading it.
 *
 * @throws ExplainerFileError as {@link readExplainerManifest}.
 */
export async function readSavedExplainer(dir: string): Promise<{
  manifest: ExplainerManifest;
  options: Record<string, unknown>;
  state: Record<string, unknown>;
  /** The roles of the TensorFlow.js models saved in the folder (`ae`, `encoder`). */
  models: string[];
}> {
  const { json, r } = await readExplainerJson(dir);
  const manifest = readManifest(json, r);
  const top = json as Record<string, unknown>;
  const models = top.models === undefined ? [] : Object.keys(r.object(top.models, 'models'));
  return { manifest, options: r.object(top.options, 'options'), state: r.object(top.state, 'state'), models };
}

/**
 * Loads an explainer saved by {@link saveExplainer} (or `glassbox fit`), to explain `predictor`'s
 * predictions: the same model it was saved with gives the same explanations, byte for byte.
 *
 * @param predictor the model, as the explainer type takes it: rows, texts or images to predictions, or
 *   `tfjsModel(model)` for Counterfactual and CEM.
 * @throws ExplainerFileError naming the file, field, expectation and what was found when the folder is
 *   not a saved explainer, a file is missing, truncated or altered, the format version is newer than
 *   this glassbox reads, the type is not `options.type`, or a resource the explainer needs (see
 *   {@link LoadExplainerOptions}) is missing.
 */
export async function loadExplainer(
  dir: string,
  predictor: Predictor<any> | TfjsPredictor,
  options: LoadExplainerOptions = {},
): Promise<LoadedExplainer> {
  const { json, r } = await readExplainerJson(dir);
  const manifest = readManifest(json, r);
  if (options.type !== undefined && manifest.type !== options.type) {
    r.fail('type', JSON.stringify(options.type), manifest.type);
  }
  const top = json as Record<string, unknown>;
  const binaries = new Map<string, string>();
  const restoredOptions = r.object(await insertArrays(top.options, 'options', dir, r, binaries), 'options');
  const state = r.object(await insertArrays(top.state, 'state', dir, r, binaries), 'state');
  const codec = CODECS[manifest.type];
  const scaling = top.inputScaling === undefined ? undefined : readScaling(top.inputScaling, codec, r);
  const readJson = async (name: string) => parseBoundedJson((await readCheckedFile(top.files, `files.${name}`, name, dir, r)).toString('utf8'), join(dir, name));
  const models = await loadModels(top.models, dir, options, r);
  let explainer: SaveableExplainer;
  try {
    // With a scaling, the explainer works on scaled rows, and the model is called with unscaled ones.
    const model = scaling === undefined ? predictor : (rows: number[][]) => (predictor as Predictor<number[]>)(rows.map((row) => scaling.unscale(row)));
    explainer = await codec.restore(restoredOptions, state, { r, predictor: model, load: options, readJson, models });
    if (scaling !== undefined) codec.scaled!.check(explainer, scaling);
  } catch (err) {
    if (err instanceof InvalidInputError) {
      throw new ExplainerFileError(r.source, `cannot restore the saved ${manifest.type}: ${err.message}`, { cause: err });
    }
    // A file is data: whatever in it trips the restoring code is reported as the file's fault, not as a stack.
    if (!(err instanceof GlassboxError)) {
      throw new ExplainerFileError(r.source, `cannot restore the saved ${manifest.type}: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
    }
    throw err;
  }
  if (scaling === undefined) {
    return {
      type: manifest.type,
      explainer,
      manifest,
      instanceDescription: codec.describeInstance(explainer),
      instanceShape: codec.instanceShape(explainer),
      explain: (instance, explainOptions = {}) => codec.explain(explainer, instance, explainOptions),
    };
  }
  return {
    type: manifest.type,
    explainer,
    manifest,
    inputScaling: scaling,
    instanceDescription: `a row of ${scaling.size} numbers in the model's encoding (category codes, unscaled numbers)`,
    instanceShape: [scaling.size],
    explain: async (instance, explainOptions = {}) =>
      codec.scaled!.unscale(await codec.explain(explainer, scaling.scale(instance as number[], 'the explained row'), explainOptions), scaling),
  };
}

/** The `inputScaling` of `explainer.json`, for a type that can have one. */
function readScaling(json: unknown, codec: (typeof CODECS)[ExplainerType], r: ExplainerJsonReader): MinMaxScaling {
  if (codec.scaled === undefined) r.fail('inputScaling', `absent (an ${codec.type} is not saved with a scaling)`, json);
  try {
    return MinMaxScaling.fromJSON(json, 'inputScaling');
  } catch (err) {
    throw new ExplainerFileError(r.source, (err as Error).message, { cause: err });
  }
}

async function readExplainerJson(dir: string): Promise<{ json: unknown; r: ExplainerJsonReader }> {
  const path = join(dir, EXPLAINER_FILE);
  const bytes = await readFolderFile(dir, EXPLAINER_FILE, { maxBytes: MAX_MANIFEST_BYTES });
  return { json: parseBoundedJson(bytes.toString('utf8'), path), r: new ExplainerJsonReader(path) };
}

/**
 * Replaces every {@link BinaryRef} in `value` by its array, checking the file's size and checksum. `seen`
 * holds the binary files read so far, by the field that named them: a file may be referenced once only
 * (a small explainer.json naming one large file thousands of times would be read thousands of times).
 */
async function insertArrays(value: unknown, path: string, dir: string, r: ExplainerJsonReader, seen = new Map<string, string>()): Promise<unknown> {
  if (isBinaryRef(value)) {
    const name = r.string(value.$binary, `${path}.$binary`);
    const first = seen.get(name);
    if (first !== undefined) {
      throw new ExplainerFileError(join(dir, name), `is referenced by "${first}" and again by "${path}" in ${EXPLAINER_FILE}; expected each binary file once`);
    }
    seen.set(name, path);
    return readBinary(value, path, dir, r);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(await insertArrays(value[i], `${path}[${i}]`, dir, r, seen));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await insertArrays(v, `${path}.${k}`, dir, r, seen);
    return out;
  }
  return value;
}

async function readBinary(ref: Record<string, unknown>, field: string, dir: string, r: ExplainerJsonReader) {
  const name = r.string(ref.$binary, `${field}.$binary`);
  if (!/^[\w.-]+\.bin$/.test(name) || name.startsWith('.')) r.fail(`${field}.$binary`, 'a file name in the same folder ending in .bin', name);
  const dtype = ref.dtype as BinaryDtype;
  if (!Object.hasOwn(BYTES_PER_ELEMENT, dtype)) r.fail(`${field}.dtype`, `one of ${Object.keys(BYTES_PER_ELEMENT).join(', ')}`, ref.dtype);
  const length = r.integer(ref.length, `${field}.length`, 0);
  const bytes = await checkedBytes(dir, name, length * BYTES_PER_ELEMENT[dtype], `${length} ${dtype} values`, r.string(ref.sha256, `${field}.sha256`), field);
  return decodeArray(bytes, dtype);
}

/** A JSON file saved beside `explainer.json`, which lists it under `files` with its size and checksum. */
async function readCheckedFile(files: unknown, field: string, name: string, dir: string, r: ExplainerJsonReader): Promise<Buffer> {
  const entry = files !== null && typeof files === 'object' && Object.hasOwn(files, name) ? (files as Record<string, unknown>)[name] : undefined;
  const { bytes, sha256: checksum } = r.object(entry, field);
  return checkedBytes(dir, name, r.integer(bytes, `${field}.bytes`, 0), 'bytes', r.string(checksum, `${field}.sha256`), field);
}

/** The bytes of file `name`, checked against the byte length and SHA-256 that `field` of the JSON gives. */
async function checkedBytes(dir: string, name: string, expected: number, what: string, checksum: string, field: string): Promise<Buffer> {
  const path = join(dir, name);
  const declared = `${what === 'bytes' ? '' : `${what}, `}as "${field}" in ${EXPLAINER_FILE} says`;
  const bytes = await readFolderFile(dir, name, { exactBytes: expected, declared, maxBytes: MAX_EXPLAINER_FILE_BYTES });
  const actual = sha256(bytes);
  if (actual !== checksum) {
    throw new ExplainerFileError(path, `has SHA-256 ${actual}; expected ${checksum} (as "${field}" in ${EXPLAINER_FILE} says): the file is corrupt or was altered`);
  }
  return bytes;
}

export { EXPLAINER_FORMAT_VERSION, type ExplainerManifest, type ExplainerType } from './format.js';
export type { LoadExplainerOptions, SaveableExplainer } from './codecs.js';
