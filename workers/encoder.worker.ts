/**
 * The encoder worker: tokenizer + onnxruntime-web off the main thread, exposed with
 * comlink. It only wires src/core to the runtime and the verified model files.
 */
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web';
// The WebGPU-capable (JSEP) build also runs the WASM execution provider; served by us.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { batchSizeFor, SentenceEncoder } from '../src/core/encoder.ts';
import { TextTokenizer } from '../src/core/tokenize.ts';
import { fetchManifest, fetchVerified, fetchVerifiedJson } from '../src/widget/model-assets.ts';

ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
// Several threads need cross-origin isolation (COOP/COEP), which most stores do not send.
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1;

export type Backend = 'wasm' | 'webgpu';
export type ModelDtype = 'int8' | 'fp32';

export interface EncoderInit {
  manifestUrl: string;
  backend: Backend;
  dtype: ModelDtype;
}

export interface EncoderInfo {
  version: string;
  backend: Backend;
  dtype: ModelDtype;
  dims: number;
  threads: number;
  loadMs: number;
}

let encoder: SentenceEncoder<ort.Tensor> | null = null;

const api = {
  async init({ manifestUrl, backend, dtype }: EncoderInit): Promise<EncoderInfo> {
    const started = performance.now();
    const manifest = await fetchManifest(manifestUrl);
    const [model, tokenizerJson, tokenizerConfig] = await Promise.all([
      fetchVerified(manifestUrl, manifest, `encoder.${dtype}.onnx`),
      fetchVerifiedJson(manifestUrl, manifest, 'tokenizer.json'),
      fetchVerifiedJson(manifestUrl, manifest, 'tokenizer_config.json'),
    ]);
    const session = await ort.InferenceSession.create(new Uint8Array(model), {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    });
    encoder = new SentenceEncoder({
      tokenizer: new TextTokenizer(tokenizerJson, tokenizerConfig, manifest.max_tokens),
      session,
      Tensor: ort.Tensor,
      dims: manifest.dims,
      outputName: manifest.output,
      batchSize: batchSizeFor(dtype),
    });
    return {
      version: manifest.version,
      backend,
      dtype,
      dims: manifest.dims,
      threads: backend === 'wasm' ? (ort.env.wasm.numThreads ?? 1) : 0,
      loadMs: performance.now() - started,
    };
  },

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (!encoder) throw new Error('encoder worker: call init() before embed()');
    const vectors = await encoder.embed(texts);
    return Comlink.transfer(vectors, vectors.map((v) => v.buffer as ArrayBuffer));
  },
};

export type EncoderWorkerApi = typeof api;

Comlink.expose(api);
