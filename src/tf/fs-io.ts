import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors.js';

/** The name of the weights file {@link fileSystemIO} writes next to `model.json`. */
const WEIGHTS_FILE = 'weights.bin';

/**
 * Resolves a model location to its `model.json`: either the file itself or a folder holding it.
 *
 * @throws InvalidInputError when neither exists.
 */
export function resolveModelJson(path: string): string {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidInputError(`model path is ${JSON.stringify(path)}; expected a folder holding model.json, or the path of a model.json`);
  }
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    if (basename(path) !== 'model.json') {
      throw new InvalidInputError(`model path not found: ${path}; expected a folder holding model.json, or the path of a model.json`);
    }
  }
  return isDir ? join(path, 'model.json') : path;
}

/**
 * A TensorFlow.js IO handler over the local file system, in the format `model.save('file://…')`
 * writes with `@tensorflow/tfjs-node` (a `model.json` with the topology and weights manifest, beside
 * binary weight files), so layers and graph models load and save without the native package, whose
 * `file://` scheme is the only one that reads files.
 *
 * - `load()` reads `model.json` (given directly, or inside the folder `path`) and concatenates the
 *   weight files its manifest names, in manifest order.
 * - `save()` creates the folder `path` and writes `model.json` and one `weights.bin`.
 *
 * Use it as `tf.loadLayersModel(fileSystemIO(dir))`, `tf.loadGraphModel(fileSystemIO(dir))` or
 * `model.save(fileSystemIO(dir))`.
 */
export function fileSystemIO(path: string): io.IOHandler {
  return {
    load: async () => loadArtifacts(path),
    save: async (artifacts) => saveArtifacts(path, artifacts),
  };
}

function loadArtifacts(path: string): io.ModelArtifacts {
  const jsonPath = resolveModelJson(path);
  const modelJSON = readJson(jsonPath);
  const { weightsManifest: manifest, ...rest } = modelJSON;
  const artifacts: io.ModelArtifacts = rest;
  if (manifest !== undefined) {
    const weightSpecs: io.WeightsManifestEntry[] = [];
    const buffers: Uint8Array[] = [];
    for (const group of manifest) {
      weightSpecs.push(...group.weights);
      for (const file of group.paths) {
        const weightsPath = join(dirname(jsonPath), file);
        try {
          buffers.push(readFileSync(weightsPath));
        } catch (err) {
          throw new InvalidInputError(`weights file ${weightsPath} named in ${jsonPath} cannot be read: ${(err as Error).message}`, { cause: err });
        }
      }
    }
    artifacts.weightSpecs = weightSpecs;
    artifacts.weightData = concat(buffers);
  }
  return artifacts;
}

function readJson(jsonPath: string): io.ModelJSON {
  let text: string;
  try {
    text = readFileSync(jsonPath, 'utf8');
  } catch (err) {
    throw new InvalidInputError(`model file ${jsonPath} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(`model file ${jsonPath} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const obj = json as Partial<io.ModelJSON> | null;
  if (obj === null || typeof obj !== 'object' || typeof obj.modelTopology !== 'object' || obj.modelTopology === null) {
    throw new InvalidInputError(`model file ${jsonPath} has no modelTopology; expected a TensorFlow.js model.json`);
  }
  if (obj.weightsManifest !== undefined && !Array.isArray(obj.weightsManifest)) {
    throw new InvalidInputError(`model file ${jsonPath} has a weightsManifest that is not an array`);
  }
  return obj as io.ModelJSON;
}

function concat(buffers: Uint8Array[]): ArrayBuffer {
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

function saveArtifacts(dir: string, artifacts: io.ModelArtifacts): io.SaveResult {
  mkdirSync(dir, { recursive: true });
  const weightData = artifacts.weightData;
  const parts = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
  const weights = concat(parts.map((b) => new Uint8Array(b)));
  const modelJSON: io.ModelJSON = {
    modelTopology: artifacts.modelTopology as io.ModelJSON['modelTopology'],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig !== undefined) modelJSON.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature !== undefined) modelJSON.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata !== undefined) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer !== undefined) modelJSON.modelInitializer = artifacts.modelInitializer;
  const json = JSON.stringify(modelJSON);
  writeFileSync(join(dir, 'model.json'), json);
  writeFileSync(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: Buffer.byteLength(JSON.stringify(modelJSON.modelTopology)),
      weightSpecsBytes: Buffer.byteLength(JSON.stringify(modelJSON.weightsManifest)),
      weightDataBytes: weights.byteLength,
    },
  };
}
