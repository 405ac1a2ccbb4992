"""Golden vectors for src/core/ranker.ts: `python -m trainer.recsys.golden`.

A seeded ranker (small dims, so the file stays readable; this checks the maths, not a trained
model) over 40 real item embeddings from tests/golden/encoder.json, int8-quantised as the
browser holds them, with neighbour lists and popularity from synthetic sequences. For each
case: the features, both outputs' logits, the loss and PyTorch autograd's gradients with
respect to every shared parameter and the personal offset.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import torch

from trainer.intent import encode_float32
from trainer.item_matrix import dequantize, quantize_rows
from trainer.recsys.cooccurrence import CooccurrenceConfig, neighbour_lists, neighbour_matrix, occurrence_counts
from trainer.recsys.ranker import FeatureSource, Ranker, RankerConfig, export_ranker, pack_histories

ENCODER_GOLDEN = Path("tests/golden/encoder.json")
DEFAULT_OUT = Path("tests/golden/ranker.json")
ITEMS = 40
KNN_DECAY, KNN_MAX_HISTORY = 0.6, 4


def golden_ranker(embeddings: list[list[float]]) -> dict[str, Any]:
    codes, scales = quantize_rows(np.array(embeddings[:ITEMS], dtype=np.float32))
    items = dequantize(codes, scales)
    rng = np.random.default_rng(11)
    # The last 4 items never occur: new products without order data (no_orders = 1).
    sequences = [rng.integers(0, ITEMS - 4, rng.integers(2, 9)) for _ in range(60)]
    neighbours = neighbour_matrix(sequences, ITEMS, CooccurrenceConfig(window=2, backward=0.5, alpha=0.75, top_k=6))
    popularity = occurrence_counts(sequences, ITEMS)
    source = FeatureSource(neighbours, popularity, items, KNN_DECAY, KNN_MAX_HISTORY)

    torch.manual_seed(5)
    config = RankerConfig(dims=8, max_history=6)
    model = Ranker(items.shape[1], config)
    with torch.no_grad():  # non-zero everywhere, so every gradient path is exercised
        model.attention.normal_(0, 1.0)
        model.recency.normal_(0, 0.5)
        model.feature_weights.normal_(0, 1.0)
        model.projection.mul_(3.0)

    cases: list[dict[str, Any]] = [
        {"history": [], "target": 3, "loss_weights": [0.5, 0.5], "personal": False},
        {"history": [7], "target": 8, "loss_weights": [0.5, 0.5], "personal": True},
        {"history": [1, 2, 3, 4], "target": 5, "loss_weights": [0.0, 1.0], "personal": False},
        {"history": [9, 4, 9, 12, 30, 31, 2, 17, 5], "target": 9, "loss_weights": [1.0, 0.0], "personal": True},
        {"history": [39, 0, 21, 22, 23, 24, 25, 26], "target": 27, "loss_weights": [0.5, 0.5], "personal": True},
    ]
    item_tensor = torch.tensor(items)
    out_cases = []
    for case in cases:
        history = np.array(case["history"], dtype=np.int64)
        ids, ages, mask = pack_histories([history], config.max_history)
        features = torch.from_numpy(source.features([history]))
        personal = (torch.tensor(rng.normal(0, 0.3, config.dims), dtype=torch.float32, requires_grad=True)
                    if case["personal"] else torch.zeros(config.dims, requires_grad=True))
        model.zero_grad()
        logits = model(item_tensor[ids], ages, mask, item_tensor, features, personal.unsqueeze(0))
        target = torch.tensor([case["target"]])
        weights = case["loss_weights"]
        loss = torch.stack([weights[k] * torch.nn.functional.cross_entropy(logits[k], target) for k in range(2)]).sum()
        loss.backward()  # type: ignore[no-untyped-call]
        assert personal.grad is not None
        out_cases.append({
            **case,
            "personal": [float(x) for x in personal.detach()] if case["personal"] else None,
            "features": features[0].reshape(-1).tolist(),
            "click": logits[0, 0].tolist(),
            "purchase": logits[1, 0].tolist(),
            "loss": float(loss.detach()),
            "gradients": {
                "projection": encode_float32(model.projection.grad.numpy()),  # type: ignore[union-attr]
                "attention": model.attention.grad.tolist(),  # type: ignore[union-attr]
                "recency": model.recency.grad.tolist(),  # type: ignore[union-attr]
                "feature_weights": model.feature_weights.grad.reshape(-1).tolist(),  # type: ignore[union-attr]
                "personal": personal.grad.tolist(),
            },
        })
    return {
        "written_by": "python -m trainer.recsys.golden",
        "ranker": export_ranker(model, KNN_DECAY, KNN_MAX_HISTORY),
        "items": {"codes": codes.tolist(), "scales": [float(s) for s in scales]},
        "neighbours": neighbour_lists(neighbours),
        "popularity": popularity.tolist(),
        "cases": out_cases,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    encoder = json.loads(ENCODER_GOLDEN.read_text(encoding="utf-8"))
    golden = golden_ranker([case["embedding"] for case in encoder["cases"]])
    args.out.write_text(json.dumps(golden) + "\n", encoding="utf-8")
    print(f"wrote {len(golden['cases'])} ranker cases: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
