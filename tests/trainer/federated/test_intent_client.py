"""The federated update of the intent head's category layer (trainer.federated.intent_client),
and the golden file its TypeScript mirror reads (tests/core/federated-intent-update.test.ts)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest

from trainer.federated.golden_intent import DEMO_CATALOG, ENCODER_GOLDEN, INTENT_GOLDEN, golden_intent_update
from trainer.federated.intent_client import (
    IntentLocalConfig,
    intent_local_update,
    intent_vector,
    with_intent_vector,
)

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "golden" / "federated-intent-update.json"


def float64s(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f8")


def layer(categories: int = 4, dims: int = 6, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(categories, dims)), rng.normal(size=categories)


def unit_rows(n: int, dims: int, seed: int = 1) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dims))
    normalised: np.ndarray = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return normalised


def test_the_committed_golden_file_is_what_the_trainer_writes() -> None:
    head = json.loads((REPO / INTENT_GOLDEN).read_text(encoding="utf-8"))["head"]
    encoder = json.loads((REPO / ENCODER_GOLDEN).read_text(encoding="utf-8"))
    catalog = json.loads((REPO / DEMO_CATALOG).read_text(encoding="utf-8"))
    embeddings = [case["embedding"] for case in encoder["cases"]]
    fresh = json.loads(json.dumps(golden_intent_update(head, embeddings, catalog)))
    committed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert {k: v for k, v in committed.items() if k != "cases"} == {k: v for k, v in fresh.items() if k != "cases"}
    # float64 matrix products may round differently on another CPU's kernels: a few ulps.
    for old, new in zip(committed["cases"], fresh["cases"], strict=True):
        assert (old["steps"], old["lr"]) == (new["steps"], new["lr"])
        assert np.allclose(float64s(old["delta"]), float64s(new["delta"]), rtol=0, atol=1e-13)


def test_the_vector_is_the_weight_row_major_then_the_bias() -> None:
    weight, bias = layer()
    vector = intent_vector(weight, bias)
    assert vector.shape == (4 * 6 + 4,)
    assert vector[7] == weight[1, 1] and vector[-1] == bias[-1]
    back_weight, back_bias = with_intent_vector(vector, 4, 6)
    assert np.array_equal(back_weight, weight) and np.array_equal(back_bias, bias)
    with pytest.raises(ValueError, match="has 28 values"):
        with_intent_vector(vector[:-1], 4, 6)


def test_training_raises_the_probability_of_the_clicked_categories() -> None:
    weight, bias = layer()
    x, labels = unit_rows(8, 6), np.array([0, 1, 2, 3, 0, 1, 2, 3])

    def mean_log_likelihood(w: np.ndarray, b: np.ndarray) -> float:
        logits = x @ w.T + b
        log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return float(log_p[np.arange(len(labels)), labels].mean())

    delta = intent_local_update(weight, bias, x, labels, IntentLocalConfig(steps=3, lr=0.5))
    trained_weight, trained_bias = with_intent_vector(intent_vector(weight, bias) + delta, 4, 6)
    assert mean_log_likelihood(trained_weight, trained_bias) > mean_log_likelihood(weight, bias)


def test_one_step_is_the_hand_derived_cross_entropy_gradient() -> None:
    """dL/dW = mean over rows of (softmax - one-hot) xᵀ, dL/db = mean of (softmax - one-hot)."""
    weight, bias = layer()
    x, labels = unit_rows(5, 6), np.array([3, 0, 0, 2, 1])
    logits = x @ weight.T + bias
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(5), labels] -= 1
    expected = -0.1 * np.concatenate([(p.T @ x / 5).ravel(), p.mean(axis=0)])
    delta = intent_local_update(weight, bias, x, labels, IntentLocalConfig(steps=1, lr=0.1))
    assert np.allclose(delta, expected, rtol=0, atol=1e-14)


def test_bad_rows_and_settings_are_refused() -> None:
    weight, bias = layer()
    with pytest.raises(ValueError, match="one label per row"):
        intent_local_update(weight, bias, unit_rows(2, 6), np.array([0]), IntentLocalConfig())
    with pytest.raises(ValueError, match="index the 4 categories"):
        intent_local_update(weight, bias, unit_rows(1, 6), np.array([4]), IntentLocalConfig())
    with pytest.raises(ValueError, match="steps ≥ 1"):
        IntentLocalConfig(steps=0)
