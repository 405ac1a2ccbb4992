"""Argument types the trainer's command lines share."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def named_path(placeholder: str) -> Callable[[str], tuple[str, Path]]:
    """An argparse type for NAME=<placeholder> (a catalogue's feed, a ranker's file): (name, path)."""

    def parse(value: str) -> tuple[str, Path]:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise argparse.ArgumentTypeError(f"expected NAME={placeholder}, got {value!r}")
        return name, Path(path)

    return parse
