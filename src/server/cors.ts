/**
 * Cross-origin access, per route. A merchant's store pages (another origin) load the widget,
 * the manifest and the models and take part in rounds; only that merchant's configured
 * origins (merchants.ts) may. Each route says whose origins it answers in its config:
 *
 *   cors: 'any-merchant'    (the default) any configured merchant's: shared files, the manifest
 *   cors: 'round-merchant'  the merchant that opened the round in :roundId
 *   cors: 'feed-merchant'   the merchant named by :merchant (its product feed)
 *   cors: 'off'             none: the merchant API, called from merchants' servers
 *
 * A request with no Origin, or from the server's own host (the demo store; any scheme, since a
 * TLS proxy may stand in front), is always served. A request from any other origin is refused with 403 before its body is read (a
 * no-preflight "simple" POST would otherwise still run). Preflights (OPTIONS) are answered
 * for the route they ask about, from a table of the routes as registered.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MerchantDirectory } from './merchants.ts';

export type CorsPolicy = 'any-merchant' | 'round-merchant' | 'feed-merchant' | 'off';

declare module 'fastify' {
  interface FastifyContextConfig {
    cors?: CorsPolicy;
  }
}

export interface CorsOptions {
  merchants: MerchantDirectory;
  /** The merchant that opened a round, if it is open. */
  roundMerchant: (roundId: string) => string | undefined;
}

/** Headers a browser script may read on a cross-origin response. */
const EXPOSED = 'ETag, Retry-After, X-Privet-Reply';
const PREFLIGHT_MAX_AGE_S = '600';

interface RouteEntry {
  methods: readonly string[];
  segments: readonly string[];
  cors: CorsPolicy;
}

/** The route's params if `path` matches its pattern (`:name` one segment, `*` the rest). */
function match(segments: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment === '*') return params;
    const part = path[i];
    if (part === undefined) return undefined;
    if (segment.startsWith(':')) {
      if (part === '') return undefined;
      params[segment.slice(1)] = decodeURIComponent(part);
    } else if (segment !== part) return undefined;
  }
  return segments.length === path.length ? params : undefined;
}

/** Specific beats general, as Fastify's router decides: fewer wildcards, then more literal segments. */
const specificity = (route: RouteEntry) => (route.segments.includes('*') ? 0 : 1000) + route.segments.filter((s) => s !== '*' && !s.startsWith(':')).length;

export async function registerCors(app: FastifyInstance, options: CorsOptions): Promise<void> {
  const { merchants, roundMerchant } = options;
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = ([] as string[]).concat(route.method);
    routes.push({ methods, segments: route.url.split('?')[0]!.split('/'), cors: route.config?.cors ?? 'any-merchant' });
  });

  const allowed = (policy: CorsPolicy, params: Record<string, string | undefined>): ReadonlySet<string> | readonly string[] => {
    if (policy === 'off') return [];
    if (policy === 'any-merchant') return merchants.allOrigins;
    const id = policy === 'round-merchant' ? (params.roundId && roundMerchant(params.roundId)) : params.merchant;
    return (id && merchants.get(id)?.origins) || [];
  };
  const isAllowed = (list: ReadonlySet<string> | readonly string[], origin: string) => (list instanceof Set ? list.has(origin) : (list as readonly string[]).includes(origin));
  // The host alone: behind a TLS-terminating proxy the server sees http while the page is https.
  const sameOrigin = (request: FastifyRequest, origin: string) => URL.canParse(origin) && new URL(origin).host === request.host;
  const refuse = (reply: FastifyReply, origin: string) =>
    reply.code(403).send({ error: `origin ${origin} may not call this route: only the origins its merchant configured (PRIVET_MERCHANTS_FILE) may` });

  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (request.method === 'OPTIONS' || !origin || sameOrigin(request, origin)) return;
    const policy = request.routeOptions.config.cors ?? 'any-merchant';
    if (!isAllowed(allowed(policy, request.params as Record<string, string>), origin)) return refuse(reply, origin);
    reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin').header('Access-Control-Expose-Headers', EXPOSED);
  });

  app.options('/*', { schema: { hide: true }, config: { cors: 'off' } }, async (request, reply) => {
    const origin = request.headers.origin;
    const method = request.headers['access-control-request-method'];
    if (!origin || typeof method !== 'string') return reply.code(400).send({ error: 'a CORS preflight needs Origin and Access-Control-Request-Method headers' });
    const path = request.url.split('?')[0]!.split('/');
    const candidates = routes
      .filter((route) => route.methods.includes(method.toUpperCase()))
      .map((route) => ({ route, params: match(route.segments, path) }))
      .filter((c): c is { route: RouteEntry; params: Record<string, string> } => c.params !== undefined)
      .sort((a, b) => specificity(b.route) - specificity(a.route));
    const target = candidates[0];
    if (!target) return reply.code(404).send({ error: `no ${method} route at ${request.url}` });
    if (!sameOrigin(request, origin) && !isAllowed(allowed(target.route.cors, target.params), origin)) return refuse(reply, origin);
    return reply
      .code(204)
      .header('Access-Control-Allow-Origin', origin)
      .header('Vary', 'Origin')
      .header('Access-Control-Allow-Methods', target.route.methods.join(', '))
      .header('Access-Control-Allow-Headers', 'Authorization, Content-Type, If-None-Match')
      .header('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_S)
      .send();
  });
}
