"""Shared fixtures: the exported model (npm run setup exports it) and the golden file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from trainer.base_model import load_sentence_transformer, locate_base_model
from trainer.manifest import read_current_manifest

REPO = Path(__file__).resolve().parents[2]
MODELS = REPO / "models"
GOLDEN = REPO / "tests" / "golden" / "encoder.json"


@pytest.fixture(scope="session")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def manifest() -> dict[str, Any]:
    return read_current_manifest(MODELS)


@pytest.fixture(scope="session")
def version_dir(manifest: dict[str, Any]) -> Path:
    return MODELS / str(manifest["version"])


@pytest.fixture(scope="session")
def reference_model() -> Any:
    return load_sentence_transformer(locate_base_model())


@pytest.fixture(scope="session")
def golden_embeddings(golden: dict[str, Any]) -> np.ndarray:
    return np.array([case["embedding"] for case in golden["cases"]], dtype=np.float32)
