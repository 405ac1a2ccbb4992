"""Score the intent head on real shopping queries: `python -m trainer.intent_eval --queries FILE`.

FILE is tab- or comma-separated with `query` and `query_class` columns (e.g. WANDS's
query.csv). The label space is the set of classes in the file; the head is trained on
those class names only (trainer.intent), never on the queries, so the result is zero-shot
with respect to them. Also reports nearest-class-name matching as a baseline.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

from trainer.base_model import load_sentence_transformer, locate_base_model
from trainer.intent import Embed, top_k_accuracy, train_intent_head


def read_queries(path: Path) -> tuple[list[str], list[str]]:
    text = path.read_text(encoding="utf-8")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters="\t,")
    rows = list(csv.DictReader(text.splitlines(), dialect=dialect))
    if not rows or not {"query", "query_class"} <= set(rows[0]):
        raise ValueError(f"{path} needs 'query' and 'query_class' columns")
    kept = [r for r in rows if r["query_class"].strip() and r["query"].strip()]
    return [r["query"] for r in kept], [r["query_class"].strip() for r in kept]


def score_queries(embed: Embed, queries: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    """acc@1/acc@5 of class-name similarity and of the intent head trained with `embed`."""
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels], dtype=np.int64)
    q = embed(queries)
    prototype_scores = q @ embed(classes).T
    head = train_intent_head(embed, classes)
    with torch.no_grad():
        head_scores = head(torch.from_numpy(q))[0].numpy()
    return {
        "class-name similarity (zero-shot baseline)": {
            "acc@1": top_k_accuracy(prototype_scores, y, 1), "acc@5": top_k_accuracy(prototype_scores, y, 5)},
        "intent head (trained on class names + synthetic queries)": {
            "acc@1": top_k_accuracy(head_scores, y, 1), "acc@5": top_k_accuracy(head_scores, y, 5)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    queries, labels = read_queries(args.queries)
    model = load_sentence_transformer(locate_base_model())

    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts, batch_size=64, convert_to_numpy=True), dtype=np.float32)

    models = score_queries(embed, queries, labels)
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": f"python -m trainer.intent_eval --queries {args.queries}",
        "queries": len(queries),
        "classes": len(set(labels)),
        "models": models,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(f"{len(queries)} queries, {len(set(labels))} classes ({args.queries})")
    for name, scores in models.items():
        print(f"  {name:<58} acc@1 {scores['acc@1']:.3f}  acc@5 {scores['acc@5']:.3f}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
