/**
 * GET /dashboard: the merchant dashboard's page, a shell around its script (built by Vite into
 * dist/dashboard/, src/dashboard/). The page holds no merchant data: the merchant pastes an
 * API key into it and every figure comes from the API with that key.
 */
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DASHBOARD_SCRIPT = '/dashboard/dashboard.js';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Privet merchant dashboard</title>
<link rel="icon" href="/favicon.svg">
<script type="module" src="${DASHBOARD_SCRIPT}"></script>
</head>
<body>
<div id="dashboard"><noscript>The merchant dashboard needs JavaScript.</noscript></div>
</body>
</html>
`;

// The page handles an API key: only its own script may run, it talks to this server only, and
// no other site may frame it. Svelte adds the components' styles as <style> elements.
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

export async function registerDashboardPage(app: FastifyInstance, distDir: string): Promise<void> {
  const script = join(distDir, DASHBOARD_SCRIPT);
  app.get('/dashboard', async (_request, reply) => {
    if (!existsSync(script)) {
      return reply.code(404).type('text/plain; charset=utf-8').send(`The merchant dashboard is not built (${script} is missing): run npm run build.`);
    }
    return reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(PAGE);
  });
}
