"""The intent head recipe (trainer.intent) and its evaluation command (trainer.intent_eval)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trainer.golden import intent_head_vectors
from trainer.intent import (
    BEHAVIOURS,
    IntentHead,
    build_training_set,
    export_head,
    name_variants,
    read_head,
    singular,
    top_k_accuracy,
)
from trainer.intent_eval import main as intent_eval
from trainer.intent_eval import read_queries

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "intent-head.json"


def test_name_variants_split_shared_nouns_and_singularise() -> None:
    variants = name_variants("Coffee & Cocktail Tables")
    assert {"coffee & cocktail tables", "coffee tables", "cocktail tables", "coffee table"} <= set(variants)
    assert singular("Accent Pillows") == "Accent Pillow"
    assert singular("bookcases") == "bookcase"
    assert singular("glass") == "glass"


def test_training_set_labels_every_text_and_marks_behaviours() -> None:
    data = build_training_set(["Beds", "Area Rugs"])
    assert len(data.texts) == len(data.categories) == len(data.behaviours)
    assert set(data.categories.tolist()) == {0, 1}
    assert data.behaviours.shape[1] == len(BEHAVIOURS)
    assert data.behaviours.sum(axis=1).max() == 1  # at most one behaviour per synthetic query
    assert any("gift" in text for text, row in zip(data.texts, data.behaviours, strict=True) if row[2] == 1)


def test_top_k_accuracy() -> None:
    scores = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]], dtype=np.float32)
    labels = np.array([1, 2])
    assert top_k_accuracy(scores, labels, 1) == 0.5
    assert top_k_accuracy(scores, labels, 3) == 1.0


def test_read_head_returns_the_exported_category_layer_exactly(tmp_path: Path) -> None:
    head = IntentHead(8, 3)
    export_head(head, ["a", "b", "c"], tmp_path / "head.json")
    names, weight, bias = read_head(tmp_path / "head.json")
    assert names == ["a", "b", "c"]
    np.testing.assert_array_equal(weight, head.categories.weight.detach().numpy())
    np.testing.assert_array_equal(bias, head.categories.bias.detach().numpy())
    (tmp_path / "other.json").write_text(json.dumps({"format": 2}))
    with pytest.raises(ValueError, match="unsupported intent head format 2"):
        read_head(tmp_path / "other.json")


def test_query_files_in_either_delimiter_and_bad_ones_rejected(tmp_path: Path) -> None:
    tsv = tmp_path / "q.tsv"
    tsv.write_text("query_id\tquery\tquery_class\n0\tking bed\tBeds\n1\tno class\t\n")
    assert read_queries(tsv) == (["king bed"], ["Beds"])
    comma = tmp_path / "q.csv"
    comma.write_text("query,query_class\nround rug,Area Rugs\n")
    assert read_queries(comma) == (["round rug"], ["Area Rugs"])
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nx,y\n")
    with pytest.raises(ValueError, match="query_class"):
        read_queries(bad)


def test_evaluation_command_scores_any_query_file(tmp_path: Path) -> None:
    queries = tmp_path / "queries.csv"
    queries.write_text("query,query_class\nking size bed frame,Beds\nwool area rug,Area Rugs\n"
                       "desk lamp with usb,Desk Lamps\ntwin bed for kids,Beds\nshag rug 8x10,Area Rugs\n")
    out = tmp_path / "result.json"
    assert intent_eval(["--queries", str(queries), "--out", str(out)]) == 0
    result: dict[str, Any] = json.loads(out.read_text())
    assert result["queries"] == 5 and result["classes"] == 3
    for scores in result["models"].values():
        assert scores["acc@5"] == 1.0  # only three classes
        assert scores["acc@1"] >= 0.6  # plain queries about beds, rugs and lamps


def test_golden_intent_head_is_what_the_trainer_writes_now() -> None:
    golden = json.loads(GOLDEN.read_text())
    fresh = intent_head_vectors(golden["inputs"])
    assert fresh["head"] == golden["head"]
    assert np.allclose(fresh["category_probabilities"], golden["category_probabilities"], atol=1e-7)
