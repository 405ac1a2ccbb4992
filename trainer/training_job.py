"""A training job: a candidate model version fine-tuned on a catalogue, beside the current one.

`python -m trainer.training_job --models-dir DIR --catalog NAME --out-version NEW
 [--device auto|cpu|cuda] [--max-steps N] [--learning-rate LR] [--time-budget-s S]
 [--catalog-file FEED] [--feed OTHER=FEED …]`

Run by the server as a child process (the contract is in docs/architecture.md, "Training
job"). It starts from the version DIR/manifest.json names as current and never changes that
pointer: publishing is the server's decision. Stages:
1. finetune: the whole encoder, contrastively, on queries made from the catalogue
   (trainer.finetune); through torchrun when several GPUs are present.
2. export and quantize: ONNX fp32 and int8 exactly as trainer.export writes them, plus the
   trained weights (encoder.safetensors) so the next job starts from this one.
3. index: the server's own indexer embeds every catalogue of the current version with the new
   fp32 encoder (item vectors from the old one would not match its queries; feeds from
   --feed / --catalog-file / the known ones, and a catalogue without one stops the job); each
   intent head is retrained on the new embeddings; each ranker is carried over unchanged (it
   may hold federated training that catalogue text cannot reproduce; the benchmark measures
   how well its projection fits the new item space).
4. evaluate: candidate and current version on trainer.version_benchmark; `regressed` is true
   when the candidate's NDCG@10 on held-out catalogue queries is below the current one's.
Everything is written in DIR/.train-NEW-*/ (a models directory of its own whose pointer
names NEW, so the publishing code writes there) and renamed to DIR/NEW/ at the very end;
failure or SIGTERM removes it. stdout carries only the JSON-lines protocol.

The time budget bounds fine-tuning (no step starts once it is spent, counted from the job's
start); export, indexing and evaluation then take a bounded extra minute or two on a CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from trainer.arguments import named_path

REPO = Path(__file__).resolve().parents[1]
# The feeds the server itself serves (src/server/main.ts); others are passed with --catalog-file.
KNOWN_FEEDS = {"demo": REPO / "public/catalog/demo-catalog.json",
               "scientific": REPO / ".cache/dev-catalogs/scientific.json"}
SAFE_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DEFAULT_STEPS = {"cpu": 200, "cuda": 2000}
DEFAULT_BATCH = {"cpu": 32, "cuda": 128}
# A CPU budget fits a few hundred steps: at 2e-5 they barely moved the encoder (measured in
# docs/benchmarks.md, "Training job"); 5e-5 over 200 steps of 32 pairs lifted held-out NDCG@10.
DEFAULT_LEARNING_RATE = {"cpu": 5e-5, "cuda": 2e-5}
EXIT_CANCELLED = 143


class JobError(RuntimeError):
    """A reason the job cannot run, stated for the merchant's dashboard."""


class Cancelled(BaseException):
    """SIGTERM: a BaseException so that no `except Exception` on the way swallows it."""


class Events:
    """The JSON-lines protocol on stdout, one flushed line per event."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def emit(self, event: str, **fields: Any) -> None:
        self.stream.write(json.dumps({"event": event, **fields}) + "\n")
        self.stream.flush()

    def progress(self, stage: str, step: int, of: int, loss: float | None = None,
                 samples_per_s: float | None = None) -> None:
        self.emit("progress", stage=stage, step=step, of=of, loss=loss, samples_per_s=samples_per_s)


class StageClock:
    """Seconds per stage, for the manifest's training record."""

    def __init__(self) -> None:
        self.last = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        seconds, self.last = round(now - self.last, 1), now
        return seconds


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def resolve_device(requested: str) -> tuple[str, int]:
    import torch

    gpus = torch.cuda.device_count()
    if requested == "cuda" and gpus == 0:
        raise JobError("--device cuda was asked for but no CUDA device is visible")
    device = "cuda" if requested == "cuda" or (requested == "auto" and gpus > 0) else "cpu"
    return device, gpus if device == "cuda" else 0


def start_weights(models_dir: Path, manifest: dict[str, Any]) -> Path | None:
    """The current version's trained weights; None when it is the base model's plain export."""
    from trainer.base_model import locate_base_model
    from trainer.finetune import WEIGHTS_FILE

    if any(f["name"] == WEIGHTS_FILE for f in manifest["files"]):
        return models_dir / str(manifest["version"]) / WEIGHTS_FILE
    base = locate_base_model().base_model
    if manifest["base_model"] != base:
        raise JobError(f"the current version {manifest['version']} was exported from {manifest['base_model']} "
                       f"and carries no {WEIGHTS_FILE}: cannot continue its training from {base}")
    return None


def run_finetune(events: Events, args: argparse.Namespace, device: str, gpus: int, feed: Path,
                 weights: Path | None, work: Path) -> tuple[Any, dict[str, Any]]:
    """The fine-tuned model (on the CPU, fp32) and what the training did."""
    from trainer.finetune import FinetuneSettings, fine_tune, load_encoder, torchrun_command, training_pairs

    steps = args.max_steps or DEFAULT_STEPS[device]
    deadline = args.started + args.time_budget_s if args.time_budget_s else None
    settings = FinetuneSettings(steps=steps, batch_size=args.batch_size or DEFAULT_BATCH[device],
                                learning_rate=args.learning_rate or DEFAULT_LEARNING_RATE[device], deadline=deadline)
    planned = {"steps_asked": steps, "batch_size": settings.batch_size, "learning_rate": settings.learning_rate}
    if gpus > 1:
        trained = work / "finetuned.safetensors"
        result = run_torchrun(events, torchrun_command(gpus, feed, weights, trained, settings))
        return load_encoder(trained, "cpu"), {**result, **planned, "gpus": gpus}
    model = load_encoder(weights, device)

    def on_step(step: int, of: int, loss: float, rate: float) -> None:
        events.progress("finetune", step, of, round(loss, 5), round(rate, 2))

    outcome = asdict(fine_tune(model, training_pairs(json.loads(feed.read_text(encoding="utf-8"))), settings, on_step))
    return model.to("cpu").float(), {**outcome, **planned, "gpus": gpus}


def run_torchrun(events: Events, command: list[str]) -> dict[str, Any]:
    """Runs the ranks, passing rank 0's progress lines on; its last line is the result."""
    log("multi-GPU fine-tune: " + " ".join(command))
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as child:
        result: dict[str, Any] | None = None
        try:
            assert child.stdout is not None
            for line in child.stdout:
                try:
                    message = json.loads(line)
                except json.JSONDecodeError:
                    log(line.rstrip())
                    continue
                if message.get("event") == "finetuned":
                    result = {k: v for k, v in message.items() if k != "event"}
                else:
                    events.emit(**message)
        finally:
            if child.poll() is None:
                child.terminate()
            code = child.wait()
    if code != 0 or result is None:
        raise JobError(f"the multi-GPU fine-tune failed (torchrun exit {code}); see the job's log")
    return result


def export_candidate(events: Events, model: Any, version_dir: Path, version: str, current: dict[str, Any],
                     training: dict[str, Any]) -> None:
    from trainer.base_model import locate_base_model
    from trainer.export import encoder_manifest, export_fp32, quantize_int8, write_tokenizer
    from trainer.finetune import WEIGHTS_FILE, save_weights
    from trainer.manifest import describe_file

    source = locate_base_model()
    export_fp32(model, version_dir / "encoder.fp32.onnx")
    events.progress("export", 1, 2)
    write_tokenizer(source, version_dir)
    save_weights(model, version_dir / WEIGHTS_FILE)
    events.progress("export", 2, 2)
    quantize_int8(version_dir / "encoder.fp32.onnx", version_dir / "encoder.int8.onnx")
    events.progress("quantize", 1, 1)
    manifest = encoder_manifest(version_dir, version, source, {"training": training})
    manifest.files.append(describe_file(version_dir / WEIGHTS_FILE, "fp32-safetensors"))
    # The ranker carried over keeps the privacy cost of the rounds that trained it.
    manifest.dp = dict(current["dp"])
    (version_dir / "manifest.json").write_text(manifest.to_json())


def index_candidate(events: Events, model: Any, work_models: Path, current: dict[str, Any], current_dir: Path,
                    feeds: dict[str, Path]) -> None:
    """Every catalogue of the current version, embedded again with the new encoder: item vectors
    from the old one would not match queries from the new one. Each keeps what it had: its
    intent head (retrained on the new embeddings) and its ranker (carried over)."""
    import numpy as np

    from trainer.catalog_intents import publish as publish_intent_head
    from trainer.dev_catalog import index_catalog

    def embed(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts, batch_size=64, convert_to_numpy=True), dtype=np.float32)

    steps = 3 * len(current["catalogs"])
    for done, entry in enumerate(current["catalogs"]):
        name = entry["name"]
        index_catalog(feeds[name], name, work_models)
        events.progress("index", 3 * done + 1, steps)
        if "intent_head" in entry:
            publish_intent_head(feeds[name], name, work_models, embed)
        events.progress("index", 3 * done + 2, steps)
        if "ranker" in entry:
            carry_ranker(work_models, current_dir, entry)
        events.progress("index", 3 * done + 3, steps)


def carry_ranker(work_models: Path, current_dir: Path, entry: dict[str, Any]) -> None:
    """The catalogue's ranker, unchanged, with the (ε, δ) of the rounds that trained it."""
    from trainer.manifest import catalog_entry, publish_catalog_file

    def copy(path: Path) -> None:
        source = current_dir / entry["ranker"]
        if not source.is_file():
            raise JobError(f"catalogue '{entry['name']}' changed while the job ran (its ranker {entry['ranker']} is "
                           "gone): start the job again")
        shutil.copyfile(source, path)

    def keep_guarantee(manifest: dict[str, Any]) -> None:
        if "dp" in entry:
            catalog_entry(manifest, entry["name"])["dp"] = entry["dp"]

    publish_catalog_file(work_models, entry["name"], "ranker", entry["ranker"], "json", copy, keep_guarantee)


def catalog_feeds(args: argparse.Namespace, current: dict[str, Any]) -> dict[str, Path]:
    """The feed of every catalogue in the current version: --catalog-file for the one trained,
    --feed NAME=PATH for any (the server passes the feeds it serves), else the known ones."""
    given = {**KNOWN_FEEDS, **dict(args.feed)}
    if args.catalog_file is not None:
        given[args.catalog] = args.catalog_file
    feeds: dict[str, Path] = {}
    for entry in current["catalogs"]:
        feed = given.get(entry["name"])
        if feed is None or not feed.is_file():
            raise JobError(f"no feed for catalogue '{entry['name']}' (looked for {feed}): every catalogue of "
                           f"{current['version']} is embedded again with the new encoder; pass --feed "
                           f"{entry['name']}=PATH")
        feeds[entry["name"]] = feed
    return feeds


def run_job(events: Events, args: argparse.Namespace) -> dict[str, Any]:
    from trainer.catalog_queries import catalog_queries
    from trainer.manifest import read_current_manifest, write_manifest, write_pointer
    from trainer.version_benchmark import GATE_METRIC, evaluate_version, regressed

    models_dir: Path = args.models_dir
    version: str = args.out_version
    if not SAFE_VERSION.match(version):
        raise JobError(f"--out-version {version!r}: use letters, digits, '.', '_' and '-' (a URL path segment)")
    if (models_dir / version).exists():
        raise JobError(f"{models_dir / version} already exists: a version is never overwritten")
    try:
        current = read_current_manifest(models_dir)
    except (OSError, ValueError, KeyError) as err:
        raise JobError(f"no current model version in {models_dir}: {err}") from err
    current_dir = models_dir / current["version"]
    if not any(c["name"] == args.catalog for c in current["catalogs"]):
        raise JobError(f"catalogue '{args.catalog}' is not indexed in the current version {current['version']}")
    feeds = catalog_feeds(args, current)
    feed = feeds[args.catalog]
    catalog = json.loads(feed.read_text(encoding="utf-8"))
    device, gpus = resolve_device(args.device)
    events.emit("started", device=device, gpus=gpus, pid=os.getpid())
    weights = start_weights(models_dir, current)

    work_models = Path(tempfile.mkdtemp(dir=models_dir, prefix=f".train-{version}-"))
    try:
        version_dir = work_models / version
        version_dir.mkdir()
        clock = StageClock()
        model, training = run_finetune(events, args, device, gpus, feed, weights, work_models)
        if training["steps"] == 0:
            raise JobError("the time budget was spent before the first fine-tune step")
        training.update(parent=current["version"], device=device, catalog=args.catalog,
                        load_and_finetune_s=clock.lap())
        export_candidate(events, model, version_dir, version, current, training)
        write_pointer(work_models, version)
        export_s = clock.lap()
        index_candidate(events, model, work_models, current, current_dir, feeds)
        index_s = clock.lap()

        queries = catalog_queries(catalog, held_out=True)
        baseline = evaluate_version(current_dir, args.catalog, catalog, queries)
        events.progress("evaluate", 1, 2)
        metrics = evaluate_version(version_dir, args.catalog, catalog, queries)
        events.progress("evaluate", 2, 2)
        worse = regressed(metrics, baseline)
        manifest = read_current_manifest(work_models)
        manifest["metrics"]["training"].update(export_and_quantize_s=export_s, index_s=index_s,
                                               evaluate_s=clock.lap(), job_s=round(time.time() - args.started, 1))
        manifest["metrics"]["evaluation"] = {"gate": GATE_METRIC, "candidate": metrics, "baseline": baseline,
                                             "regressed": worse}
        write_manifest(version_dir, manifest)
        version_dir.chmod(0o755)
        # From here the candidate is complete: a SIGTERM now would only race the rename.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        version_dir.rename(models_dir / version)
    finally:
        # A second SIGTERM must not cut the clean-up short.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        shutil.rmtree(work_models, ignore_errors=True)
    summary = (f"{version}: {GATE_METRIC} {metrics[GATE_METRIC]:.4f} vs {baseline[GATE_METRIC]:.4f} "
               f"({current['version']}) after {training['steps']} steps at {training['samples_per_s']} samples/s "
               f"on {device}; {'regressed' if worse else 'no regression'}")
    return {"candidate": version, "metrics": metrics, "baseline": baseline, "regressed": worse, "summary": summary,
            "training": manifest["metrics"]["training"]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--catalog", required=True, help="the catalogue's name in the current manifest")
    parser.add_argument("--catalog-file", type=Path, help=f"its feed (default for {', '.join(KNOWN_FEEDS)}: known)")
    parser.add_argument("--feed", type=named_path("PATH"), action="append", default=[],
                        help="NAME=PATH: the feed of another catalogue of the current version (repeatable)")
    parser.add_argument("--out-version", required=True)
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto")
    parser.add_argument("--max-steps", type=int, help=f"fine-tune steps (default {DEFAULT_STEPS})")
    parser.add_argument("--batch-size", type=int, help=f"pairs per step and GPU (default {DEFAULT_BATCH})")
    parser.add_argument("--learning-rate", type=float, help=f"peak learning rate (default {DEFAULT_LEARNING_RATE})")
    parser.add_argument("--time-budget-s", type=float, help="no fine-tune step starts after this many seconds; "
                        "the schedule shrinks to the steps that fit")
    args = parser.parse_args(argv)
    for name in ("max_steps", "batch_size", "learning_rate", "time_budget_s"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive")
    args.started = time.time()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # The protocol gets its own copy of stdout; fd 1 itself becomes stderr, so that whatever
    # else prints (libraries, native code, the indexer's child process) lands in the log.
    sys.stdout.flush()
    events = Events(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)

    def cancel(signum: int, frame: FrameType | None) -> None:
        raise Cancelled

    signal.signal(signal.SIGTERM, cancel)
    try:
        result = run_job(events, args)
    except Cancelled:
        events.emit("error", message="cancelled")
        return EXIT_CANCELLED
    except Exception as err:
        traceback.print_exc(file=sys.stderr)
        events.emit("error", message=str(err) if isinstance(err, JobError) else f"{type(err).__name__}: {err}")
        return 1
    events.emit("done", **result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
