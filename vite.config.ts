import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const demo = resolve(import.meta.dirname, 'src/widget/demo');

export default defineConfig({
  root: demo,
  publicDir: resolve(import.meta.dirname, 'public'),
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        index: resolve(demo, 'index.html'),
        'engine-probe': resolve(demo, 'engine-probe.html'),
        'matmul-probe': resolve(demo, 'matmul-probe.html'),
      },
    },
  },
  worker: { format: 'es' },
  // Pre-bundling onnxruntime-web makes Vite re-optimise on first worker load and reload the page.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
});
