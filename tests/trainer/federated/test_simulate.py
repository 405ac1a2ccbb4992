from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.trainer.recsys.synthetic import successor_dataset, write_recbole
from trainer.federated.accountant import epsilon_after
from trainer.federated.client import LocalConfig, clients_of, federated_vector
from trainer.federated.simulate import FederatedConfig, main, run_federated, text_prior, zero_order_source
from trainer.recsys.harness import evaluate
from trainer.recsys.ranker import Ranker, RankerScorer


def unit_rows(n: int, dims: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dims)).astype(np.float32)
    unit: np.ndarray = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return unit


def setup() -> tuple[list, torch.Tensor, Ranker, np.ndarray]:  # type: ignore[type-arg]
    dataset = successor_dataset(n_items=30, n_users=120)
    embeddings = unit_rows(30, 16, seed=1)
    return clients_of(dataset.train), torch.tensor(embeddings), text_prior(embeddings), embeddings


def test_private_run_stays_within_its_budget() -> None:
    clients, items, prior, _ = setup()
    config = FederatedConfig(epsilon=4.0, q=0.2, rounds=6, clip=0.5, local=LocalConfig(steps=1, lr=0.5))
    model, record = run_federated(prior, clients, items, config, log=lambda _: None)
    assert record["rounds"] == 6
    assert record["epsilon"] <= 4.0
    assert record["epsilon"] == pytest.approx(epsilon_after(0.2, record["z"], 6, 1e-6))
    assert record["noise_std_on_sum"] == pytest.approx(record["z"] * 0.5)
    assert record["clients_per_round"] == pytest.approx(0.2 * len(clients))
    assert not np.allclose(federated_vector(model), federated_vector(prior))


def test_non_private_fedadam_learns_the_sequence_from_the_text_prior() -> None:
    """Successor data (item i then i+1) with random text: the prior knows nothing of it; a
    federated run without noise must beat it on valid."""
    dataset = successor_dataset(n_items=30, n_users=120)
    embeddings = unit_rows(30, 16, seed=1)
    items, prior, source = torch.tensor(embeddings), text_prior(embeddings), zero_order_source(embeddings)
    before = evaluate(RankerScorer(prior, source), dataset.valid)["ndcg@10"]
    config = FederatedConfig(epsilon=None, q=0.5, rounds=15, clip=5.0, server_lr=0.05, server_small_lr=0.2,
                             local=LocalConfig(steps=3, lr=0.5))
    curve: list[float] = []

    def valid(model: Ranker) -> float:
        curve.append(evaluate(RankerScorer(model, source), dataset.valid)["ndcg@10"])
        return curve[-1]

    _, record = run_federated(prior, clients_of(dataset.train), items, config, valid, eval_every=5,
                              log=lambda _: None)
    assert record["epsilon"] is None and record["z"] == 0
    assert len(record["valid_curve"]) == 3
    assert curve[-1] > before + 0.1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="optimizer must be one of"):
        FederatedConfig(epsilon=1.0, optimizer="sgd")
    with pytest.raises(ValueError, match="0 < q"):
        FederatedConfig(epsilon=1.0, q=0.0)
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        FederatedConfig(epsilon=-1.0)


def test_command_writes_the_issue_shape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole command on a tiny RecBole dataset, with random item embeddings standing in for
    the encoder (the shape of the output is under test here, not the text model)."""
    data = write_recbole(tmp_path / "data", "Tiny", n_items=24, n_users=60)
    monkeypatch.setattr("trainer.federated.simulate.browser_item_matrix",
                        lambda texts, models_dir: (np.zeros((24, 8), np.int8), np.ones(24, np.float32)))
    monkeypatch.setattr("trainer.federated.simulate.dequantize", lambda codes, scales: unit_rows(24, 8, seed=2))
    out = tmp_path / "federated.json"
    code = main(["--dataset", str(data), "--out", str(out), "--device", "cpu", "--epsilons", "1,8", "--rounds", "3",
                 "--q", "0.3", "--central-epochs", "1", "--eval-every", "3", "--local-steps", "1", "--non-private"])
    assert code == 0
    result = json.loads(out.read_text())
    assert set(result["centralized"]) >= {"ndcg@10", "recall@10"}
    assert [(r["epsilon_target"], r["server_optimizer"]) for r in result["runs"]] == [
        (1.0, "fedadam"), (8.0, "fedadam"), (8.0, "fedavg")]
    for r in result["runs"]:
        assert r["delta"] == 1e-6 and r["rounds"] == 3 and r["epsilon"] <= r["epsilon_target"]
        assert {"clients_per_round", "ndcg@10", "recall@10", "z", "q"} <= set(r)
    assert result["federated_non_private"]["epsilon"] is None
    assert "ndcg@10" in result["text_prior"]
