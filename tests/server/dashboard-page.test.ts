import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_SCRIPT, registerDashboardPage } from '../../src/server/dashboard-page.ts';

async function dashboardApp(built: boolean) {
  const distDir = mkdtempSync(join(tmpdir(), 'privet-dashboard-dist-'));
  if (built) {
    mkdirSync(join(distDir, 'dashboard'));
    writeFileSync(join(distDir, DASHBOARD_SCRIPT), 'export {};');
  }
  const app = Fastify();
  await registerDashboardPage(app, distDir);
  return app;
}

describe('GET /dashboard', () => {
  it('serves the page shell around the built script, locked to its own origin and never framed', async () => {
    const app = await dashboardApp(true);
    const response = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toContain(`<script type="module" src="${DASHBOARD_SCRIPT}"></script>`);
    expect(response.body).toContain('<html lang="en">');
    const csp = String(response.headers['content-security-policy']);
    for (const directive of ["script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'", "default-src 'none'"]) expect(csp).toContain(directive);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-cache');
    await app.close();
  });

  it('says how to build the dashboard when its script is missing', async () => {
    const app = await dashboardApp(false);
    const response = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(response.statusCode).toBe(404);
    expect(response.body).toMatch(/merchant dashboard is not built .*run npm run build/);
    await app.close();
  });
});
