import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const demo = resolve(import.meta.dirname, 'src/widget/demo');

export default defineConfig({
  root: demo,
  publicDir: resolve(import.meta.dirname, 'public'),
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  build: { target: 'es2022' },
  // `builder` makes `vite build` build these environments, each its own module graph: the
  // widget (client), then the merchant dashboard (and no SSR build). In one graph Rollup would
  // move the Svelte runtime both use into a shared chunk, and privet.js would change.
  builder: {
    async buildApp(builder) {
      for (const name of ['client', 'dashboard']) await builder.build(builder.environments[name]!);
    },
  },
  environments: {
    client: {
      build: {
        outDir: resolve(import.meta.dirname, 'dist'),
        emptyOutDir: true,
        rollupOptions: {
          input: {
            // The merchant's script tag names this file: it keeps a stable name, its lazy
            // chunks and the worker are content-hashed under assets/.
            privet: resolve(import.meta.dirname, 'src/widget/privet.ts'),
            'engine-probe': resolve(demo, 'engine-probe.html'),
            'matmul-probe': resolve(demo, 'matmul-probe.html'),
            'store-probe': resolve(demo, 'store-probe.html'),
          },
          output: {
            entryFileNames: (chunk) => (chunk.name === 'privet' ? 'privet.js' : 'assets/[name]-[hash].js'),
          },
          // privet.js's exports are not an API (window.privet is): keep rollup from adding any.
          preserveEntrySignatures: false,
        },
      },
    },
    // GET /dashboard is a page the server writes (src/server/dashboard-page.ts) around this script.
    dashboard: {
      consumer: 'client',
      build: {
        outDir: resolve(import.meta.dirname, 'dist/dashboard'),
        emptyOutDir: true,
        copyPublicDir: false,
        rollupOptions: {
          input: { dashboard: resolve(import.meta.dirname, 'src/dashboard/main.ts') },
          output: { entryFileNames: (chunk) => (chunk.name === 'dashboard' ? 'dashboard.js' : 'assets/[name]-[hash].js') },
          preserveEntrySignatures: false,
        },
      },
    },
  },
  worker: { format: 'es' },
  // Pre-bundling onnxruntime-web makes Vite re-optimise on first worker load and reload the page.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
