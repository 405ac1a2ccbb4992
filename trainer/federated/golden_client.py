"""Golden vectors for src/core/federated-parameters.ts and src/core/federated-update.ts:
`python -m trainer.federated.golden_client` writes tests/golden/federated-update.json.

A seeded ranker (small dims so the file stays readable: this checks the maths, not a trained
model) over 40 real item embeddings from tests/golden/encoder.json, and one shopper's rows. The
item matrix is int8 as the browser holds it, and the trainer here runs on its dequantized
values: the browser never has the float embeddings, so a golden on them would test a model no
browser runs. For the ranker: its federated vector (client.federated_vector) and, for a few
local-training settings, the update client.local_updates computes for this one client.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from trainer.federated.client import Client, Layout, LocalConfig, federated_vector, local_updates
from trainer.intent import encode_float32
from trainer.item_matrix import dequantize, quantize_rows
from trainer.recsys.ranker import Ranker, RankerConfig, export_ranker

ENCODER_GOLDEN = Path("tests/golden/encoder.json")
DEFAULT_OUT = Path("tests/golden/federated-update.json")
ITEMS = 40
# Longer than max_history, so histories are cut to what the attention sees; fewer rows than items.
SEQUENCE = [3, 17, 3, 22, 8, 31, 5, 12, 39, 0, 17, 26]
MAX_ROWS = 9


def client_rows(sequence: list[int], max_history: int, max_rows: int) -> list[tuple[list[int], int]]:
    """A browser's rows: each wanted item after the first with at most max_history items before
    it, the latest max_rows of them (src/core/federated-update.ts, trainingRows)."""
    return [(sequence[max(0, i - max_history):i], sequence[i])
            for i in range(max(1, len(sequence) - max_rows), len(sequence))]


def golden_federated_update(embeddings: list[list[float]]) -> dict[str, Any]:
    codes, scales = quantize_rows(np.array(embeddings[:ITEMS], dtype=np.float32))
    items = torch.tensor(dequantize(codes, scales))
    torch.manual_seed(9)
    config = RankerConfig(dims=8, max_history=6)
    model = Ranker(items.shape[1], config)
    with torch.no_grad():  # non-zero everywhere, so every gradient path is exercised
        model.attention.normal_(0, 1.0)
        model.recency.normal_(0, 0.5)
        model.feature_weights.normal_(0, 1.0)
        model.projection.mul_(3.0)
    rows = client_rows(SEQUENCE, config.max_history, MAX_ROWS)
    client = Client(0, tuple(np.array(h, dtype=np.int64) for h, _ in rows), tuple(t for _, t in rows))
    layout = Layout.of(model)
    vector = federated_vector(model)
    cases = []
    for local in (LocalConfig(steps=1, lr=0.1), LocalConfig()):
        delta = local_updates(vector, layout, [client], items, local)[0]
        cases.append({"steps": local.steps, "lr": local.lr, "delta": encode_float32(delta.astype(np.float32))})
    return {
        "written_by": "python -m trainer.federated.golden_client",
        "ranker": export_ranker(model, 0.5, 4),
        "items": {"codes": codes.tolist(), "scales": [float(s) for s in scales]},
        "layout": {"sizes": list(layout.sizes), "size": layout.size},
        "vector": encode_float32(vector.astype(np.float32)),
        "sequence": SEQUENCE,
        "max_rows": MAX_ROWS,
        "rows": [{"history": h, "target": t} for h, t in rows],
        "cases": cases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    encoder = json.loads(ENCODER_GOLDEN.read_text(encoding="utf-8"))
    golden = golden_federated_update([case["embedding"] for case in encoder["cases"]])
    args.out.write_text(json.dumps(golden) + "\n", encoding="utf-8")
    print(f"wrote the federated layout and {len(golden['cases'])} local updates: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
