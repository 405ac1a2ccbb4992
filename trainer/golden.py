"""Write the encoder's golden vectors: `python -m trainer.golden`.

tests/golden/encoder.json holds, for every string of trainer.golden_strings, the token
ids of the Python tokenizer and the PyTorch (sentence-transformers) embedding. The
TypeScript tokenizer, onnxruntime-node and onnxruntime-web are all checked against it.
tests/golden/item-matrix.json holds the int8 item-matrix codes, scales and scores that
src/core/item-matrix.ts must reproduce (trainer.item_matrix defines them), and
tests/golden/intent-head.json a small head with its PyTorch outputs for src/core/intent-head.ts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from trainer.base_model import MAX_TOKENS, load_sentence_transformer, locate_base_model
from trainer.golden_strings import golden_strings
from trainer.item_matrix import quantize_rows, scores, serialize

DEFAULT_DIR = Path("tests/golden")
DECIMALS = 7


def reference_vectors(strings: list[str]) -> dict[str, Any]:
    source = locate_base_model()
    model = load_sentence_transformer(source)
    encoded = model.tokenizer(strings, truncation=True, max_length=MAX_TOKENS)
    embeddings = model.encode(strings, batch_size=32, convert_to_numpy=True, normalize_embeddings=False)
    return {
        "base_model": source.base_model,
        "max_tokens": MAX_TOKENS,
        "dims": int(embeddings.shape[1]),
        "written_by": "python -m trainer.golden",
        "cases": [
            {"text": text, "input_ids": list(ids), "embedding": [round(float(x), DECIMALS) for x in row]}
            for text, ids, row in zip(strings, encoded["input_ids"], embeddings, strict=True)
        ],
    }


def item_matrix_vectors(embeddings: list[list[float]]) -> dict[str, Any]:
    """Real embeddings plus rows that hit rounding ties, zeros and the clamp."""
    dims = len(embeddings[0])
    crafted = np.zeros((3, dims), dtype=np.float32)
    crafted[0, :8] = [127.0, 0.5, -0.5, 1.5, -1.5, 63.5, -126.5, 2.5]  # scale 1: exact ties
    crafted[2, :3] = [1e-3, -2e-3, 5e-4]  # crafted[1] stays all zero
    rows = np.concatenate([np.array(embeddings[:24], dtype=np.float32), crafted])
    codes, scales = quantize_rows(rows)
    query = rows[3]
    return {
        "written_by": "python -m trainer.golden",
        "dims": dims,
        "vectors": [[float(x) for x in row] for row in rows],
        "codes": codes.tolist(),
        "scales": [float(s) for s in scales],
        "query_row": 3,
        "scores": [float(s) for s in scores(query, codes, scales)],
        "serialized_sha256": hashlib.sha256(serialize(codes, scales)).hexdigest(),
    }


def intent_head_vectors(embeddings: list[list[float]]) -> dict[str, Any]:
    """A small seeded head and its PyTorch outputs: checks the maths, not a trained model."""
    import torch

    from trainer.intent import IntentHead, encode_float32

    torch.manual_seed(7)
    head = IntentHead(len(embeddings[0]), 6).eval()
    x = torch.tensor(embeddings[:8], dtype=torch.float32)
    with torch.no_grad():
        logits, behaviour_logits = head(x)

    def layer(linear: torch.nn.Linear) -> dict[str, Any]:
        weight = linear.weight.detach().numpy()
        return {"rows": weight.shape[0], "cols": weight.shape[1], "weight": encode_float32(weight),
                "bias": encode_float32(linear.bias.detach().numpy())}

    return {
        "written_by": "python -m trainer.golden",
        "head": {"format": 1, "categories": [f"category {i}" for i in range(6)],
                 "behaviours": ["browse", "compare", "gift", "deal"],
                 "category_layer": layer(head.categories), "behaviour_layer": layer(head.behaviours)},
        "inputs": embeddings[:8],
        "category_probabilities": torch.softmax(logits, dim=1).tolist(),
        "behaviour_probabilities": torch.sigmoid(behaviour_logits).tolist(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args(argv)
    golden = reference_vectors(golden_strings())
    args.out_dir.mkdir(parents=True, exist_ok=True)
    cases = golden.pop("cases")
    # One case per line keeps diffs of the golden file readable.
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in cases)
    header = json.dumps(golden, ensure_ascii=False)[:-1]
    (args.out_dir / "encoder.json").write_text(f'{header}, "cases": [\n{lines}\n]}}\n', encoding="utf-8")
    items = item_matrix_vectors([case["embedding"] for case in cases])
    (args.out_dir / "item-matrix.json").write_text(json.dumps(items) + "\n", encoding="utf-8")
    intents = intent_head_vectors([case["embedding"] for case in cases])
    (args.out_dir / "intent-head.json").write_text(json.dumps(intents) + "\n", encoding="utf-8")
    print(f"wrote {len(cases)} encoder cases, {len(items['codes'])} item-matrix rows, an intent head: {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
