import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnchorImage } from '../../src/anchors/image/anchor-image.js';
import { AnchorText } from '../../src/anchors/text/anchor-text.js';
import { servedBundledModel } from '../../src/cli/commands/serve-model.js';
import { createModelServer, type ListeningModelServer } from '../../src/model-server/server.js';
import { saveExplainer, type SaveableExplainer } from '../../src/persistence/explainer-dir.js';
import { loadServableExplainer } from '../../src/server/servable-explainer.js';
import { createExplainerServer } from '../../src/server/server.js';
import { tempDir } from '../persistence/helpers.js';

/**
 * A model whose v2 metadata declares another input than the explainer needs (texts for an image
 * explainer, images of another shape, images for a text explainer): the server does not turn ready
 * (it reads the metadata again on each try, for a model redeployed with the right one), and its
 * readiness answer says why.
 */

let sentiment: ListeningModelServer;
let mnist: ListeningModelServer;
const disposers: Array<() => void> = [];

beforeAll(async () => {
  for (const name of ['sentiment', 'mnist']) {
    const model = await servedBundledModel(name);
    disposers.push(model.dispose);
    const server = await createModelServer({ ...model.options, port: 0 }).listen();
    if (name === 'sentiment') sentiment = server;
    else mnist = server;
  }
});
afterAll(async () => {
  await sentiment?.close();
  await mnist?.close();
  for (const dispose of disposers) dispose();
});

async function readiness(explainer: SaveableExplainer, predictorUrl: string) {
  const dir = await tempDir();
  await saveExplainer(explainer, dir);
  const server = await createExplainerServer({
    modelName: 'm',
    predictorUrl,
    port: 0,
    logLevel: 'silent',
    explainer: (predictor) => loadServableExplainer(dir, predictor),
  }).listen();
  try {
    // The server keeps reading the metadata (the model may be redeployed); it turns ready only if it fits.
    const until = Date.now() + 15_000;
    for (;;) {
      const res = await fetch(`${server.url}/v2/health/ready`);
      const body = (await res.json()) as { ready: boolean; reason: string };
      if (/metadata|do not fit|BYTES/.test(body.reason ?? '') || Date.now() > until) return { status: res.status, body };
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await server.close();
  }
}

describe('a model whose metadata does not fit the explainer', () => {
  it('keeps readiness off with the reason', async () => {
    const image = await readiness(new AnchorImage((xs) => xs.map(() => 0), { shape: [28, 28, 1] }), `${sentiment.url}/v2/models/sentiment/infer`);
    expect(image.status).toBe(503);
    expect(image.body.ready).toBe(false);
    expect(image.body.reason).toMatch(/^waiting for the model at .*: the model's input "input-0" .* is BYTES \(texts\), but the instances are numbers of shape \[28, 28, 1\]/);
    const small = await readiness(new AnchorImage((xs) => xs.map(() => 0), { shape: [8, 8, 1] }), `${mnist.url}/v2/models/mnist/infer`);
    expect(small.body.reason).toMatch(/instances of shape \[8, 8, 1\] do not fit the model's input "input-0" .*which takes \[-1, 28, 28, 1\]/);
    const text = await readiness(new AnchorText((xs) => xs.map(() => 0)), `${mnist.url}/v2/models/mnist/infer`);
    expect(text.body.reason).toMatch(/the explainer's instances are texts, but the model's metadata declares an input of shape \[-1, 28, 28, 1\] \(numbers\); expected BYTES/);
  }, 30_000);
});
