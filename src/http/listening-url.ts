import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * The base URL of a listening app (no trailing slash) and its port. A wildcard address is shown as the
 * loopback address of its family, so that the URL can be opened from this machine.
 */
export function listeningUrl(app: FastifyInstance, host: string): { url: string; port: number } {
  const { port } = app.server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return { url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`, port };
}
