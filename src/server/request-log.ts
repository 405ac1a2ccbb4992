/**
 * Structured request logs: Fastify's pino logger writes one JSON line per request with its
 * request id (reqId), method, route pattern, status and duration. Shoppers' identifiers never
 * reach the log: no client address or port, no query string, no Authorization header (round
 * tokens, merchant keys), and the route pattern (/v1/rounds/:roundId/reply/:index) instead of
 * the URL. Anything that does carry those fields is redacted, as a second line of defence.
 */
import type { FastifyInstance, FastifyRequest, FastifyServerOptions } from 'fastify';

/** The logger options for Fastify (with Fastify's own request lines off, LogController's disableRequestLogging: registerRequestLog logs instead). */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    ...(stream && { stream }),
    redact: {
      paths: ['req.headers', 'req.remoteAddress', 'req.remotePort', 'req.ip', 'token', '*.token', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
    serializers: {
      // Fastify's default adds the client address and the full URL.
      req: (request: FastifyRequest) => ({ method: request.method, route: request.routeOptions?.url }),
    },
  };
}

export function registerRequestLog(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        // Unrouted requests (404s) have no pattern: their path only, without the query.
        route: request.routeOptions.url ?? request.url.split('?')[0],
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      'request completed',
    );
  });
}
