from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.trainer.recsys.synthetic import write_recbole
from trainer.recsys.data import DatasetFormatError, load_dataset, most_recent


def test_reads_recbole_files_as_given(tmp_path: Path) -> None:
    dataset = load_dataset(write_recbole(tmp_path / "d", "Tiny", n_items=30, n_users=20))
    assert dataset.name == "Tiny" and dataset.n_items == 30
    assert dataset.item_texts[3].startswith("black drill bit number 3")
    assert len(dataset.valid) == len(dataset.test) == 20
    # test history = valid history + valid target, as leave-one-out defines it
    valid, test = dataset.valid, dataset.test
    for v_hist, v_target, t_hist in zip(valid.histories, valid.targets, test.histories, strict=True):
        assert list(t_hist) == [*v_hist, v_target]
    # each user's longest train sequence ends where valid begins
    assert all(list(s) == list(h) for s, h in zip(dataset.train_sequences(), dataset.valid.histories, strict=True))


def test_most_recent_keeps_short_histories_whole() -> None:
    history = np.array([4, 5, 6], dtype=np.int64)
    assert list(most_recent(history, 2)) == [5, 6]
    assert list(most_recent(history, 50)) == [4, 5, 6]
    assert list(most_recent(history, 0)) == []


def test_truncated_split_keeps_targets(tmp_path: Path) -> None:
    dataset = load_dataset(write_recbole(tmp_path / "d", "Tiny", n_items=30, n_users=20))
    cut = dataset.test.truncated(2)
    assert all(len(h) == 2 for h in cut.histories)
    assert (cut.targets == dataset.test.targets).all()


def test_bad_files_fail_clearly(tmp_path: Path) -> None:
    directory = write_recbole(tmp_path / "d", "Tiny", n_items=30, n_users=20)
    with pytest.raises(DatasetFormatError, match="is not a directory"):
        load_dataset(tmp_path / "missing")
    inter = directory / "Tiny.test.inter"
    inter.write_text(inter.read_text() + "99\t1 2\t30\n")
    with pytest.raises(DatasetFormatError, match=r"Tiny.test.inter:22: item index outside 0..29"):
        load_dataset(directory)
    (directory / "Other.item2index").write_text("x\t0\n")
    with pytest.raises(DatasetFormatError, match=r"exactly one \*.item2index"):
        load_dataset(directory)
