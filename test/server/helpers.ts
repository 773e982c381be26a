import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnchorTabular } from '../../src/anchors/tabular/anchor-tabular.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { loadDemoModel } from '../../src/models/demo-models.js';
import { saveExplainer } from '../../src/persistence/explainer-dir.js';
import type { ExplainerServerOptions } from '../../src/server/options.js';
import { loadServableExplainer } from '../../src/server/servable-explainer.js';
import { createExplainerServer, type ListeningExplainerServer } from '../../src/server/server.js';
import { sleep } from '../remote/helpers.js';

/**
 * Shared pieces of the explainer-server tests: a saved Adult explainer, CLI processes (the server and
 * `serve-model`) with their output lines, and an in-process model server that can be slowed down or
 * broken and records the headers it receives.
 */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The seed of the saved explainer. */
export const SEED = 3;

/** Fits AnchorTabular on the Adult training rows (bundled demo model, seed {@link SEED}) and saves it in a fresh temporary folder. */
export async function saveAdultExplainer(): Promise<string> {
  const adult = loadAdult();
  const dir = mkdtempSync(join(tmpdir(), 'glassbox-server-'));
  const explainer = await new AnchorTabular(loadDemoModel('adult-gbt').predictor, adult.featureNames, {
    categoryMap: adult.categoryMap,
    seed: SEED,
  }).fit(adult.train.rows);
  await saveExplainer(explainer, dir);
  return dir;
}

/** A `glassbox` command running as a child process, with its output split into lines. */
export interface CliProcess {
  child: ChildProcess;
  /** Every line written to stdout and stderr so far. */
  lines: string[];
  /** Lines of stdout that are JSON objects (the server's log). */
  logs(): Array<Record<string, unknown>>;
  /** Waits for a line matching `pattern` and returns its match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves to the exit code when the process ends. */
  exited: Promise<number | null>;
}

/** Starts `node --import tsx src/cli/main.ts ARGS` (the sources, not a possibly stale dist/). */
export function startCli(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    exited,
    logs: () =>
      lines.flatMap((l) => {
        try {
          const v: unknown = JSON.parse(l);
          return v !== null && typeof v === 'object' ? [v as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
    async waitFor(pattern, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        for (const line of lines) {
          const m = pattern.exec(line);
          if (m) return m;
        }
        if (child.exitCode !== null || Date.now() > until) {
          throw new Error(`no line matching ${pattern} (exit code ${child.exitCode}); output:\n${lines.join('\n')}`);
        }
        await sleep(25);
      }
    },
  };
}

/** Starts the explainer server and resolves with its base URL, read from its "Server listening at" log line. */
export async function startExplainerServer(args: string[], env: Record<string, string> = {}): Promise<{ cli: CliProcess; url: string }> {
  // No drain period unless a test asks for one (--drain-ms), so that stopping a test server is quick.
  const cli = startCli(['serve', '--port', '0', ...args], { GLASSBOX_DRAIN_MS: '0', ...env });
  const [, url] = await cli.waitFor(/"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/);
  return { cli, url };
}

/** Polls `GET url` until it answers 200. */
export async function waitUntilReady(url: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while ((await fetch(`${url}/v2/health/ready`)).status !== 200) {
    if (Date.now() > until) throw new Error(`${url} did not turn ready within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Stops a child process (SIGTERM) and waits for it, if it is still running. */
export async function stop(cli: CliProcess | undefined): Promise<void> {
  if (cli === undefined || cli.child.exitCode !== null) return;
  cli.child.kill('SIGTERM');
  await cli.exited;
}

/** An in-process model server of the bundled Adult model whose latency and failures a test controls. */
export interface ControlledModel {
  server: ListeningModelServer;
  /** The v2 inference URL. */
  inferUrl: string;
  /** Milliseconds every prediction waits before answering. */
  delayMs: number;
  /** When set, predictions fail (the model server answers 500 with this message). */
  failure: string | undefined;
  /** Prediction requests received (POSTs), and the `x-request-id` each carried. */
  requestIds: Array<string | undefined>;
}

export async function startControlledModel(): Promise<ControlledModel> {
  const adult = loadAdult();
  const { predictor } = loadDemoModel('adult-gbt');
  const control = { delayMs: 0, failure: undefined as string | undefined, requestIds: [] as Array<string | undefined> };
  const model = createModelServer({
    name: 'adult',
    nFeatures: adult.featureNames.length,
    port: 0,
    predictor: async (rows) => {
      if (control.delayMs > 0) await sleep(control.delayMs);
      if (control.failure !== undefined) throw new Error(control.failure);
      return predictor(rows);
    },
  });
  model.app.addHook('onRequest', async (req) => {
    if (req.method === 'POST') control.requestIds.push(req.headers['x-request-id'] as string | undefined);
  });
  const server = await model.listen();
  return Object.assign(control, { server, inferUrl: `${server.url}/v2/models/adult/infer` });
}

/**
 * The explainer saved in `dir` served by `glassbox serve` in front of a ControlledModel of Adult (model
 * name "adult"), once ready. The model server starts while `dir` is still being written.
 */
export async function serveAdultExplainer(dir: string | Promise<string>): Promise<{ model: ControlledModel; server: CliProcess; url: string }> {
  const [model, saved] = await Promise.all([startControlledModel(), dir]);
  const { cli: server, url } = await startExplainerServer(['--explainer', saved, '--predictor-url', model.inferUrl, '--model-name', 'adult']);
  await waitUntilReady(url);
  return { model, server, url };
}

/**
 * The Adult explainer (saveAdultExplainer) served in-process on 127.0.0.1, port 0, in front of a
 * ControlledModel, once ready; `options` add to or override the server's.
 */
export async function startAdultExplainerServer(options: Partial<ExplainerServerOptions> = {}): Promise<{ model: ControlledModel; server: ListeningExplainerServer }> {
  const [dir, model] = await Promise.all([saveAdultExplainer(), startControlledModel()]);
  const server = await createExplainerServer({
    predictorUrl: model.inferUrl,
    port: 0,
    logLevel: 'silent',
    explainer: (predictor) => loadServableExplainer(dir, predictor),
    ...options,
  }).listen();
  await server.ready;
  return { model, server };
}
