import { InvalidInputError } from '../../../core/errors.js';
import { redactUrl } from '../credentials.js';
import { describe } from '../options.js';

/** A model behind an Open Inference Protocol gRPC endpoint. */
export interface GrpcEndpoint {
  /** `host:port`, as grpc-js dials it. */
  target: string;
  /** The model name (`ModelInferRequest.model_name`). */
  model: string;
  /** The model version, or '' for the server's choice. */
  version: string;
  /** Whether the URL asks for TLS (`grpcs://`). */
  tls: boolean;
  /** The URL without credentials, as error messages and `predictor.url` show it. */
  url: string;
}

/** Whether `url` names a model over gRPC: `grpc://host:port/MODEL[/VERSION]` (or `grpcs://`, TLS). */
export function isGrpcUrl(url: unknown): boolean {
  return typeof url === 'string' && /^grpcs?:\/\//i.test(url);
}

/**
 * Parses `grpc://host:port/MODEL[/VERSION]` (`grpcs://` for TLS). The port is required: gRPC has no
 * default one (Triton, KServe and MLServer listen on 8001 or 8081 by convention, not by protocol).
 *
 * @throws InvalidInputError naming what is wrong and the form expected.
 */
export function resolveGrpcEndpoint(url: string): GrpcEndpoint {
  const expected = 'expected grpc://host:port/MODEL[/VERSION] (grpcs:// for TLS)';
  const shown = JSON.stringify(redactUrl(url));
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (err) {
    throw new InvalidInputError(`the model URL ${typeof url === 'string' ? shown : describe(url)} does not parse; ${expected}`, { cause: err });
  }
  const tls = parsed.protocol === 'grpcs:';
  if (parsed.username !== '' || parsed.password !== '' || parsed.search !== '' || parsed.hash !== '') {
    throw new InvalidInputError(`the model URL ${shown} has credentials, a ?query or a #fragment; ${expected} (remotePredictor sends a URL's credentials as authorization metadata)`);
  }
  if (parsed.hostname === '' || parsed.port === '') {
    throw new InvalidInputError(`the model URL ${shown} has no ${parsed.hostname === '' ? 'host' : 'port'}; ${expected}`);
  }
  const segments = parsed.pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
  if (segments.length < 1 || segments.length > 2) {
    throw new InvalidInputError(`the model URL ${shown} has the path ${JSON.stringify(parsed.pathname)}; ${expected}`);
  }
  const [model, version = ''] = segments;
  const target = `${parsed.hostname}:${parsed.port}`;
  return { target, model, version, tls, url: `${tls ? 'grpcs' : 'grpc'}://${target}/${segments.map(encodeURIComponent).join('/')}` };
}
