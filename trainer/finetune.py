"""Full fine-tuning of the encoder on a catalogue: every weight of the transformer moves.

The objective is MultipleNegativesRanking (in-batch negatives): for a batch of (query,
product text) pairs from distinct products, each query must score its own product above
the batch's other products. Pairs come from trainer.catalog_queries, held-out products
excluded. bf16 (fp16 where bf16 is missing) autocast on CUDA; fp32 on the CPU.

One process trains in place (fine_tune). With several GPUs the training job runs this module
under torchrun (`python -m torch.distributed.run --nproc_per_node=G -m trainer.finetune …`):
each rank draws its own batches, DDP averages the gradients, rank 0 prints progress as JSON
lines and saves the weights.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn
from torch.amp.grad_scaler import GradScaler

from trainer.base_model import load_sentence_transformer, locate_base_model
from trainer.catalog_queries import is_held_out, product_document, product_queries

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Weights of the transformer (model[0].auto_model's state dict), kept with each trained version
# so the next job continues from it rather than from the base model.
WEIGHTS_FILE = "encoder.safetensors"

Pair = tuple[str, str]
# Steps timed before a time budget resizes the schedule to the steps that fit in it.
FIT_AFTER_STEPS = 5
# step, of, loss, samples/s
Progress = Callable[[int, int, float, float], None]


@dataclass(frozen=True)
class FinetuneSettings:
    steps: int
    batch_size: int
    learning_rate: float = 2e-5
    # Logit scale on cosines (sentence-transformers' MultipleNegativesRankingLoss default).
    scale: float = 20.0
    seed: int = 0
    # time.time() after which no new step starts (the job's time budget); None: no limit.
    deadline: float | None = None


@dataclass(frozen=True)
class FinetuneResult:
    steps: int
    samples: int
    seconds: float
    samples_per_s: float
    final_loss: float | None  # None when no step ran
    stopped_by: str  # "max-steps" or "time-budget"


def training_pairs(catalog: dict[str, Any]) -> list[list[Pair]]:
    """(query, product text) pairs, one list per product that is not held out."""
    return [
        [(query, product_document(product)) for query in product_queries(product)]
        for product in catalog["products"]
        if not is_held_out(product["id"])
    ]


def batches(pairs: list[list[Pair]], batch_size: int, rng: np.random.Generator) -> Iterator[list[Pair]]:
    """Batches of distinct products (so every other product in a batch is a true negative),
    one of each product's pairs at random, epoch after epoch."""
    size = min(batch_size, len(pairs))
    if size < 2:
        raise ValueError("fine-tuning needs at least 2 products outside the held-out split")
    while True:
        order = rng.permutation(len(pairs))
        for start in range(0, len(order) - size + 1, size):
            yield [pairs[i][int(rng.integers(len(pairs[i])))] for i in order[start:start + size]]


def transformer_of(model: SentenceTransformer) -> nn.Module:
    transformer = model[0].auto_model
    assert isinstance(transformer, nn.Module)
    return transformer


def load_encoder(weights: Path | None, device: str) -> SentenceTransformer:
    """The base model, with a trained version's transformer weights when given."""
    model = load_sentence_transformer(locate_base_model(), device="cpu")
    if weights is not None:
        from safetensors.torch import load_file

        transformer_of(model).load_state_dict(load_file(str(weights)))
    return model.to(device)


def save_weights(model: SentenceTransformer, path: Path) -> None:
    from safetensors.torch import save_file

    state = transformer_of(model).state_dict()
    save_file({name: tensor.detach().float().cpu().contiguous() for name, tensor in state.items()}, str(path))


def autocast_dtype(device: torch.device) -> torch.dtype | None:
    if device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def fine_tune(model: SentenceTransformer, pairs: list[list[Pair]], settings: FinetuneSettings,
              on_step: Progress, trainable: nn.Module | None = None,
              stop_everywhere: Callable[[bool], bool] = lambda stop: stop, world_size: int = 1,
              rank: int = 0, clock: Callable[[], float] = time.time,
              agree_steps: Callable[[int], int] = lambda steps: steps,
              timer: Callable[[], float] = time.perf_counter) -> FinetuneResult:
    """`trainable` is what the forward pass runs through: the model itself, or its DDP wrapper;
    `stop_everywhere` makes every rank agree on stopping at the time budget and `agree_steps`
    on the steps that fit in it (one learning-rate schedule for all); `clock` is what the
    deadline is compared with (time.time), `timer` what steps are timed with (monotonic)."""
    module = trainable or model
    device = next(model.parameters()).device
    torch.manual_seed(settings.seed + rank)
    rng = np.random.default_rng(settings.seed + rank)
    model.train()
    optimiser = torch.optim.AdamW(module.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    warmup = max(1, settings.steps // 10)
    # The steps the schedule is sized for: all of them, unless the time budget will not fit them.
    planned = settings.steps

    # Linear warm-up over the first tenth, then linear decay to zero at the last planned step.
    def rate(step: int) -> float:
        return min((step + 1) / warmup, max(0.0, (planned - step) / max(1, planned - warmup + 1)))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, rate)
    dtype = autocast_dtype(device)
    scaler = GradScaler("cuda", enabled=dtype == torch.float16)
    started = time.perf_counter()
    first_step_at: float | None = None
    samples, loss_value, step = 0, None, 0
    stream = batches(pairs, settings.batch_size, rng)
    # Every rank asks at every step, so all of them stop at the same one (DDP would hang otherwise).
    while not stop_everywhere(step >= planned or (settings.deadline is not None and clock() >= settings.deadline)):
        if settings.deadline is not None and step == FIT_AFTER_STEPS and first_step_at is not None:
            # A schedule sized for steps the budget cannot fit would stop at its peak rate, the
            # encoder moved but never settled: once the pace is known, plan only the steps that
            # fit, so the rate still decays to zero before the budget runs out.
            pace = (timer() - first_step_at) / (step - 1)
            fits = agree_steps(step + int((settings.deadline - clock()) / pace))
            if fits < planned:
                planned = max(step + 1, fits)
                warmup = min(warmup, max(1, planned // 10))
        if step == 1:
            # Timed from the end of the first step: it also pays for warming up kernels and caches.
            first_step_at = timer()
        batch = next(stream)
        texts = [query for query, _ in batch] + [document for _, document in batch]
        features = {key: value.to(device) if isinstance(value, torch.Tensor) else value
                    for key, value in model.preprocess(texts).items()}
        with torch.autocast(device_type=device.type, dtype=dtype or torch.float32, enabled=dtype is not None):
            embeddings = nn.functional.normalize(module(features)["sentence_embedding"].float(), dim=1)
        queries, documents = embeddings[:len(batch)], embeddings[len(batch):]
        logits = settings.scale * queries @ documents.T
        loss = nn.functional.cross_entropy(logits, torch.arange(len(batch), device=device))
        optimiser.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()  # type: ignore[no-untyped-call]
        scaler.step(optimiser)
        scaler.update()
        schedule.step()
        step += 1
        samples += len(batch) * world_size
        loss_value = float(loss.detach())
        on_step(step, planned, loss_value, samples / (time.perf_counter() - started))
    model.eval()
    seconds = time.perf_counter() - started
    stopped_by = "max-steps" if step >= settings.steps else "time-budget"
    return FinetuneResult(step, samples, round(seconds, 2), round(samples / seconds, 2) if seconds > 0 else 0.0,
                          loss_value, stopped_by)


def torchrun_command(gpus: int, catalog: Path, weights: Path | None, out: Path,
                     settings: FinetuneSettings) -> list[str]:
    """The command the training job runs with several GPUs (each rank gets one)."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={gpus}",
               "-m", "trainer.finetune", "--catalog", str(catalog), "--out", str(out),
               "--steps", str(settings.steps), "--batch-size", str(settings.batch_size),
               "--seed", str(settings.seed), "--learning-rate", repr(settings.learning_rate)]
    if weights is not None:
        command += ["--weights", str(weights)]
    if settings.deadline is not None:
        command += ["--deadline", repr(settings.deadline)]
    return command


def main(argv: list[str] | None = None) -> int:
    """One torchrun rank (see the module docstring)."""
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    parser = argparse.ArgumentParser(description="one rank of the multi-GPU fine-tune (run by trainer.training_job)")
    parser.add_argument("--catalog", type=Path, required=True)
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--batch-size", type=int, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--learning-rate", type=float, default=FinetuneSettings.learning_rate)
    parser.add_argument("--deadline", type=float)
    args = parser.parse_args(argv)
    dist.init_process_group("nccl")
    rank, world_size = dist.get_rank(), dist.get_world_size()
    local_rank = int(os.environ["LOCAL_RANK"])
    torch.cuda.set_device(local_rank)
    model = load_encoder(args.weights, f"cuda:{local_rank}")
    wrapped = DistributedDataParallel(model, device_ids=[local_rank])
    settings = FinetuneSettings(steps=args.steps, batch_size=args.batch_size, learning_rate=args.learning_rate,
                                seed=args.seed, deadline=args.deadline)

    def stop_everywhere(stop: bool) -> bool:
        flag = torch.tensor([1.0 if stop else 0.0], device=f"cuda:{local_rank}")
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item() > 0)

    def agree_steps(steps: int) -> int:
        fewest = torch.tensor([steps], device=f"cuda:{local_rank}")
        dist.all_reduce(fewest, op=dist.ReduceOp.MIN)
        return int(fewest.item())

    def on_step(step: int, of: int, loss: float, rate: float) -> None:
        if rank == 0:
            print(json.dumps({"event": "progress", "stage": "finetune", "step": step, "of": of, "loss": loss,
                              "samples_per_s": round(rate, 2)}), flush=True)

    pairs = training_pairs(json.loads(args.catalog.read_text(encoding="utf-8")))
    result = fine_tune(model, pairs, settings, on_step, wrapped, stop_everywhere, world_size, rank,
                       agree_steps=agree_steps)
    if rank == 0:
        save_weights(model, args.out)
        print(json.dumps({"event": "finetuned", **asdict(result)}), flush=True)
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
