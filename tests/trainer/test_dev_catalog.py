"""trainer.dev_catalog on a few synthetic lines in the UniSRec `.text` format (never the real data)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from trainer import dev_catalog
from trainer.dev_catalog import DevCatalogError, build_catalog, category_of, read_item_texts, split_text

FIELDS = ["id", "title", "description", "category", "brand", "price", "in_stock", "image", "tags"]
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
ROOT = "Industrial & Scientific"

LINES = [
    "A000000001\tAcme 100 Sanding Roll, 80 Grit. Industrial & Scientific Abrasives Sanding Rolls. Acme. ",
    # A title with ". " in it, and a path one level up from the first item's.
    "A000000002\tAcme Spray Can, 12 oz. (Pack of 1). Industrial & Scientific Abrasives. Acme. ",
    # No category, a brand with ". " in it.
    "A000000003\tHeater Hose Kit. . Dr. Warmth. ",
    # No brand.
    "A000000004\tCopper Lugs, Size 8. Industrial & Scientific Electrical Terminals Ring Terminals. . ",
    # Deeper than three levels, every level a path of its own somewhere.
    "A000000005\tBall Bearing 608. Industrial & Scientific Motion Parts Bearings Ball Bearings. Bolt Co. ",
    "A000000006\tBearing Kit. Industrial & Scientific Motion Parts. Bolt Co. ",
    "A000000007\tBearing Grease. Industrial & Scientific Motion Parts Bearings. Bolt Co. ",
]


def write_dataset(directory: Path, lines: list[str], order: list[int] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Toy.text").write_text("item_id:token\ttext:token_seq\n" + "\n".join(lines) + "\n", encoding="utf-8")
    if order is not None:
        ids = [line.split("\t")[0] for line in lines]
        (directory / "Toy.item2index").write_text("".join(f"{ids[i]}\t{n}\n" for n, i in enumerate(order)))
    return directory


def products_by_id(catalog: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["id"]: p for p in catalog["products"]}


def test_split_text_finds_the_category_sentence_not_the_first_full_stop() -> None:
    assert split_text("Acme Spray Can, 12 oz. (Pack of 1). Industrial & Scientific Abrasives. Acme. ") == \
        dev_catalog.ItemText("Acme Spray Can, 12 oz. (Pack of 1)", "Industrial & Scientific Abrasives", "Acme")
    assert split_text("Heater Hose Kit. . Dr. Warmth. ") == dev_catalog.ItemText("Heater Hose Kit", "", "Dr. Warmth")
    assert split_text("Lugs. Industrial & Scientific Terminals. . ") == \
        dev_catalog.ItemText("Lugs", "Industrial & Scientific Terminals", "")
    # No category sentence at all: first sentence is the title, the last the brand.
    assert split_text("Just a title. Some brand. ") == dev_catalog.ItemText("Just a title", "", "Some brand")


def test_category_is_cut_only_where_another_items_path_ends() -> None:
    known = {f"{ROOT} Abrasives", f"{ROOT} Abrasives Sanding Rolls", f"{ROOT} Motion Parts",
             f"{ROOT} Motion Parts Bearings"}
    assert category_of(f"{ROOT} Abrasives Sanding Rolls", known) == [ROOT, "Abrasives", "Sanding Rolls"]
    # "Electrical" is never a path of its own, so no cut is guessed inside it.
    assert category_of(f"{ROOT} Electrical Terminals Ring Terminals", known) == \
        [ROOT, "Electrical Terminals Ring Terminals"]
    # At most three segments.
    assert category_of(f"{ROOT} Motion Parts Bearings Ball Bearings", known) == \
        [ROOT, "Motion Parts", "Bearings"]
    assert category_of("", known) == [ROOT]
    assert category_of(ROOT, known) == [ROOT]


def test_build_catalog_gives_a_feed_parse_catalog_accepts(tmp_path: Path) -> None:
    catalog = build_catalog(read_item_texts(write_dataset(tmp_path / "toy", LINES)), "scientific")
    assert catalog["name"] == "scientific"
    assert catalog["currency"] == "USD"
    assert "research" in catalog["licence"] and "not redistributable" in catalog["licence"]
    assert "unknown" in catalog["licence"]
    products = products_by_id(catalog)
    assert list(products) == [line.split("\t")[0] for line in LINES]
    for product in catalog["products"]:
        # The field order and types of public/catalog/demo-catalog.json (src/core/catalog.ts).
        assert list(product) == FIELDS
        assert SAFE_ID.match(product["id"])
        assert product["title"].strip() != ""
        assert product["category"] and all(segment.strip() for segment in product["category"])
        assert 1 <= len(product["category"]) <= 3
        assert product["price"] == 0 and product["in_stock"] is True and product["tags"] == []
        assert product["image"] == "store/placeholder.svg"
        assert product["description"] == ""
    assert products["A000000001"]["category"] == [ROOT, "Abrasives", "Sanding Rolls"]
    assert products["A000000002"]["title"] == "Acme Spray Can, 12 oz. (Pack of 1)"
    assert products["A000000002"]["category"] == [ROOT, "Abrasives"]
    assert products["A000000003"]["category"] == [ROOT]
    assert products["A000000003"]["brand"] == "Dr. Warmth"
    assert products["A000000004"]["brand"] == ""
    assert products["A000000004"]["category"] == [ROOT, "Electrical Terminals Ring Terminals"]
    assert products["A000000005"]["category"] == [ROOT, "Motion Parts", "Bearings"]


def test_item2index_sets_the_order(tmp_path: Path) -> None:
    order = [3, 0, 6, 1, 5, 2, 4]
    items = read_item_texts(write_dataset(tmp_path / "toy", LINES, order))
    assert [item_id for item_id, _ in items] == [LINES[i].split("\t")[0] for i in order]


def test_bad_datasets_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DevCatalogError, match=r"exactly one \*\.text"):
        read_item_texts(tmp_path)
    with pytest.raises(DevCatalogError, match="does not index exactly"):
        read_item_texts(write_dataset(tmp_path / "short", LINES, [0, 1]))
    with pytest.raises(DevCatalogError, match="appears twice"):
        read_item_texts(write_dataset(tmp_path / "twice", [LINES[0], LINES[0]]))


def test_cli_writes_the_feed_once_and_leaves_it_alone_when_unchanged(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    dataset = write_dataset(tmp_path / "toy", LINES)
    out = tmp_path / "feeds" / "scientific.json"
    args = ["--dataset", str(dataset), "--name", "scientific", "--out", str(out), "--no-publish"]
    assert dev_catalog.main(args) == 0
    first = out.read_bytes()
    assert json.loads(first) == build_catalog(read_item_texts(dataset), "scientific", source="Toy")
    assert "Amazon Reviews 2018 (McAuley lab), Toy," in json.loads(first)["licence"]
    mtime = out.stat().st_mtime_ns
    assert dev_catalog.main(args) == 0
    assert out.stat().st_mtime_ns == mtime and out.read_bytes() == first
    assert "(unchanged)" in capsys.readouterr().out
