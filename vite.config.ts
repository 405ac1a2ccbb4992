import { svelte } from '@sveltejs/vite-plugin-svelte';
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const demo = resolve(import.meta.dirname, 'src/widget/demo');

export default defineConfig({
  root: demo,
  publicDir: resolve(import.meta.dirname, 'public'),
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
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
  worker: { format: 'es' },
  // Pre-bundling onnxruntime-web makes Vite re-optimise on first worker load and reload the page.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
