"""Full fine-tuning of the encoder (trainer.finetune): batches, steps, the time budget and the
weights a version keeps, on the real base model with a few tiny steps on the CPU."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from trainer.catalog_queries import is_held_out
from trainer.finetune import (
    FinetuneSettings,
    batches,
    fine_tune,
    load_encoder,
    save_weights,
    torchrun_command,
    training_pairs,
    transformer_of,
)

PAIRS = [[("cast iron skillet", "Cast Iron Skillet. Kitchen > Cookware.")],
         [("yoga mat", "Cork Yoga Mat. Yoga & Fitness > Yoga.")],
         [("dog leash", "Rope Dog Leash. Pet Supplies > Dogs."), ("leash", "Rope Dog Leash. Pet Supplies > Dogs.")]]


@pytest.fixture(scope="module")
def model() -> Any:
    """One load for the file (each takes seconds on 2 shared cores); tests that train say so."""
    return load_encoder(None, "cpu")


def first_weight(model: Any) -> torch.Tensor:
    return next(transformer_of(model).parameters()).detach().clone()


def test_batches_hold_distinct_products_and_cycle_through_epochs() -> None:
    stream = batches(PAIRS, 2, np.random.default_rng(0))
    for _ in range(10):
        batch = next(stream)
        assert len(batch) == 2
        products = [next(i for i, pairs in enumerate(PAIRS) if pair in pairs) for pair in batch]
        assert len(set(products)) == 2
    assert len(next(batches(PAIRS, 64, np.random.default_rng(0)))) == len(PAIRS)
    with pytest.raises(ValueError, match="at least 2 products"):
        next(batches(PAIRS[:1], 8, np.random.default_rng(0)))


def test_training_pairs_leave_out_the_held_out_products() -> None:
    ids = [f"p-{i}" for i in range(50)]
    catalog = {"products": [{"id": i, "title": f"Thing {i}", "description": "A thing.",
                             "category": ["A", "B"], "tags": []} for i in ids]}
    assert len(training_pairs(catalog)) == sum(not is_held_out(i) for i in ids) < 50


def test_a_spent_deadline_stops_before_any_step(model: Any) -> None:
    start = first_weight(model)
    result = fine_tune(model, PAIRS, FinetuneSettings(steps=5, batch_size=2, deadline=time.time() - 1),
                       lambda *_: pytest.fail("no step may run"))
    assert (result.steps, result.final_loss, result.stopped_by) == (0, None, "time-budget")
    assert torch.equal(first_weight(model), start)


def test_a_time_budget_that_cannot_fit_the_steps_resizes_the_schedule_to_those_that_fit(model: Any) -> None:
    # A clock that each step moves on by 10 s: 100 steps asked for, a budget of 105 s (so the
    # run ends at its resized plan, at 100 s, not at the deadline itself).
    now = [0.0]
    seen: list[tuple[int, int]] = []

    def on_step(step: int, of: int, loss: float, rate: float) -> None:
        seen.append((step, of))
        now[0] += 10.0

    result = fine_tune(model, PAIRS, FinetuneSettings(steps=100, batch_size=2, learning_rate=1e-6, deadline=105.0),
                       on_step, clock=lambda: now[0], timer=lambda: now[0])
    # Timed over steps 2-5 (10 s each), 5 more fit: the schedule (and the progress) now ends at 10.
    assert [of for _, of in seen] == [100] * 5 + [10] * 5
    assert (result.steps, result.stopped_by) == (10, "time-budget") and now[0] == 100.0


def test_steps_move_every_layer_and_weights_round_trip(model: Any, tmp_path: Path) -> None:
    before = {name: p.detach().clone() for name, p in transformer_of(model).named_parameters()}
    seen: list[tuple[int, int]] = []
    result = fine_tune(model, PAIRS, FinetuneSettings(steps=2, batch_size=3, learning_rate=1e-3),
                       lambda step, of, loss, rate: seen.append((step, of)))
    assert seen == [(1, 2), (2, 2)]
    assert result.steps == 2 and result.samples == 6 and result.stopped_by == "max-steps"
    assert result.final_loss is not None and np.isfinite(result.final_loss)
    after = dict(transformer_of(model).named_parameters())
    # Full fine-tuning: the first and the last layer both moved, not only a head.
    for name in ("encoder.layer.0.attention.self.query.weight", "encoder.layer.5.output.dense.weight"):
        assert not torch.equal(before[name], after[name].detach())
    save_weights(model, tmp_path / "w.safetensors")
    reloaded = load_encoder(tmp_path / "w.safetensors", "cpu")
    for name, value in transformer_of(reloaded).state_dict().items():
        assert torch.equal(value, transformer_of(model).state_dict()[name])


def test_torchrun_command_runs_one_rank_per_gpu() -> None:
    settings = FinetuneSettings(steps=10, batch_size=4, learning_rate=5e-5, deadline=123.5)
    command = torchrun_command(4, Path("feed.json"), None, Path("out.safetensors"), settings)
    # Every rank gets the job's schedule, not the rank script's defaults.
    assert command[command.index("--learning-rate") + 1] == "5e-05"
    assert command[1:5] == ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=4"]
    assert command[command.index("-m", 2) + 1] == "trainer.finetune"
    assert "--weights" not in command and command[-2:] == ["--deadline", "123.5"]
