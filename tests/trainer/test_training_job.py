"""The training job end to end (trainer.training_job), as the server runs it: a child process
on a copy of models/ with the demo catalogue, a real fine-tune of a few CPU steps, the
server's own indexer, and the JSON-lines protocol on stdout."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.trainer.conftest import MODELS, REPO
from trainer.finetune import WEIGHTS_FILE
from trainer.manifest import read_current_manifest, verify_files
from trainer.training_job import DEFAULT_LEARNING_RATE
from trainer.version_benchmark import GATE_METRIC, wands_queries_file

STAGES = ["finetune", "export", "quantize", "index", "evaluate"]
WANDS_SUBSET = 40  # real WANDS queries copied into the test's own dataset folder: enough to score, quick
# A hang guard, not a speed check: the job takes ~2 min alone on 2 cores, several times that
# when the cores are shared with other test runs.
HANG_GUARD_S = 2400


@dataclass(frozen=True)
class Job:
    models: Path
    pointer: bytes
    current: dict[str, Any]
    returncode: int
    events: list[dict[str, Any]]
    datasets: Path


def copy_models(target: Path) -> Path:
    """The pointer and the current version only, with real files (models/ may hold links)."""
    current = read_current_manifest(MODELS)["version"]
    target.mkdir()
    shutil.copyfile(MODELS / "manifest.json", target / "manifest.json")
    shutil.copytree(MODELS / current, target / current)
    return target


def job_command(models: Path, version: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "trainer.training_job", "--models-dir", str(models), "--catalog", "demo",
            "--out-version", version, "--device", "cpu", *extra]


def datasets_folder(root: Path) -> Path:
    """A PRIVET_DATASETS folder holding the first WANDS queries, when the real dataset is here."""
    root.mkdir()
    source = wands_queries_file()
    if source is not None:
        (root / "wands_queries").mkdir()
        lines = source.read_text(encoding="utf-8").splitlines()[: WANDS_SUBSET + 1]
        (root / "wands_queries" / "query.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def parse_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def left_behind(models: Path, version: str) -> list[str]:
    return sorted(p.name for p in models.iterdir() if p.name == version or p.name.startswith("."))


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory) -> Job:
    root = tmp_path_factory.mktemp("training-job")
    models = copy_models(root / "models")
    datasets = datasets_folder(root / "datasets")
    pointer = (models / "manifest.json").read_bytes()
    current = read_current_manifest(models)
    # As after federated rounds: the demo ranker states the guarantee of the rounds that trained it.
    demo = next(c for c in current["catalogs"] if c["name"] == "demo")
    demo["dp"] = current["dp"] = {"epsilon": 1.5, "delta": 1e-6, "rounds": 2}
    (models / current["version"] / "manifest.json").write_text(json.dumps(current, indent=2))
    run = subprocess.run(job_command(models, "candidate-1", "--max-steps", "2", "--batch-size", "4"),
                         cwd=REPO, capture_output=True, text=True, timeout=HANG_GUARD_S,
                         env={**os.environ, "PRIVET_DATASETS": str(datasets)})
    if run.returncode != 0:
        print(run.stderr[-4000:], file=sys.stderr)
    return Job(models, pointer, current, run.returncode, parse_lines(run.stdout), datasets)


def test_the_candidate_is_complete_and_verifies(job: Job) -> None:
    assert job.returncode == 0
    version_dir = job.models / "candidate-1"
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert manifest["version"] == "candidate-1"
    assert verify_files(version_dir, manifest) == []
    listed = {f["name"] for f in manifest["files"]}
    # Every file in the directory is listed (the manifest itself aside): nothing half-written remains.
    assert {p.name for p in version_dir.iterdir()} == listed | {"manifest.json"}
    assert {"encoder.fp32.onnx", "encoder.int8.onnx", "tokenizer.json", WEIGHTS_FILE} <= listed
    # Every catalogue of the current version is in the candidate (the Scientific one too, where setup built it).
    assert [c["name"] for c in manifest["catalogs"]] == [c["name"] for c in job.current["catalogs"]]
    demo = next(c for c in manifest["catalogs"] if c["name"] == "demo")
    assert {demo["items"], demo["ids"], demo["intent_head"], demo["ranker"]} <= listed
    assert all({c["items"], c["ids"]} <= listed for c in manifest["catalogs"])
    training = manifest["metrics"]["training"]
    assert training["parent"] == job.current["version"]
    # What was asked and what ran, with the CPU's default learning rate.
    assert (training["steps_asked"], training["steps"], training["batch_size"]) == (2, 2, 4)
    assert training["learning_rate"] == DEFAULT_LEARNING_RATE["cpu"] and training["stopped_by"] == "max-steps"


def test_the_current_version_and_pointer_are_untouched(job: Job) -> None:
    assert (job.models / "manifest.json").read_bytes() == job.pointer
    current_dir = job.models / job.current["version"]
    assert json.loads((current_dir / "manifest.json").read_text()) == job.current
    assert verify_files(current_dir, job.current) == []
    assert left_behind(job.models, "candidate-1") == ["candidate-1"]


def test_events_follow_the_protocol_in_order(job: Job) -> None:
    started, *progress, done = job.events
    assert started == {"event": "started", "device": "cpu", "gpus": 0, "pid": started["pid"]}
    assert isinstance(started["pid"], int)
    assert all(e["event"] == "progress" for e in progress)
    stages = [e["stage"] for e in progress]
    assert sorted(set(stages), key=STAGES.index) == STAGES
    assert stages == sorted(stages, key=STAGES.index), "stages run in order, each once"
    for stage in STAGES:
        steps = [(e["step"], e["of"]) for e in progress if e["stage"] == stage]
        assert steps == [(k, steps[0][1]) for k in range(1, steps[0][1] + 1)]
    finetune = [e for e in progress if e["stage"] == "finetune"]
    assert len(finetune) == 2
    assert all(e["loss"] > 0 and e["samples_per_s"] > 0 for e in finetune)
    assert all(e["loss"] is None and e["samples_per_s"] is None for e in progress if e["stage"] != "finetune")
    assert done["event"] == "done" and done["candidate"] == "candidate-1"
    assert isinstance(done["summary"], str) and "\n" not in done["summary"]


def test_both_versions_are_measured_on_the_same_benchmark(job: Job) -> None:
    done = job.events[-1]
    expected = {"catalog_recall@10", "catalog_ndcg@10", "catalog_intent_acc@1", "ranker_category_precision@10",
                "ranker_prior_precision@10"}
    if (job.datasets / "wands_queries").is_dir():
        expected.add("wands_intent_acc@1")
    for side in ("metrics", "baseline"):
        assert expected <= set(done[side])
        assert all(0.0 <= done[side][name] <= 1.0 for name in expected)
    assert done["metrics"]["catalog_queries"] == done["baseline"]["catalog_queries"] > 0
    assert done["regressed"] == (done["metrics"][GATE_METRIC] < done["baseline"][GATE_METRIC])
    recorded = json.loads((job.models / "candidate-1" / "manifest.json").read_text())["metrics"]["evaluation"]
    assert recorded == {"gate": GATE_METRIC, "candidate": done["metrics"], "baseline": done["baseline"],
                        "regressed": done["regressed"]}


def test_the_encoder_moved_the_ranker_carried_over_and_the_intent_head_retrained(job: Job) -> None:
    current_dir, candidate_dir = job.models / job.current["version"], job.models / "candidate-1"
    candidate = json.loads((candidate_dir / "manifest.json").read_text())
    for old, new in zip(job.current["catalogs"], candidate["catalogs"], strict=True):
        # Each catalogue embedded again with the new encoder, its ranker carried over as it was.
        assert (candidate_dir / new["items"]).read_bytes() != (current_dir / old["items"]).read_bytes()
        if "ranker" in old:
            assert (candidate_dir / new["ranker"]).read_bytes() == (current_dir / old["ranker"]).read_bytes()
        assert ("intent_head" in new) == ("intent_head" in old)
    demo_old, demo_new = (next(c for c in m["catalogs"] if c["name"] == "demo") for m in (job.current, candidate))
    retrained = (candidate_dir / demo_new["intent_head"]).read_bytes()
    assert retrained != (current_dir / demo_old["intent_head"]).read_bytes()
    assert candidate["dp"] == job.current["dp"] == {"epsilon": 1.5, "delta": 1e-6, "rounds": 2}
    assert [c.get("dp") for c in candidate["catalogs"]] == [c.get("dp") for c in job.current["catalogs"]]


def test_sigterm_cancels_and_leaves_no_version_directory(tmp_path: Path) -> None:
    models = copy_models(tmp_path / "models")
    pointer = (models / "manifest.json").read_bytes()
    child = subprocess.Popen(job_command(models, "cancelled-1", "--max-steps", "1000", "--batch-size", "4"),
                             cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert child.stdout is not None
    lines: list[dict[str, Any]] = []
    for line in child.stdout:
        lines.append(json.loads(line))
        if lines[-1].get("stage") == "finetune":
            child.send_signal(signal.SIGTERM)
            break
    lines += parse_lines(child.stdout.read())
    assert child.wait(timeout=HANG_GUARD_S) == 143
    assert lines[0]["event"] == "started"
    assert lines[-1] == {"event": "error", "message": "cancelled"}
    assert left_behind(models, "cancelled-1") == []
    assert (models / "manifest.json").read_bytes() == pointer


def test_a_time_budget_spent_before_the_first_step_is_an_error(tmp_path: Path) -> None:
    models = copy_models(tmp_path / "models")
    run = subprocess.run(job_command(models, "late-1", "--time-budget-s", "0.001"),
                         cwd=REPO, capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert run.returncode == 1
    assert parse_lines(run.stdout)[-1] == {"event": "error",
                                           "message": "the time budget was spent before the first fine-tune step"}
    assert left_behind(models, "late-1") == []


def test_an_existing_version_is_never_overwritten(tmp_path: Path) -> None:
    models = copy_models(tmp_path / "models")
    current = read_current_manifest(models)
    run = subprocess.run(job_command(models, current["version"]), cwd=REPO, capture_output=True, text=True,
                         timeout=HANG_GUARD_S)
    assert run.returncode == 1
    (error,) = parse_lines(run.stdout)
    assert error["event"] == "error" and "already exists" in error["message"]
    assert read_current_manifest(models) == current


def test_a_catalogue_without_a_feed_stops_the_job_before_training(tmp_path: Path) -> None:
    """Every catalogue of the version is embedded again with the new encoder, so each needs its feed."""
    models = copy_models(tmp_path / "models")
    current = read_current_manifest(models)
    current["catalogs"].append({**current["catalogs"][0], "name": "acme"})
    (models / current["version"] / "manifest.json").write_text(json.dumps(current))
    run = subprocess.run(job_command(models, "no-feed-1"), cwd=REPO, capture_output=True, text=True,
                         timeout=HANG_GUARD_S)
    assert run.returncode == 1
    (error,) = parse_lines(run.stdout)
    assert error["event"] == "error" and "no feed for catalogue 'acme'" in error["message"]
    assert "--feed acme=PATH" in error["message"]
    assert left_behind(models, "no-feed-1") == []
