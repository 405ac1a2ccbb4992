import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpsApp, type OpsApp } from '../support/ops-app.ts';

interface Operation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, unknown> };
  responses: Record<string, unknown>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
}

/**
 * Every (method, path) in Fastify's route table, read from printRoutes' tree: each line is
 * `<indent>├── <segment> (METHODS)`, four columns an indent level, segments joined to their parent's.
 */
function registeredRoutes(tree: string): { method: string; path: string }[] {
  const stack: string[] = [];
  const routes: { method: string; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = Math.floor(match[1]!.length / 4);
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('').replace(/^\*/, '/*');
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, path });
  }
  return routes;
}

/** Fastify's /v1/rounds/:roundId and /models/* as OpenAPI writes them. */
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');

describe('OpenAPI document', () => {
  let server: OpsApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    server = await startOpsApp();
    const response = await fetch(`${server.base}/v1/openapi.json`);
    expect(response.headers.get('content-type')).toContain('application/json');
    document = (await response.json()) as OpenApiDocument;
  });
  afterAll(() => server.app.close());

  it('is OpenAPI 3.1 and lists every route the server registered', () => {
    expect(document.openapi).toBe('3.1.0');
    const routes = registeredRoutes(server.app.printRoutes({ commonPrefix: false }))
      // HEAD mirrors GET; OPTIONS is the CORS preflight, answered for every path.
      .filter((r) => r.method !== 'HEAD' && r.method !== 'OPTIONS');
    expect(routes.length).toBeGreaterThanOrEqual(13);
    for (const { method, path } of routes) expect(document.paths[openApiPath(path)]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    // The model files are a route of their own (printRoutes folds them under the root wildcard).
    expect(document.paths['/models/{*}']?.get).toBeDefined();
  });

  it('documents parameters, bodies, replies and errors from the schemas the server validates with', () => {
    const upload = document.paths['/v1/rounds/{roundId}/messages/{kind}']!.post!;
    expect(upload.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:kind', 'path:roundId']);
    expect(Object.keys(upload.responses).sort()).toEqual(['202', '400', '401', '403', '404', '409', '413', '415', '429']);
    const open = document.paths['/v1/rounds']!.post!;
    expect(open.requestBody?.content['application/json']).toMatchObject({ schema: { required: ['privacy'], properties: { catalog: { type: 'string' } } } });
    const ingest = document.paths['/v1/catalogs/{name}']!.put!;
    expect(Object.keys(ingest.requestBody!.content).sort()).toEqual(['application/json', 'text/csv']);
    expect(ingest.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:name', 'query:currency', 'query:licence']);
    expect(document.paths['/v1/manifest']!.get!.responses['200']).toMatchObject({ content: { 'application/json': { schema: { required: expect.arrayContaining(['version', 'files', 'dp']) } } } });
  });
});
