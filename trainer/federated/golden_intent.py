"""Golden vectors for src/core/federated-intent-update.ts:
`python -m trainer.federated.golden_intent` writes tests/golden/federated-intent-update.json.

The real intent head of tests/golden/intent-head.json (its category layer) and real query
embeddings from tests/golden/encoder.json as one shopper's rows, each with a category index
(which category does not matter to the maths: every gradient path is exercised either way),
and intent_of on the demo catalogue's category paths: the browser labels a search with the
intent of the product chosen from its results, and must name it as the head does.
Values are float64 base64 (little-endian): the update is defined in float64, so the mirror
must match it to rounding, not to float32's precision.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from trainer.catalog_queries import intent_of
from trainer.federated.intent_client import IntentLocalConfig, intent_local_update, intent_vector

ENCODER_GOLDEN = Path("tests/golden/encoder.json")
INTENT_GOLDEN = Path("tests/golden/intent-head.json")
DEMO_CATALOG = Path("public/catalog/demo-catalog.json")
DEFAULT_OUT = Path("tests/golden/federated-intent-update.json")
ROWS = 10
CONFIGS = (IntentLocalConfig(steps=1, lr=0.1), IntentLocalConfig())


def encode_float64(values: npt.NDArray[np.floating]) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f8").tobytes()).decode("ascii")


def decode_float32(values: str, *shape: int) -> npt.NDArray[np.float32]:
    return np.frombuffer(base64.b64decode(values), dtype="<f4").reshape(shape).astype(np.float32)


def golden_intents_of(catalog: dict[str, Any]) -> list[dict[str, Any]]:
    """One case per distinct category path (paths of one, two and three levels, if present)."""
    paths = sorted({tuple(product["category"]) for product in catalog["products"]}, key=lambda p: (len(p), p))
    by_depth = {len(p): p for p in paths}
    cases = [*paths[:5], *by_depth.values(), ("Gifts",)]
    return [{"category": list(p), "intent": intent_of({"category": list(p)})} for p in cases]


def golden_intent_update(head: dict[str, Any], embeddings: list[list[float]],
                         catalog: dict[str, Any]) -> dict[str, Any]:
    layer = head["category_layer"]
    weight = decode_float32(layer["weight"], layer["rows"], layer["cols"])
    bias = decode_float32(layer["bias"], layer["rows"])
    x = np.array(embeddings[:ROWS], dtype=np.float32)
    labels = np.array([(3 * i + 1) % layer["rows"] for i in range(ROWS)], dtype=np.int64)
    return {
        "written_by": "python -m trainer.federated.golden_intent",
        "head": head,
        "vector": encode_float64(intent_vector(weight, bias)),
        "rows": [{"embedding": row.tolist(), "label": int(label)} for row, label in zip(x, labels, strict=True)],
        "cases": [{"steps": c.steps, "lr": c.lr,
                   "delta": encode_float64(intent_local_update(weight, bias, x, labels, c))} for c in CONFIGS],
        "intent_of": golden_intents_of(catalog),
        "defaults": {"steps": IntentLocalConfig().steps, "lr": IntentLocalConfig().lr},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    head = json.loads(INTENT_GOLDEN.read_text(encoding="utf-8"))["head"]
    encoder = json.loads(ENCODER_GOLDEN.read_text(encoding="utf-8"))
    catalog = json.loads(DEMO_CATALOG.read_text(encoding="utf-8"))
    golden = golden_intent_update(head, [case["embedding"] for case in encoder["cases"]], catalog)
    args.out.write_text(json.dumps(golden) + "\n", encoding="utf-8")
    print(f"wrote the intent layer's vector and {len(golden['cases'])} local updates: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
