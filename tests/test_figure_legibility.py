"""Every figure of the built book, read from its own plotly specification (so a new figure is covered the day it is added).

* Text meets 4.5:1 against what it is drawn on, and whiskers and lines 3:1 against the page, in the
  light and the dark theme, at 12 px or more (:func:`mdma_book.figure_checks.contrast_problems`).
* In every chart that labels rows, each label is level with its own mark, in data coordinates, and
  never reaches a neighbouring row (:func:`mdma_book.figure_checks.row_label_problems`).
"""

from __future__ import annotations

import re

import pytest

from mdma_book import evidence_map, figure_checks
from mdma_book.page_figure import at_width, figure_height, plain_text, static_figure
from mdma_book.site import plotly_mime as render


def built_figures(built_html):
    figures = []
    for page in sorted(built_html.rglob("*.html")):
        for figure_id, spec in render.built_figure_specs(page):
            figures.append((f"{page.relative_to(built_html)}#{figure_id}", spec))
            narrow = at_width(spec, "narrow")  # a figure with a layout of its own for a phone is checked in both
            if narrow is not spec:
                figures.append((f"{page.relative_to(built_html)}#{figure_id} (narrow layout)", narrow))
    return figures


def test_the_book_has_figures_to_check(built_html):
    assert len(built_figures(built_html)) >= 10


def test_every_figure_text_and_mark_stands_out_in_both_themes(built_html):
    problems = [p for name, spec in built_figures(built_html) for p in figure_checks.contrast_problems(spec, name)]
    assert problems == [], "\n".join(problems)


def test_every_row_label_is_level_with_its_own_mark(built_html):
    figures = built_figures(built_html)
    assert any(
        str(a.get("name", "")).startswith("row_") for _, spec in figures for a in spec["layout"].get("annotations", [])
    ), "no chart labels its rows any more: this test has nothing to check"
    problems = [p for name, spec in figures for p in figure_checks.row_label_problems(spec, name)]
    assert problems == [], "\n".join(problems)


def test_the_evidence_map_builder_keeps_labels_level_with_more_rows():
    """The layout is computed from the rows, so a lane with more rows (issue 16 adds some) stays aligned."""
    import pandas as pd

    table = evidence_map.evidence_map()
    extra = [table[table["row_id"] == "EM06"].assign(row_id=f"EM9{i}") for i in range(4)]
    table = pd.concat([table, *extra], ignore_index=True)  # in EM06's lane, as its lane column says
    figure = evidence_map.evidence_map_figure(table).to_plotly_json()
    assert figure_checks.row_label_problems(figure, "evidence map") == []


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#ffffff", (255, 255, 255, 1.0)), ("#fff", (255, 255, 255, 1.0)), ("rgba(0,114,178,0.5)", (0, 114, 178, 0.5))],
)
def test_colours_are_read_as_css_does(colour, expected):
    assert figure_checks.rgba(colour) == pytest.approx(expected)


def test_wcag_contrast_matches_known_values():
    white, black = (255, 255, 255), (0, 0, 0)
    assert figure_checks.ratio(white, black) == pytest.approx(21.0)
    assert figure_checks.ratio(white, (0x76, 0x76, 0x76)) == pytest.approx(4.54, abs=0.01)


# --- Titles that fit the phone's picture (reader review 3, second read: Figure 3.3) ---------------

#: A low estimate of the width of a line of text in ems (DejaVu Sans and system-ui average about
#: 0.55 em a character): a line wider than this surely runs past the picture's edge.
EM_PER_CHARACTER = 0.5


def title_problems(spec: dict, name: str) -> list[str]:
    """Each title the figure can show (its own and each menu view's) that runs past the 358 px phone
    picture, or whose first line of several starts above the picture's top (plotly sets each line's
    baseline at the title's y, so a top-anchored title needs its font size of room above it)."""
    layout = static_figure(spec, "light")["layout"]
    title = layout.get("title") or {}
    size = (title.get("font") or {}).get("size") or 14
    height, width = figure_height(layout), render.RENDITION_WIDTHS["narrow"]
    texts = [title.get("text", "")]
    for menu in spec["layout"].get("updatemenus", []) or []:
        for button in menu.get("buttons", []):
            for change in button.get("args", [])[1:]:
                if isinstance(change, dict) and isinstance(change.get("title.text", change.get("title")), str):
                    texts.append(change.get("title.text", change.get("title")))
    problems = []
    for text in texts:
        lines = [plain_text(line) for line in re.split(r"<br\s*/?>", text or "")]
        for line in lines:
            if len(line) * EM_PER_CHARACTER * size > width:
                problems.append(f"{name}: title line {line!r} is wider than the {width} px phone picture")
        top = (1 - title.get("y", 1)) * height if title.get("yref") == "container" else None
        if (
            len([line for line in lines if line]) > 1
            and title.get("yanchor") == "top"
            and top is not None
            and top < size
        ):
            problems.append(f"{name}: the title's first line starts {size - top:.0f} px above the picture")
    return problems


def test_every_figure_title_fits_the_phone_picture(built_html):
    problems = [p for name, spec in built_figures(built_html) for p in title_problems(spec, name)]
    assert problems == [], "\n".join(problems)


def test_the_icon_array_titles_fit_the_phone_picture():
    """Figure 3.3's builder, from the book's data: its second title line ran past a phone's picture and
    its first started above it (every outcome of the menu is checked)."""
    from mdma_book import evidence, figures, synthesis

    effects = synthesis.absolute_effects(evidence.dichotomous_outcomes())
    spec = figures.absolute_effects_chart(effects).to_plotly_json()
    assert title_problems(spec, "Figure 3.3") == []
