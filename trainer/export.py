"""Export the encoder for the browser: `python -m trainer.export [--models-dir models]`.

Writes models/<version>/ with encoder.fp32.onnx, encoder.int8.onnx (dynamic
quantization), tokenizer.json, tokenizer_config.json and manifest.json, then points
models/manifest.json at it. The version name is derived from the bytes it contains, so a
versioned URL always means the same bytes and can be cached forever.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.base_model import (
    MAX_TOKENS,
    BaseModelSource,
    MissingModelPackageError,
    load_sentence_transformer,
    locate_base_model,
)
from trainer.manifest import Manifest, describe_file, write_pointer

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

OPSET = 17
INPUT_NAMES = ["input_ids", "attention_mask"]
OUTPUT_NAME = "embedding"
DIMS = 384


def export_fp32(model: SentenceTransformer, target: Path) -> None:
    """The model's transformer with mean pooling and L2 norm in the graph, on the CPU in fp32."""
    import torch

    from trainer.encoder_graph import PooledEncoder

    transformer = model[0].auto_model
    assert isinstance(transformer, torch.nn.Module)
    graph = PooledEncoder(transformer).eval()
    sample = model.tokenizer(["a sample product title", "gift"], padding=True, return_tensors="pt")
    # The tracer warns about Python control flow in transformers' mask helpers; the parity
    # tests (padding, batch sizes, lengths up to MAX_TOKENS) are what prove the graph right.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            graph,
            (sample["input_ids"], sample["attention_mask"]),
            str(target),
            input_names=INPUT_NAMES,
            output_names=[OUTPUT_NAME],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "sequence"},
                "attention_mask": {0: "batch", 1: "sequence"},
                OUTPUT_NAME: {0: "batch"},
            },
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    import onnx

    # The tracer leaves the embedding width symbolic; runtimes and tests read it from the graph.
    graph_model = onnx.load(str(target))
    width = graph_model.graph.output[0].type.tensor_type.shape.dim[1]
    width.ClearField("dim_param")
    width.dim_value = DIMS
    onnx.save(graph_model, str(target))
    onnx.checker.check_model(str(target))


# BERT's first feed-forward output sees activations with large outliers; quantizing them
# per tensor to 8 bits costs the most accuracy of any layer (measured: leaving this one
# MatMul in fp32 lifts the worst golden cosine from 0.978 to 0.982 for +1.8 MB).
FP32_NODES = ["/transformer/encoder/layer.0/output/dense/MatMul"]


def quantize_int8(fp32: Path, target: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = {node.name for node in onnx.load(str(fp32), load_external_data=False).graph.node}
    missing = [name for name in FP32_NODES if name not in names]
    if missing:
        raise RuntimeError(f"the exported graph has no node {missing}: update FP32_NODES in {__name__}")
    # Weights-only int8 with per-channel scales: activations are quantized on the fly, so
    # no calibration data is needed. Unsigned weights measured better than signed here.
    quantize_dynamic(
        str(fp32), str(target), weight_type=QuantType.QUInt8, per_channel=True, nodes_to_exclude=FP32_NODES
    )


def write_tokenizer(source: BaseModelSource, directory: Path) -> None:
    """tokenizer.json as the browser uses it: truncation at MAX_TOKENS, no fixed padding."""
    tokenizer = json.loads((source.directory / "tokenizer.json").read_text(encoding="utf-8"))
    tokenizer["truncation"] = {"max_length": MAX_TOKENS, "strategy": "LongestFirst", "stride": 0,
                               "direction": "Right"}
    tokenizer["padding"] = None
    (directory / "tokenizer.json").write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    config = json.loads((source.directory / "tokenizer_config.json").read_text(encoding="utf-8"))
    config["model_max_length"] = MAX_TOKENS
    (directory / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def content_version(directory: Path, names: list[str]) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        digest.update((directory / name).read_bytes())
    return f"minilm-l6-v2-{digest.hexdigest()[:12]}"


FILES = [
    ("encoder.fp32.onnx", "fp32"),
    ("encoder.int8.onnx", "int8"),
    ("tokenizer.json", "json"),
    ("tokenizer_config.json", "json"),
]


def encoder_manifest(work: Path, version: str, source: BaseModelSource, metrics: dict[str, Any]) -> Manifest:
    """The manifest of a version directory holding FILES (and nothing listed yet besides)."""
    return Manifest(
        version=version,
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        base_model=source.base_model,
        dims=DIMS,
        max_tokens=MAX_TOKENS,
        opset=OPSET,
        inputs=INPUT_NAMES,
        output=OUTPUT_NAME,
        files=[describe_file(work / name, dtype) for name, dtype in FILES],
        # WebGPU has no fast integer MatMul kernels (they fall back to the CPU), so it
        # gets fp32; WASM gets int8, 3.6x smaller and faster on one thread.
        backends={"wasm": "encoder.int8.onnx", "webgpu": "encoder.fp32.onnx"},
        metrics=metrics,
    )


def export(models_dir: Path) -> Path:
    source = locate_base_model()
    models_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=models_dir, prefix=".export-") as tmp:
        work = Path(tmp)
        export_fp32(load_sentence_transformer(source), work / "encoder.fp32.onnx")
        quantize_int8(work / "encoder.fp32.onnx", work / "encoder.int8.onnx")
        write_tokenizer(source, work)
        version = content_version(work, [name for name, _ in FILES])
        manifest = encoder_manifest(work, version, source, {"export_seconds": round(time.perf_counter() - started, 1)})
        (work / "manifest.json").write_text(manifest.to_json())
        final = models_dir / version
        if final.exists():
            shutil.rmtree(final)
        work.rename(final)
        final.chmod(0o755)  # TemporaryDirectory creates 0700; the server may run as another user
        # TemporaryDirectory's cleanup must find something to remove.
        work.mkdir()
    write_pointer(models_dir, version)
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    try:
        final = export(args.models_dir)
    except MissingModelPackageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"exported {final}")
    for line in json.loads((final / "manifest.json").read_text())["files"]:
        print(f"  {line['name']:<24} {line['bytes']:>12,} bytes  {line['dtype']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
