"""Item text embeddings exactly as the browser sees them: the current version's fp32 ONNX
encoder (what the server indexes catalogues with), quantised to int8 rows with a per-row
scale (trainer.item_matrix); callers dequantise. Cached under .cache/ by model version and a
digest of the texts, because embedding a few thousand texts takes about a minute on 2 cores.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from trainer.base_model import MAX_TOKENS
from trainer.item_matrix import quantize_rows
from trainer.manifest import read_current_manifest

if TYPE_CHECKING:
    from trainer.intent import Embed

DEFAULT_MODELS_DIR = Path("models")
DEFAULT_CACHE_DIR = Path(".cache/item-embeddings")
BATCH = 32


def encode_texts(texts: list[str], models_dir: Path = DEFAULT_MODELS_DIR) -> npt.NDArray[np.float32]:
    return version_encoder(models_dir / read_current_manifest(models_dir)["version"])(texts)


def version_encoder(version_dir: Path, encoder: str = "encoder.fp32.onnx") -> Embed:
    """Texts → embeddings through one ONNX encoder file of the version in `version_dir`;
    the session is made once, for every call."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    dims = int(json.loads((version_dir / "manifest.json").read_text())["dims"])
    tokenizer = Tokenizer.from_file(str(version_dir / "tokenizer.json"))
    tokenizer.enable_truncation(MAX_TOKENS)
    tokenizer.enable_padding()
    session = ort.InferenceSession(str(version_dir / encoder), providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}

    def embed(texts: list[str]) -> npt.NDArray[np.float32]:
        # Sorting by length keeps padding (wasted work, not a change in result) small.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), dims), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            rows = order[start:start + BATCH]
            encoded = tokenizer.encode_batch([texts[i] for i in rows])
            feed = {
                "input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64),
            }
            out[rows] = session.run(None, {k: v for k, v in feed.items() if k in inputs})[0]
        return out

    return embed


ItemRows = tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]


def browser_item_matrix(texts: list[str], models_dir: Path = DEFAULT_MODELS_DIR,
                        cache_dir: Path | None = DEFAULT_CACHE_DIR) -> ItemRows:
    """The int8 codes and per-row scales the browser's item matrix would hold for `texts`."""
    version = read_current_manifest(models_dir)["version"]
    digest = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    cached = cache_dir / f"{version}-{digest}.npz" if cache_dir else None
    if cached and cached.exists():
        with np.load(cached) as stored:
            return stored["codes"], stored["scales"]
    codes, scales = quantize_rows(encode_texts(texts, models_dir))
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cached, codes=codes, scales=scales)
    return codes, scales
