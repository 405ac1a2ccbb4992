"""Read a RecBole atomic leave-one-out dataset: `<Name>.text`, `.train.inter`, `.valid.inter`,
`.test.inter`, `.item2index` (as UniSRec hands them out).

Item indices are the ones item2index assigns; every split row is (user, history, target),
history in time order. The files are read exactly as given: no re-splitting, no filtering.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

SPLITS = ("train", "valid", "test")


class DatasetFormatError(ValueError):
    pass


def most_recent(history: npt.NDArray[np.int64], count: int) -> npt.NDArray[np.int64]:
    """The last `count` items (all of a shorter history; none for count 0). Not
    history[len - count:], which wraps to a negative index for short histories."""
    return history[max(0, len(history) - count):]


@dataclass(frozen=True)
class Split:
    users: npt.NDArray[np.int64]
    histories: list[npt.NDArray[np.int64]]
    targets: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.targets)

    def truncated(self, max_history: int) -> Split:
        """The same rows with only the last `max_history` history items (a newer shopper)."""
        cut = [most_recent(h, max_history) for h in self.histories]
        return Split(self.users, cut, self.targets)


@dataclass(frozen=True)
class RecDataset:
    name: str
    item_ids: list[str]  # raw ids (ASINs), position = item index
    item_texts: list[str]
    train: Split
    valid: Split
    test: Split

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def split(self, name: str) -> Split:
        if name not in SPLITS:
            raise ValueError(f"unknown split {name!r}")
        split: Split = getattr(self, name)
        return split

    def train_sequences(self) -> list[npt.NDArray[np.int64]]:
        """Each user's longest training sequence (history + target of their last train row);
        users without train rows get their valid history (everything before the valid target)."""
        longest: dict[int, npt.NDArray[np.int64]] = {}
        for user, history, target in zip(self.train.users, self.train.histories, self.train.targets, strict=True):
            sequence = np.append(history, target)
            if len(sequence) > len(longest.get(int(user), ())):
                longest[int(user)] = sequence
        for user, history in zip(self.valid.users, self.valid.histories, strict=True):
            longest.setdefault(int(user), history)
        return [longest[u] for u in sorted(longest)]


def _find(directory: Path, suffix: str) -> Path:
    matches = sorted(directory.glob(f"*{suffix}"))
    if len(matches) != 1:
        raise DatasetFormatError(f"{directory} needs exactly one *{suffix} file, found {len(matches)}")
    return matches[0]


def _rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise DatasetFormatError(f"{path} is empty")
    return [line.split("\t") for line in lines[1:] if line.strip()]


def _read_split(path: Path, n_items: int) -> Split:
    users: list[int] = []
    histories: list[npt.NDArray[np.int64]] = []
    targets: list[int] = []
    for number, row in enumerate(_rows(path), start=2):
        if len(row) != 3:
            raise DatasetFormatError(f"{path}:{number}: expected user, history, target")
        history = np.array([int(x) for x in row[1].split()], dtype=np.int64)
        target = int(row[2])
        if target >= n_items or target < 0 or (history.size and (history.max() >= n_items or history.min() < 0)):
            raise DatasetFormatError(f"{path}:{number}: item index outside 0..{n_items - 1}")
        users.append(int(row[0]))
        histories.append(history)
        targets.append(target)
    return Split(np.array(users, dtype=np.int64), histories, np.array(targets, dtype=np.int64))


def load_dataset(directory: Path) -> RecDataset:
    directory = Path(directory)
    if not directory.is_dir():
        raise DatasetFormatError(f"{directory} is not a directory")
    index_path = _find(directory, ".item2index")
    name = index_path.name.removesuffix(".item2index")
    index_rows = _rows_with_header_optional(index_path)
    item_ids = [""] * len(index_rows)
    for raw, index in index_rows:
        position = int(index)
        if not 0 <= position < len(index_rows) or item_ids[position]:
            raise DatasetFormatError(f"{index_path}: indices must be 0..{len(index_rows) - 1}, each once")
        item_ids[position] = raw
    texts_by_id = {row[0]: row[1].strip() for row in _rows(directory / f"{name}.text") if len(row) >= 2}
    missing = [raw for raw in item_ids if raw not in texts_by_id]
    if missing:
        raise DatasetFormatError(f"{len(missing)} items have no text in {name}.text (first: {missing[0]})")
    splits = {s: _read_split(directory / f"{name}.{s}.inter", len(item_ids)) for s in SPLITS}
    return RecDataset(name, item_ids, [texts_by_id[raw] for raw in item_ids], **splits)


def _rows_with_header_optional(path: Path) -> list[list[str]]:
    # item2index has no header row; a header would not parse as an integer index.
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if rows and not rows[0][-1].strip().isdigit():
        rows = rows[1:]
    if any(len(r) != 2 for r in rows):
        raise DatasetFormatError(f"{path}: expected raw id<TAB>index per line")
    return rows
