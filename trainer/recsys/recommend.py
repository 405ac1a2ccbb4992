"""The trainer's own top-k for a shopper, with a published catalogue ranker:
`python -m trainer.recsys.recommend --name demo --history ID,ID,... [--k 10]`.

Prints JSON `{"ids": [...], "scores": [...]}`, ranked by the default objective (half click,
half purchase probability) over the whole catalogue: what the browser worker must reproduce.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from trainer.manifest import catalog_entry, read_current_manifest
from trainer.recsys.publish_ranker import catalog_embeddings
from trainer.recsys.ranker import FeatureSource, RankerScorer, import_ranker


def recommend(models_dir: Path, name: str, history_ids: list[str], k: int) -> dict[str, list[object]]:
    manifest = read_current_manifest(models_dir)
    entry = catalog_entry(manifest, name)
    version_dir = models_dir / manifest["version"]
    if "ranker" not in entry:
        raise SystemExit(f"catalog '{name}' has no ranker: run `python -m trainer.recsys.publish_ranker --name {name}`")
    exported = json.loads((version_dir / entry["ranker"]).read_text())
    ids: list[str] = json.loads((version_dir / entry["ids"]).read_text())
    row_of = {item: row for row, item in enumerate(ids)}
    unknown = [item for item in history_ids if item not in row_of]
    if unknown:
        raise SystemExit(f"not in catalog '{name}': {', '.join(unknown)}")
    embeddings = catalog_embeddings(models_dir, name)
    n = len(ids)
    # No order data published for this catalogue yet: no neighbours, no popularity.
    source = FeatureSource(sp.csr_matrix((n, n), dtype=np.float32), np.zeros(n), embeddings,
                           exported["knn"]["decay"], exported["knn"]["max_history"])
    scores = RankerScorer(import_ranker(exported), source).score([np.array([row_of[i] for i in history_ids])])[0]
    top = np.argsort(-scores, kind="stable")[:k]
    return {"ids": [ids[r] for r in top], "scores": [float(scores[r]) for r in top]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--history", required=True, help="comma-separated product ids, oldest first")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    history = [item for item in args.history.split(",") if item]
    print(json.dumps(recommend(args.models_dir, args.name, history, args.k)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
