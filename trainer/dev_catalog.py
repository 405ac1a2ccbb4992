"""A research dataset's item texts as a local catalogue feed, published with the current model.

`python -m trainer.dev_catalog --dataset ../shared/datasets/amazon_scientific_unisrec
 --name scientific --out .cache/dev-catalogs/scientific.json`

For the server's developer page (GET /developer): the widget over a real catalogue of a few
thousand products. The source is a RecBole atomic dataset as UniSRec hands it out:
`<Name>.text` rows are `item_id<TAB>title. category path. brand. ` and `<Name>.item2index`
(when present) gives the order, so feed row i is the evaluation's item index i.

Licence: the Amazon review data is for research use only. The feed, its item matrix and its
ranker are written under gitignored paths (.cache/, models/) and must never be committed or
shipped with the demo; the feed's `licence` says so, for anyone who finds the file.

Fields: the data has no prices, descriptions, images, tags or stock. price is 0 for every
product (parseCatalog accepts 0; the feed's licence says it means "unknown", not "free"),
description is empty, image is the storefront's one placeholder, tags are empty and every
product is in stock. The category sentence is one space-joined path with no separators
("Industrial & Scientific Fasteners Screws Machine Screws"); it is cut only where another
product's whole path ends ("… Fasteners" and "… Fasteners Screws" are paths of their own), so
a cut is never guessed, and at most 3 segments are kept. A level that is never a path of
its own stays joined to the next one.

Publishing runs the server's indexer (`npm run index-catalog`, onnxruntime-node: the same
embedding as the demo's) and trainer.recsys.publish_ranker. Both decide for themselves
whether anything changed (the indexer compares the feed's source digest with the
manifest's before it loads the encoder), so a second run re-embeds nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = "Industrial & Scientific"
MAX_SEGMENTS = 3
CURRENCY = "USD"
# public/store/placeholder.svg, drawn for this project (the demo catalogue's own images are
# generated per product and their folder must hold exactly those).
PLACEHOLDER_IMAGE = "store/placeholder.svg"
LICENCE = (
    "Amazon Reviews 2018 (McAuley lab), {source}, UniSRec preprocessing: for research evaluation only, "
    "not redistributable. Generated locally from the dataset; never commit or ship it. "
    "The data has no prices: every price is 0 and means unknown, not free."
)


class DevCatalogError(ValueError):
    pass


@dataclass(frozen=True)
class Product:
    """One product in the field order of public/catalog/demo-catalog.json (src/core/catalog.ts)."""

    id: str
    title: str
    description: str
    category: list[str]
    brand: str
    price: float
    in_stock: bool
    image: str
    tags: list[str]


@dataclass(frozen=True)
class ItemText:
    title: str
    # The category sentence as written, "" when the item has none.
    path: str
    brand: str


def _text_file(dataset: Path) -> Path:
    matches = sorted(dataset.glob("*.text"))
    if len(matches) != 1:
        raise DevCatalogError(f"{dataset} needs exactly one *.text file, found {len(matches)}")
    return matches[0]


def read_item_texts(dataset: Path) -> list[tuple[str, str]]:
    """(item id, text) pairs in item2index order when the dataset has one, else file order."""
    path = _text_file(dataset)
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or not lines[0].startswith("item_id"):
        raise DevCatalogError(f"{path}: expected the header item_id:token<TAB>text:token_seq")
    texts: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        item_id, tab, text = line.partition("\t")
        if not tab or not item_id:
            raise DevCatalogError(f"{path}:{number}: expected item id<TAB>text")
        if item_id in texts:
            raise DevCatalogError(f"{path}:{number}: item {item_id} appears twice")
        texts[item_id] = text
    index_path = path.with_suffix(".item2index")
    if not index_path.is_file():
        return list(texts.items())
    order: dict[int, str] = {}
    for line in index_path.read_text(encoding="utf-8").splitlines():
        item_id, _, index = line.partition("\t")
        if index.strip().isdigit():
            order[int(index)] = item_id
    if sorted(order) != list(range(len(texts))) or set(order.values()) != set(texts):
        raise DevCatalogError(f"{index_path} does not index exactly the {len(texts)} items of {path.name}")
    return [(order[i], texts[order[i]]) for i in range(len(order))]


def split_text(text: str, root: str = DEFAULT_ROOT) -> ItemText:
    """`title. category path. brand. ` → its three parts.

    Titles and brands may contain ". " themselves ("12 oz. (Pack of 1)", "Mr. Heater"), so the
    category sentence is found, not counted: the first sentence after the title that starts with
    the root category or is empty.
    """
    body = text.strip()
    body = body.removesuffix(".")
    parts = body.split(". ")
    for k in range(1, len(parts)):
        part = parts[k].strip()
        if part == "" or part == root or part.startswith(root + " "):
            return ItemText(". ".join(parts[:k]).strip(), part, ". ".join(parts[k + 1:]).strip())
    # No category sentence: keep the first sentence as the title and the last as the brand.
    return ItemText(parts[0].strip(), "", parts[-1].strip() if len(parts) > 1 else "")


def category_of(path: str, known_paths: set[str], root: str = DEFAULT_ROOT) -> list[str]:
    """The path cut where a known path (another item's whole category sentence) ends, at most
    MAX_SEGMENTS segments; [root] when the item has no path under the root."""
    if not path.startswith(root + " "):
        return [root]
    segments = [root]
    start = len(root)
    for cut in range(len(root) + 1, len(path)):
        if path[cut] == " " and path[:cut] in known_paths:
            segment = path[start:cut].strip()
            if segment:
                segments.append(segment)
            start = cut
    last = path[start:].strip()
    if last:
        segments.append(last)
    return segments[:MAX_SEGMENTS]


def build_catalog(items: list[tuple[str, str]], name: str, root: str = DEFAULT_ROOT,
                  source: str = "Scientific") -> dict[str, Any]:
    texts = [(item_id, split_text(text, root)) for item_id, text in items]
    known_paths = {t.path for _, t in texts if t.path}
    products = [
        Product(
            id=item_id,
            # parseCatalog rejects an empty title; no item here has one, but a feed must still parse.
            title=t.title or t.brand or item_id,
            description="",
            category=category_of(t.path, known_paths, root),
            brand=t.brand,
            price=0,
            in_stock=True,
            image=PLACEHOLDER_IMAGE,
            tags=[],
        )
        for item_id, t in texts
    ]
    return {"name": name, "currency": CURRENCY, "licence": LICENCE.format(source=source),
            "products": [asdict(p) for p in products]}


def feed_bytes(catalog: dict[str, Any]) -> bytes:
    # Compact: the widget downloads this feed (it is several MB indented).
    return (json.dumps(catalog, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically, and not at all when the file already holds `data` (its mtime stays)."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


def index_catalog(feed: Path, name: str, models_dir: Path) -> None:
    """The server's indexer, exactly as `npm run index-catalog` runs it for the demo."""
    command = ["npm", "run", "-s", "index-catalog", "--", str(feed.resolve()), "--name", name,
               "--models-dir", str(models_dir.resolve())]
    subprocess.run(command, cwd=REPO, check=True)


def publish(feed: Path, name: str, models_dir: Path) -> dict[str, float]:
    """Item matrix and ranker, each only when out of date; seconds per step."""
    from trainer.recsys import publish_ranker

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    index_catalog(feed, name, models_dir)
    seconds["index"] = time.perf_counter() - started
    started = time.perf_counter()
    file_name, written = publish_ranker.publish(name, models_dir)
    if written:
        seconds["ranker"] = time.perf_counter() - started
    print(f"ranker {'published' if written else 'up to date:'} {file_name}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True, help="RecBole atomic dataset directory")
    parser.add_argument("--name", required=True, help="catalogue (and merchant) name, e.g. scientific")
    parser.add_argument("--out", type=Path, required=True, help="the feed; keep it under a gitignored path")
    parser.add_argument("--root", default=DEFAULT_ROOT, help="the category every path starts with")
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    parser.add_argument("--no-publish", action="store_true", help="write the feed only")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    catalog = build_catalog(read_item_texts(args.dataset), args.name, args.root, _text_file(args.dataset).stem)
    data = feed_bytes(catalog)
    written = write_if_changed(args.out, data)
    seconds = {"convert": time.perf_counter() - started}
    print(f"feed {args.out}: {len(catalog['products'])} products, {len(data)} bytes"
          f"{'' if written else ' (unchanged)'}")
    if not args.no_publish:
        seconds.update(publish(args.out, args.name, args.models_dir))
    print("seconds: " + ", ".join(f"{step} {value:.1f}" for step, value in seconds.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
