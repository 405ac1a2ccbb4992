"""The intent head's federated simulation (trainer.federated.simulate_intent) on a small
synthetic problem: the split, the simulated shoppers, and the round loop's privacy and learning."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trainer.federated.accountant import epsilon_after
from trainer.federated.simulate_intent import (
    IntentFederatedConfig,
    accuracy,
    run,
    run_federated,
    shoppers,
    split_queries,
)


def test_each_class_alternates_between_train_and_test_and_a_lone_query_trains() -> None:
    train, test = split_queries(["a", "b", "a", "a", "c", "b"])
    assert train == [0, 1, 3, 4]
    assert test == [2, 5]


def test_shoppers_hold_one_to_three_train_queries() -> None:
    population = shoppers([7, 8, 9], 200, np.random.default_rng(0))
    sizes = {len(s.rows) for s in population}
    assert sizes == {1, 2, 3}
    assert all(0 <= int(r) < 3 for s in population for r in s.rows)


def problem(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """4 categories in 8 dims: each query is near its category's direction; the head starts at zero."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(4, 8))
    labels = rng.integers(0, 4, size=80)
    x = centres[labels] + 0.3 * rng.normal(size=(80, 8))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return np.zeros((4, 8)), np.zeros(4), x, labels.astype(np.int64)


def test_rounds_without_noise_learn_the_categories() -> None:
    weight, bias, x, y = problem()
    population = shoppers(list(range(80)), 300, np.random.default_rng(1))
    config = IntentFederatedConfig(epsilon=None, q=0.2, rounds=15, server_lr=0.05)
    trained_weight, trained_bias, record = run_federated(weight, bias, x, y, population, config)
    assert accuracy(weight, bias, x, y)["acc@1"] < 0.5
    assert accuracy(trained_weight, trained_bias, x, y)["acc@1"] > 0.9
    assert record["epsilon"] is None and record["z"] == 0.0


def test_plain_fedavg_adds_the_mean_and_learns_too() -> None:
    weight, bias, x, y = problem()
    population = shoppers(list(range(80)), 300, np.random.default_rng(1))
    config = IntentFederatedConfig(epsilon=None, q=0.2, rounds=15, optimizer="fedavg", server_lr=1.0)
    trained_weight, trained_bias, record = run_federated(weight, bias, x, y, population, config)
    assert record["server_optimizer"] == "fedavg" and "beta1" not in record["server"]
    assert accuracy(trained_weight, trained_bias, x, y)["acc@1"] > 0.9
    with pytest.raises(ValueError, match="optimizer must be one of"):
        IntentFederatedConfig(epsilon=None, optimizer="sgd")


def test_a_private_run_stays_within_its_budget_and_adds_noise() -> None:
    weight, bias, x, y = problem()
    population = shoppers(list(range(80)), 300, np.random.default_rng(1))
    config = IntentFederatedConfig(epsilon=4.0, q=0.2, rounds=6)
    noisy = run_federated(weight, bias, x, y, population, config)
    clean = run_federated(weight, bias, x, y, population, IntentFederatedConfig(epsilon=None, q=0.2, rounds=6))
    record = noisy[2]
    assert record["rounds"] == 6 and record["epsilon"] <= 4.0
    assert record["epsilon"] == pytest.approx(epsilon_after(0.2, record["z"], 6, 1e-6))
    assert not np.allclose(noisy[0], clean[0])


def test_run_reads_the_query_file_and_reports_every_budget(tmp_path: Path) -> None:
    words = ["sofa", "lamp", "rug", "desk"]
    lines = ["query_id\tquery\tquery_class", *(f"{i}\t{words[i % 4]} {i}\t{words[i % 4].title()}s" for i in range(24)),
             "24\torphan\t"]
    path = tmp_path / "query.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def embed(texts: list[str]) -> np.ndarray:
        # A bag of hashed letters: similar words land near each other, enough for a head to learn.
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for row, text in enumerate(texts):
            for ch in text.lower():
                out[row, ord(ch) % 16] += 1.0
        normalised: np.ndarray = out / np.linalg.norm(out, axis=1, keepdims=True)
        return normalised

    result = run(path, embed, [4.0], IntentFederatedConfig(epsilon=None, rounds=3, q=0.5), clients=40, seeds=2,
                 fedavg_epsilon=4.0, log=lambda _: None)
    assert result["queries"] == {"train": 12, "test": 12, "classes": 4}
    assert [(r["epsilon_target"], r["server_optimizer"]) for r in result["runs"]] == [(4.0, "fedadam"), (4.0, "fedavg")]
    assert len(result["runs"][0]["acc@1_by_seed"]) == 2
    assert result["federated_non_private"]["epsilon"] is None
    assert 0.0 <= result["centralized"]["acc@1"] <= 1.0
