import type { RemoteEndpoint } from '../endpoint.js';
import type { ResolvedRemoteOptions } from '../options.js';
import type { GetJson, ProtocolCodec } from './codec.js';
import { KServeV1Codec } from './kserve-v1.js';
import { SeldonCodec } from './seldon.js';
import { createV2Codec } from './v2.js';
import type { WireValues } from '../instances.js';

/** How KServe v1 and Seldon send numbers: as the options lay them out and scale them (JSON numbers, no datatype). */
function wireValues(options: ResolvedRemoteOptions): WireValues {
  return { layout: options.layout ?? 'NHWC', scale: options.scale, integer: false };
}

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
      return new KServeV1Codec(options.outputName, wireValues(options), options.classes);
    case 'seldon':
      return new SeldonCodec(options.seldonEncoding, options.featureNames, wireValues(options), options.classes);
  }
}
