"""A tiny leave-one-out dataset where item i is always followed by item i+1 (mod n):
sequence and co-occurrence models must learn it, popularity cannot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from trainer.recsys.data import RecDataset, Split


def split_of(rows: list[tuple[int, list[int], int]]) -> Split:
    return Split(np.array([r[0] for r in rows], dtype=np.int64),
                 [np.array(r[1], dtype=np.int64) for r in rows],
                 np.array([r[2] for r in rows], dtype=np.int64))


def successor_rows(n_items: int, n_users: int, seed: int) -> dict[str, list[tuple[int, list[int], int]]]:
    """Like the real files: test = last item, valid = second to last, train = every earlier
    prefix → next item."""
    rng = np.random.default_rng(seed)
    rows: dict[str, list[tuple[int, list[int], int]]] = {"train": [], "valid": [], "test": []}
    for user in range(n_users):
        start, length = int(rng.integers(n_items)), int(rng.integers(5, 13))
        seq = [(start + t) % n_items for t in range(length)]
        rows["train"] += [(user, seq[:k], seq[k]) for k in range(1, length - 2)]
        rows["valid"].append((user, seq[:length - 2], seq[length - 2]))
        rows["test"].append((user, seq[:length - 1], seq[length - 1]))
    return rows


def successor_dataset(n_items: int = 60, n_users: int = 300, seed: int = 0) -> RecDataset:
    rows = successor_rows(n_items, n_users, seed)
    ids = [f"i{k}" for k in range(n_items)]
    return RecDataset("synthetic", ids, ids, split_of(rows["train"]), split_of(rows["valid"]), split_of(rows["test"]))


def write_recbole(directory: Path, name: str, n_items: int = 60, n_users: int = 300, seed: int = 0) -> Path:
    """The same data as RecBole atomic files, with item texts a text model can tell apart."""
    directory.mkdir(parents=True, exist_ok=True)
    ids = [f"B{k:05d}" for k in range(n_items)]
    (directory / f"{name}.item2index").write_text("".join(f"{raw}\t{k}\n" for k, raw in enumerate(ids)))
    colours = ["red", "blue", "green", "black", "white", "yellow"]
    things = ["drill bit", "safety glove", "test tube", "soldering iron", "tape measure", "multimeter",
              "lab coat", "pipette", "caliper", "resistor kit"]
    texts = [f"{colours[k % 6]} {things[(k // 6) % 10]} number {k}. Industrial & Scientific. Brand {k % 7}"
             for k in range(n_items)]
    (directory / f"{name}.text").write_text("item_id:token\ttext:token_seq\n"
                                            + "".join(f"{raw}\t{text}\n" for raw, text in zip(ids, texts, strict=True)))
    for split, rows in successor_rows(n_items, n_users, seed).items():
        lines = "".join(f"{u}\t{' '.join(map(str, h))}\t{t}\n" for u, h, t in rows)
        header = "user_id:token\titem_id_list:token_seq\titem_id:token\n"
        (directory / f"{name}.{split}.inter").write_text(header + lines)
    return directory
