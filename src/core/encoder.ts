/**
 * Text → sentence embedding with any onnxruntime flavour (node, web/WASM, web/WebGPU).
 *
 * The runtime is injected as the two things we use of it (a Tensor constructor and a
 * session), so the same code runs in Node tests, the server and the browser worker.
 * Pooling and normalisation live inside the ONNX graph (trainer/encoder_graph.py).
 */
import type { TextTokenizer } from './tokenize.ts';

export interface Int64TensorConstructor<T> {
  new (type: 'int64', data: BigInt64Array, dims: readonly number[]): T;
}

export interface EncoderSession<T> {
  run(feeds: Record<string, T>): Promise<Record<string, { data: unknown; dims: readonly number[] }>>;
}

export interface EncoderOptions<T> {
  tokenizer: TextTokenizer;
  session: EncoderSession<T>;
  Tensor: Int64TensorConstructor<T>;
  dims: number;
  outputName: string;
  /** Texts per session run; a batch is padded to its longest text. */
  batchSize?: number;
}

/**
 * Texts per run for a model dtype. Dynamic int8 quantization takes its activation range
 * over the whole batch, so padding and neighbouring texts would change an embedding
 * (measured: worst golden cosine 0.982 one at a time, 0.973 in batches of 16).
 */
export function batchSizeFor(dtype: string): number {
  return dtype === 'int8' ? 1 : 16;
}

export class SentenceEncoder<T> {
  readonly #options: Required<EncoderOptions<T>>;
  // onnxruntime-web rejects a run while another is in flight on the same session,
  // so runs are chained rather than issued concurrently.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: EncoderOptions<T>) {
    this.#options = { batchSize: 16, ...options };
  }

  get dims(): number {
    return this.#options.dims;
  }

  /** One L2-normalised Float32Array of `dims` per text, in input order. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.#options.batchSize) {
      out.push(...(await this.#enqueue(texts.slice(start, start + this.#options.batchSize))));
    }
    return out;
  }

  #enqueue(texts: readonly string[]): Promise<Float32Array[]> {
    const run = this.#queue.then(() => this.#run(texts));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #run(texts: readonly string[]): Promise<Float32Array[]> {
    const { tokenizer, session, Tensor, dims, outputName } = this.#options;
    const batch = tokenizer.encodeBatch(texts);
    const shape = [batch.batch, batch.sequence];
    const result = await session.run({
      input_ids: new Tensor('int64', batch.inputIds, shape),
      attention_mask: new Tensor('int64', batch.attentionMask, shape),
    });
    const output = result[outputName];
    if (!output || !(output.data instanceof Float32Array)) throw new Error(`encoder returned no float32 "${outputName}"`);
    if (output.dims[0] !== batch.batch || output.dims[1] !== dims) {
      throw new Error(`encoder output has shape [${output.dims.join(', ')}], expected [${batch.batch}, ${dims}]`);
    }
    const data = output.data;
    return texts.map((_, i) => data.slice(i * dims, (i + 1) * dims));
  }
}
