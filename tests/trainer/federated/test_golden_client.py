"""tests/golden/federated-update.json is what the trainer computes now (the TypeScript mirror
reads it: tests/core/federated-parameters.test.ts, tests/core/federated-update.test.ts)."""

import base64
import json
from pathlib import Path

import numpy as np

from trainer.federated.golden_client import ENCODER_GOLDEN, MAX_ROWS, SEQUENCE, client_rows, golden_federated_update

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "golden" / "federated-update.json"


def float32s(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f4")


def test_the_committed_golden_file_is_what_the_trainer_writes() -> None:
    encoder = json.loads((REPO / ENCODER_GOLDEN).read_text(encoding="utf-8"))
    fresh = json.loads(json.dumps(golden_federated_update([case["embedding"] for case in encoder["cases"]])))
    committed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert {k: v for k, v in committed.items() if k != "cases"} == {k: v for k, v in fresh.items() if k != "cases"}
    # The updates come out of float32 matrix products whose kernels differ between CPUs (AVX2,
    # AVX-512): the same machine reproduces them bit for bit, another within an ulp or two
    # (measured: 116 of 3,090 values, by at most 3e-8). The TypeScript mirror is held to 2e-7.
    assert [(c["steps"], c["lr"]) for c in committed["cases"]] == [(c["steps"], c["lr"]) for c in fresh["cases"]]
    for old, new in zip(committed["cases"], fresh["cases"], strict=True):
        assert np.allclose(float32s(old["delta"]), float32s(new["delta"]), rtol=0, atol=1e-7)


def test_the_client_rows_cut_histories_and_keep_the_latest_rows() -> None:
    rows = client_rows(SEQUENCE, 6, MAX_ROWS)
    assert len(rows) == MAX_ROWS
    assert rows[-1] == (SEQUENCE[-7:-1], SEQUENCE[-1])
    assert all(len(history) <= 6 for history, _ in rows)
    assert client_rows([4], 6, 10) == []
