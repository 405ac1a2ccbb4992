"""A client's federated update of the intent head (DESIGN.md: the head is "refined federatedly
from query → clicked-item-category pairs"). This module defines that update; the browser's
src/core/federated-intent-update.ts mirrors it and is checked on the golden vectors
trainer.federated.golden_intent writes.

Only the category layer is federated: a client's rows are the searches it made and the
category intent (trainer.catalog_queries.intent_of) of the product it then wanted, and
nothing in them speaks to the behavioural intents. A row is (the query's L2-normalised
embedding, as the browser's encoder computes it; the category's index in the head). The
update is `steps` full-batch SGD steps at rate `lr` on the mean cross-entropy of the
category softmax over the rows, from the round's layer, in float64; the client sends the
trained layer minus the round's, as [weight row-major, then bias] (intent_vector's order),
clipped and encoded like the ranker's update.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class IntentLocalConfig:
    steps: int = 3
    lr: float = 0.5

    def __post_init__(self) -> None:
        if self.steps < 1 or not self.lr > 0:
            raise ValueError(f"need steps ≥ 1 and lr > 0, got {self}")


def intent_vector(weight: npt.NDArray[np.floating], bias: npt.NDArray[np.floating]) -> Matrix:
    """The category layer's federated parameters: the weight row-major, then the bias."""
    return np.concatenate([np.asarray(weight, dtype=np.float64).ravel(), np.asarray(bias, dtype=np.float64)])


def with_intent_vector(vector: Matrix, categories: int, dims: int) -> tuple[Matrix, Matrix]:
    if vector.shape != (categories * dims + categories,):
        size = categories * dims + categories
        raise ValueError(f"an intent vector for {categories} categories of {dims} dims has {size} values, "
                         f"got {vector.shape}")
    return vector[:categories * dims].reshape(categories, dims), vector[categories * dims:]


def intent_local_update(weight: npt.NDArray[np.floating], bias: npt.NDArray[np.floating],
                        embeddings: npt.NDArray[np.floating], labels: npt.NDArray[np.int64],
                        config: IntentLocalConfig) -> Matrix:
    """The trained category layer minus `weight`, `bias` after config.steps steps on the rows."""
    if len(embeddings) == 0 or len(embeddings) != len(labels):
        raise ValueError(f"need one label per row and at least one row, got {len(embeddings)} and {len(labels)}")
    x = torch.tensor(np.asarray(embeddings), dtype=torch.float64)
    y = torch.tensor(labels, dtype=torch.int64)
    start_w = torch.tensor(np.asarray(weight), dtype=torch.float64)
    start_b = torch.tensor(np.asarray(bias), dtype=torch.float64)
    if int(y.min()) < 0 or int(y.max()) >= start_w.shape[0]:
        raise ValueError(f"labels must index the {start_w.shape[0]} categories")
    w, b = start_w.clone(), start_b.clone()
    for _ in range(config.steps):
        w.requires_grad_(True)
        b.requires_grad_(True)
        loss = torch.nn.functional.cross_entropy(x @ w.T + b, y)
        grad_w, grad_b = torch.autograd.grad(loss, [w, b])
        with torch.no_grad():
            w = w - config.lr * grad_w
            b = b - config.lr * grad_b
    delta: Matrix = torch.cat([(w - start_w).detach().ravel(), (b - start_b).detach()]).numpy()
    return delta
