"""Federated simulation on Amazon Scientific: `python -m trainer.federated.simulate --dataset DIR --out FILE`.

Every shopper of the train split is a client holding only their own train examples. A round
samples clients independently with probability q (Poisson); each trains the shared ranker
parameters locally from the round's weights (trainer.federated.client) and clips its delta to
L2 ≤ C; the server sums, adds N(0, (z·C)²) per coordinate, divides by q·N
(trainer.federated.aggregation) and applies FedAdam or FedAvg (trainer.federated.server_optimizer).
z comes from the RDP accountant for the run's ε, δ, q and rounds, and no round opens that would
take the ledger past ε (trainer.federated.accountant).

The start is the text prior the widget ships to a store without order data
(trainer.recsys.publish_ranker.prior_ranker), and no order-data features are used: a browser
has neither co-occurrence nor popularity. `centralized` is trainer.recsys.ranker.fit_ranker on
the same rows, the same start and the same features (Adam, no clipping or noise, best epoch on
valid). Federated runs report their last round's model: choosing a round on valid would use
the shoppers' data outside the DP guarantee. Every model is scored on the test split with full
ranking (trainer.recsys.harness).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import torch

from trainer.federated.accountant import PrivacyLedger, noise_for_budget
from trainer.federated.aggregation import clip_rows, noisy_mean
from trainer.federated.client import (
    Client,
    Layout,
    LocalConfig,
    clients_of,
    federated_vector,
    local_updates,
    with_vector,
)
from trainer.federated.server_optimizer import FedAdamConfig, FedAdamState, fedadam, fedavg
from trainer.item_matrix import dequantize
from trainer.recsys.data import RecDataset, Split, load_dataset
from trainer.recsys.harness import evaluate
from trainer.recsys.item_embeddings import DEFAULT_MODELS_DIR, browser_item_matrix
from trainer.recsys.publish_ranker import KNN_DECAY, KNN_MAX_HISTORY, prior_ranker
from trainer.recsys.ranker import FeatureSource, Ranker, RankerConfig, RankerScorer, fit_ranker, import_ranker

Log = Callable[[str], None]
OPTIMIZERS = ("fedadam", "fedavg")


@dataclass(frozen=True)
class RoundsConfig:
    """What every federated simulation sets: the privacy target, the Poisson rate, the rounds, the
    clip, the server's optimizer and its rate, and the seed (the ranker's here, the intent head's
    in trainer.federated.simulate_intent)."""

    epsilon: float | None  # None: no noise (clipping still applies), no privacy claim
    delta: float = 1e-6
    q: float = 0.05
    rounds: int = 40
    clip: float = 2.0
    optimizer: str = "fedadam"
    server_lr: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.99
    tau: float = 1e-3
    seed: int = 0

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {OPTIMIZERS}, got {self.optimizer!r}")
        if not 0 < self.q <= 1 or self.rounds < 1 or not self.clip > 0:
            raise ValueError(f"need 0 < q ≤ 1, rounds ≥ 1 and clip > 0, got {self}")
        if self.epsilon is not None and not self.epsilon > 0:
            raise ValueError(f"epsilon must be > 0 (or None for no noise), got {self.epsilon}")


@dataclass(frozen=True)
class FederatedConfig(RoundsConfig):
    # Server learning rates: server_lr for the projection's 24,576 weights, server_small_lr for
    # the 118 attention, recency and feature weights (fit_ranker gives them a larger rate too).
    server_small_lr: float = 0.01
    local: LocalConfig = field(default_factory=LocalConfig)


def server_step(vector: npt.NDArray[np.float64], mean: npt.NDArray[np.float64], state: FedAdamState,
                adam: FedAdamConfig, optimizer: str) -> tuple[npt.NDArray[np.float64], FedAdamState]:
    """The server's step with a round's noisy mean: FedAdam, or FedAvg at the same rates (the moments kept)."""
    if optimizer == "fedadam":
        return fedadam(vector, mean, state, adam)
    return fedavg(vector, mean, adam.lr), state


def rounds_record(config: RoundsConfig, z: float, ledger: PrivacyLedger, expected: float, cohorts: Sequence[int],
                  clipped: Sequence[float]) -> dict[str, Any]:
    """What a run of rounds reports about its privacy and its cohorts, whichever model it trained."""
    return {
        "epsilon": ledger.epsilon if config.epsilon is not None else None,
        "epsilon_target": config.epsilon,
        "delta": config.delta,
        "rounds": len(cohorts),
        "clients_per_round": round(expected, 1),
        "clients_per_round_realised": float(np.mean(cohorts)) if cohorts else 0.0,
        "q": config.q,
        "z": z,
        "noise_std_on_sum": z * config.clip,
        "clip_norm": config.clip,
        "share_of_updates_clipped": float(np.mean(clipped)) if clipped else 0.0,
        "server_optimizer": config.optimizer,
    }


def zero_order_source(embeddings: npt.NDArray[np.float32]) -> FeatureSource:
    """Features as a browser has them with no merchant order data: no neighbours, no counts."""
    n = embeddings.shape[0]
    return FeatureSource(sp.csr_matrix((n, n), dtype=np.float32), np.zeros(n), embeddings, KNN_DECAY, KNN_MAX_HISTORY)


def text_prior(embeddings: npt.NDArray[np.float32]) -> Ranker:
    return import_ranker(prior_ranker(embeddings))


def run_federated(prior: Ranker, clients: Sequence[Client], items: torch.Tensor, config: FederatedConfig,
                  score_valid: Callable[[Ranker], float] | None = None, eval_every: int = 0,
                  log: Log = print) -> tuple[Ranker, dict[str, Any]]:
    """The round loop. Returns the last round's model and the run's record."""
    started = time.perf_counter()
    layout = Layout.of(prior)
    n = len(clients)
    expected = config.q * n
    z = 0.0 if config.epsilon is None else noise_for_budget(config.q, config.rounds, config.epsilon, config.delta)
    ledger = PrivacyLedger(config.delta)
    rates = np.full(layout.size, config.server_small_lr)
    rates[layout.projection_slice()] = config.server_lr
    adam = FedAdamConfig(rates, config.beta1, config.beta2, config.tau)
    vector = federated_vector(prior)
    state = FedAdamState.zeros(layout.size)
    rng = np.random.default_rng(config.seed)
    cohorts: list[int] = []
    clipped: list[float] = []
    curve: list[dict[str, float]] = []
    for round_ in range(1, config.rounds + 1):
        if config.epsilon is not None and not ledger.can_open(config.q, z, config.epsilon):
            log(f"  round {round_} refused: it would take ε past {config.epsilon}")
            break
        chosen = [clients[int(i)] for i in np.flatnonzero(rng.random(n) < config.q)]
        total = np.zeros(layout.size)
        if chosen:
            updates = local_updates(vector, layout, chosen, items, config.local)
            norms = np.linalg.norm(updates, axis=1)
            clipped.append(float((norms > config.clip).mean()))
            total = clip_rows(updates, config.clip).sum(axis=0)
        cohorts.append(len(chosen))
        mean = noisy_mean(total, config.clip, z, expected, rng)
        vector, state = server_step(vector, mean, state, adam, config.optimizer)
        ledger = ledger.after_round(config.q, z) if config.epsilon is not None else ledger
        if score_valid and eval_every and (round_ % eval_every == 0 or round_ == config.rounds):
            ndcg = score_valid(with_vector(prior, vector))
            curve.append({"round": round_, "valid_ndcg@10": ndcg})
            log(f"  round {round_}: {len(chosen)} clients, valid ndcg@10 {ndcg:.4f}, "
                f"ε {ledger.epsilon if config.epsilon is not None else math.inf:.3f} "
                f"({time.perf_counter() - started:.0f} s)")
    record = {
        **rounds_record(config, z, ledger, expected, cohorts, clipped),
        "server": {"lr_projection": config.server_lr, "lr_small": config.server_small_lr,
                   **({"beta1": config.beta1, "beta2": config.beta2, "tau": config.tau}
                      if config.optimizer == "fedadam" else {})},
        "local": asdict(config.local),
        "valid_curve": curve,
        "seconds": round(time.perf_counter() - started, 1),
    }
    return with_vector(prior, vector), record


def metrics(model: Ranker, source: FeatureSource, split: Split, device: str) -> dict[str, float]:
    return evaluate(RankerScorer(model, source, device), split)


def run(dataset_dir: Path, device: str, models_dir: Path, epsilons: Sequence[float], base: FederatedConfig,
        fedavg_epsilon: float | None, non_private: bool, central_epochs: int, eval_every: int,
        log: Log) -> dict[str, Any]:
    started = time.perf_counter()
    dataset: RecDataset = load_dataset(dataset_dir)
    embeddings = dequantize(*browser_item_matrix(dataset.item_texts, models_dir))
    items = torch.tensor(embeddings, device=device)
    source = zero_order_source(embeddings)
    clients = clients_of(dataset.train)
    log(f"{dataset.name}: {len(clients)} clients (train shoppers), {len(dataset.train)} train rows, "
        f"{dataset.n_items} items ({time.perf_counter() - started:.0f} s)")

    def scored(model: Ranker) -> dict[str, Any]:
        test = metrics(model, source, dataset.test, device)
        return {"ndcg@10": test["ndcg@10"], "recall@10": test["recall@10"], "test": test,
                "valid": metrics(model, source, dataset.valid, device)}

    def valid_ndcg(model: Ranker) -> float:
        return metrics(model, source, dataset.valid, device)["ndcg@10"]

    prior = text_prior(embeddings).to(device)
    result_prior = scored(prior)
    log(f"text prior: test ndcg@10 {result_prior['ndcg@10']:.4f}")

    t = time.perf_counter()
    central_config = RankerConfig(dims=prior.config.dims, max_history=prior.config.max_history,
                                  epochs=central_epochs, patience=3, seed=base.seed)
    central, _ = fit_ranker(dataset, [source], np.zeros(len(dataset.train), dtype=np.int64), source,
                            central_config, device, log)
    centralized = {**scored(central), "how": "trainer.recsys.ranker.fit_ranker on the train rows from the text "
                   "prior, the same client-side features (no order data), Adam, no clipping or noise, best of "
                   f"{central_epochs} epochs on valid", "config": repr(central_config),
                   "seconds": round(time.perf_counter() - t, 1)}
    log(f"centralized: test ndcg@10 {centralized['ndcg@10']:.4f} ({centralized['seconds']} s)")

    configs = [replace(base, epsilon=e) for e in epsilons]
    if fedavg_epsilon is not None:
        configs.append(replace(base, epsilon=fedavg_epsilon, optimizer="fedavg", server_lr=1.0, server_small_lr=1.0))
    if non_private:
        configs.append(replace(base, epsilon=None))
    runs: list[dict[str, Any]] = []
    for config in configs:
        log(f"federated: {config.optimizer}, ε {config.epsilon}, q {config.q}, {config.rounds} rounds")
        model, record = run_federated(prior, clients, items, config, valid_ndcg, eval_every, log)
        runs.append({**record, **scored(model)})
        log(f"  test ndcg@10 {runs[-1]['ndcg@10']:.4f}, recall@10 {runs[-1]['recall@10']:.4f}, "
            f"ε {record['epsilon']}, z {record['z']:.3f} ({record['seconds']} s)")
    private = [r for r in runs if r["epsilon"] is not None]
    for r in private:
        r["gap_to_centralized_ndcg@10"] = r["ndcg@10"] - centralized["ndcg@10"]
    return {
        "centralized": centralized,
        "runs": private,
        "federated_non_private": next((r for r in runs if r["epsilon"] is None), None),
        "text_prior": result_prior,
        "dataset": dataset.name,
        "clients": len(clients),
        "federated_parameters": Layout.of(prior).size,
        "privacy_unit": "one shopper (all of a client's examples), add/remove neighbouring; Poisson sampling; "
                        "RDP accountant, Canonne et al. 2020 conversion",
        "protocol": "train split rows are the clients' local data; full ranking of each test target against all "
                    "items, ties count against the target; federated runs report their last round",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, "
                   + (torch.cuda.get_device_name(0) if device.startswith("cuda") else "CPU only"),
        "device": device,
        "command": "python -m trainer.federated.simulate " + " ".join(sys.argv[1:]),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR)
    parser.add_argument("--epsilons", default="1,4,8", help="comma-separated ε targets for FedAdam runs")
    parser.add_argument("--delta", type=float, default=1e-6)
    parser.add_argument("--q", type=float, default=FederatedConfig.q, help="Poisson sampling rate per round")
    parser.add_argument("--rounds", type=int, default=FederatedConfig.rounds)
    parser.add_argument("--clip", type=float, default=FederatedConfig.clip)
    parser.add_argument("--server-lr", type=float, default=FederatedConfig.server_lr)
    parser.add_argument("--server-small-lr", type=float, default=FederatedConfig.server_small_lr)
    parser.add_argument("--local-steps", type=int, default=LocalConfig.steps)
    parser.add_argument("--local-lr", type=float, default=LocalConfig.lr)
    parser.add_argument("--fedavg-epsilon", type=float, default=8.0, help="one FedAvg run at this ε (0: none)")
    parser.add_argument("--non-private", action="store_true", help="also a FedAdam run without noise (clipped)")
    parser.add_argument("--central-epochs", type=int, default=6)
    parser.add_argument("--eval-every", type=int, default=20, help="rounds between valid scores (the curve)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    try:
        base = FederatedConfig(epsilon=None, delta=args.delta, q=args.q, rounds=args.rounds, clip=args.clip,
                               server_lr=args.server_lr, server_small_lr=args.server_small_lr,
                               local=LocalConfig(steps=args.local_steps, lr=args.local_lr), seed=args.seed)
        epsilons = [float(e) for e in args.epsilons.split(",") if e.strip()]
        result = run(args.dataset, args.device, args.models_dir, epsilons, base,
                     args.fedavg_epsilon or None, args.non_private, args.central_epochs, args.eval_every,
                     lambda s: print(s, flush=True))
    except (FileNotFoundError, ValueError) as error:
        print(f"simulate: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out} in {result['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
