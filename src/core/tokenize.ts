/**
 * WordPiece tokenization exactly as the Python trainer does it (tests/golden/encoder.json
 * holds the ids both must produce).
 *
 * @huggingface/tokenizers does the normalisation and WordPiece; it has no truncation, so
 * this module adds the one rule the trainer uses: keep the first `maxTokens - 2` word
 * pieces, then wrap them in [CLS] … [SEP].
 */
import { Tokenizer } from '@huggingface/tokenizers';

export interface TokenBatch {
  /** Row-major [batch, sequence], right-padded with the pad id. */
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  batch: number;
  sequence: number;
}

export class TextTokenizer {
  readonly #tokenizer: Tokenizer;
  readonly #cls: number;
  readonly #sep: number;
  readonly #pad: number;

  constructor(
    tokenizerJson: object,
    tokenizerConfig: object,
    readonly maxTokens: number,
  ) {
    if (!Number.isInteger(maxTokens) || maxTokens < 3) throw new Error(`maxTokens must be an integer ≥ 3, got ${maxTokens}`);
    this.#tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    this.#cls = this.#specialId('[CLS]');
    this.#sep = this.#specialId('[SEP]');
    this.#pad = this.#specialId('[PAD]');
  }

  #specialId(token: string): number {
    const id = this.#tokenizer.token_to_id(token);
    if (id === undefined) throw new Error(`tokenizer has no ${token} token`);
    return id;
  }

  /** Token ids of one text, with [CLS]/[SEP], at most `maxTokens` long. */
  encode(text: string): number[] {
    const pieces = this.#tokenizer.encode(text, { add_special_tokens: false }).ids;
    return [this.#cls, ...pieces.slice(0, this.maxTokens - 2), this.#sep];
  }

  /** Pads a batch to its longest member; the model ignores padded positions via the mask. */
  encodeBatch(texts: readonly string[]): TokenBatch {
    const rows = texts.map((text) => this.encode(text));
    const sequence = Math.max(0, ...rows.map((row) => row.length));
    const inputIds = new BigInt64Array(rows.length * sequence).fill(BigInt(this.#pad));
    const attentionMask = new BigInt64Array(rows.length * sequence);
    rows.forEach((row, r) => {
      row.forEach((id, c) => {
        inputIds[r * sequence + c] = BigInt(id);
        attentionMask[r * sequence + c] = 1n;
      });
    });
    return { inputIds, attentionMask, batch: rows.length, sequence };
  }
}
