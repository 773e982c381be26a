import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { HttpError } from '../http/http-error.js';

/**
 * Bearer-token authentication of the explain routes (RFC 6750): without a token, every request passes;
 * with one, a request must carry `Authorization: Bearer TOKEN`, else it is answered 401 with a
 * `WWW-Authenticate: Bearer` challenge (`error="invalid_token"` when a wrong token was sent, RFC 6750
 * §3.1). Tokens are compared by their SHA-256 digests in constant time, so the comparison's duration
 * says nothing about the token.
 */
export function bearerAuth(token: string | undefined, onRefused: () => void): onRequestHookHandler {
  if (token === undefined) return async () => undefined;
  const expected = digest(token);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const sent = /^Bearer +([^ ]+) *$/i.exec(header ?? '')?.[1];
    if (sent !== undefined && timingSafeEqual(digest(sent), expected)) return;
    onRefused();
    if (header === undefined) {
      reply.header('www-authenticate', 'Bearer realm="glassbox"');
      throw new HttpError(401, 'this explainer needs an "Authorization: Bearer TOKEN" header');
    }
    reply.header('www-authenticate', 'Bearer realm="glassbox", error="invalid_token"');
    throw new HttpError(
      401,
      sent === undefined ? 'the Authorization header is not "Bearer TOKEN"' : 'the bearer token in the Authorization header is not this explainer\'s',
    );
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
