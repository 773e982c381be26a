import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/core/errors.js';
import { Limiter, splitBatches } from '../../src/predictors/remote/batching.js';
import { resolveEndpoint } from '../../src/predictors/remote/endpoint.js';
import { bodySnippet, serverMessage } from '../../src/predictors/remote/errors.js';
import { REMOTE_PREDICTOR_DEFAULTS, resolveRemoteOptions } from '../../src/predictors/remote/options.js';
import { KServeV1Codec } from '../../src/predictors/remote/protocols/kserve-v1.js';
import { SeldonCodec } from '../../src/predictors/remote/protocols/seldon.js';
import { V2Codec } from '../../src/predictors/remote/protocols/v2.js';
import { readInstances } from '../../src/predictors/remote/instances.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { backoffDelay, isRetryableNetworkError, retryAfterMs } from '../../src/predictors/remote/retry.js';
import { ResponseShapeError } from '../../src/predictors/remote/tensor.js';

/** The pure parts of the remote predictor: URLs, options, backoff, batching and decoding. */

describe('resolveEndpoint', () => {
  it.each([
    ['http://h:8080/v2/models/income/infer', 'v2', 'http://h:8080/v2/models/income/infer', 'http://h:8080/v2/models/income'],
    ['http://h/v2/models/income/versions/3/infer', 'v2', 'http://h/v2/models/income/versions/3/infer', 'http://h/v2/models/income/versions/3'],
    ['http://h/v2/models/income', 'v2', 'http://h/v2/models/income/infer', 'http://h/v2/models/income'],
    ['https://h/prefix/v1/models/income:predict', 'kserve-v1', 'https://h/prefix/v1/models/income:predict', undefined],
    ['http://h/v1/models/income', 'kserve-v1', 'http://h/v1/models/income:predict', undefined],
    ['http://h/seldon/ns/income/api/v1.0/predictions', 'seldon', 'http://h/seldon/ns/income/api/v1.0/predictions', undefined],
    ['http://h/api/v0.1/predictions?x=1', 'seldon', 'http://h/api/v0.1/predictions?x=1', undefined],
  ])('%s is %s', (url, protocol, inferUrl, metadataUrl) => {
    expect(resolveEndpoint(url, 'auto')).toEqual({ protocol, inferUrl, metadataUrl });
  });

  it('an explicit protocol overrides the path', () => {
    expect(resolveEndpoint('http://h/score', 'seldon')).toEqual({ protocol: 'seldon', inferUrl: 'http://h/score', metadataUrl: undefined });
    expect(resolveEndpoint('http://h/v1/models/m:predict', 'v2').protocol).toBe('v2');
  });

  it('refuses URLs it cannot use, saying why', () => {
    expect(() => resolveEndpoint('not a url', 'auto')).toThrow(/does not parse/);
    expect(() => resolveEndpoint('ftp://h/v2/models/m/infer', 'auto')).toThrow(/uses ftp:; expected http: or https:/);
    expect(() => resolveEndpoint('http://h/predict', 'auto')).toThrow(/cannot tell the protocol .* or pass protocol/);
    expect(() => resolveEndpoint('http://h/v1/models/m:explain', 'auto')).toThrow(/asks for :explain; a remote predictor calls :predict/);
    expect(() => resolveEndpoint('', 'auto')).toThrow(InvalidInputError);
  });
});

describe('options', () => {
  it('fills in the defaults', () => {
    const o = resolveRemoteOptions(undefined);
    expect(o).toMatchObject({
      maxBatchSize: REMOTE_PREDICTOR_DEFAULTS.maxBatchSize,
      concurrency: 4,
      retries: 3,
      timeoutMs: 30_000,
      protocol: 'auto',
    });
  });

  it.each([
    [{ maxBatchSize: 0 }, /maxBatchSize is 0; expected an integer >= 1/],
    [{ concurrency: 1.5 }, /concurrency is 1.5/],
    [{ retries: -1 }, /retries is -1; expected an integer >= 0/],
    [{ timeoutMs: 0 }, /timeoutMs is 0/],
    [{ backoffBaseMs: 100, backoffMaxMs: 10 }, /expected backoffMaxMs >= backoffBaseMs/],
    [{ protocol: 'grpc' }, /protocol is "grpc"/],
    [{ headers: { 'Bad Header': 'x' } }, /not a valid HTTP header name/],
    [{ headers: { A: 1 } }, /header "A" is 1; expected a string/],
    [{ inputDatatype: 'STRING' }, /inputDatatype is "STRING"; expected one of FP32, FP64.*BYTES/],
    [{ signal: {} }, /signal is an object \(Object\); expected an AbortSignal/],
    [{ batchSize: 10 }, /no option "batchSize"/],
  ])('refuses %j', (options, message) => {
    expect(() => resolveRemoteOptions(options as never)).toThrow(InvalidInputError);
    expect(() => resolveRemoteOptions(options as never)).toThrow(message);
  });

  it('refuses options the protocol would ignore, and bad rows before any request', async () => {
    await expect(remotePredictor('http://127.0.0.1:1/v1/models/m:predict', { inputName: 'x' })).rejects.toThrow(
      /inputName applies to the v2 protocol only, but the protocol is kserve-v1/,
    );
    await expect(remotePredictor('http://127.0.0.1:1/api/v1.0/predictions', { outputName: 'y' })).rejects.toThrow(/outputName applies/);
    await expect(remotePredictor('http://127.0.0.1:1/v1/models/m', { seldonEncoding: 'tensor' })).rejects.toThrow(/seldonEncoding applies/);
    const predict = await remotePredictor('http://127.0.0.1:1/v1/models/m:predict');
    await expect(predict([[1, 2], [3]])).rejects.toThrow(/row 1 has 1 values but row 0 has 2/);
    await expect(predict([[1, NaN]])).rejects.toThrow(/row 0, value 1 is NaN; expected a finite number/);
    await expect(predict('rows' as never)).rejects.toThrow(InvalidInputError);
    expect(predict.stats.requests).toBe(0);
  });
});

describe('retry policy', () => {
  it('backoff is uniform below min(max, base * 2^i)', () => {
    expect(backoffDelay(0, 100, 5000, () => 0.5)).toBe(50);
    expect(backoffDelay(3, 100, 5000, () => 0.5)).toBe(400);
    expect(backoffDelay(10, 100, 5000, () => 0.999)).toBeCloseTo(4995);
    expect(backoffDelay(2, 100, 5000, () => 0)).toBe(0);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('retries network errors by code or by Node message only', () => {
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ERR_X', cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(isRetryableNetworkError(new Error('socket hang up'))).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe(false);
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))).toBe(false);
  });

  it('finds the server\'s message in each protocol\'s error body', () => {
    expect(serverMessage('{"error":"bad input"}')).toBe('bad input');
    expect(serverMessage('{"status":{"status":1,"info":"bad data","code":-1,"reason":"MICROSERVICE_BAD_DATA"}}')).toBe(
      'bad data: MICROSERVICE_BAD_DATA',
    );
    expect(serverMessage('{"detail":"Not Found"}')).toBe('Not Found');
    expect(serverMessage('<html>')).toBeUndefined();
    expect(bodySnippet('x'.repeat(600))).toHaveLength(501);
  });
});

describe('batching', () => {
  it('splits rows into ordered ranges that cover each row once', () => {
    expect(splitBatches(2500, 300).map((r) => r.end - r.start)).toEqual([300, 300, 300, 300, 300, 300, 300, 300, 100]);
    expect(splitBatches(0, 10)).toEqual([]);
    expect(splitBatches(10, 10)).toEqual([{ start: 0, end: 10 }]);
  });

  it('Limiter admits `limit` holders, first come first served, and drops aborted waiters', async () => {
    const limiter = new Limiter(2);
    await limiter.acquire();
    await limiter.acquire();
    const order: string[] = [];
    const a = limiter.acquire().then(() => order.push('a'));
    const controller = new AbortController();
    const b = limiter.acquire(controller.signal).catch(() => order.push('b aborted'));
    const c = limiter.acquire().then(() => order.push('c'));
    controller.abort();
    limiter.release();
    limiter.release();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['b aborted', 'a', 'c']);
    expect(limiter.inFlight).toBe(2);
  });
});

describe('codecs', () => {
  it('v2 encodes one flat tensor and asks for the named output', () => {
    const codec = new V2Codec({ name: 'in', datatype: 'FP32', dims: [2], layout: undefined }, { outputName: 'probs', scale: 1, classes: undefined });
    expect(codec.encode({ kind: 'numbers', shape: [2], values: [[1, 2], [3, 4]] })).toEqual({
      inputs: [{ name: 'in', shape: [2, 2], datatype: 'FP32', data: [1, 2, 3, 4] }],
      outputs: [{ name: 'probs' }],
    });
  });

  it('v2 decodes flat, nested, [n] and [n, 1] outputs, and BOOL labels', () => {
    const codec = new V2Codec({ name: 'in', datatype: 'FP64', dims: undefined, layout: undefined }, { outputName: undefined, scale: 1, classes: undefined });
    const out = (o: object) => ({ outputs: [{ name: 'o', ...o }] });
    expect(codec.decode(out({ datatype: 'FP64', shape: [2, 2], data: [0.1, 0.9, 0.8, 0.2] }), 2)).toEqual({
      kind: 'probabilities',
      rows: [[0.1, 0.9], [0.8, 0.2]],
    });
    expect(codec.decode(out({ datatype: 'FP64', shape: [2, 2], data: [[0.1, 0.9], [0.8, 0.2]] }), 2).kind).toBe('probabilities');
    expect(codec.decode(out({ datatype: 'INT64', shape: [2, 1], data: [1, 0] }), 2)).toEqual({ kind: 'labels', labels: [1, 0] });
    expect(codec.decode(out({ datatype: 'BOOL', shape: [2], data: [true, false] }), 2)).toEqual({ kind: 'labels', labels: [1, 0] });
    // One non-integer value per row: a regressor's values (or a lone P(class 1), which toLabels refuses).
    expect(codec.decode(out({ datatype: 'FP32', shape: [2], data: [0.3, 151.5] }), 2)).toEqual({ kind: 'values', values: [0.3, 151.5] });
  });

  it.each([
    [{ outputs: [] }, /"outputs" is an array of length 0/],
    [{ outputs: [{ name: 'o', datatype: 'FP32', shape: [2, 2], data: [0.3, 0.7, 0.1] }] }, /shape \[2,2\] \(4 values\) but 3 values/],
    [{ outputs: [{ name: 'o', datatype: 'FP32', shape: [2, 2, 1], data: [1, 2, 3, 4] }] }, /shape \[2,2,1\]; expected \[rows\]/],
    [{ outputs: [{ name: 'o', datatype: 'BYTES', shape: [2], data: ['a', 'b'] }] }, /holds class names \("a"\); pass classes/],
    [{ outputs: [{ name: 'o', datatype: 'FP32', shape: [2, 2], data: [[1, 2], [3]] }] }, /data\[1\] is an array of length 1; expected an array of 2/],
    [{ outputs: [{ name: 'o', datatype: 'FP32', shape: [2, 2], data: [1, null, 3, 4] }] }, /data\[1\] is null; expected a finite number/],
    [{ outputs: [{ name: 'o', datatype: 'FP32', shape: [2, 2], data: [[1, 2], [3, '4']] }] }, /data\[1\]\[1\] is "4"; expected a finite number/],
    ['just a string', /the v2 inference response is "just a string"; expected an object/],
  ])('v2 refuses %j', (body, message) => {
    const codec = new V2Codec({ name: 'in', datatype: 'FP64', dims: undefined, layout: undefined }, { outputName: undefined, scale: 1, classes: undefined });
    expect(() => codec.decode(body, 2)).toThrow(ResponseShapeError);
    expect(() => codec.decode(body, 2)).toThrow(message);
  });

  it('KServe v1 and Seldon refuse responses that lack their payload', () => {
    expect(() => new KServeV1Codec(undefined).decode({ outputs: [1] }, 1)).toThrow(/"predictions" is missing/);
    expect(() => new KServeV1Codec(undefined).decode({ predictions: [{ a: 1 }] }, 1)).toThrow(/pass outputName/);
    expect(() => new SeldonCodec('ndarray', undefined).decode({ jsonData: 'x' }, 1)).toThrow(/"data" is missing/);
    expect(() => new SeldonCodec('ndarray', undefined).decode({ data: { tftensor: {} } }, 1)).toThrow(/tftensor is not supported/);
    expect(new SeldonCodec('tensor', ['a', 'b']).encode({ kind: 'numbers', shape: [2], values: [[1, 2], [3, 4]] })).toEqual({
      data: { names: ['a', 'b'], tensor: { shape: [2, 2], values: [1, 2, 3, 4] } },
    });
  });
});

describe('typed instances on the wire', () => {
  // A 2x2 image with 3 channels; pixel p, channel c holds 10 * p + c.
  const hwc = [0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32];
  const image = { height: 2, width: 2, channels: 3, data: Float32Array.from(hwc) };

  it('reads texts, rows, nested arrays and images, and refuses mixed or ragged batches', () => {
    expect(readInstances(['a', 'b'], undefined)).toEqual({ kind: 'strings', texts: ['a', 'b'] });
    expect(readInstances([image], undefined)).toMatchObject({ kind: 'numbers', shape: [2, 2, 3] });
    expect(readInstances([[[1], [2]], [[3], [4]]], undefined)).toEqual({ kind: 'numbers', shape: [2, 1], values: [[1, 2], [3, 4]] });
    expect(readInstances([hwc], [2, 2, 3])).toMatchObject({ kind: 'numbers', shape: [2, 2, 3] });
    expect(() => readInstances(['a', [1]], undefined)).toThrow(/instance 1 is an array of length 1 but instance 0 is a string/);
    expect(() => readInstances([hwc], [2, 2, 2])).toThrow(/instance 0 has shape \[12\] \(12 values\) but the predictor's shape is \[2, 2, 2\]/);
  });

  it('lays images out channels first for NCHW, nested for KServe v1, and scales for UINT8', () => {
    const v2 = new V2Codec({ name: 'x', datatype: 'UINT8', dims: [3, 2, 2], layout: undefined }, { outputName: undefined, scale: 2, classes: undefined });
    const batch = readInstances([image], undefined);
    v2.checkInstances(batch);
    expect(v2.encode(batch)).toEqual({ inputs: [{ name: 'x', shape: [1, 3, 2, 2], datatype: 'UINT8', data: [0, 20, 40, 60, 2, 22, 42, 62, 4, 24, 44, 64] }] });
    const v1 = new KServeV1Codec(undefined, { layout: 'NCHW', scale: 1, integer: false });
    expect(v1.encode(batch)).toEqual({ instances: [[[[0, 10], [20, 30]], [[1, 11], [21, 31]], [[2, 12], [22, 32]]]] });
    const texts = new V2Codec({ name: 't', datatype: 'BYTES', dims: [1], layout: undefined }, { outputName: undefined, scale: 1, classes: ['no', 'yes'] });
    expect(texts.encode({ kind: 'strings', texts: ['a', 'b'] })).toEqual({ inputs: [{ name: 't', shape: [2, 1], datatype: 'BYTES', parameters: { content_type: 'str' }, data: ['a', 'b'] }] });
    expect(texts.decode({ outputs: [{ name: 'o', datatype: 'BYTES', shape: [2, 1], data: [['yes'], ['no']] }] }, 2)).toEqual({ kind: 'labels', labels: [1, 0] });
    expect(new SeldonCodec('strData', undefined).encode({ kind: 'strings', texts: ['a'] })).toEqual({ strData: 'a' });
    expect(new SeldonCodec('ndarray', undefined, undefined, ['no', 'yes']).decode({ strData: 'yes' }, 1)).toEqual({ kind: 'labels', labels: [1] });
  });
});
