"""Figure builders stay small: no function of the figure modules is longer than about 80 lines.

Long builders repeated the same plotly menu, title and number-formatting code by
hand; shared pieces live in the figures' theme (:mod:`mdma_book.theme`) and each
builder is split into helpers for its traces, annotations and layout.
"""

from __future__ import annotations

import ast

import pytest
from support import ROOT

PACKAGE = ROOT / "src" / "mdma_book"
MODULES = sorted([*PACKAGE.glob("figures*.py"), PACKAGE / "evidence_map.py", PACKAGE / "explainer_figures.py"])
MAX_LINES = 80


def long_functions(path, limit: int = MAX_LINES) -> list[str]:
    """Every function (and method, and nested function) of ``path`` longer than ``limit`` lines, docstring included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.name}:{node.lineno} {node.name} has {node.end_lineno - node.lineno + 1} lines (at most {limit})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno - node.lineno + 1 > limit
    ]


def test_the_figure_modules_are_all_checked():
    assert {p.name for p in MODULES} >= {
        "figures.py",
        "figures_concentration.py",
        "figures_mechanism.py",
        "figures_timelines.py",
        "evidence_map.py",
        "explainer_figures.py",
    }


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_figure_builder_is_longer_than_80_lines(path):
    problems = long_functions(path)
    assert problems == [], "\n".join(problems)


def test_the_line_count_sees_a_long_function(tmp_path):
    source = tmp_path / "figures_long.py"
    source.write_text("def builder():\n" + "    x = 1\n" * MAX_LINES, encoding="utf-8")
    assert long_functions(source) == [f"figures_long.py:1 builder has {MAX_LINES + 1} lines (at most {MAX_LINES})"]
