"""tests/golden/federated-update.json is what the trainer computes now (the TypeScript mirror
reads it: tests/core/federated-parameters.test.ts, tests/core/federated-update.test.ts)."""

import json
from pathlib import Path

from trainer.federated.golden_client import ENCODER_GOLDEN, MAX_ROWS, SEQUENCE, client_rows, golden_federated_update

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "golden" / "federated-update.json"


def test_the_committed_golden_file_is_what_the_trainer_writes() -> None:
    encoder = json.loads((REPO / ENCODER_GOLDEN).read_text(encoding="utf-8"))
    fresh = golden_federated_update([case["embedding"] for case in encoder["cases"]])
    assert json.loads(GOLDEN.read_text(encoding="utf-8")) == json.loads(json.dumps(fresh))


def test_the_client_rows_cut_histories_and_keep_the_latest_rows() -> None:
    rows = client_rows(SEQUENCE, 6, MAX_ROWS)
    assert len(rows) == MAX_ROWS
    assert rows[-1] == (SEQUENCE[-7:-1], SEQUENCE[-1])
    assert all(len(history) <= 6 for history, _ in rows)
    assert client_rows([4], 6, 10) == []
