import { describe, expect, it } from 'vitest';
import { cli } from '../cli/run-cli.js';
import { parseServeArgs, serveOptions } from '../../src/cli/commands/serve.js';
import { createModelServer } from '../../src/model-server/server.js';
import { remotePredictor } from '../../src/predictors/remote/remote-predictor.js';
import { modelReadyUrl } from '../../src/server/model-probe.js';
import { predictorUrlFromHost } from '../../src/server/predictor-host.js';
import { createExplainerServer } from '../../src/server/server.js';

/** Configuration: flags, GLASSBOX_* variables and KServe's container arguments, and their mistakes. */

/** The options `glassbox serve ARGV` runs with, in environment `env`. */
function options(argv: string[], env: Record<string, string> = {}) {
  return serveOptions(parseServeArgs(argv).values, env);
}

describe('glassbox serve configuration', () => {
  it('reads flags, and GLASSBOX_* variables where no flag is given', () => {
    expect(
      options(['--explainer', 'e', '--predictor-url', 'http://m/v2/models/a/infer', '--port', '9000', '--max-queue', '0', '--predictor-header', 'Seldon-Model: income'], {
        GLASSBOX_PORT: '7000',
        GLASSBOX_MAX_CONCURRENT: '8',
        GLASSBOX_EXPLAIN_TIMEOUT_MS: '5000',
        GLASSBOX_TOKEN: 'abc',
        GLASSBOX_LOG_LEVEL: 'warn',
        GLASSBOX_HOST: '0.0.0.0',
      }),
    ).toEqual({
      explainerDir: 'e',
      modelName: undefined,
      predictorUrl: 'http://m/v2/models/a/infer',
      predictorHeaders: { 'Seldon-Model': 'income' },
      host: '0.0.0.0',
      port: 9000,
      maxConcurrent: 8,
      maxQueue: 0,
      explainTimeoutMs: 5000,
      bodyLimit: undefined,
      drainMs: 3000,
      maxCoverageSamples: undefined,
      maxBatchSize: undefined,
      maxBeamSize: undefined,
      token: 'abc',
      logLevel: 'warn',
    });
    expect(options([], { GLASSBOX_EXPLAINER: '/mnt/e', GLASSBOX_PREDICTOR_URL: 'http://m/v1/models/a:predict', GLASSBOX_MODEL_NAME: 'a' })).toMatchObject({
      explainerDir: '/mnt/e',
      predictorUrl: 'http://m/v1/models/a:predict',
      modelName: 'a',
    });
  });

  it("takes KServe's container arguments and builds the model URL from --predictor_host", () => {
    expect(options(['--model_name', 'income', '--predictor_host', 'income-predictor.default', '--http_port', '8080', '--storage_uri', '/mnt/models'])).toMatchObject({
      explainerDir: '/mnt/models',
      modelName: 'income',
      port: 8080,
      predictorUrl: 'http://income-predictor.default/v1/models/income:predict',
    });
    expect(options(['--storage_uri', 'd', '--model_name', 'm', '--predictor_host', 'p.ns:8081', '--predictor_protocol', 'v2', '--predictor_use_ssl']).predictorUrl).toBe(
      'https://p.ns:8081/v2/models/m/infer',
    );
    expect(predictorUrlFromHost('[::1]:9000', 'adult')).toBe('http://[::1]:9000/v1/models/adult:predict');
    expect(() => predictorUrlFromHost('http://p.ns', 'm')).toThrow(/the predictor host is "http:\/\/p.ns"; expected HOST or HOST:PORT without a scheme or path/);
    expect(predictorUrlFromHost('p.ns', 'm', 'grpc-v2')).toBe('grpc://p.ns:80/m');
    expect(predictorUrlFromHost('[::1]:9000', 'm', 'grpc-v2', true)).toBe('grpcs://[::1]:9000/m');
    expect(() => predictorUrlFromHost('p.ns', 'm', 'grpc')).toThrow(/the predictor protocol is "grpc"; expected v1, v2 or grpc-v2/);
  });

  it('names what is missing or wrong', () => {
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [['--predictor-url', 'http://m/v2/models/a/infer'], {}, /--explainer DIR .* is required/],
      [['--explainer', 'e'], {}, /--predictor-url URL .* is required/],
      [['--explainer', 'e', '--predictor-url', 'http://m/v2/models/a/infer', '--port', 'eighty'], {}, /--port is "eighty"; expected an integer in \[0, 65535\]/],
      [['--explainer', 'e', '--predictor-url', 'http://m/v2/models/a/infer'], { GLASSBOX_MAX_QUEUE: '-1' }, /GLASSBOX_MAX_QUEUE is "-1"; expected an integer >= 0/],
      [['--explainer', 'e', '--storage_uri', 'f', '--predictor-url', 'u'], {}, /--explainer is "e" but --storage_uri is "f"/],
      [['--explainer', 'e', '--predictor-url', 'u', '--predictor_host', 'h'], {}, /--predictor-url and --predictor_host both name the model/],
      [['--explainer', 'e', '--predictor-url', 'u', '--predictor_protocol', 'v2'], {}, /--predictor_protocol and --predictor_use_ssl go with --predictor_host/],
      [['--explainer', 'e', '--predictor-url', 'u', '--log-level', 'loud'], {}, /the log level is "loud"; expected one of fatal, error/],
      [['--explainer', 'e', '--predictor-url', 'u', '--predictor-header', 'nocolon'], {}, /--predictor-header is "nocolon"; expected 'Name: value'/],
      [['--explainer', 'e', '--predictor-url', 'u', '--token-file', '/nonexistent/token'], {}, /--token-file \/nonexistent\/token cannot be read/],
    ];
    for (const [argv, env, message] of cases) expect(() => options(argv, env)).toThrow(message);
  });

  it('checks the server options, naming the bad one', () => {
    const explainer = () => ({ explain: async () => ({}) as never, instanceDescription: '' });
    const base = { predictorUrl: 'http://127.0.0.1:1/v2/models/a/infer', explainer };
    expect(() => createExplainerServer({ ...base, predictorUrl: 'http://m/predict' })).toThrow(/cannot tell the protocol of "http:\/\/m\/predict"/);
    expect(() => createExplainerServer({ ...base, modelName: 'a b' })).toThrow(/modelName is "a b"; expected a URL-safe model name/);
    expect(() => createExplainerServer({ ...base, maxConcurrent: 0 })).toThrow(/maxConcurrent is 0; expected an integer >= 1/);
    expect(() => createExplainerServer({ ...base, port: 70000 })).toThrow(/port is 70000; expected an integer in 0..65535/);
    expect(() => createExplainerServer({ ...base, token: 'two words' })).toThrow(/token is a string of 9 characters with characters a bearer token cannot hold/);
    expect(() => createExplainerServer({ ...base, workers: 2 } as never)).toThrow(/createExplainerServer has no option "workers"/);
  });

  it('finds the model readiness URL of each protocol', () => {
    expect(modelReadyUrl('http://h:1/v2/models/a/versions/2/infer', 'v2')).toBe('http://h:1/v2/models/a/versions/2/ready');
    expect(modelReadyUrl('http://h/v1/models/a:predict', 'kserve-v1')).toBe('http://h/v1/models/a');
    expect(modelReadyUrl('http://h/seldon/ns/dep/api/v1.0/predictions', 'seldon')).toBe('http://h/seldon/ns/dep/health/status');
  });

  it('exits 2 for a usage mistake and 1 when the explainer cannot be loaded', async () => {
    expect(await cli('serve', '--explainer', 'e')).toMatchObject({ code: 2, stderr: expect.stringContaining('--predictor-url URL') });
    const missing = await cli('serve', '--explainer', '/nonexistent/explainer', '--predictor-url', 'http://127.0.0.1:1/v2/models/a/infer', '--port', '0', '--log-level', 'silent');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^glassbox serve: ExplainerFileError: .*\/nonexistent\/explainer/);
  });
});

describe('remote predictor calls with their own signal and headers', () => {
  it('sends the call headers over the predictor headers, and refuses a bad signal', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const model = createModelServer({ name: 'm', nFeatures: 1, port: 0, predictor: (rows) => rows.map(() => [0.5, 0.5]) });
    model.app.addHook('onRequest', async (req) => {
      if (req.method === 'POST') seen.push({ id: req.headers['x-request-id'], auth: req.headers.authorization });
    });
    const server = await model.listen();
    try {
      const predict = await remotePredictor(`${server.url}/v1/models/m:predict`, { headers: { Authorization: 'Bearer a', 'X-Request-Id': 'default' } });
      await predict([[1]]);
      await predict([[1]], { headers: { 'x-request-id': 'call-7' } });
      expect(seen).toEqual([{ id: 'default', auth: 'Bearer a' }, { id: 'call-7', auth: 'Bearer a' }]);
      await expect(predict([[1]], { signal: AbortSignal.abort(new Error('budget')) })).rejects.toThrow(/aborted by the caller's signal before it was sent/);
      await expect(predict([[1]], { signal: {} as AbortSignal })).rejects.toThrow(/the call's signal is an object \(Object\); expected an AbortSignal/);
      await expect(predict([[1]], { headers: { 'bad header': 'x' } })).rejects.toThrow(/header name "bad header" is not a valid HTTP header name/);
      predict.close();
    } finally {
      await server.close();
    }
  });
});
