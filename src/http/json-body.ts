import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * Makes `app` read every request body as JSON, whatever its content type says (`curl -d` sends
 * `application/x-www-form-urlencoded` by default): an empty body is `undefined`, and a body that is not
 * JSON is a 400 that quotes the parser's reason.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new HttpError(400, `the request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
}
