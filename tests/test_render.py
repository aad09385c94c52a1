"""How figures reach the static page: native controls from plotly menus, static renditions."""

from __future__ import annotations

import re
from pathlib import Path

import plotly.graph_objects as go
import pytest

from mdma_book.site import plotly_mime as render


def _menu_figure(kind: str) -> dict:
    fig = go.Figure([go.Bar(x=[1], y=[1]), go.Bar(x=[1], y=[2], visible=False)])
    buttons = [
        {"label": "First <b>view</b>", "method": "update", "args": [{"visible": [True, False]}, {"title.text": "One"}]},
        {"label": "Second", "method": "update", "args": [{"visible": [False, True]}, {"title.text": "Two"}]},
    ]
    fig.update_layout(
        title={"text": "One"},
        height=300,
        updatemenus=[{"type": kind, "name": "Which bar", "buttons": buttons, "active": 1}],
        meta={"description": "Two bars, one at a time."},
    )
    return fig.to_plotly_json()


def test_a_dropdown_becomes_a_labelled_select_with_the_active_option():
    html = render.controls_html("fig-x", _menu_figure("dropdown")["layout"])
    assert '<label for="fig-x-menu0">Which bar</label>' in html
    assert '<select id="fig-x-menu0" data-menu="0">' in html
    assert re.findall(r"<option[^>]*>([^<]*)</option>", html) == ["First view", "Second"]
    assert '<option value="1" selected>' in html


def test_a_button_row_becomes_a_radio_group_in_a_fieldset():
    html = render.controls_html("fig-x", _menu_figure("buttons")["layout"])
    assert "<fieldset" in html and "<legend>Which bar</legend>" in html
    assert html.count('type="radio"') == 2 and html.count(" checked") == 1
    assert 'value="1" data-menu="0" checked' in html


def test_a_slider_becomes_a_range_input_that_speaks_its_step():
    layout = {
        "sliders": [
            {
                "currentvalue": {"prefix": "Week: "},
                "active": 1,
                "steps": [
                    {"label": "0", "method": "restyle", "args": []},
                    {"label": "18", "method": "restyle", "args": []},
                ],
            }
        ]
    }
    html = render.controls_html("fig-x", layout)
    assert '<label for="fig-x-slider0">Week</label>' in html
    assert 'type="range"' in html and 'max="1"' in html and 'value="1"' in html and 'aria-valuetext="18"' in html


def test_a_figure_without_menus_has_no_controls():
    assert render.controls_html("fig-x", {"title": {"text": "Plain"}}) == ""


def test_the_static_figure_hides_plotly_menus_and_takes_the_theme_colour():
    fig = _menu_figure("dropdown")
    static = render.static_figure(fig, "dark")
    assert static["layout"]["updatemenus"][0]["visible"] is False
    assert static["layout"]["font"]["color"] == render.THEME_FONT_COLOURS["dark"]
    assert "visible" not in fig["layout"]["updatemenus"][0], "the figure itself is left as it was"


def test_figure_html_has_pictures_with_alt_text_and_a_live_region():
    urls = {(w, t): f"{w}-{t}.svg" for w in render.RENDITION_WIDTHS for t in render.THEME_FONT_COLOURS}
    html = render.figure_html(_menu_figure("dropdown"), urls, div_id="fig-x")
    assert html.count('alt="Two bars, one at a time."') == 2
    assert 'style="height:300px"' in html and 'height="300"' in html
    assert 'srcset="narrow-light.svg"' in html and 'src="wide-dark.svg"' in html
    assert 'aria-live="polite"' in html


def test_renditions_are_svg_at_each_width_without_plotly_menus(tmp_path):
    fig = _menu_figure("dropdown")
    names = render.write_renditions(fig, tmp_path)
    assert set(names) == {(w, t) for w in render.RENDITION_WIDTHS for t in render.THEME_FONT_COLOURS}
    for (width, _), name in names.items():
        svg = (tmp_path / name).read_text()
        assert svg.startswith("<svg") and f'width="{render.RENDITION_WIDTHS[width]}"' in svg and 'height="300"' in svg
        assert "updatemenu" not in svg
    render.stop_renderer()


def test_renditions_drawn_while_the_build_goes_on_are_all_there_once_waited_for(tmp_path):
    """The build queues the pictures (``wait=False``) and waits for them before copying them into the site."""
    figures = [_menu_figure("dropdown"), _menu_figure("buttons")]
    try:
        queued = [render.write_renditions(fig, tmp_path, wait=False) for fig in figures]
        render.wait_for_renditions()
    finally:
        render.stop_renderer()
    for names in queued:
        assert all((tmp_path / name).read_text().startswith("<svg") for name in names.values())
    assert not list(tmp_path.glob(".*.part")), "a drawn picture was left under its temporary name"


def test_a_picture_that_cannot_be_drawn_fails_the_wait_and_leaves_no_picture(tmp_path, monkeypatch):
    """A drawing that fails in the background fails the build when it waits, and no file takes the picture's name
    (a later build would take it as drawn)."""
    import kaleido

    def fail(specs, **options):
        for spec in specs:
            Path(spec["path"]).write_text("<svg half drawn")  # as far as a drawing got before it failed
        raise RuntimeError("chromium went away")

    monkeypatch.setattr(render, "_start_kaleido", lambda: None)
    monkeypatch.setattr(kaleido, "write_fig_from_object_sync", fail)
    try:
        names = render.write_renditions(_menu_figure("dropdown"), tmp_path, wait=False)
        with pytest.raises(RuntimeError, match="chromium went away"):
            render.wait_for_renditions()
    finally:
        render.stop_renderer()
    assert not any((tmp_path / name).exists() for name in names.values())
    assert not list(tmp_path.iterdir()), "the half-drawn pictures were left behind"


def test_only_the_first_figure_of_a_page_loads_its_picture_at_once():
    urls = {(w, t): f"{w}-{t}.svg" for w in render.RENDITION_WIDTHS for t in render.THEME_FONT_COLOURS}
    first = render.figure_html(_menu_figure("dropdown"), urls, div_id="fig-a")
    later = render.figure_html(_menu_figure("dropdown"), urls, div_id="fig-b", first_on_page=False)
    light = re.compile(r'<picture class="mdma-static mdma-static-light">.*?<img ([^>]*)>', re.S)
    assert "loading=" not in light.search(first).group(1) and "fetchpriority" not in light.search(first).group(1)
    assert 'loading="lazy" fetchpriority="low"' in light.search(later).group(1)
    # The box keeps the picture's height, so nothing moves when the lazy picture arrives.
    assert re.search(r'<div class="mdma-plot" style="height:\d+px">', later)


def test_a_figure_can_name_its_specification_file_instead_of_carrying_it(tmp_path):
    figure = _menu_figure("dropdown")
    name = render.write_spec(figure, tmp_path)
    page = tmp_path / "page.html"
    page.write_text(render.figure_html(figure, div_id="fig-a", spec_url=name), encoding="utf-8")
    assert "application/json" not in page.read_text() and f'data-spec="{name}"' in page.read_text()
    [(figure_id, spec)] = render.built_figure_specs(page)
    assert figure_id == "fig-a" and spec == render.figure_spec(figure)
    assert (tmp_path / name).read_text().startswith("mdmaFigureSpec(document.currentScript, {")


def _two_layout_figure() -> dict:
    """A figure with a layout of its own for the narrow width: taller, its box drawn elsewhere."""
    fig = go.Figure()
    fig.add_shape(type="rect", x0=0, x1=0.5, y0=0, y1=1)
    fig.add_annotation(x=0, y=1, text="<b>Wide</b> <i>x</i>", showarrow=False)
    narrow = {
        "height": 500,
        "shapes": [{"type": "rect", "x0": 0, "x1": 1, "y0": 0.5, "y1": 1}],
        "annotations": [{"x": 0, "y": 1, "text": "<script>x</script>", "showarrow": False}],
    }
    fig.update_layout(height=300, meta={"description": "A box.", render.NARROW_LAYOUT: narrow})
    return fig.to_plotly_json()


def test_a_figure_with_a_narrow_layout_is_drawn_with_it_at_the_narrow_width_only():
    fig = _two_layout_figure()
    assert render.rendition_heights(fig) == {"narrow": 500, "wide": 300}
    assert render.at_width(fig, "wide") is fig
    narrow = render.at_width(fig, "narrow")
    assert narrow["layout"]["shapes"] == fig["layout"]["meta"][render.NARROW_LAYOUT]["shapes"]
    assert fig["layout"]["height"] == 300, "the figure itself is left as it was"
    urls = {(w, t): f"{w}-{t}.svg" for w in render.RENDITION_WIDTHS for t in render.THEME_FONT_COLOURS}
    html = render.figure_html(fig, urls, div_id="fig-x")
    # Each picture's source has its own height, and the plot box takes the narrow one on a phone (figures.css).
    assert re.search(r'<source [^>]*srcset="narrow-light.svg" width="358" height="500">', html)
    assert re.search(r'<img src="wide-light.svg" [^>]*height="300"', html)
    assert 'style="height:300px;--mdma-narrow-height:500px" data-narrow-height' in html
    # What the narrow layout draws is made safe like the rest of the figure.
    spec = render.figure_spec(fig)
    assert "<script>" not in str(spec["layout"]["meta"][render.NARROW_LAYOUT])
