import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedBundledModel } from '../../src/cli/commands/serve-model.js';
import { loadAdult } from '../../src/datasets/adult.js';
import { bundledEmbeddings } from '../../src/datasets/glove.js';
import { loadMnist } from '../../src/datasets/mnist.js';
import { decodePng, encodePng } from '../../src/image/codecs.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { loadExplainer } from '../../src/persistence/explainer-dir.js';
import type { Predictor } from '../../src/predictors/predictor.js';
import { cli } from '../cli/run-cli.js';
import { startCli, stop, waitUntilReady, type CliProcess } from './helpers.js';

/**
 * `glassbox serve` as a child process with each of the six explainer types saved by `glassbox fit`, in
 * front of the bundled models served over HTTP on 127.0.0.1: each answers `:explain` over KServe v1 and
 * the v2 explainer route with the library's explanation of the same folder, byte for byte, and a
 * malformed instance with a 400 that says what an instance is. Searches are kept tiny.
 */

interface Case {
  type: string;
  fit: string[];
  model: 'adult' | 'sentiment' | 'mnist';
  instance: () => unknown;
  v2Input: (instance: any) => Record<string, unknown>;
  bad: unknown;
  badMessage: RegExp;
}

const adultRow = () => loadAdult().test.rows[3];
const digit = () => Array.from(loadMnist().test.image(1));
const text = 'The food was cold and the waiter was rude.';
const imageInput = (x: number[]) => ({ name: 'input-0', datatype: 'FP32', shape: [1, 28, 28, 1], data: x });
const tiny = ['--max-iterations', '2', '--c-steps', '1'];

const CASES: Case[] = [
  {
    type: 'AnchorTabular', fit: ['adult', '--max-training-rows', '2000'], model: 'adult', instance: adultRow,
    v2Input: (x) => ({ name: 'input-0', datatype: 'FP64', shape: [1, 12], data: x }), bad: [1, 2, 3], badMessage: /^the explained row has 3 values; expected 12/,
  },
  {
    type: 'AnchorText', fit: ['sentiment', '--sampling', 'similarity'], model: 'sentiment', instance: () => text,
    v2Input: (x) => ({ name: 'input-0', datatype: 'BYTES', shape: [1], data: [x] }), bad: [1, 2, 3], badMessage: /^the instance is an array of length 3; expected a string$/,
  },
  {
    type: 'AnchorImage', fit: ['mnist'], model: 'mnist', instance: digit, v2Input: imageInput, bad: 'a digit',
    badMessage: /^the instance is "a digit"; expected an image of shape \[28, 28, 1\]/,
  },
  { type: 'Counterfactual', fit: ['mnist', '--method', 'counterfactual', ...tiny], model: 'mnist', instance: digit, v2Input: imageInput, bad: [1, 2], badMessage: /has 2 values; expected 784/ },
  { type: 'CEM', fit: ['mnist', '--method', 'cem', '--ae', ...tiny], model: 'mnist', instance: digit, v2Input: imageInput, bad: [1, 2], badMessage: /has 2 values; expected 784/ },
  { type: 'CounterfactualProto', fit: ['mnist', '--method', 'proto', ...tiny], model: 'mnist', instance: digit, v2Input: imageInput, bad: [1, 2], badMessage: /has 2 values; expected 784/ },
];

const models: Record<string, { server: ListeningModelServer; dispose: () => void; predictor: (x: any[]) => unknown }> = {};
const running: Record<string, { cli: CliProcess; url: string; dir: string }> = {};

beforeAll(async () => {
  for (const name of ['adult', 'sentiment', 'mnist'] as const) {
    const model = await servedBundledModel(name);
    models[name] = { server: await createModelServer({ ...model.options, port: 0 }).listen(), dispose: model.dispose, predictor: model.options.predictor };
  }
  const starting: Array<Promise<void>> = [];
  for (const c of CASES) {
    const dir = mkdtempSync(join(tmpdir(), `glassbox-serve-${c.type}-`));
    const fitted = await cli('fit', ...c.fit, '--out', dir);
    expect(fitted.stderr).toBe('');
    const path = `/v2/models/${c.model}/infer`;
    // Each server starts while the next explainer is fitted.
    starting.push(
      (async () => {
        // As startExplainerServer, with more time: six servers start at once on a shared machine.
        const server = startCli(['serve', '--port', '0', '--explainer', dir, '--predictor-url', models[c.model].server.url + path, '--model-name', c.model]);
        const [, url] = await server.waitFor(/"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/, 60_000);
        running[c.type] = { dir, cli: server, url };
        await waitUntilReady(url, 60_000);
      })(),
    );
  }
  await Promise.all(starting);
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(running).map(({ cli: p }) => stop(p)));
  for (const { server, dispose } of Object.values(models)) {
    await server.close();
    dispose();
  }
});

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

describe('glassbox serve with each of the six explainer types', () => {
  it.each(CASES)('$type: KServe v1 and v2 answer the library\'s explanation; a malformed instance is a 400', async (c) => {
    const { url, dir } = running[c.type];
    const instance = c.instance();
    // The same folder in-process, with the model as a black box (a plain function, as the URL is).
    const local = models[c.model].predictor;
    const predictor = c.type === "AnchorImage" ? (images: Array<{ data: Float32Array }>) => local(images.map((im) => im.data)) : (xs: unknown[]) => local(xs);
    const expected = JSON.stringify(await (await loadExplainer(dir, predictor as Predictor<any>, { findEmbeddings: bundledEmbeddings })).explain(instance));
    expect(JSON.parse(expected).meta.name).toBe(c.type);
    expect(await post(`${url}/v1/models/${c.model}:explain`, { instances: [instance] })).toEqual({ status: 200, text: expected });
    const v2 = await post(`${url}/v2/models/${c.model}/infer`, { inputs: [c.v2Input(instance)] });
    expect(v2.status).toBe(200);
    expect(JSON.parse(v2.text).outputs[0].data).toEqual([expected]);

    const bad = await post(`${url}/v1/models/${c.model}:explain`, { instances: [c.bad] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(c.badMessage);
  }, 60_000);

  it('AnchorImage: ?omit=data.raw.examples leaves the covered examples out, and ?omit names only what can be left out', async () => {
    const { url } = running.AnchorImage;
    const full = JSON.parse((await post(`${url}/explain`, { instance: digit() })).text);
    const trimmed = await post(`${url}/explain?omit=data.raw.examples`, { instance: digit() });
    expect(trimmed.status).toBe(200);
    const { examples, ...raw } = full.data.raw;
    expect(examples.length).toBeGreaterThan(0);
    expect(JSON.parse(trimmed.text)).toEqual({ ...full, data: { ...full.data, raw } });
    expect(trimmed.text.length).toBeLessThan(JSON.stringify(full).length);
    const bad = await post(`${url}/v1/models/mnist:explain?omit=meta`, { instances: [digit()] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/\?omit names "meta"; expected a comma-separated list of data.raw.examples/);
  });

  it('AnchorImage: a base64 PNG in a v2 BYTES input or a KServe v1 {"b64"} instance is decoded to the explainer\'s shape', async () => {
    const { url } = running.AnchorImage;
    const pixels = loadMnist().test.image(1);
    const png = encodePng({ height: 28, width: 28, channels: 1, data: pixels }).toString('base64');
    const expected = (await post(`${url}/explain`, { instance: Array.from(decodePng(Buffer.from(png, 'base64')).data) })).text;
    const v2 = await post(`${url}/v2/models/mnist/infer`, { inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: [png] }] });
    expect(v2.status).toBe(200);
    expect(JSON.parse(v2.text).outputs[0].data).toEqual([expected]);
    expect(await post(`${url}/v1/models/mnist:explain`, { instances: [{ b64: png }] })).toEqual({ status: 200, text: expected });
    const rgb = encodePng({ height: 2, width: 2, channels: 3, data: new Float32Array(12) }).toString('base64');
    const bad = await post(`${url}/v2/models/mnist/infer`, { inputs: [{ name: 'image', datatype: 'BYTES', shape: [1], data: [rgb] }] });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toBe('input "image" decodes to an image of shape [2, 2, 3]; expected [28, 28, 1]');
  });

  it('AnchorText over Seldon strData, and its v2 metadata declares a BYTES input', async () => {
    const { url } = running.AnchorText;
    const seldon = await post(`${url}/api/v1.0/explain`, { strData: text });
    expect(seldon.status).toBe(200);
    expect(JSON.parse(seldon.text).data.raw.instance).toBe(text);
    const bad = await post(`${url}/api/v1.0/explain`, { data: { ndarray: [[1, 2]] } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).status.info).toMatch(/the instance is an array of length 2; expected a string/);
    const meta: any = await (await fetch(`${url}/v2/models/sentiment`)).json();
    expect(meta.inputs).toEqual([{ name: 'input-0', datatype: 'BYTES', shape: [1], parameters: { content_type: 'str' } }]);
  });
});
