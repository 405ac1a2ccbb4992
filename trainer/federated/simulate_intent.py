"""Federated training of the intent head on real shopper queries, with and without DP:
`python -m trainer.federated.simulate_intent --queries …/wands_queries/query.csv --out …`
(npm run sim:federated-intent writes bench/results/federated-intent.json).

There is no public dataset of one shopper's searches and the products they then chose, so
this is the closest honest stand-in. WANDS has 474 real furniture-store queries, each with the
product class a relevance judge gave it. Half of each class's queries (by query id) are
searches that simulated shoppers made and then chose a product of that class: each of
`clients` shoppers holds 1 to 3 of them, drawn with replacement, because many shoppers type
the same things. The other half is the test set. The head starts as the one the version
benchmark scores WANDS with (trainer.intent_eval: class names and synthetic queries, no
shopper data).

Each round is what the server runs (src/server/federated-publisher.ts):
- Poisson sampling at q.
- Each sampled shopper makes the browser's update (trainer.federated.intent_client, mirrored by
  src/core/federated-intent-update.ts), clipped to C.
- The sum gets Gaussian noise σ = z·C and is divided by q·N.
- One FedAdam step on the category layer at IntentFederatedConfig.server_lr (the rate
  src/core/federated-files.ts uses).

z is calibrated so that `rounds` rounds reach ε at δ (RDP accountant).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from trainer.federated.accountant import PrivacyLedger, noise_for_budget
from trainer.federated.aggregation import clip_rows, noisy_mean
from trainer.federated.intent_client import IntentLocalConfig, intent_local_update, intent_vector, with_intent_vector
from trainer.federated.server_optimizer import FedAdamConfig, FedAdamState
from trainer.federated.simulate import RoundsConfig, rounds_record, server_step
from trainer.intent import Embed, top_k_accuracy, train_intent_head
from trainer.intent_eval import read_queries

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class IntentFederatedConfig(RoundsConfig):
    # One rate for the whole category layer (FedAdam's, or FedAvg's x ← x + server_lr · mean).
    server_lr: float = 0.01


@dataclass(frozen=True)
class Shopper:
    rows: npt.NDArray[np.int64]  # indices into the train queries


def split_queries(classes: Sequence[str]) -> tuple[list[int], list[int]]:
    """Alternate each class's queries (in query order) between train and test; a class's only query trains."""
    seen: dict[str, int] = {}
    train: list[int] = []
    test: list[int] = []
    for i, label in enumerate(classes):
        (train if seen.get(label, 0) % 2 == 0 else test).append(i)
        seen[label] = seen.get(label, 0) + 1
    return train, test


def shoppers(train: Sequence[int], count: int, rng: np.random.Generator) -> list[Shopper]:
    return [Shopper(rng.choice(len(train), size=int(rng.integers(1, 4)), replace=True)) for _ in range(count)]


def accuracy(weight: Matrix, bias: Matrix, x: npt.NDArray[np.float32], y: npt.NDArray[np.int64]) -> dict[str, float]:
    logits = (x.astype(np.float64) @ weight.T + bias).astype(np.float32)
    return {"acc@1": top_k_accuracy(logits, y, 1), "acc@5": top_k_accuracy(logits, y, 5)}


def run_federated(weight: Matrix, bias: Matrix, x: npt.NDArray[np.float32], y: npt.NDArray[np.int64],
                  population: Sequence[Shopper],
                  config: IntentFederatedConfig) -> tuple[Matrix, Matrix, dict[str, Any]]:
    started = time.perf_counter()
    categories, dims = weight.shape
    n = len(population)
    expected = config.q * n
    z = 0.0 if config.epsilon is None else noise_for_budget(config.q, config.rounds, config.epsilon, config.delta)
    ledger = PrivacyLedger(config.delta)
    vector = intent_vector(weight, bias)
    state = FedAdamState.zeros(vector.size)
    adam = FedAdamConfig(np.full(vector.size, config.server_lr), config.beta1, config.beta2, config.tau)
    local = IntentLocalConfig()
    rng = np.random.default_rng(config.seed)
    cohorts: list[int] = []
    clipped: list[float] = []
    for _ in range(config.rounds):
        chosen = [population[int(i)] for i in np.flatnonzero(rng.random(n) < config.q)]
        total = np.zeros(vector.size)
        if chosen:
            w, b = with_intent_vector(vector, categories, dims)
            updates = np.stack([intent_local_update(w, b, x[s.rows], y[s.rows], local) for s in chosen])
            clipped.append(float((np.linalg.norm(updates, axis=1) > config.clip).mean()))
            total = clip_rows(updates, config.clip).sum(axis=0)
        cohorts.append(len(chosen))
        mean = noisy_mean(total, config.clip, z, expected, rng)
        vector, state = server_step(vector, mean, state, adam, config.optimizer)
        ledger = ledger.after_round(config.q, z) if config.epsilon is not None else ledger
    trained_weight, trained_bias = with_intent_vector(vector, categories, dims)
    record = {
        **rounds_record(config, z, ledger, expected, cohorts, clipped),
        "server": {"lr": config.server_lr, **({"beta1": config.beta1, "beta2": config.beta2, "tau": config.tau}
                                              if config.optimizer == "fedadam" else {})},
        "local": {"steps": local.steps, "lr": local.lr},
        "seconds": round(time.perf_counter() - started, 1),
    }
    return trained_weight, trained_bias, record


def run(queries_path: Path, embed: Embed, epsilons: Sequence[float], base: IntentFederatedConfig, clients: int,
        seeds: int, fedavg_epsilon: float | None = None, log: Any = print) -> dict[str, Any]:
    started = time.perf_counter()
    texts, labels = read_queries(queries_path)
    classes = sorted(set(labels))
    y_all = np.array([classes.index(label) for label in labels], dtype=np.int64)
    x_all = embed(texts)
    train, test = split_queries(labels)
    x_train, y_train, x_test, y_test = x_all[train], y_all[train], x_all[test], y_all[test]
    head = train_intent_head(embed, classes)
    weight = head.categories.weight.detach().numpy().astype(np.float64)
    bias = head.categories.bias.detach().numpy().astype(np.float64)
    population = shoppers(train, clients, np.random.default_rng(base.seed))
    start = accuracy(weight, bias, x_test, y_test)
    log(f"{len(texts)} queries, {len(classes)} classes: {len(train)} searched by {clients} shoppers, "
        f"{len(test)} held out; the starting head: test acc@1 {start['acc@1']:.4f}")
    # Centralized: the same loss on every train query at once, no clipping or noise.
    delta = intent_local_update(weight, bias, x_train, y_train, IntentLocalConfig(steps=100, lr=0.5))
    central = accuracy(*with_intent_vector(intent_vector(weight, bias) + delta, *weight.shape), x_test, y_test)
    log(f"centralized: test acc@1 {central['acc@1']:.4f}")
    runs: list[dict[str, Any]] = []
    settings = [replace(base, epsilon=e) for e in [*epsilons, None]]
    if fedavg_epsilon is not None:
        # Plain FedAvg (x ← x + mean), as the server runs it on request.
        settings.append(replace(base, epsilon=fedavg_epsilon, optimizer="fedavg", server_lr=1.0))
    for setting in settings:
        # 172 test queries: one query is 0.6 points, so each setting runs with several sampling and noise seeds.
        by_seed = []
        for seed in range(seeds):
            config = replace(setting, seed=seed)
            trained = run_federated(weight, bias, x_train, y_train, population, config)
            by_seed.append({**trained[2], **accuracy(trained[0], trained[1], x_test, y_test)})
        runs.append({**by_seed[0], "seed": None, "seeds": seeds,
                     "acc@1": float(np.mean([r["acc@1"] for r in by_seed])),
                     "acc@5": float(np.mean([r["acc@5"] for r in by_seed])),
                     "acc@1_by_seed": [r["acc@1"] for r in by_seed],
                     "seconds": round(sum(r["seconds"] for r in by_seed), 1)})
        log(f"{setting.optimizer} ε {setting.epsilon}: z {runs[-1]['z']:.3f}, "
            f"test acc@1 {runs[-1]['acc@1']:.4f} over {seeds} seeds "
            f"({', '.join(f'{a:.4f}' for a in runs[-1]['acc@1_by_seed'])})")
    return {
        "metric": "acc@1 of the category layer on the held-out WANDS queries (mean over seeds for federated runs)",
        "starting_head": {**start, "how": "trainer.intent.train_intent_head on the class names and synthetic "
                          "queries (no shopper data): the head the version benchmark scores WANDS with"},
        "centralized": {**central, "how": "100 full-batch steps of the client's update on every train query, "
                        "no clipping or noise"},
        "runs": [r for r in runs if r["epsilon"] is not None],
        "federated_non_private": next(r for r in runs if r["epsilon"] is None),
        "dataset": "WANDS query.csv (Wayfair, MIT): real queries with their product class",
        "queries": {"train": len(train), "test": len(test), "classes": len(classes)},
        "clients": clients,
        "federated_parameters": int(weight.size + bias.size),
        "privacy_unit": "one shopper (all of their searches), add/remove neighbouring; Poisson sampling; RDP "
                        "accountant",
        "caveat": "no real search-then-click log exists here: shoppers are simulated by drawing 1-3 real queries "
                  "each, labelled with the class of the product the judge matched to the query",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} CPUs, CPU only",
        "command": "python -m trainer.federated.simulate_intent " + " ".join(sys.argv[1:]),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--epsilons", type=float, nargs="+", default=[1.0, 4.0, 8.0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--fedavg-epsilon", type=float, default=8.0,
                        help="also run plain FedAvg (server lr 1) at this ε; a negative value skips it")
    parser.add_argument("--rounds", type=int, default=IntentFederatedConfig.rounds)
    parser.add_argument("--q", type=float, default=IntentFederatedConfig.q)
    parser.add_argument("--clip", type=float, default=IntentFederatedConfig.clip)
    parser.add_argument("--server-lr", type=float, default=IntentFederatedConfig.server_lr)
    args = parser.parse_args(argv)
    from trainer.catalog_intents import base_model_embed

    torch.set_num_threads(os.cpu_count() or 1)
    base = IntentFederatedConfig(epsilon=None, rounds=args.rounds, q=args.q, clip=args.clip, server_lr=args.server_lr)
    fedavg_epsilon = args.fedavg_epsilon if args.fedavg_epsilon > 0 else None
    result = run(args.queries, base_model_embed(), args.epsilons, base, args.clients, args.seeds, fedavg_epsilon)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0 if all(math.isfinite(r["acc@1"]) for r in result["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
