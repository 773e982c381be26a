import { InvalidInputError } from '../../core/errors.js';
import { describe, type RemoteProtocol } from './options.js';

/** Where a remote model is, and how to talk to it. */
export interface RemoteEndpoint {
  protocol: RemoteProtocol;
  /** The URL predictions are POSTed to. */
  inferUrl: string;
  /** v2 only: the model metadata URL (`GET /v2/models/NAME[/versions/V]`), when the URL says where it is. */
  metadataUrl: string | undefined;
}

/** `/v2/models/NAME[/versions/V][/infer]`: Open Inference Protocol, "Inference" and "Model Metadata". */
const V2_PATH = /\/v2\/models\/[^/]+(?:\/versions\/[^/]+)?(\/infer)?\/?$/;
/** `/v1/models/NAME[:verb]`: KServe v1 (the TensorFlow Serving REST API). */
const V1_PATH = /\/v1\/models\/([^/:]+)(?::([^/]*))?$/;
/** `/api/v1.0/predictions` (and the older `/api/v0.1/predictions`): Seldon Core v1, after any ingress prefix. */
const SELDON_PATH = /\/api\/v(?:1\.0|0\.1)\/predictions\/?$/;

/**
 * Parses and checks a model URL and decides the protocol: the explicit `protocol` when given, else the
 * one the path matches. For v2, a model URL without `/infer` is completed with it; for KServe v1, a model
 * URL without a verb is completed with `:predict`.
 *
 * @throws InvalidInputError for a URL that does not parse, is not http(s), or (with `'auto'`) matches no
 *   protocol, and for a KServe v1 URL with a verb other than `:predict`.
 */
export function resolveEndpoint(url: string, protocol: RemoteProtocol | 'auto'): RemoteEndpoint {
  if (typeof url !== 'string' || url.length === 0) {
    throw new InvalidInputError(`the model URL is ${describe(url)}; expected an http(s) URL string`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new InvalidInputError(
      `the model URL ${JSON.stringify(url)} does not parse; expected an absolute URL such as http://host:8080/v2/models/NAME/infer`,
      { cause: err },
    );
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidInputError(`the model URL ${JSON.stringify(url)} uses ${parsed.protocol}; expected http: or https:`);
  }
  if (parsed.hash) {
    throw new InvalidInputError(`the model URL ${JSON.stringify(url)} has a #fragment; expected none`);
  }
  const path = parsed.pathname;
  let chosen: RemoteProtocol;
  if (protocol !== 'auto') chosen = protocol;
  else if (V2_PATH.test(path)) chosen = 'v2';
  else if (V1_PATH.test(path)) chosen = 'kserve-v1';
  else if (SELDON_PATH.test(path)) chosen = 'seldon';
  else {
    throw new InvalidInputError(
      `cannot tell the protocol of ${JSON.stringify(url)} from its path ${JSON.stringify(path)}; expected ` +
        '/v2/models/NAME[/versions/V]/infer (Open Inference Protocol), /v1/models/NAME:predict (KServe v1) or ' +
        ".../api/v1.0/predictions (Seldon), or pass protocol: 'v2' | 'kserve-v1' | 'seldon'",
    );
  }

  const withPath = (p: string): string => {
    const u = new URL(parsed.href);
    u.pathname = p;
    return u.href;
  };
  if (chosen === 'v2') {
    const m = V2_PATH.exec(path);
    if (!m) return { protocol: chosen, inferUrl: parsed.href, metadataUrl: undefined };
    const trimmed = path.replace(/\/$/, '');
    const modelPath = m[1] ? trimmed.slice(0, -'/infer'.length) : trimmed;
    return { protocol: chosen, inferUrl: withPath(`${modelPath}/infer`), metadataUrl: withPath(modelPath) };
  }
  if (chosen === 'kserve-v1') {
    const m = V1_PATH.exec(path);
    if (m && m[2] !== undefined && m[2] !== 'predict') {
      throw new InvalidInputError(
        `the model URL ${JSON.stringify(url)} asks for :${m[2]}; a remote predictor calls :predict (KServe v1 /v1/models/NAME:predict)`,
      );
    }
    if (m && m[2] === undefined) return { protocol: chosen, inferUrl: withPath(`${path}:predict`), metadataUrl: undefined };
  }
  return { protocol: chosen, inferUrl: parsed.href, metadataUrl: undefined };
}
