/** The exported encoder on onnxruntime-node: the server's (and the Node tests') runtime. */
import * as ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchSizeFor, SentenceEncoder } from '../core/encoder.ts';
import type { ModelManifest } from '../core/manifest.ts';
import { TextTokenizer } from '../core/tokenize.ts';

function readJson(path: string): object {
  return JSON.parse(readFileSync(path, 'utf8')) as object;
}

export function loadTokenizer(versionDir: string, manifest: ModelManifest): TextTokenizer {
  return new TextTokenizer(readJson(join(versionDir, 'tokenizer.json')), readJson(join(versionDir, 'tokenizer_config.json')), manifest.max_tokens);
}

export async function loadNodeEncoder(
  versionDir: string,
  manifest: ModelManifest,
  dtype: 'fp32' | 'int8',
  threads?: number,
): Promise<SentenceEncoder<ort.Tensor>> {
  const session = await ort.InferenceSession.create(
    join(versionDir, `encoder.${dtype}.onnx`),
    threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {},
  );
  return new SentenceEncoder({
    tokenizer: loadTokenizer(versionDir, manifest),
    session,
    Tensor: ort.Tensor,
    dims: manifest.dims,
    outputName: manifest.output,
    batchSize: batchSizeFor(dtype),
  });
}
