import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError, type ErrorCode } from '../core/index.js';

/** Each code of the closed vocabulary answers exactly one status; the compiler checks completeness. */
export const httpStatusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  invite_invalid: 410,
  payload_too_large: 413,
  rate_limited: 429,
};

/**
 * Errors Fastify meets before a route is found (a path whose percent-escapes do not decode),
 * which bypass the error handler: answered in the same `{error, message}`.
 */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const message = err.code === 'FST_ERR_BAD_URL' ? 'path: not a valid URL (a percent-escape that decodes to no character)' : 'request: could not be routed';
  void reply.code(400).send({ error: 'bad_request', message });
}

/** The one error handler: `{error, message}`, never internals on a 5xx. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    void reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) return reply.code(httpStatusOf[err.code]).send({ error: err.code, message: err.message });
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const first = err.validation[0];
      const field = first ? first.instancePath.replace(/^\//, '').replaceAll('/', '.') : '';
      const message = first ? `${where}${field ? `.${field}` : ''}: ${first.message}` : `${where}: invalid`;
      return reply.code(400).send({ error: 'bad_request', message });
    }
    if (isResponseSerializationError(err)) {
      req.log.error({ err }, 'response did not match its schema');
      return reply.code(500).send({ error: 'internal', message: 'internal error' });
    }
    const status = err.statusCode ?? 500;
    if (status === 413) return reply.code(413).send({ error: 'payload_too_large', message: 'body: too large' });
    if (status === 415)
      return reply.code(415).send({
        error: 'unsupported_media_type',
        message: `body: unsupported media type ${req.headers['content-type'] ?? '(none)'}; send JSON (content-type: application/json)`,
      });
    if (status >= 400 && status < 500) {
      return reply.code(status).send({
        error: 'bad_request',
        message: err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'body: must not be empty when content-type is application/json' : `body: ${err.message}`,
      });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
}
