/**
 * Errors as the API answers them: JSON `{ "error": "…" }` with a message a merchant's
 * developer can act on. Fastify's own messages for a body over the limit or an unknown
 * Content-Type say neither the limit nor what is accepted; these do.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export function clientErrorMessage(error: Error & { code?: string }, request: FastifyRequest): string {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return `the request body is larger than ${request.routeOptions.bodyLimit} bytes, the most ${request.method} ${request.routeOptions.url} accepts`;
  }
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return `Content-Type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted by ${request.method} ${request.routeOptions.url ?? request.url}`;
  }
  return error.message;
}

/** The app-wide handler: client errors keep their status and message; anything else is a 500 whose details stay in the log. */
export function registerErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({ error: status === 500 ? 'internal server error' : clientErrorMessage(error, request) });
  });
}
