"""Scores ranker files on Amazon Scientific exactly as trainer.federated.simulate scores its models.

`python -m trainer.federated.score_rankers --dataset DIR --ranker NAME=FILE [--ranker …]
 [--reference Q,ROUNDS,EPSILON,CLIP]`

The rankers are JSON files as the server publishes them (src/core/ranker.ts serializeRanker);
bench/federated-server.ts passes the one a round started from and the one the server published
after its last round. Items are the browser's int8 matrix of the dataset's item texts, features
the ones a browser has (no order data), full ranking of each test and valid target. With
--reference, the Python simulation is also run with those settings from the first ranker, so
the server's run can be set beside the trainer's own maths on the same data and settings.
Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import torch

from trainer.arguments import named_path
from trainer.federated.client import clients_of
from trainer.federated.simulate import FederatedConfig, metrics, run_federated, zero_order_source
from trainer.item_matrix import dequantize
from trainer.recsys.data import load_dataset
from trainer.recsys.item_embeddings import DEFAULT_MODELS_DIR, browser_item_matrix
from trainer.recsys.ranker import import_ranker


def reference_config(value: str) -> FederatedConfig:
    try:
        q, rounds, epsilon, clip = value.split(",")
        return FederatedConfig(epsilon=float(epsilon), q=float(q), rounds=int(rounds), clip=float(clip))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected Q,ROUNDS,EPSILON,CLIP, got {value!r}: {error}") from error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--ranker", type=named_path("FILE"), action="append", required=True,
                        help="NAME=FILE (repeatable)")
    parser.add_argument("--reference", type=reference_config,
                        help="also simulate Q,ROUNDS,EPSILON,CLIP from the first ranker")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    started = time.perf_counter()
    try:
        dataset = load_dataset(args.dataset)
        rankers = {name: import_ranker(json.loads(path.read_text(encoding="utf-8"))).to(args.device)
                   for name, path in args.ranker}
    except (FileNotFoundError, ValueError, KeyError) as error:
        print(f"score_rankers: {error}", file=sys.stderr)
        return 2
    embeddings = dequantize(*browser_item_matrix(dataset.item_texts, args.models_dir))
    source = zero_order_source(embeddings)
    if args.reference is not None:
        first = next(iter(rankers.values()))
        items = torch.tensor(embeddings, device=args.device)
        rankers["python_simulation"], record = run_federated(first, clients_of(dataset.train), items, args.reference,
                                                             log=lambda line: print(line, file=sys.stderr))
    else:
        record = None
    scores: dict[str, Any] = {
        name: {"test": metrics(model, source, dataset.test, args.device),
               "valid": metrics(model, source, dataset.valid, args.device)}
        for name, model in rankers.items()
    }
    if record is not None:
        scores["python_simulation"]["run"] = record
    print(json.dumps({"dataset": dataset.name, "scores": scores, "seconds": round(time.perf_counter() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
