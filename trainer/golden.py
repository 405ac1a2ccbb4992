"""Write the encoder's golden vectors: `python -m trainer.golden`.

tests/golden/encoder.json holds, for every string of trainer.golden_strings, the token
ids of the Python tokenizer and the PyTorch (sentence-transformers) embedding. The
TypeScript tokenizer, onnxruntime-node and onnxruntime-web are all checked against it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from trainer.base_model import MAX_TOKENS, load_sentence_transformer, locate_base_model
from trainer.golden_strings import golden_strings

DEFAULT_PATH = Path("tests/golden/encoder.json")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    golden = reference_vectors(golden_strings())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # One case per line keeps diffs of the golden file readable.
    lines = ",\n".join(json.dumps(case, ensure_ascii=False) for case in golden.pop("cases"))
    header = json.dumps(golden, ensure_ascii=False)[:-1]
    args.out.write_text(f'{header}, "cases": [\n{lines}\n]}}\n', encoding="utf-8")
    print(f"wrote {len(golden_strings())} golden cases to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
