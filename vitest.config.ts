import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Model-backed suites load a 90 MB ONNX graph; browser suites start Chromium.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: run files one after another so the timings inside tests stay sane.
    fileParallelism: false,
  },
});
