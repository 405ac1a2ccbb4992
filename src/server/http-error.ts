/**
 * Errors as JSON {error}: HttpError carries its status; a route scope maps its own error
 * classes to statuses, Fastify's own (schema validation, body too large) keep theirs.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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
