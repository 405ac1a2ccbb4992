"""Queries made from the catalogue and the held-out split (trainer.catalog_queries), on the
demo catalogue."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.trainer.conftest import REPO
from trainer.catalog_queries import (
    HELD_OUT_FRACTION,
    catalog_queries,
    intent_of,
    is_held_out,
    product_document,
    product_queries,
)


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "public/catalog/demo-catalog.json").read_text(encoding="utf-8"))
    return data


def test_the_split_depends_on_the_id_alone_and_holds_out_about_the_fraction(catalog: dict[str, Any]) -> None:
    ids = [product["id"] for product in catalog["products"]]
    held = [i for i in ids if is_held_out(i)]
    assert held == [i for i in ids if is_held_out(i)]
    assert abs(len(held) / len(ids) - HELD_OUT_FRACTION) < 0.05
    assert not is_held_out("p-0001", fraction=0.0) and is_held_out("p-0001", fraction=1.0)


def test_queries_point_at_their_product_and_split_cleanly(catalog: dict[str, Any]) -> None:
    held, kept = catalog_queries(catalog, held_out=True), catalog_queries(catalog, held_out=False)
    products = catalog["products"]
    assert {q.product for q in held}.isdisjoint({q.product for q in kept})
    assert {q.product for q in held} | {q.product for q in kept} == set(range(len(products)))
    for query in held:
        assert is_held_out(products[query.product]["id"])
        assert query.text in product_queries(products[query.product])
        assert query.intent == intent_of(products[query.product])


def test_a_product_gives_distinct_short_queries_none_its_whole_text() -> None:
    product = {"id": "x", "title": "Cast Iron Skillet 8-inch, Pre-Seasoned",
               "description": "Heavy cast iron pan seasoned with vegetable oil and ready for the stovetop.",
               "category": ["Kitchen", "Cookware", "Skillets"], "tags": ["cookware", "cast-iron"]}
    queries = product_queries(product)
    assert queries == ["cast iron skillet 8-inch", "cookware cast iron skillet",
                       "heavy cast iron pan seasoned with vegetable oil"]
    assert product_document(product) == ("Cast Iron Skillet 8-inch, Pre-Seasoned. Kitchen > Cookware > Skillets. "
                                         "Heavy cast iron pan seasoned with vegetable oil and ready for the stovetop.")
    assert intent_of(product) == "Kitchen > Cookware"
