"""Shopper-like queries made from a catalogue alone, and the split that keeps some products
unseen by fine-tuning so that the offline benchmark measures generalisation, not recall of
the training pairs.

Each product gives three queries, none of them its full indexed text: the title up to its
first comma ("cast iron skillet 8-inch"), its tags with its leaf category ("cookware cast
iron kitchen skillet": tags are not part of the indexed text), and the opening words of its
description. A product is held out when a hash of its id says so, so it stays on the same
side as the catalogue grows and on every run.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from trainer.intent import singular

HELD_OUT_FRACTION = 0.2
DESCRIPTION_WORDS = 8


@dataclass(frozen=True)
class CatalogQuery:
    text: str
    product: int  # row of the product in the catalogue (and in its item matrix)
    intent: str  # the product's category intent, as trainer.catalog_intents names it


def is_held_out(product_id: str, fraction: float = HELD_OUT_FRACTION) -> bool:
    bucket = int.from_bytes(hashlib.sha256(product_id.encode("utf-8")).digest()[:4], "big")
    return bucket < fraction * 2**32


def product_document(product: dict[str, Any]) -> str:
    """Title, category path and description: the fields src/core/catalog.ts productText
    embeds, in its order. Training text only; the item matrix itself is written by the
    server's indexer, so an exact match is not needed here."""
    parts = [product["title"].strip(), " > ".join(product["category"]), product["description"].strip()]
    return ". ".join(part.rstrip(".") for part in parts if part) + "."


def product_queries(product: dict[str, Any]) -> list[str]:
    title = product["title"].split(",")[0].strip().lower()
    leaf = singular(product["category"][-1].lower())
    tags = [tag.replace("-", " ") for tag in product.get("tags", [])]
    tagged = " ".join(dict.fromkeys([*tags, leaf]))
    opening = " ".join(product["description"].split()[:DESCRIPTION_WORDS]).rstrip(".,;:").lower()
    return [query for query in dict.fromkeys([title, tagged, opening]) if query]


def intent_of(product: dict[str, Any]) -> str:
    return " > ".join(product["category"][:2])


def catalog_queries(catalog: dict[str, Any], held_out: bool) -> list[CatalogQuery]:
    """Every query of the held-out products (held_out=True) or of the others."""
    return [
        CatalogQuery(text, row, intent_of(product))
        for row, product in enumerate(catalog["products"])
        if is_held_out(product["id"]) == held_out
        for text in product_queries(product)
    ]
