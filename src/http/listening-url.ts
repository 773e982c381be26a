import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { GlassboxError } from '../core/errors.js';

/** A server could not start listening: the address is in use, not this machine's, or not allowed. */
export class ListenError extends GlassboxError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LISTEN', message, options);
  }
}

const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: 'the port is in use by another process; stop it or pick another port',
  EACCES: 'this user may not listen on that port; pick one above 1023',
  EADDRNOTAVAIL: 'that address is not one of this machine\'s',
};

/**
 * `app.listen` on `host:port`, with the usual failures (port in use, no permission, foreign address) as
 * a {@link ListenError} naming the address and the cause in one line, instead of a raw Node error.
 */
export async function listenOn(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === undefined ? undefined : LISTEN_FAILURES[code];
    if (why === undefined) throw err;
    throw new ListenError(`cannot listen on ${host}:${port}: ${why} (${code})`, { cause: err });
  }
}

/**
 * The base URL of a listening app (no trailing slash) and its port. A wildcard address is shown as the
 * loopback address of its family, so that the URL can be opened from this machine.
 */
export function listeningUrl(app: FastifyInstance, host: string): { url: string; port: number } {
  const { port } = app.server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return { url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`, port };
}
