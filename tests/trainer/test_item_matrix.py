"""The int8 item-matrix format (trainer.item_matrix) and its golden vectors."""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

import numpy as np

from trainer.item_matrix import quantize_rows, serialize

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "item-matrix.json"


def test_golden_file_is_what_the_trainer_writes_now() -> None:
    golden = json.loads(GOLDEN.read_text())
    codes, scales = quantize_rows(np.array(golden["vectors"], dtype=np.float32))
    assert codes.tolist() == golden["codes"]
    assert [float(s) for s in scales] == golden["scales"]
    assert hashlib.sha256(serialize(codes, scales)).hexdigest() == golden["serialized_sha256"]


def test_rounding_ties_zero_rows_and_reconstruction() -> None:
    rows = np.zeros((3, 6), dtype=np.float32)
    rows[0] = [127.0, 0.5, -0.5, 1.5, -1.5, -127.0]
    rng = np.random.default_rng(0)
    rows[2] = rng.normal(size=6).astype(np.float32)
    codes, scales = quantize_rows(rows)
    assert codes[0].tolist() == [127, 1, 0, 2, -1, -127], "ties round half up"
    assert codes[1].tolist() == [0] * 6 and scales[1] == 0
    error = np.abs(codes[2] * scales[2] - rows[2]).max()
    assert error <= scales[2] / 2 + 1e-7


def test_serialized_layout() -> None:
    codes, scales = quantize_rows(np.array([[1.0, -1.0], [0.5, 0.25]], dtype=np.float32))
    blob = serialize(codes, scales)
    assert blob[:4] == b"PRVM"
    assert struct.unpack("<III", blob[4:16]) == (1, 2, 2)
    assert len(blob) == 16 + 2 * 4 + 2 * 2
    assert np.frombuffer(blob[16:24], dtype="<f4").tolist() == scales.tolist()


def test_non_finite_vectors_are_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="finite"):
        quantize_rows(np.array([[np.nan, 1.0]], dtype=np.float32))
