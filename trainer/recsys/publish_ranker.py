"""Publish a catalogue's ranker with the current model version.

`python -m trainer.recsys.publish_ranker --name demo`

A store that has no order history yet gets the text prior: P = the catalogue's principal
directions (so u · P e_j is a cosine in the subspace that tells this catalogue's items apart),
attention pooling that starts as a halving per step back (the text baseline's best decay on
Scientific), and zero weight on co-occurrence and popularity, which the store does not have
yet. It is the ranker's exact form with the text baseline's behaviour, built from the
catalogue alone; training on the store's orders (trainer.recsys.ranker.fit_ranker) and
federated rounds move it from there. Lands in models/<version>/ as
ranker.<name>.<digest>.json under the catalogue entry's `ranker`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt

from trainer.item_matrix import dequantize, read_item_matrix
from trainer.manifest import catalog_entry, publish_catalog_file, read_current_manifest

RECIPE = "ranker-prior-v2"
KNN_DECAY, KNN_MAX_HISTORY = 0.7, 50


def catalog_embeddings(models_dir: Path, name: str) -> npt.NDArray[np.float32]:
    """The catalogue's item matrix as the browser holds it, dequantised."""
    manifest = read_current_manifest(models_dir)
    entry = catalog_entry(manifest, name)
    codes, scales = read_item_matrix((models_dir / manifest["version"] / entry["items"]).read_bytes())
    return dequantize(codes, scales)


def prior_ranker(embeddings: npt.NDArray[np.float32]) -> dict[str, object]:
    from trainer.recsys.ranker import Ranker, RankerConfig, export_ranker, pca_projection

    config = RankerConfig(dims=min(64, embeddings.shape[0] - 1, embeddings.shape[1]))
    model = Ranker(embeddings.shape[1], config, pca_projection(embeddings, config.dims))
    return export_ranker(model, KNN_DECAY, KNN_MAX_HISTORY)


def publish(name: str, models_dir: Path) -> tuple[str, bool]:
    manifest = read_current_manifest(models_dir)
    items = catalog_entry(manifest, name)["items"]
    digest = hashlib.sha256(RECIPE.encode() + items.encode() + manifest["version"].encode()).hexdigest()[:12]
    file_name = f"ranker.{name}.{digest}.json"

    def write(path: Path) -> None:
        path.write_text(json.dumps(prior_ranker(catalog_embeddings(models_dir, name))) + "\n")

    return file_name, publish_catalog_file(models_dir, name, "ranker", file_name, "json", write)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    file_name, written = publish(args.name, args.models_dir)
    print(f"{'published' if written else 'up to date:'} {file_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
