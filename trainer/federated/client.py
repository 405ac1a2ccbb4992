"""What a client computes in a federated round: a few local SGD steps on the shared ranker
parameters over its own train examples, and the difference from the round's weights.

Clients have no merchant order data, so only the features a browser computes itself are live
(`in_history`, `last_cosine`); co-occurrence and popularity are 0 and `no_orders` is 1 for every
item, as in the text prior the widget ships (trainer.recsys.publish_ranker). A constant feature
shifts every logit of a row equally and so never changes a softmax, which is why the federated
parameters are only those a client can learn:

    projection P (d × D), attention a (d), recency r (L), feature_weights[:, in_history, last_cosine]

The other feature weights keep their values (zero in the prior); DP noise never lands on them.

Many clients train at once: each client's copy of the parameters has a leading client axis and
the loss is the sum of the clients' own losses, so one backward pass gives every client its own
gradient. Text scores use u · P e_j = (Pᵀu) · e_j, a (D,)·(D, n) product per row instead of
projecting the whole catalogue per client.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from trainer.recsys.data import Split, most_recent
from trainer.recsys.ranker import FEATURES, OUTPUTS, Ranker

CLIENT_FEATURES = (FEATURES.index("in_history"), FEATURES.index("last_cosine"))
History = npt.NDArray[np.int64]


@dataclass(frozen=True)
class LocalConfig:
    steps: int = 3
    lr: float = 0.5
    # Padded rows × history slots per client batch: bounds memory (≈ 1.5 KB per unit on CPU).
    batch_budget: int = 60_000

    def __post_init__(self) -> None:
        if self.steps < 1 or not self.lr > 0:
            raise ValueError(f"local training needs ≥ 1 step and lr > 0, got {self}")


@dataclass(frozen=True)
class Layout:
    """Where each federated parameter sits in the flat update vector."""

    dims: int
    input_dims: int
    max_history: int

    @property
    def sizes(self) -> tuple[int, int, int, int]:
        return (self.dims * self.input_dims, self.dims, self.max_history, len(OUTPUTS) * len(CLIENT_FEATURES))

    @property
    def size(self) -> int:
        return sum(self.sizes)

    @staticmethod
    def of(model: Ranker) -> Layout:
        dims, input_dims = model.projection.shape
        return Layout(int(dims), int(input_dims), model.config.max_history)

    def projection_slice(self) -> slice:
        return slice(0, self.sizes[0])


def federated_vector(model: Ranker) -> npt.NDArray[np.float64]:
    parts = [model.projection, model.attention, model.recency, model.feature_weights[:, list(CLIENT_FEATURES)]]
    return torch.cat([p.detach().reshape(-1).double().cpu() for p in parts]).numpy()


def with_vector(model: Ranker, vector: npt.NDArray[np.float64]) -> Ranker:
    """A copy of `model` whose federated parameters are `vector` (the rest unchanged)."""
    layout = Layout.of(model)
    if vector.shape != (layout.size,):
        raise ValueError(f"vector has shape {vector.shape}, the ranker's federated parameters {layout.size}")
    out = Ranker(layout.input_dims, model.config).to(model.projection.device)
    out.load_state_dict(model.state_dict())
    tensors = torch.split(torch.from_numpy(vector).float().to(model.projection.device), list(layout.sizes))
    with torch.no_grad():
        out.projection.copy_(tensors[0].reshape(layout.dims, layout.input_dims))
        out.attention.copy_(tensors[1])
        out.recency.copy_(tensors[2])
        out.feature_weights[:, list(CLIENT_FEATURES)] = tensors[3].reshape(len(OUTPUTS), len(CLIENT_FEATURES))
    return out.eval()


@dataclass(frozen=True)
class Client:
    """One shopper's train examples: the histories and the next item of each."""

    user: int
    histories: tuple[History, ...]
    targets: tuple[int, ...]


def clients_of(split: Split) -> list[Client]:
    """Every shopper of the split with their own rows, in user order."""
    rows: dict[int, list[int]] = {}
    for row, user in enumerate(split.users.tolist()):
        rows.setdefault(int(user), []).append(row)
    return [Client(user, tuple(split.histories[r] for r in rs), tuple(int(split.targets[r]) for r in rs))
            for user, rs in sorted(rows.items())]


@dataclass(frozen=True)
class ClientBatch:
    """Several clients' rows: histories padded to (clients, rows, slots), newest item in the last
    slot; the catalogue-wide parts (targets, features) only for the real rows, flattened."""

    history: torch.Tensor      # (clients, rows, slots, D) the history items' embeddings
    ages: torch.Tensor
    mask: torch.Tensor
    real: torch.Tensor         # (clients, rows) which padded rows are real
    targets: torch.Tensor      # (real rows,)
    row_weight: torch.Tensor   # (real rows,) 1 / the client's row count
    row_client: torch.Tensor   # (real rows,) the row's client
    history_rows: torch.Tensor  # the distinct (real row, item) pairs of in_history = 1
    history_items: torch.Tensor
    cosine: torch.Tensor       # (real rows, n_items) last_cosine: the newest history item against all


def pack_clients(clients: Sequence[Client], max_history: int, items: torch.Tensor) -> ClientBatch:
    n_rows = max(len(c.targets) for c in clients)
    slots = max(1, min(max_history, max(len(h) for c in clients for h in c.histories)))
    ids = np.zeros((len(clients), n_rows, slots), dtype=np.int64)
    mask = np.zeros_like(ids, dtype=bool)
    real = np.zeros((len(clients), n_rows), dtype=bool)
    targets: list[int] = []
    weight: list[float] = []
    row_client: list[int] = []
    pairs: set[tuple[int, int]] = set()
    for c, client in enumerate(clients):
        for r, (history, target) in enumerate(zip(client.histories, client.targets, strict=True)):
            recent = most_recent(history, slots)
            if len(recent):
                ids[c, r, slots - len(recent):] = recent
                mask[c, r, slots - len(recent):] = True
            pairs.update((len(targets), int(item)) for item in history)
            real[c, r] = True
            targets.append(target)
            weight.append(1.0 / len(client.targets))
            row_client.append(c)
    ages = np.broadcast_to(np.arange(slots - 1, -1, -1), ids.shape).copy()
    device = items.device

    def put(a: npt.ArrayLike, dtype: torch.dtype) -> torch.Tensor:
        return torch.as_tensor(np.asarray(a), dtype=dtype, device=device)

    last = ids[real][:, -1]
    has_last = mask[real][:, -1]
    with torch.no_grad():
        cosine = (items[put(last, torch.long)] @ items.T) * put(has_last, items.dtype).unsqueeze(1)
    ordered = sorted(pairs)
    return ClientBatch(items[put(ids, torch.long)], put(ages, torch.long), put(mask, torch.bool), put(real, torch.bool),
                       put(targets, torch.long), put(weight, items.dtype), put(row_client, torch.long),
                       put([p[0] for p in ordered], torch.long), put([p[1] for p in ordered], torch.long), cosine)


def batches(clients: Sequence[Client], budget: int) -> Iterator[list[Client]]:
    """Clients grouped by size so that padding stays small and each group's padded
    rows × history slots stay within `budget`."""
    def rows(c: Client) -> int:
        return len(c.targets)

    def slots(c: Client) -> int:
        return max(1, max(len(h) for h in c.histories))

    group: list[Client] = []
    widest_rows = widest_slots = 0
    for client in sorted(clients, key=lambda c: rows(c) * slots(c)):
        wider_rows, wider_slots = max(widest_rows, rows(client)), max(widest_slots, slots(client))
        if group and (len(group) + 1) * wider_rows * wider_slots > budget:
            yield group
            group, wider_rows, wider_slots = [], rows(client), slots(client)
        group.append(client)
        widest_rows, widest_slots = wider_rows, wider_slots
    if group:
        yield group


def client_logits(params: Sequence[torch.Tensor], batch: ClientBatch, items: torch.Tensor,
                  max_history: int) -> torch.Tensor:
    """(outputs, real rows, n_items) logits, each client with its own parameters: projection
    (C, d, D), attention (C, d), recency (C, L), feature weights (C, outputs, 2).

    Ranker.user_vectors rewritten so no per-row d × D product is formed: attention logits
    a · P h = (Pᵀa) · h, and u = Σ α P h = P (Σ α h)."""
    projection, attention, recency, weights = params
    history = batch.history
    age_bias = torch.gather(recency[:, None, :].expand(-1, batch.ages.shape[1], -1), 2,
                            batch.ages.clamp(max=max_history - 1))
    keys = torch.einsum("cp,cpd->cd", attention, projection)
    scores = torch.einsum("crld,cd->crl", history, keys) + age_bias
    alpha = torch.nan_to_num(torch.softmax(scores.masked_fill(~batch.mask, float("-inf")), dim=2), nan=0.0)
    pooled = torch.einsum("crl,crld->crd", alpha, history)
    u = torch.einsum("crd,cpd->crp", pooled, projection)
    v = torch.einsum("crp,cpd->crd", u, projection)[batch.real]
    text = v @ items.T
    row_weights = weights[batch.row_client]
    outputs = []
    for k in range(len(OUTPUTS)):
        logits = text + row_weights[:, k, 1, None] * batch.cosine
        outputs.append(logits.index_put((batch.history_rows, batch.history_items),
                                        row_weights[batch.history_rows, k, 0], accumulate=True))
    return torch.stack(outputs)


def client_losses(params: Sequence[torch.Tensor], batch: ClientBatch, items: torch.Tensor,
                  max_history: int) -> torch.Tensor:
    """Each client's mean cross-entropy over its rows and both outputs (fit_ranker's loss)."""
    logits = client_logits(params, batch, items, max_history)
    per_row = torch.stack([nn.functional.cross_entropy(logits[k], batch.targets, reduction="none")
                           for k in range(len(OUTPUTS))]).mean(dim=0)
    clients = batch.real.shape[0]
    return torch.zeros(clients, dtype=per_row.dtype, device=per_row.device).index_add(
        0, batch.row_client, per_row * batch.row_weight)


def split_vector(vector: torch.Tensor, layout: Layout) -> list[torch.Tensor]:
    projection, attention, recency, weights = torch.split(vector, list(layout.sizes))
    return [projection.reshape(layout.dims, layout.input_dims), attention, recency,
            weights.reshape(len(OUTPUTS), len(CLIENT_FEATURES))]


def local_updates(vector: npt.NDArray[np.float64], layout: Layout, clients: Sequence[Client], items: torch.Tensor,
                  config: LocalConfig) -> npt.NDArray[np.float64]:
    """(len(clients), layout.size): each client's weights after `config.steps` full-batch SGD
    steps on its own rows, minus the round's weights. Rows follow `clients`' order."""
    start = split_vector(torch.from_numpy(vector).float().to(items.device), layout)
    out = np.zeros((len(clients), layout.size))
    position = {id(c): k for k, c in enumerate(clients)}
    for group in batches(clients, config.batch_budget):
        batch = pack_clients(group, layout.max_history, items)
        params = [p.unsqueeze(0).repeat(len(group), *([1] * p.dim())).requires_grad_(True) for p in start]
        for _ in range(config.steps):
            loss = client_losses(params, batch, items, layout.max_history).sum()
            grads = torch.autograd.grad(loss, params)
            with torch.no_grad():
                for p, g in zip(params, grads, strict=True):
                    p -= config.lr * g
        delta = torch.cat([(p.detach() - s.unsqueeze(0)).reshape(len(group), -1) for p, s in zip(params, start,
                                                                                                 strict=True)], dim=1)
        out[[position[id(c)] for c in group]] = delta.double().cpu().numpy()
    return out
