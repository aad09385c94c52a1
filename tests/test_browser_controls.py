"""The page script turns any plotly menu or slider into a working native control (not only the book's own).

A page made here holds one figure with a slider and one with a button row, as a
future figure might; figures.js and plotly.js are the book's own files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest
from support.browser import PLOT_DIV, live_figure, serve

from mdma_book.site import plotly_mime as render

pytestmark = pytest.mark.browser
STATIC = Path(render.__file__).parent / "static"


def _slider_figure() -> dict:
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, week], name=f"week {week}", visible=week == 0) for week in (0, 6, 12)])
    steps = [
        {
            "label": f"Week {week}",
            "method": "update",
            "args": [{"visible": [w == week for w in (0, 6, 12)]}, {"title.text": f"After {week} weeks"}],
        }
        for week in (0, 6, 12)
    ]
    fig.update_layout(
        title={"text": "After 0 weeks"}, height=320, sliders=[{"name": "Week", "active": 0, "steps": steps}]
    )
    return fig.to_plotly_json()


def _buttons_figure() -> dict:
    fig = go.Figure([go.Bar(x=["a", "b"], y=[1, 2])])
    buttons = [
        {"label": colour, "method": "restyle", "args": [{"marker.color": colour}]} for colour in ("steelblue", "orange")
    ]
    fig.update_layout(
        title={"text": "Bars"}, height=320, updatemenus=[{"type": "buttons", "name": "Colour", "buttons": buttons}]
    )
    return fig.to_plotly_json()


@pytest.fixture(scope="module")
def made_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "_static" / "mdma").mkdir(parents=True)
    for name in ("figures.js", "figures.css", "plotly-basic.min.js"):
        shutil.copy(STATIC / name, root / "_static" / "mdma" / name)
    body = render.figure_html(_slider_figure(), div_id="fig-slider") + render.figure_html(
        _buttons_figure(), div_id="fig-buttons"
    )
    (root / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Controls</title>'
        '<link rel="stylesheet" href="_static/mdma/figures.css"><script defer src="_static/mdma/figures.js"></script>'
        f"</head><body><main>{body}</main></body></html>",
        encoding="utf-8",
    )
    with serve(root) as url:
        yield f"{url}/index.html"


def test_a_slider_becomes_a_range_input_the_arrow_keys_move(open_tab, made_page):
    page, report = open_tab(made_page)
    slider = page.get_by_label("Week")
    slider.focus()
    page.wait_for_function("() => document.querySelector('#fig-slider').classList.contains('mdma-is-live')")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({PLOT_DIV})(0).layout.title.text === 'After 6 weeks'")
    assert page.evaluate(f"({PLOT_DIV})(0).data.map(t => t.visible)") == [False, True, False]
    assert slider.get_attribute("aria-valuetext") == "Week 6"
    assert page.locator("#fig-slider output").text_content() == "Week 6"
    assert page.locator("#fig-slider .mdma-status").text_content() == "Week: Week 6. After 6 weeks"
    assert report["console_errors"] == [] and report["page_errors"] == []


def test_a_button_row_becomes_radios_that_restyle_the_figure(open_tab, made_page):
    page, report = open_tab(made_page)
    live_figure(page, 1)
    page.locator("#fig-buttons input[type=radio]").first.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({PLOT_DIV})(1).data[0].marker.color === 'orange'")
    assert page.get_by_role("radio", name="orange").is_checked()
    assert page.locator("#fig-buttons .mdma-status").text_content() == "Colour: orange. Bars"
    assert report["console_errors"] == [] and report["page_errors"] == []
