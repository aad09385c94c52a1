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


def real_rows(name: str) -> list[dict[str, str]]:
    """The rows of ``data/<name>`` as dicts keyed by its real header (copies: change them freely)."""
    import csv

    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def real_row(name: str, **where: str) -> dict[str, str]:
    """A copy of the first row of ``data/<name>`` whose cells equal ``where`` (its stable id, say)."""
    for row in real_rows(name):
        if all(row[column] == value for column, value in where.items()):
            return row
    raise LookupError(f"no row of {name} has {where}")


def csv_lines(rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> list[str]:
    """``rows`` as CSV text, one string per row (a quoted cell may hold line breaks), header first."""
    import csv
    import io

    fieldnames = fieldnames or list(rows[0])
    lines = []
    for row in [dict(zip(fieldnames, fieldnames, strict=True)), *rows]:
        out = io.StringIO()
        csv.DictWriter(out, fieldnames=fieldnames, lineterminator="\n").writerow(row)
        lines.append(out.getvalue())
    return lines


def planted(path: Path, rows: list[dict[str, str]], fieldnames: list[str] | None = None) -> Path:
    """Write ``rows`` (real rows, one defect planted) to ``path`` under their own header; return ``path``."""
    path.write_text("".join(csv_lines(rows, fieldnames)), encoding="utf-8")
    return path
