import { afterEach, describe, expect, it } from 'vitest';
import { RemoteModelError } from '../../src/predictors/remote/errors.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { logisticLabels, logisticPredictor, makeRows } from './helpers.js';
import { startSpecServer, type SpecServer, type SpecServerConfig } from './spec-server.js';

/**
 * Round trips against an independent server written from the protocols' specification examples, in
 * each layout the specs allow.
 */

let server: SpecServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const start = async (config: SpecServerConfig) => (server = await startSpecServer(config));

const rows = makeRows(120);
const probabilities = logisticPredictor(rows);
const labels = logisticLabels(rows);

describe('Open Inference Protocol v2 (spec examples)', () => {
  it('flat data with a shape, the input name and FP32 datatype taken from the metadata', async () => {
    const s = await start({ v2: 'flat', v2Input: { name: 'features', datatype: 'FP32' } });
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`, { maxBatchSize: 50 });
    expect(await predict(rows)).toEqual(probabilities);
    expect(s.counters.batchSizes.sort((a, b) => a - b)).toEqual([20, 50, 50]);
  });

  it('an INT64 input declared by the metadata: integer rows go through, fractional rows are refused before sending', async () => {
    const s = await start({ v2: 'flat', v2Input: { name: 'x', datatype: 'INT64' } });
    const predict = await remotePredictor(`${s.url}/v2/models/spec/versions/7/infer`);
    const ints = rows.map((r) => [r[0], r[1], Math.round(r[2])]);
    expect(await predict(ints)).toEqual(logisticPredictor(ints));
    await expect(predict(rows)).rejects.toThrow(/row 1, value 2 is 0.5; the model's input "x" is INT64, which takes integers/);
    expect(s.predictionRequests()).toBe(1);
  });

  it('nested data', async () => {
    const s = await start({ v2: 'nested' });
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`);
    expect(await predict(rows)).toEqual(probabilities);
  });

  it('INT64 labels instead of probabilities', async () => {
    const s = await start({ v2: 'labels' });
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`);
    expect(await predict(rows)).toEqual(labels);
  });

  it('several outputs: outputName picks one (and asks for it); without it the error names them', async () => {
    const s = await start({ v2: 'multi' });
    const proba = await remotePredictor(`${s.url}/v2/models/spec/infer`, { outputName: 'probabilities' });
    expect(await proba(rows)).toEqual(probabilities);
    const predict = await remotePredictor(`${s.url}/v2/models/spec/infer`, { outputName: 'predict' });
    expect(await predict(rows)).toEqual(labels);
    await expect(remotePredictor(`${s.url}/v2/models/spec/infer`, { outputName: 'logits' })).rejects.toThrow(
      /outputName is "logits" but the model's outputs are "predict", "probabilities"/,
    );
    const unnamed = await remotePredictor(`${s.url}/v2/models/spec/infer`);
    const err = await unnamed(rows).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteModelError);
    expect((err as RemoteModelError).kind).toBe('bad-response');
    expect((err as Error).message).toMatch(/has 2 outputs \("predict", "probabilities"\); pass outputName/);
  });
});

describe('KServe v1 (spec examples)', () => {
  it('probability rows', async () => {
    const s = await start({ v1: 'probabilities' });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`);
    expect(await predict(rows)).toEqual(probabilities);
  });

  it('class labels', async () => {
    const s = await start({ v1: 'labels' });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`);
    expect(await predict(rows)).toEqual(labels);
  });

  it('TF Serving style objects, picked by outputName', async () => {
    const s = await start({ v1: 'objects' });
    const predict = await remotePredictor(`${s.url}/v1/models/spec:predict`, { outputName: 'probabilities' });
    expect(await predict(rows)).toEqual(probabilities);
    const classes = await remotePredictor(`${s.url}/v1/models/spec:predict`, { outputName: 'classes' });
    expect(await classes(rows)).toEqual(labels);
  });

  it('an explicit protocol overrides a path that names none', async () => {
    const s = await start({ v1: 'probabilities' });
    await expect(remotePredictor(`${s.url}/custom/score`)).rejects.toThrow(/cannot tell the protocol/);
    const predict = await remotePredictor(`${s.url}/custom/score`, { protocol: 'kserve-v1' });
    expect(predict.protocol).toBe('kserve-v1');
    expect(await predict(rows)).toEqual(probabilities);
  });
});

describe('Seldon Core v1 (spec examples)', () => {
  it('ndarray behind an ingress prefix', async () => {
    const s = await start({});
    const predict = await remotePredictor(`${s.url}/seldon/ns/income/api/v1.0/predictions`);
    expect(predict.protocol).toBe('seldon');
    expect(await predict(rows)).toEqual(probabilities);
  });

  it('the tensor form, mirrored in the response', async () => {
    const s = await start({});
    const predict = await remotePredictor(`${s.url}/api/v1.0/predictions`, { seldonEncoding: 'tensor' });
    expect(await predict(rows)).toEqual(probabilities);
  });
});
