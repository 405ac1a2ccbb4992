"""The exported ONNX encoder reproduces the PyTorch reference (trainer.export)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from trainer.base_model import MAX_TOKENS


def run_onnx(path: Path, input_ids: list[list[int]], batch_size: int = 16) -> np.ndarray:
    """Embeds pre-tokenised rows in right-padded batches, as the browser does."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out: list[np.ndarray] = []
    for start in range(0, len(input_ids), batch_size):
        rows = input_ids[start : start + batch_size]
        width = max(len(row) for row in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, row in enumerate(rows):
            ids[r, : len(row)] = row
            mask[r, : len(row)] = 1
        out.append(session.run(None, {"input_ids": ids, "attention_mask": mask})[0])
    return np.concatenate(out)


@pytest.fixture(scope="module")
def golden_ids(golden: dict[str, Any]) -> list[list[int]]:
    return [case["input_ids"] for case in golden["cases"]]


def test_golden_file_covers_the_required_variety(golden: dict[str, Any]) -> None:
    texts = [case["text"] for case in golden["cases"]]
    assert len(texts) >= 200
    assert "" in texts
    assert any(len(t) == 2000 for t in texts), "a 2,000-character string"
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), "Chinese"
    assert any(any(ord(ch) > 0x1F000 for ch in t) for t in texts), "emoji"
    assert any("é" in t or "ü" in t for t in texts), "accents"
    assert max(len(case["input_ids"]) for case in golden["cases"]) == MAX_TOKENS, "truncation reached"


def test_golden_file_is_what_the_trainer_writes_now(golden: dict[str, Any], reference_model: Any) -> None:
    texts = [case["text"] for case in golden["cases"]]
    encoded = reference_model.tokenizer(texts, truncation=True, max_length=MAX_TOKENS)
    assert [list(ids) for ids in encoded["input_ids"]] == [case["input_ids"] for case in golden["cases"]]
    fresh = reference_model.encode(texts, batch_size=32, convert_to_numpy=True)
    stored = np.array([case["embedding"] for case in golden["cases"]], dtype=np.float32)
    assert np.abs(fresh - stored).max() < 1e-5, "regenerate with `python -m trainer.golden`"


def test_fp32_onnx_matches_pytorch_on_every_string(
    version_dir: Path, golden_ids: list[list[int]], golden_embeddings: np.ndarray
) -> None:
    onnx_out = run_onnx(version_dir / "encoder.fp32.onnx", golden_ids)
    cosines = (onnx_out * golden_embeddings).sum(axis=1)
    assert cosines.min() >= 0.9999, f"worst cosine {cosines.min():.6f}"
    assert np.abs(onnx_out - golden_embeddings).max() < 1e-4


def test_int8_onnx_stays_close_to_pytorch(
    version_dir: Path, golden_ids: list[list[int]], golden_embeddings: np.ndarray
) -> None:
    # One text per run, as the browser embeds a query: dynamic quantization takes its
    # activation range over the whole batch, so batching changes int8 results.
    onnx_out = run_onnx(version_dir / "encoder.int8.onnx", golden_ids, batch_size=1)
    cosines = (onnx_out * golden_embeddings).sum(axis=1)
    assert cosines.mean() >= 0.99, f"mean cosine {cosines.mean():.4f}"
    assert cosines.min() >= 0.98, f"worst cosine {cosines.min():.4f}"


def test_padding_and_batch_size_do_not_change_embeddings(version_dir: Path, golden_ids: list[list[int]]) -> None:
    rows = golden_ids[:40]
    one_by_one = run_onnx(version_dir / "encoder.fp32.onnx", rows, batch_size=1)
    batched = run_onnx(version_dir / "encoder.fp32.onnx", rows, batch_size=40)
    assert np.abs(one_by_one - batched).max() < 1e-5


@pytest.mark.parametrize("name", ["encoder.fp32.onnx", "encoder.int8.onnx"])
def test_graph_interface_has_dynamic_batch_and_sequence(version_dir: Path, name: str, manifest: dict[str, Any]) -> None:
    graph = onnx.load(str(version_dir / name), load_external_data=False).graph
    assert [i.name for i in graph.input] == ["input_ids", "attention_mask"]
    for tensor in graph.input:
        assert tensor.type.tensor_type.elem_type == onnx.TensorProto.INT64
        dims = tensor.type.tensor_type.shape.dim
        assert [d.dim_param for d in dims] == ["batch", "sequence"]
    (output,) = graph.output
    assert output.name == manifest["output"]
    out_dims = output.type.tensor_type.shape.dim
    assert out_dims[0].dim_param == "batch"
    assert out_dims[1].dim_value == manifest["dims"] == 384


def test_manifest_lists_every_file_with_its_sha256(version_dir: Path, manifest: dict[str, Any]) -> None:
    on_disk = {p.name for p in version_dir.iterdir()} - {"manifest.json"}
    assert {f["name"] for f in manifest["files"]} == on_disk
    for entry in manifest["files"]:
        data = (version_dir / entry["name"]).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["dims"] == 384
    assert manifest["max_tokens"] == MAX_TOKENS
    assert manifest["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert manifest["opset"] >= 17
    pointer = json.loads((version_dir.parent / "manifest.json").read_text())
    assert pointer["current"] == manifest["version"] == version_dir.name


def test_exported_tokenizer_truncates_at_the_model_budget(version_dir: Path) -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(version_dir / "tokenizer.json"))
    assert len(tokenizer.encode("gift " * 1000).ids) == MAX_TOKENS
    assert len(tokenizer.encode("gift").ids) == 3, "no fixed padding in the shipped tokenizer"
