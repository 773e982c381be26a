import { InvalidInputError } from '../core/errors.js';

/** The predictor protocols KServe's `--predictor_protocol` names. */
export const KSERVE_PREDICTOR_PROTOCOLS = ['v1', 'v2', 'grpc-v2'] as const;

/** A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. */
const HOST_AND_PORT = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The model's prediction URL from KServe's container arguments. KServe starts an explainer container
 * with `--model_name NAME --predictor_host HOST[:PORT]` (the predictor's in-cluster service, e.g.
 * `income-predictor.default`), and its Python model server builds the URL from them as this does:
 * `http://HOST/v1/models/NAME:predict` for the v1 protocol (KServe's default), or
 * `http://HOST/v2/models/NAME/infer` for v2; `https` with `--predictor_use_ssl`. For `grpc-v2` (the
 * Open Inference Protocol over gRPC) it is `grpc://HOST:PORT/NAME` (`grpcs` with SSL), port 80 or 443
 * when the host has none, as a Kubernetes service carries gRPC (h2c) on its HTTP port.
 *
 * @throws InvalidInputError for a host that carries a scheme or a path, or an unknown protocol.
 */
export function predictorUrlFromHost(host: string, modelName: string, protocol: string = 'v1', useSsl = false): string {
  if (!(KSERVE_PREDICTOR_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new InvalidInputError(`the predictor protocol is ${JSON.stringify(protocol)}; expected v1, v2 or grpc-v2 (KServe's --predictor_protocol)`);
  }
  if (!HOST_AND_PORT.test(host)) {
    throw new InvalidInputError(
      `the predictor host is ${JSON.stringify(host)}; expected HOST or HOST:PORT without a scheme or path (e.g. income-predictor.default)`,
    );
  }
  if (protocol === 'grpc-v2') {
    const withPort = /:\d{1,5}$/.test(host) ? host : `${host}:${useSsl ? 443 : 80}`;
    return `${useSsl ? 'grpcs' : 'grpc'}://${withPort}/${modelName}`;
  }
  const path = protocol === 'v1' ? `/v1/models/${modelName}:predict` : `/v2/models/${modelName}/infer`;
  return `${useSsl ? 'https' : 'http'}://${host}${path}`;
}
