"""Copies of the book's data files with one defect planted, and the refusal a loader gives them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdma_book.evidence import DataValidationError
from support import ROOT

DATA = ROOT / "data"


def edited_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """``data/<name>`` copied into ``tmp_path`` with the first ``old`` replaced by ``new`` (``old`` must be there)."""
    text = (DATA / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(name: str, start: str) -> int:
    """The physical line (from 1) of ``data/<name>`` that starts with ``start``."""
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


def refusal(load, *args, **kwargs) -> str:
    """The message of the DataValidationError that ``load(*args, **kwargs)`` must raise."""
    with pytest.raises(DataValidationError) as caught:
        load(*args, **kwargs)
    return str(caught.value)
