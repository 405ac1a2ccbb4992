/**
 * Errors as JSON {error}: HttpError carries its status; a route scope maps its own error
 * classes to statuses, Fastify's own (schema validation, body too large) keep theirs, with a
 * message a merchant's developer can act on: Fastify's own for a body over the limit or an
 * unknown Content-Type say neither the limit nor what is accepted; clientErrorMessage does.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An error that carries the HTTP status a route answers with; the message is the reply's `error`. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The reply schema of every JSON error. */
export const ERROR_REPLY_SCHEMA = { type: 'object', properties: { error: { type: 'string' } } } as const;

/**
 * Schema errors in words a merchant can act on. Bodies list their fields with `propertyNames`
 * (Fastify's Ajv silently drops keys that `additionalProperties: false` refuses), whose raw
 * message does not name the offending field.
 */
function messageOf(error: FastifyError): string {
  const unknown = error.validation?.find((v) => v.keyword === 'propertyNames');
  if (unknown) return `${error.validationContext ?? 'body'} has an unknown field ${JSON.stringify(unknown.params.propertyName)}`;
  return error.message;
}

/** An error handler for a route scope; `statusOf` names the status of the scope's own errors. */
export function jsonErrorHandler(statusOf: (error: Error) => number | undefined) {
  return (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    let status = error instanceof HttpError ? error.status : statusOf(error);
    status ??= error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send({ error: messageOf(error) });
  };
}

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
