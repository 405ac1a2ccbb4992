from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from trainer.federated.golden_server import golden_server_optimizer
from trainer.federated.server_optimizer import FedAdamConfig, FedAdamState, fedadam, fedavg

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "server-optimizer.json"


def test_fedavg_adds_the_scaled_mean_update() -> None:
    params = np.array([1.0, -2.0])
    assert fedavg(params, np.array([0.5, 0.5])).tolist() == [1.5, -1.5]
    assert fedavg(params, np.array([0.5, 0.5]), np.array([2.0, 0.1])).tolist() == [2.0, -1.95]
    assert params.tolist() == [1.0, -2.0]  # pure: the input is untouched


def test_fedadam_two_steps_match_a_hand_computation() -> None:
    config = FedAdamConfig(lr=0.1, beta1=0.9, beta2=0.99, tau=1e-3)
    params, state = fedadam(np.array([1.0]), np.array([2.0]), FedAdamState.zeros(1), config)
    # m = 0.1·2 = 0.2, v = 0.01·4 = 0.04, x = 1 + 0.1·0.2/(0.2 + 0.001)
    assert state.m[0] == pytest.approx(0.2) and state.v[0] == pytest.approx(0.04)
    assert params[0] == pytest.approx(1 + 0.1 * 0.2 / 0.201)
    params, state = fedadam(params, np.array([-1.0]), state, config)
    m, v = 0.9 * 0.2 + 0.1 * -1.0, 0.99 * 0.04 + 0.01 * 1.0
    assert state.m[0] == pytest.approx(m) and state.v[0] == pytest.approx(v)
    assert params[0] == pytest.approx(1 + 0.1 * 0.2 / 0.201 + 0.1 * m / (math.sqrt(v) + 1e-3))


def test_fedadam_takes_per_coordinate_rates_and_keeps_inputs() -> None:
    state = FedAdamState.zeros(2)
    params = np.zeros(2)
    new, _ = fedadam(params, np.array([1.0, 1.0]), state, FedAdamConfig(lr=np.array([0.01, 1.0]), tau=1e-9))
    # One step: m/√v = 0.1/0.1 = 1 in each coordinate, so the step is the rate itself.
    assert new == pytest.approx([0.01, 1.0])
    assert params.tolist() == [0.0, 0.0] and state.m.tolist() == [0.0, 0.0]


def test_bad_updates_and_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="NaN or infinite"):
        fedavg(np.zeros(2), np.array([0.0, np.nan]))
    with pytest.raises(ValueError, match="must be vectors of one length"):
        fedavg(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="state does not match"):
        fedadam(np.zeros(2), np.zeros(2), FedAdamState.zeros(3), FedAdamConfig(lr=0.1))
    with pytest.raises(ValueError, match="τ > 0"):
        FedAdamConfig(lr=0.1, tau=0.0)


def test_the_committed_golden_vectors_are_what_the_optimizers_compute_now() -> None:
    # The Node server's mirror (src/core/server-optimizer.ts) is checked against this file.
    committed = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert committed == json.loads(json.dumps(golden_server_optimizer()))
