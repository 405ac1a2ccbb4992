from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.trainer.recsys.synthetic import successor_dataset
from trainer.federated.client import (
    CLIENT_FEATURES,
    Layout,
    LocalConfig,
    batches,
    client_logits,
    clients_of,
    federated_vector,
    local_updates,
    pack_clients,
    split_vector,
    with_vector,
)
from trainer.federated.simulate import zero_order_source
from trainer.recsys.ranker import Ranker, RankerConfig, pack_histories


def random_unit_rows(n: int, dims: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dims)).astype(np.float32)
    unit: np.ndarray = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return unit


def random_ranker(input_dims: int, seed: int) -> Ranker:
    torch.manual_seed(seed)
    model = Ranker(input_dims, RankerConfig(dims=6, max_history=4))
    with torch.no_grad():
        for p in (model.attention, model.recency, model.feature_weights):
            p.normal_()
    return model


def test_client_logits_are_the_rankers_with_no_order_data() -> None:
    """Same softmax as Ranker.forward over the browser's features without order data
    (knn and popularity 0, no_orders 1: a constant per row, so compare log-softmax)."""
    dataset = successor_dataset(n_items=30, n_users=20)
    embeddings = random_unit_rows(30, 12, seed=1)
    items = torch.tensor(embeddings)
    model = random_ranker(12, seed=2)
    clients = clients_of(dataset.train)[:5]
    batch = pack_clients(clients, 4, items)
    vector = torch.from_numpy(federated_vector(model)).float()
    params = [p.unsqueeze(0).repeat(len(clients), *([1] * p.dim())) for p in split_vector(vector, Layout.of(model))]
    ours = torch.log_softmax(client_logits(params, batch, items, 4), dim=2)

    histories = [h for c in clients for h in c.histories]
    ids, ages, mask = pack_histories(histories, 4)
    features = torch.from_numpy(zero_order_source(embeddings).features(histories))
    with torch.no_grad():
        reference = torch.log_softmax(model(items[ids], ages, mask, items, features), dim=2)
    assert ours.shape == reference.shape
    assert torch.allclose(ours, reference, atol=1e-5)


def test_each_clients_update_uses_only_its_own_rows() -> None:
    dataset = successor_dataset(n_items=30, n_users=20)
    items = torch.tensor(random_unit_rows(30, 12, seed=1))
    model = random_ranker(12, seed=3)
    layout, vector = Layout.of(model), federated_vector(model)
    clients = clients_of(dataset.train)[:6]
    together = local_updates(vector, layout, clients, items, LocalConfig(steps=2, lr=0.3))
    # A tiny budget puts clients into several batches; each alone must give the same row.
    apart = local_updates(vector, layout, clients, items, LocalConfig(steps=2, lr=0.3, batch_budget=1))
    alone = np.stack([local_updates(vector, layout, [c], items, LocalConfig(steps=2, lr=0.3))[0] for c in clients])
    assert np.abs(together).max() > 1e-3
    assert together == pytest.approx(alone, abs=1e-5)
    assert apart == pytest.approx(alone, abs=1e-5)


def test_local_steps_lower_the_clients_own_loss() -> None:
    dataset = successor_dataset(n_items=30, n_users=20)
    items = torch.tensor(random_unit_rows(30, 12, seed=1))
    model = random_ranker(12, seed=4)
    layout, vector = Layout.of(model), federated_vector(model)
    client = clients_of(dataset.train)[0]
    delta = local_updates(vector, layout, [client], items, LocalConfig(steps=3, lr=0.2))[0]

    def loss(v: np.ndarray) -> float:
        params = [p.unsqueeze(0) for p in split_vector(torch.from_numpy(v).float(), layout)]
        logits = client_logits(params, pack_clients([client], 4, items), items, 4)
        return float(torch.nn.functional.cross_entropy(logits[0], torch.tensor(client.targets)))

    assert loss(vector + delta) < loss(vector)


def test_vector_round_trip_leaves_order_data_weights_alone() -> None:
    model = random_ranker(12, seed=5)
    vector = federated_vector(model)
    assert vector.shape == (Layout.of(model).size,) == (6 * 12 + 6 + 4 + 2 * len(CLIENT_FEATURES),)
    moved = with_vector(model, vector + 1.0)
    assert federated_vector(moved) == pytest.approx(vector + 1.0, abs=1e-6)
    others = [k for k in range(5) if k not in CLIENT_FEATURES]
    assert torch.equal(moved.feature_weights[:, others], model.feature_weights[:, others])
    with pytest.raises(ValueError, match="federated parameters"):
        with_vector(model, vector[:-1])


def test_batches_cover_every_client_once_within_budget() -> None:
    clients = clients_of(successor_dataset(n_items=30, n_users=40).train)
    groups = list(batches(clients, 60))
    assert sorted(c.user for g in groups for c in g) == sorted(c.user for c in clients)
    for group in groups:
        widest = max(len(c.targets) for c in group) * max(len(h) for c in group for h in c.histories)
        assert len(group) == 1 or len(group) * widest <= 60
