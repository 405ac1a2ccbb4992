"""SASRec (Kang & McAuley 2018): the ID-only sequential baseline Privet's ranker is measured
against. Items are learned IDs, a causal transformer reads the history, and the last
position's state scores every item through the (tied) item embeddings.

Trained with full softmax cross-entropy over the whole catalogue at every position rather
than the paper's one sampled negative: with a few thousand items the full softmax is
affordable, and it is known to make SASRec much stronger (Klenitskiy & Vasilev, RecSys 2023),
so the ranker is compared with a fair opponent, not a weakened one.
Model selection (early stopping, the grid) uses valid NDCG@10 through the common harness.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from trainer.recsys.data import RecDataset
from trainer.recsys.harness import History, evaluate

# Token ids: 0 pads, 1 opens every window, items are shifted by 2. The start token gives an
# empty history something to read: it is trained to predict a sequence's first item.
PAD = 0
START = 1
OFFSET = 2


@dataclass(frozen=True)
class SasrecConfig:
    """Defaults are the best of a small sweep on Amazon Scientific (valid NDCG@10). Weight
    decay mattered most (0 → 0.5: 0.061 → 0.066); lr 1e-3 with batch 256 had barely left
    popularity after 5 epochs, so the defaults take more, smaller, faster steps."""

    hidden: int = 64
    layers: int = 2
    heads: int = 2
    dropout: float = 0.3
    max_len: int = 50  # history items the model reads; older ones are dropped
    lr: float = 3e-3
    weight_decay: float = 0.5  # AdamW's decoupled decay
    batch: int = 64  # sequences per step
    epochs: int = 200  # upper bound; early stopping usually ends far sooner
    patience: int = 5  # evaluations without a better valid NDCG@10 before stopping
    eval_every: int = 1  # epochs between valid evaluations


class SasrecModel(nn.Module):
    def __init__(self, n_items: int, config: SasrecConfig) -> None:
        super().__init__()
        self.n_items = n_items
        self.items = nn.Embedding(n_items + OFFSET, config.hidden, padding_idx=PAD)
        # One more position than max_len, for the start token.
        self.positions = nn.Embedding(config.max_len + 1, config.hidden)
        self.dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(config.hidden, config.heads, dim_feedforward=config.hidden,
                                       dropout=config.dropout, activation="gelu", batch_first=True,
                                       norm_first=True)
            for _ in range(config.layers))
        self.norm = nn.LayerNorm(config.hidden)
        # Small initial weights keep the tied-embedding logits near zero, so the first steps
        # do not start from a confidently wrong softmax.
        for module in self.modules():
            if isinstance(module, nn.Embedding | nn.Linear):
                nn.init.normal_(module.weight, std=0.02)
        with torch.no_grad():
            self.items.weight[PAD].zero_()

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """(batch, length) right-padded tokens → (batch, length, hidden) states. Padding sits
        after the real tokens, so the causal mask alone keeps every real position from seeing
        it (no key-padding mask, whose all-masked rows would turn into NaN)."""
        length = tokens.shape[1]
        positions = torch.arange(length, device=tokens.device)
        x = self.dropout(self.items(tokens) + self.positions(positions))
        mask = nn.Transformer.generate_square_subsequent_mask(length, device=tokens.device)
        for block in self.blocks:
            x = block(x, src_mask=mask, is_causal=True)
        out: torch.Tensor = self.norm(x)
        return out

    def logits(self, states: torch.Tensor) -> torch.Tensor:
        """(..., hidden) → (..., n_items): dot product with the items' own input embeddings."""
        return states @ self.items.weight[OFFSET:].T


def _windows(sequences: Sequence[History], max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Start token + the last max_len items of each sequence, right-padded to the longest;
    returns the tokens and each row's last real position."""
    cut = [np.asarray(s[max(0, len(s) - max_len):], dtype=np.int64) for s in sequences]
    width = 1 + max((len(s) for s in cut), default=0)
    tokens = np.full((len(cut), width), PAD, dtype=np.int64)
    tokens[:, 0] = START
    for row, items in enumerate(cut):
        tokens[row, 1:1 + len(items)] = items + OFFSET
    last = np.array([len(s) for s in cut], dtype=np.int64)
    return torch.from_numpy(tokens), torch.from_numpy(last)


class SasrecScorer:
    """The harness's Scorer for a trained model: eval mode, no gradients, batched."""

    def __init__(self, model: SasrecModel, max_len: int, device: str = "cpu", batch: int = 1024) -> None:
        self.model = model.to(device).eval()
        self.max_len = max_len
        self.device = device
        self.batch = batch

    @property
    def n_items(self) -> int:
        return self.model.n_items

    def score(self, histories: Sequence[History]) -> npt.NDArray[np.float32]:
        out = np.empty((len(histories), self.n_items), dtype=np.float32)
        # Batches of similar length waste little on padding (most histories are short, a
        # few are 50 long).
        order = np.argsort([min(len(h), self.max_len) for h in histories], kind="stable")
        with torch.no_grad():
            for start in range(0, len(order), self.batch):
                rows = order[start:start + self.batch]
                tokens, last = _windows([histories[i] for i in rows], self.max_len)
                tokens, last = tokens.to(self.device), last.to(self.device)
                states = self.model(tokens)[torch.arange(len(rows), device=self.device), last]
                out[rows] = self.model.logits(states).float().cpu().numpy()
        return out


def _train(dataset: RecDataset, config: SasrecConfig, device: str, seed: int,
           log: Callable[[str], None]) -> tuple[SasrecScorer, float]:
    sequences = [s[max(0, len(s) - config.max_len - 1):] for s in dataset.train_sequences() if len(s) > 0]
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = SasrecModel(dataset.n_items, config).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    scorer = SasrecScorer(model, config.max_len, device)
    best_ndcg, best_state, best_epoch, stale = -math.inf, copy.deepcopy(model.state_dict()), 0, 0
    # Input: start + s[:-1]; target at each position: the next item s[t]. Built once,
    # right-padded to the longest; a batch takes its rows and cuts to its own longest.
    inputs, last = _windows([s[:-1] for s in sequences], config.max_len)
    lengths = last.numpy() + 1
    targets = np.full(inputs.shape, -1, dtype=np.int64)
    for row, sequence in enumerate(sequences):
        targets[row, :len(sequence)] = sequence
    inputs, all_targets = inputs.to(device), torch.from_numpy(targets).to(device)
    n_batches = max(1, len(sequences) // config.batch)
    # Each batch's loss is summed over its targets and divided by the mean targets per
    # batch, so every target weighs the same whatever its batch's length.
    targets_per_batch = float(lengths.sum()) / n_batches
    for epoch in range(1, config.epochs + 1):
        started = time.perf_counter()
        model.train()
        total_loss = 0.0
        # Length buckets: sort by length (random order within a length), cut into batches,
        # shuffle the batches. Padding every batch to the longest would cost ~7x the compute.
        order = np.lexsort((rng.random(len(sequences)), lengths))
        batches = np.array_split(order, n_batches)
        for b in rng.permutation(n_batches):
            rows = torch.from_numpy(batches[b]).to(device)
            width = int(lengths[batches[b]].max())
            tokens, targets_ = inputs[rows, :width], all_targets[rows, :width]
            real = targets_ >= 0
            # Only real positions go through the catalogue-wide softmax, the costly part.
            logits = model.logits(model(tokens)[real])
            loss = nn.functional.cross_entropy(logits, targets_[real], reduction="sum")
            optimizer.zero_grad(set_to_none=True)
            torch.autograd.backward(loss / targets_per_batch)
            optimizer.step()
            total_loss += loss.item()
        if epoch % config.eval_every and epoch != config.epochs:
            continue
        model.eval()
        ndcg = evaluate(scorer, dataset.valid)["ndcg@10"]
        log(f"sasrec epoch {epoch}: loss {total_loss / lengths.sum():.4f}, "
            f"valid ndcg@10 {ndcg:.4f} ({time.perf_counter() - started:.1f}s)")
        if ndcg > best_ndcg:
            best_ndcg, best_state, best_epoch, stale = ndcg, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            stale += 1
            if stale >= config.patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    log(f"sasrec best epoch {best_epoch}: valid ndcg@10 {best_ndcg:.4f}")
    return scorer, best_ndcg


def fit_sasrec(dataset: RecDataset, config: SasrecConfig, device: str = "cpu", seed: int = 0,
               log: Callable[[str], None] | None = None) -> SasrecScorer:
    """Train on each user's longest training sequence, keep the state with the best valid
    NDCG@10. The caller's torch RNG state is left as it was."""
    with torch.random.fork_rng(devices=_cuda_devices(device)):
        scorer, _ = _train(dataset, config, device, seed, log or _quiet)
    return scorer


def tune_sasrec(dataset: RecDataset, grid: Sequence[SasrecConfig], device: str = "cpu", seed: int = 0,
                log: Callable[[str], None] | None = None) -> tuple[SasrecScorer, SasrecConfig, float]:
    """Fit every config in the grid; return the best by valid NDCG@10 with that NDCG."""
    if not grid:
        raise ValueError("the grid needs at least one config")
    say = log or _quiet
    best: tuple[SasrecScorer, SasrecConfig, float] | None = None
    for config in grid:
        say(f"sasrec config {config}")
        with torch.random.fork_rng(devices=_cuda_devices(device)):
            scorer, ndcg = _train(dataset, config, device, seed, say)
        if best is None or ndcg > best[2]:
            best = (scorer, config, ndcg)
    assert best is not None
    return best


def _cuda_devices(device: str) -> list[int]:
    # fork_rng only needs to save and restore the CUDA generator that training touches.
    torch_device = torch.device(device)
    if torch_device.type != "cuda":
        return []
    return [torch_device.index if torch_device.index is not None else torch.cuda.current_device()]


def _quiet(_: str) -> None:
    pass
