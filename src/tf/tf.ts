import { GlassboxError } from '../core/errors.js';
import { isPackageMissing } from '../peer-dependency.js';
import { registerWasmConv2DFilterGrad } from './wasm-kernels.js';

/** The TensorFlow.js namespace (`@tensorflow/tfjs`, or `@tensorflow/tfjs-node`, which re-exports it). */
export type Tf = typeof import('@tensorflow/tfjs');

/** Which TensorFlow.js backend {@link loadTf} set up, and why. */
export interface TfBackendInfo {
  /** `tensorflow` (native, from `@tensorflow/tfjs-node`) or `wasm`. */
  backend: string;
  /** Why `@tensorflow/tfjs-node` is not used, when it is not (not installed, or failed to load). */
  nativeUnavailable?: string;
}

let ready: Promise<{ tf: Tf; info: TfBackendInfo }> | undefined;

/**
 * The TensorFlow.js every part of glassbox uses, initialised once per process and shared.
 *
 * When the optional peer dependency `@tensorflow/tfjs-node` is installed and loads, its native
 * `tensorflow` backend is used; otherwise `@tensorflow/tfjs` with the WebAssembly backend
 * (`@tensorflow/tfjs-backend-wasm`, SIMD), which needs no native code and no download at install time,
 * completed with the convolution filter gradient it lacks (see `wasm-kernels.ts`).
 * TensorFlow.js is imported on first call, not when glassbox is imported (it takes about half a
 * second), so code that never touches a tensor never pays for it.
 *
 * @throws GlassboxError (`TF_BACKEND`) when neither backend can be initialised.
 */
export async function loadTf(): Promise<Tf> {
  return (await initialise()).tf;
}

/** The backend {@link loadTf} chose (initialising TensorFlow.js if it is not yet). */
export async function tfBackendInfo(): Promise<TfBackendInfo> {
  return { ...(await initialise()).info };
}

function initialise(): Promise<{ tf: Tf; info: TfBackendInfo }> {
  ready ??= init().catch((err: unknown) => {
    ready = undefined; // let a later call try again
    throw err;
  });
  return ready;
}

async function init(): Promise<{ tf: Tf; info: TfBackendInfo }> {
  let nativeUnavailable: string;
  // A variable specifier: the package is optional, and neither TypeScript nor bundlers should resolve it.
  const specifier = '@tensorflow/tfjs-node';
  try {
    const mod = (await import(specifier)) as Tf & { default?: Tf };
    const tf = mod.default ?? mod;
    if (await tf.setBackend('tensorflow')) {
      await tf.ready();
      return { tf, info: { backend: 'tensorflow' } };
    }
    nativeUnavailable = '@tensorflow/tfjs-node loaded but its tensorflow backend did not initialise';
  } catch (err) {
    nativeUnavailable = isPackageMissing(err, specifier)
      ? '@tensorflow/tfjs-node is not installed'
      : `@tensorflow/tfjs-node failed to load: ${err instanceof Error ? err.message : String(err)}`;
  }
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-wasm');
  let ok = false;
  const restoreListeners = snapshotProcessListeners();
  try {
    ok = await tf.setBackend('wasm');
  } catch (err) {
    throw new GlassboxError('TF_BACKEND', `the TensorFlow.js wasm backend failed to initialise: ${(err as Error).message}`, { cause: err });
  } finally {
    restoreListeners();
  }
  if (!ok) throw new GlassboxError('TF_BACKEND', 'the TensorFlow.js wasm backend failed to initialise; expected @tensorflow/tfjs-backend-wasm with its .wasm files');
  await tf.ready();
  registerWasmConv2DFilterGrad(tf);
  return { tf, info: { backend: 'wasm', nativeUnavailable } };
}

/**
 * The Emscripten module of the wasm backend adds process-wide `uncaughtException` and
 * `unhandledRejection` listeners that rethrow, so that any later uncaught error in the host program
 * is reported with the backend's whole minified source, and an unhandled rejection crashes the
 * process. They only serve Emscripten's own exit handling, which TensorFlow.js does not use; remove
 * the listeners it added and leave the host's own.
 */
function snapshotProcessListeners(): () => void {
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((e) => new Set(process.listeners(e as 'uncaughtException')));
  return () => {
    events.forEach((e, i) => {
      for (const listener of process.listeners(e as 'uncaughtException')) {
        if (!before[i].has(listener)) process.removeListener(e, listener);
      }
    });
  };
}
