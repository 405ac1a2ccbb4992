/**
 * Developer page: the shipped int8 scoring loop against an onnxruntime-web MatMul
 * (WASM SIMD, one thread) over the same item matrix, both on this page's thread.
 */
import * as ort from 'onnxruntime-web';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { itemVector, parseItemMatrix, scoreAll, type ItemMatrix } from '../../core/item-matrix.ts';

ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
ort.env.wasm.numThreads = 1;

export interface ScoringProbe {
  /** Loads an item matrix (PRVM bytes) and a MatMul graph scoring [1, dims] against it. */
  load(matrixUrl: string, graphUrl: string): Promise<{ rows: number; dims: number }>;
  /** Per-call milliseconds of `n` scorings with each method, and their largest score difference. */
  time(n: number): Promise<{ loop: number[]; matmul: number[]; maxDiff: number }>;
}

declare global {
  interface Window {
    scoringProbe: ScoringProbe;
  }
}

let matrix: ItemMatrix;
let session: ort.InferenceSession;

window.scoringProbe = {
  async load(matrixUrl, graphUrl) {
    matrix = parseItemMatrix(await (await fetch(matrixUrl)).arrayBuffer());
    session = await ort.InferenceSession.create(new Uint8Array(await (await fetch(graphUrl)).arrayBuffer()), { executionProviders: ['wasm'] });
    return { rows: matrix.rows, dims: matrix.dims };
  },
  async time(n) {
    const loop: number[] = [];
    const matmul: number[] = [];
    let maxDiff = 0;
    const out = new Float32Array(matrix.rows);
    for (let i = 0; i < n; i++) {
      const query = itemVector(matrix, (i * 37) % matrix.rows);
      let started = performance.now();
      scoreAll(query, matrix, out);
      loop.push(performance.now() - started);
      started = performance.now();
      const result = await session.run({ query: new ort.Tensor('float32', query, [1, matrix.dims]) });
      matmul.push(performance.now() - started);
      const scores = result.scores!.data as Float32Array;
      for (let r = 0; r < matrix.rows; r++) maxDiff = Math.max(maxDiff, Math.abs(scores[r]! - out[r]!));
    }
    return { loop, matmul, maxDiff };
  },
};
document.body.dataset.probeReady = 'true';
