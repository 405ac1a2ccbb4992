"""SASRec on a tiny synthetic catalogue where item i is always followed by item i+1 (mod n):
a sequence model must learn it, a popularity model cannot."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
import torch

from tests.trainer.recsys.synthetic import successor_dataset
from trainer.recsys.baselines import fit_popularity
from trainer.recsys.data import RecDataset
from trainer.recsys.harness import evaluate
from trainer.recsys.sasrec import SasrecConfig, SasrecScorer, fit_sasrec, tune_sasrec

N_ITEMS = 60
# Small and quick to learn; max_len below the longest sequences so truncation is exercised.
CONFIG = SasrecConfig(hidden=32, layers=1, heads=1, dropout=0.1, max_len=6, lr=1e-2, batch=32,
                      epochs=15, patience=15)


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    # These tensors are tiny: a second thread only adds hand-offs, and when the machine is
    # busy the threads wait on each other, which made the same tests ~10x slower.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def dataset() -> RecDataset:
    return successor_dataset(N_ITEMS)


@pytest.fixture(scope="module")
def scorer(dataset: RecDataset) -> SasrecScorer:
    return fit_sasrec(dataset, CONFIG, seed=0)


def test_learns_the_sequential_pattern_popularity_cannot(dataset: RecDataset, scorer: SasrecScorer) -> None:
    sasrec = evaluate(scorer, dataset.valid)
    popularity = evaluate(fit_popularity(dataset), dataset.valid)
    assert popularity["recall@10"] < 0.35
    assert sasrec["recall@10"] > 0.9
    assert sasrec["ndcg@10"] > 0.6
    assert evaluate(scorer, dataset.test)["recall@10"] > 0.9


def test_scores_are_float32_one_row_per_history(dataset: RecDataset, scorer: SasrecScorer) -> None:
    histories = dataset.test.histories[:7]
    scores = scorer.score(histories)
    assert scores.shape == (7, N_ITEMS)
    assert scores.dtype == np.float32
    assert np.isfinite(scores).all()
    assert scorer.score([]).shape == (0, N_ITEMS)


def test_batching_and_order_do_not_change_scores(dataset: RecDataset, scorer: SasrecScorer) -> None:
    histories = dataset.test.histories[:50]
    whole = scorer.score(histories)
    small_batches = SasrecScorer(scorer.model, CONFIG.max_len, batch=7).score(histories)
    reversed_rows = scorer.score(histories[::-1])[::-1]
    np.testing.assert_allclose(small_batches, whole, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(reversed_rows, whole, rtol=1e-5, atol=1e-5)


def test_only_the_last_max_len_items_count(scorer: SasrecScorer) -> None:
    long = np.arange(200, dtype=np.int64) % N_ITEMS
    scores = scorer.score([long, long[-CONFIG.max_len:]])
    np.testing.assert_allclose(scores[0], scores[1], rtol=1e-5, atol=1e-5)
    # 200 % 60 = 20: the history ends at item 19, so 20 comes next.
    assert int(np.argmax(scores[0])) == 20


def test_an_empty_history_gets_finite_scores(scorer: SasrecScorer) -> None:
    scores = scorer.score([np.zeros(0, dtype=np.int64), np.array([3], dtype=np.int64)])
    assert np.isfinite(scores).all()
    assert int(np.argmax(scores[1])) == 4


def test_same_seed_same_model_and_caller_rng_untouched(dataset: RecDataset) -> None:
    config = replace(CONFIG, epochs=2)
    histories = dataset.valid.histories[:20]
    torch.manual_seed(123)
    before = torch.get_rng_state()
    first = fit_sasrec(dataset, config, seed=5).score(histories)
    assert torch.equal(torch.get_rng_state(), before)
    np.testing.assert_array_equal(fit_sasrec(dataset, config, seed=5).score(histories), first)
    assert not np.array_equal(fit_sasrec(dataset, config, seed=6).score(histories), first)


def test_tune_picks_the_config_with_the_best_valid_ndcg(dataset: RecDataset) -> None:
    stuck = replace(CONFIG, lr=1e-6, epochs=2)  # barely moves from its random start
    logged: list[str] = []
    scorer, config, ndcg = tune_sasrec(dataset, [stuck, CONFIG], seed=0, log=logged.append)
    assert config == CONFIG
    assert ndcg == pytest.approx(evaluate(scorer, dataset.valid)["ndcg@10"])
    assert any("valid ndcg@10" in line for line in logged)
    with pytest.raises(ValueError):
        tune_sasrec(dataset, [])
