import type { RemoteEndpoint } from '../endpoint.js';
import type { ResolvedRemoteOptions } from '../options.js';
import type { GetJson, ProtocolCodec } from './codec.js';
import { KServeV1Codec } from './kserve-v1.js';
import { SeldonCodec } from './seldon.js';
import { createV2Codec } from './v2.js';

export type { ProtocolCodec, GetJson } from './codec.js';

/** The codec for an endpoint's protocol (for v2, after reading the model metadata when needed). */
export async function createCodec(
  endpoint: RemoteEndpoint,
  options: ResolvedRemoteOptions,
  getJson: GetJson,
): Promise<ProtocolCodec> {
  switch (endpoint.protocol) {
    case 'v2':
      return createV2Codec(endpoint.metadataUrl, options, getJson);
    case 'kserve-v1':
      return new KServeV1Codec(options.outputName);
    case 'seldon':
      return new SeldonCodec(options.seldonEncoding, options.featureNames);
  }
}
