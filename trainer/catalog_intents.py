"""Train a catalogue's intent head and publish it with the current model version.

`python -m trainer.catalog_intents --catalog public/catalog/demo-catalog.json --name demo`

Category intents are the catalogue's second-level category paths ("Kitchen > Cookware");
the training text is catalogue text only: category names, their product titles, and
synthetic queries (trainer.intent). The head lands in models/<version>/ as
intent.<name>.<digest>.json, listed in that version's manifest (files, intents, and the
catalogue entry's `intent_head`). Does nothing when the same head is already published.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from trainer.base_model import load_sentence_transformer, locate_base_model
from trainer.manifest import publish_catalog_file, read_current_manifest

if TYPE_CHECKING:
    from trainer.intent import Embed

# Bump when the recipe in trainer.intent changes, so published heads are retrained.
RECIPE = "intent-v3"


def catalog_categories(catalog: dict[str, Any]) -> tuple[list[str], dict[int, list[str]]]:
    titles: dict[str, list[str]] = defaultdict(list)
    for product in catalog["products"]:
        titles[" > ".join(product["category"][:2])].append(product["title"])
    names = sorted(titles)
    extra = {i: [*titles[name], name.replace(" > ", " ")] for i, name in enumerate(names)}
    return names, extra


def base_model_embed() -> Embed:
    model = load_sentence_transformer(locate_base_model())

    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts, batch_size=64, convert_to_numpy=True), dtype=np.float32)

    return embed


def publish(catalog_path: Path, name: str, models_dir: Path, embed: Embed | None = None) -> tuple[str, bool]:
    """`embed` is the current version's encoder; the base model's when not given."""
    manifest = read_current_manifest(models_dir)
    source = catalog_path.read_bytes()
    digest = hashlib.sha256(RECIPE.encode() + source + manifest["version"].encode()).hexdigest()[:12]
    file_name = f"intent.{name}.{digest}.json"
    names, extra = catalog_categories(json.loads(source))

    def write(path: Path) -> None:
        # PyTorch loads only when there is training to do: setup runs this on every call.
        from trainer.intent import export_head, train_intent_head

        export_head(train_intent_head(embed or base_model_embed(), names, extra), names, path)

    def list_intents(updated: dict[str, Any]) -> None:
        from trainer.intent import BEHAVIOURS

        # The manifest's intent list names what this version's heads can predict.
        updated["intents"] = [*names, *BEHAVIOURS]

    return file_name, publish_catalog_file(models_dir, name, "intent_head", file_name, "json", write, list_intents)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    file_name, written = publish(args.catalog, args.name, args.models_dir)
    print(f"{'published' if written else 'up to date:'} {file_name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
