"""The Privet ranker: a shopper's recent history of item text embeddings → a score for every
catalogue item, with a click and a purchase output. This module defines the model; the
TypeScript in src/core/ranker.ts re-implements its forward pass and gradients and is checked
against golden vectors written from here.

    x_i   = P e_{h_i}                                history item i, projected (P: d × 384)
    α     = softmax_i(a · x_i + r[age_i])            attention with a learned recency bias
    u     = Σ_i α_i x_i + δ                          user vector; δ is the shopper's personal
                                                     offset (zero here, learned on the device)
    s_k(j) = u · P e_j + w_k · f_j                   for output k ∈ {click, purchase}

f_j are parameter-free features computed from what the store and the shopper have:
  knn         recency-weighted co-occurrence with the history (merchant order data, see
              trainer.recsys.cooccurrence), popularity log-count (merchant order data),
  in_history  the item is in the shopper's own history, last_cosine  text cosine with the
              most recent item, no_orders  the item has no order data (a new product).
Training hides the order data of a random `order_dropout` share of items in each batch
(knn and popularity 0, no_orders 1; as DropoutNet, Volkovs et al. 2017), so the model learns
to rank a new product by its text instead of burying it under everything that has sold.
Shared parameters: P, a, r, w_click, w_purchase (d·384 + d + L + 2F). Both outputs are
trained with a full softmax over the catalogue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import torch
from torch import nn

from trainer.recsys.cooccurrence import (
    CooccurrenceConfig,
    history_weight_matrix,
    neighbour_matrix,
    occurrence_counts,
)
from trainer.recsys.data import RecDataset, Split, most_recent
from trainer.recsys.harness import History, evaluate

FEATURES = ("knn", "popularity", "in_history", "last_cosine", "no_orders")
OUTPUTS = ("click", "purchase")
Log = Callable[[str], None]


@dataclass(frozen=True)
class RankerConfig:
    dims: int = 64
    max_history: int = 50
    lr: float = 3e-3
    # The handful of attention, recency and feature weights need bigger steps than P's 24k.
    small_lr: float = 0.05
    batch: int = 512
    order_dropout: float = 0.05
    epochs: int = 40
    patience: int = 4
    seed: int = 0


@dataclass(frozen=True)
class FeatureSource:
    """What the features are computed from: neighbour lists and popularity counts (merchant
    data), the item embeddings and the kNN recency decay."""

    neighbours: sp.csr_matrix
    popularity: npt.NDArray[np.float64]
    embeddings: npt.NDArray[np.float32]
    knn_decay: float
    knn_max_history: int

    def features(self, histories: Sequence[History]) -> npt.NDArray[np.float32]:
        """(len(histories), n_items, len(FEATURES))."""
        n_items = self.embeddings.shape[0]
        weights = history_weight_matrix(histories, n_items, self.knn_decay, self.knn_max_history)
        knn = np.asarray((weights @ self.neighbours).todense(), dtype=np.float32)
        log_pop = np.log1p(self.popularity) / max(np.log1p(self.popularity.max()), 1.0)
        out = np.zeros((len(histories), n_items, len(FEATURES)), dtype=np.float32)
        out[:, :, 0] = knn
        out[:, :, 1] = log_pop.astype(np.float32)
        out[:, :, 4] = (self.popularity == 0).astype(np.float32)
        with_history = [row for row, history in enumerate(histories) if len(history)]
        for row in with_history:
            out[row, histories[row], 2] = 1.0
        last = [histories[row][-1] for row in with_history]
        out[with_history, :, 3] = self.embeddings[last] @ self.embeddings.T
        return out


class Ranker(nn.Module):
    def __init__(self, input_dims: int, config: RankerConfig,
                 init_projection: npt.NDArray[np.float32] | None = None) -> None:
        super().__init__()
        self.config = config
        projection = (torch.tensor(init_projection) if init_projection is not None
                      else torch.randn(config.dims, input_dims) / input_dims ** 0.5)
        self.projection = nn.Parameter(projection.float())
        self.attention = nn.Parameter(torch.zeros(config.dims))
        # Starts as a halving per step back, the text baseline's best decay on Scientific.
        self.recency = nn.Parameter(-0.7 * torch.arange(config.max_history, dtype=torch.float32))
        self.feature_weights = nn.Parameter(torch.zeros(len(OUTPUTS), len(FEATURES)))

    def shared_parameter_count(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def user_vectors(self, history_embeddings: torch.Tensor, ages: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """history_embeddings (B, L, D), ages (B, L) steps back from the newest item, mask (B, L)."""
        x = history_embeddings @ self.projection.T
        logits = x @ self.attention + self.recency[ages.clamp(max=self.config.max_history - 1)]
        logits = logits.masked_fill(~mask, float("-inf"))
        # A row with no history gets u = 0 (text contributes nothing; features still rank).
        alpha = torch.nan_to_num(torch.softmax(logits, dim=1), nan=0.0)
        return (alpha.unsqueeze(2) * x).sum(dim=1)

    def forward(self, history_embeddings: torch.Tensor, ages: torch.Tensor, mask: torch.Tensor,
                item_embeddings: torch.Tensor, features: torch.Tensor,
                personal: torch.Tensor | None = None) -> torch.Tensor:
        """Logits (len(OUTPUTS), B, n_items)."""
        u = self.user_vectors(history_embeddings, ages, mask)
        if personal is not None:
            u = u + personal
        text = u @ (item_embeddings @ self.projection.T).T
        return text.unsqueeze(0) + torch.einsum("bnf,kf->kbn", features, self.feature_weights)


def pack_histories(histories: Sequence[History], max_history: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Item ids (B, L), ages (B, L) and a mask, newest item in the last column."""
    ids = torch.zeros(len(histories), max_history, dtype=torch.long)
    mask = torch.zeros(len(histories), max_history, dtype=torch.bool)
    for row, history in enumerate(histories):
        recent = most_recent(history, max_history)
        if len(recent):
            ids[row, max_history - len(recent):] = torch.from_numpy(np.asarray(recent, dtype=np.int64))
            mask[row, max_history - len(recent):] = True
    ages = torch.arange(max_history - 1, -1, -1).expand(len(histories), max_history)
    return ids, ages, mask


def combine_outputs(logits: torch.Tensor, objective: tuple[float, float] = (0.5, 0.5)) -> torch.Tensor:
    """The serving score: objective-weighted click and purchase probabilities."""
    probabilities = torch.softmax(logits, dim=2)
    return objective[0] * probabilities[0] + objective[1] * probabilities[1]


class RankerScorer:
    def __init__(self, model: Ranker, source: FeatureSource, device: str = "cpu") -> None:
        self.model = model.eval()
        self.source = source
        self.device = device
        self.items = torch.tensor(source.embeddings, device=device)

    def logits(self, histories: Sequence[History]) -> torch.Tensor:
        ids, ages, mask = pack_histories(histories, self.model.config.max_history)
        features = torch.from_numpy(self.source.features(histories)).to(self.device)
        with torch.no_grad():
            history = self.items[ids.to(self.device)]
            logits: torch.Tensor = self.model(history, ages.to(self.device), mask.to(self.device), self.items, features)
        return logits

    def score(self, histories: Sequence[History]) -> npt.NDArray[np.float32]:
        parts = [combine_outputs(self.logits(histories[s:s + 512])).cpu().numpy()
                 for s in range(0, len(histories), 512)]
        return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, len(self.items)), np.float32)


def pca_projection(embeddings: npt.NDArray[np.float32], dims: int) -> npt.NDArray[np.float32]:
    """Top principal directions of the catalogue: a start where u · P e is already a cosine
    in the subspace that separates this catalogue's items."""
    centred = embeddings - embeddings.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return np.asarray(vt[:dims] * 3.0, dtype=np.float32)


def fit_ranker(dataset: RecDataset, train_sources: Sequence[FeatureSource], fold_of_row: npt.NDArray[np.int64],
               eval_source: FeatureSource, config: RankerConfig, device: str = "cpu",
               log: Log = print) -> tuple[Ranker, float]:
    """Trains on the train split with each row's features from a source that never saw that
    row's shopper (fold_of_row picks it), keeps the epoch with the best valid NDCG@10."""
    torch.manual_seed(config.seed)
    rng = np.random.default_rng(config.seed)
    embeddings = eval_source.embeddings
    model = Ranker(embeddings.shape[1], config, pca_projection(embeddings, config.dims)).to(device)
    optimizer = torch.optim.Adam([
        {"params": [model.projection], "lr": config.lr},
        {"params": [model.attention, model.recency, model.feature_weights], "lr": config.small_lr},
    ])
    items = torch.tensor(embeddings, device=device)
    train = dataset.train
    best_state: dict[str, torch.Tensor] | None = None
    best, stale = -1.0, 0
    for epoch in range(config.epochs):
        started = time.perf_counter()
        model.train()
        order = rng.permutation(len(train))
        total = 0.0
        for start in range(0, len(order), config.batch):
            rows = order[start:start + config.batch]
            histories = [train.histories[r] for r in rows]
            features = np.zeros((len(rows), len(items), len(FEATURES)), dtype=np.float32)
            for fold, source in enumerate(train_sources):
                in_fold = np.flatnonzero(fold_of_row[rows] == fold)
                if len(in_fold):
                    features[in_fold] = source.features([histories[i] for i in in_fold])
            hidden = rng.random(len(items)) < config.order_dropout
            features[:, hidden, 0:2] = 0.0
            features[:, hidden, 4] = 1.0
            ids, ages, mask = pack_histories(histories, config.max_history)
            logits = model(items[ids.to(device)], ages.to(device), mask.to(device), items,
                           torch.from_numpy(features).to(device))
            targets = torch.from_numpy(train.targets[rows]).to(device)
            loss = torch.stack([nn.functional.cross_entropy(logits[k], targets) for k in range(len(OUTPUTS))]).mean()
            optimizer.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optimizer.step()
            total += float(loss.detach()) * len(rows)
        ndcg = evaluate(RankerScorer(model, eval_source, device), dataset.valid)["ndcg@10"]
        log(f"  ranker epoch {epoch + 1}: loss {total / len(train):.4f} valid ndcg@10 {ndcg:.4f} "
            f"({time.perf_counter() - started:.1f} s)")
        if ndcg > best:
            best, stale = ndcg, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
            if stale >= config.patience:
                break
    assert best_state is not None
    model.load_state_dict(best_state)
    return model.eval(), best


def fold_feature_sources(dataset: RecDataset, embeddings: npt.NDArray[np.float32], cooccurrence: CooccurrenceConfig,
                         knn_decay: float, knn_max_history: int, folds: int,
                         seed: int) -> tuple[FeatureSource, list[FeatureSource], npt.NDArray[np.int64]]:
    """The serving source (all training sequences), one source per user fold built without
    that fold's shoppers, and each train row's fold. A training row's co-occurrence feature
    must not count its own target, or the ranker learns to trust co-occurrence more than it
    deserves on shoppers it has never seen."""
    sequences = dataset.train_sequences()
    users = sorted(set(dataset.train.users.tolist()) | set(dataset.valid.users.tolist()))  # train_sequences' order

    def source(kept: list[npt.NDArray[np.int64]]) -> FeatureSource:
        return FeatureSource(neighbour_matrix(kept, dataset.n_items, cooccurrence),
                             occurrence_counts(kept, dataset.n_items), embeddings, knn_decay, knn_max_history)

    fold_of_row = user_folds(dataset.train, folds, seed)
    fold_of_user = {int(u): int(f) for u, f in zip(dataset.train.users, fold_of_row, strict=True)}
    fold_sources = [source([s for u, s in zip(users, sequences, strict=True) if fold_of_user.get(u, -1) != f])
                    for f in range(folds)]
    return source(sequences), fold_sources, fold_of_row


def user_folds(split: Split, folds: int, seed: int) -> npt.NDArray[np.int64]:
    users = np.unique(split.users)
    drawn = np.random.default_rng(seed).integers(0, folds, len(users))
    assignment = dict(zip(users.tolist(), drawn.tolist(), strict=True))
    return np.array([assignment[int(u)] for u in split.users], dtype=np.int64)


def export_ranker(model: Ranker, knn_decay: float, knn_max_history: int) -> dict[str, Any]:
    """The JSON the browser loads (src/core/ranker.ts parseRanker): float32 weights as base64."""
    from trainer.intent import encode_float32

    def weights(tensor: torch.Tensor) -> str:
        return encode_float32(tensor.detach().cpu().numpy().astype(np.float32))

    return {
        "format": 1,
        "dims": model.config.dims,
        "input_dims": int(model.projection.shape[1]),
        "max_history": model.config.max_history,
        "features": list(FEATURES),
        "outputs": list(OUTPUTS),
        "projection": weights(model.projection),
        "attention": weights(model.attention),
        "recency": weights(model.recency),
        "feature_weights": weights(model.feature_weights),
        "knn": {"decay": knn_decay, "max_history": knn_max_history},
        "shared_parameters": model.shared_parameter_count(),
    }


def import_ranker(exported: dict[str, Any]) -> Ranker:
    """The inverse of export_ranker (e.g. to score with a published catalogue ranker)."""
    import base64

    if exported.get("format") != 1 or exported.get("features") != list(FEATURES):
        raise ValueError("ranker: unsupported format or features")

    def weights(key: str, *shape: int) -> torch.Tensor:
        values = np.frombuffer(base64.b64decode(exported[key]), dtype="<f4")
        return torch.tensor(values.reshape(shape).copy())

    dims, input_dims, max_history = exported["dims"], exported["input_dims"], exported["max_history"]
    model = Ranker(input_dims, RankerConfig(dims=dims, max_history=max_history))
    with torch.no_grad():
        model.projection.copy_(weights("projection", dims, input_dims))
        model.attention.copy_(weights("attention", dims))
        model.recency.copy_(weights("recency", max_history))
        model.feature_weights.copy_(weights("feature_weights", len(OUTPUTS), len(FEATURES)))
    return model.eval()
