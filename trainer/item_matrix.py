"""Item embeddings as shipped to the browser: int8 rows with a float32 scale per row.

The definition of the format; src/core/item-matrix.ts re-implements it and must match the
golden vectors this module writes (tests/golden/item-matrix.json) bit for bit.
Symmetric quantisation: scale = float32(max|x| / 127), code = clamp(floor(x / scale + 0.5)).
All arithmetic is float64 on float32 inputs, as in JavaScript, so both sides agree exactly.
"""

from __future__ import annotations

import struct

import numpy as np
import numpy.typing as npt

MAGIC = b"PRVM"
FORMAT_VERSION = 1


def quantize_rows(vectors: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    rows = np.asarray(vectors, dtype=np.float32).astype(np.float64)
    if not np.isfinite(rows).all():
        raise ValueError("item vectors must be finite")
    scales = (np.abs(rows).max(axis=1) / 127.0).astype(np.float32)
    safe = np.where(scales == 0, 1.0, scales.astype(np.float64))[:, None]
    codes = np.clip(np.floor(rows / safe + 0.5), -127, 127)
    codes[scales == 0] = 0
    return codes.astype(np.int8), scales


def dequantize(codes: npt.NDArray[np.int8], scales: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The float32 rows the browser's itemVector() returns: code * scale."""
    return (codes.astype(np.float32) * scales[:, None]).astype(np.float32)


def serialize(codes: npt.NDArray[np.int8], scales: npt.NDArray[np.float32]) -> bytes:
    rows, dims = codes.shape
    header = MAGIC + struct.pack("<III", FORMAT_VERSION, rows, dims)
    return header + scales.astype("<f4").tobytes() + codes.astype(np.int8).tobytes()


def scores(
    query: npt.NDArray[np.float32], codes: npt.NDArray[np.int8], scales: npt.NDArray[np.float32]
) -> npt.NDArray[np.float64]:
    result: npt.NDArray[np.float64] = (
        codes.astype(np.float64) @ np.asarray(query, dtype=np.float32).astype(np.float64)
    ) * scales.astype(np.float64)
    return result


def read_item_matrix(data: bytes) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    if data[:4] != MAGIC:
        raise ValueError("not a Privet item matrix (bad magic)")
    version, rows, dims = struct.unpack("<III", data[4:16])
    if version != FORMAT_VERSION:
        raise ValueError(f"item matrix format {version} is not supported (expected {FORMAT_VERSION})")
    if len(data) != 16 + rows * 4 + rows * dims:
        raise ValueError(f"item matrix: {len(data)} bytes, header implies {16 + rows * 4 + rows * dims}")
    scales = np.frombuffer(data, dtype="<f4", count=rows, offset=16).astype(np.float32)
    codes = np.frombuffer(data, dtype=np.int8, count=rows * dims, offset=16 + rows * 4).reshape(rows, dims)
    return codes.copy(), scales
