"""The offline benchmark a candidate version must not regress on; it needs no shopper data.

Everything is measured on a version's published artefacts, as a shopper's browser would use
them: queries through its WASM encoder (int8), items from its int8 item matrix, its intent
head and its ranker.
- catalogue retrieval: the held-out products' queries (trainer.catalog_queries) ranked
  against every product of the catalogue; Recall@10 and NDCG@10. NDCG@10 is the gate.
- catalogue intent accuracy: the same queries through the intent head, against the
  product's category intent.
- ranker category precision@10: each product alone as the history, the ranker's text score
  u · P e over the catalogue; the share of the top 10 (the product itself left out) in its
  category intent. Shows whether the ranker's projection still fits the version's item space;
  the text prior rebuilt on the version's own items (trainer.recsys.publish_ranker) is
  measured beside it as the reference.
- WANDS intent accuracy when the dataset is present (trainer.intent_eval: a head trained on
  WANDS's class names with this version's encoder, scored on its 480 real queries).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from trainer.catalog_queries import CatalogQuery, intent_of
from trainer.intent import read_head, top_k_accuracy
from trainer.intent_eval import read_queries, score_queries
from trainer.item_matrix import dequantize, read_item_matrix
from trainer.recsys.item_embeddings import version_encoder
from trainer.recsys.metrics import ranking_metrics, target_ranks
from trainer.recsys.publish_ranker import prior_ranker
from trainer.recsys.ranker import import_ranker

GATE_METRIC = "catalog_ndcg@10"
RANKER_TOP = 10
WANDS_HEAD = "intent head (trained on class names + synthetic queries)"
REPO = Path(__file__).resolve().parents[1]


def wands_queries_file() -> Path | None:
    datasets = Path(os.environ.get("PRIVET_DATASETS", REPO.parent / "shared" / "datasets"))
    path = datasets / "wands_queries" / "query.csv"
    return path if path.is_file() else None


def ranker_category_precision(ranker: dict[str, Any], items: npt.NDArray[np.float32], intents: list[str]) -> float:
    model = import_ranker(ranker)
    with torch.no_grad():
        projected = torch.from_numpy(items) @ model.projection.T
        # One item of history: attention over one element is 1, so u = P e_i.
        scores = (projected @ projected.T).numpy()
    np.fill_diagonal(scores, -np.inf)
    labels = np.array(intents)
    top = np.argsort(-scores, axis=1)[:, :RANKER_TOP]
    same = labels[top] == labels[:, None]
    # Only products whose intent has another product can score anything.
    counted = np.array([(labels == label).sum() > 1 for label in labels])
    return float(same[counted].mean())


def evaluate_version(version_dir: Path, catalog_name: str, catalog: dict[str, Any],
                     queries: list[CatalogQuery]) -> dict[str, float]:
    manifest = json.loads((version_dir / "manifest.json").read_text())
    entry = next((c for c in manifest["catalogs"] if c["name"] == catalog_name), None)
    if entry is None:
        raise ValueError(f"model {manifest['version']} has no catalogue '{catalog_name}'")
    ids = json.loads((version_dir / entry["ids"]).read_text())
    if ids != [product["id"] for product in catalog["products"]]:
        raise ValueError(f"model {manifest['version']} indexed another state of catalogue '{catalog_name}': "
                         "re-index it with the current feed first")
    items = dequantize(*read_item_matrix((version_dir / entry["items"]).read_bytes()))
    embed = version_encoder(version_dir, manifest["backends"]["wasm"])
    query_vectors = embed([query.text for query in queries])
    targets = np.array([query.product for query in queries], dtype=np.int64)
    ranking = ranking_metrics(target_ranks(query_vectors @ items.T, targets))
    metrics = {"catalog_recall@10": ranking["recall@10"], "catalog_ndcg@10": ranking["ndcg@10"],
               "catalog_queries": float(len(queries))}
    if "intent_head" in entry:
        names, weight, bias = read_head(version_dir / entry["intent_head"])
        known = [i for i, query in enumerate(queries) if query.intent in names]
        labels = np.array([names.index(queries[i].intent) for i in known], dtype=np.int64)
        logits = (query_vectors[known] @ weight.T + bias).astype(np.float32)
        metrics["catalog_intent_acc@1"] = top_k_accuracy(logits, labels, 1)
    intents = [intent_of(product) for product in catalog["products"]]
    if "ranker" in entry:
        ranker = json.loads((version_dir / entry["ranker"]).read_text())
        metrics["ranker_category_precision@10"] = ranker_category_precision(ranker, items, intents)
    # The text prior rebuilt on this version's items: what the published ranker is measured against.
    metrics["ranker_prior_precision@10"] = ranker_category_precision(prior_ranker(items), items, intents)
    wands = wands_queries_file()
    if wands is not None:
        texts, classes = read_queries(wands)
        metrics["wands_intent_acc@1"] = score_queries(embed, texts, classes)[WANDS_HEAD]["acc@1"]
    return metrics


def regressed(candidate: dict[str, float], baseline: dict[str, float]) -> bool:
    """Worse on the gate metric at all: a tie publishes, any drop does not."""
    return candidate[GATE_METRIC] < baseline[GATE_METRIC]
