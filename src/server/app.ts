/**
 * The Privet HTTP server: the built widget and storefront, the published models and the
 * manifest endpoint. Routes stay thin; model bookkeeping lives in model-registry.ts.
 */
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import { extname } from 'node:path';
import { loadModelRegistry, type ModelRegistry } from './model-registry.ts';

export interface AppOptions {
  /** Directory with models/manifest.json and models/<version>/. */
  modelsDir: string;
  /** The Vite build output (widget bundle, storefront pages, catalog). */
  distDir: string;
  logger?: FastifyServerOptions['logger'];
  /**
   * Send COOP/COEP so pages are cross-origin isolated and onnxruntime-web may use several
   * threads. Off by default: most stores cannot send these headers (third-party embeds break).
   */
  crossOriginIsolated?: boolean;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
// Unversioned documents may change with the next deploy: revalidate every time.
const REVALIDATE = 'no-cache';

// Types the `mime` table behind @fastify/static gets wrong or does not know.
const CONTENT_TYPES: Record<string, string> = {
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.onnx': 'application/octet-stream',
  '.json': 'application/json; charset=utf-8',
};

function setContentType(reply: FastifyReply, path: string): void {
  const type = CONTENT_TYPES[extname(path)];
  if (type) reply.header('Content-Type', type);
  reply.header('X-Content-Type-Options', 'nosniff');
}

export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; registry: ModelRegistry }> {
  // Loading verifies every model file; a ModelIntegrityError here stops the server.
  const registry = await loadModelRegistry(options.modelsDir);
  const app = Fastify({ logger: options.logger ?? false });
  if (options.crossOriginIsolated) {
    app.addHook('onSend', async (_request, reply) => {
      reply.header('Cross-Origin-Opener-Policy', 'same-origin');
      reply.header('Cross-Origin-Embedder-Policy', 'require-corp');
    });
  }

  app.get('/healthz', async () => ({ status: 'ok', model: registry.current.version }));

  app.get('/v1/manifest', async (_request, reply) => {
    reply.header('Cache-Control', REVALIDATE);
    return registry.current;
  });

  await app.register(fastifyStatic, {
    root: options.distDir,
    prefix: '/',
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders(reply, path) {
      setContentType(reply, path);
      // Vite puts content-hashed files under assets/; their URL changes when they do.
      reply.header('Cache-Control', path.includes('/assets/') ? IMMUTABLE : REVALIDATE);
    },
  });

  await app.register(fastifyStatic, {
    root: options.modelsDir,
    prefix: '/models/',
    decorateReply: false,
    cacheControl: false,
    // Serve exactly the files verified at start-up and the pointer, nothing else in the folder.
    allowedPath(pathName) {
      if (pathName === '/manifest.json') return true;
      const [, version, name, ...rest] = pathName.split('/');
      const manifest = version ? registry.versions.get(version) : undefined;
      if (!manifest || !name || rest.length > 0) return false;
      return name === 'manifest.json' || manifest.files.some((file) => file.name === name);
    },
    setHeaders(reply, path) {
      setContentType(reply, path);
      // A version directory's bytes never change (its name is derived from them).
      reply.header('Cache-Control', path.endsWith('/models/manifest.json') ? REVALIDATE : IMMUTABLE);
    },
  });

  return { app, registry };
}
