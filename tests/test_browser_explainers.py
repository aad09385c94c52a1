"""The new figures' controls work in the built HTML, in Debian's chromium, with no kernel and offline."""

from __future__ import annotations

import pytest
from support.browser import PLOT_DIV, live_figure

pytestmark = pytest.mark.browser

#: The hover label's text, its lines (wrapped by render.wrap_hover) joined with spaces.
HOVER_TEXT = "() => { const layer = document.querySelector('.hoverlayer'); const lines = layer.querySelectorAll('tspan.line'); return lines.length ? [...lines].map(l => l.textContent).join(' ') : layer.textContent; }"

MECHANISM, CONCENTRATION = 0, 1  # order of the figures in chapter 2


def _figure(page, index: int):
    """The page's ``index``-th figure, made interactive as a reader would (pointer over it)."""
    return live_figure(page, index)


def _eval(page, index: int, script: str):
    """Run ``script`` (a function of the plot div) on figure ``index``."""
    return page.evaluate(f"i => ({script})(({PLOT_DIV})(i))", index)


def _title_includes(page, index: int, text: str) -> None:
    page.wait_for_function(f"i => ({PLOT_DIV})(i).querySelector('.gtitle').textContent.includes({text!r})", arg=index)


@pytest.fixture
def chapter2(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/02-mechanism.html")
    yield page, report
    assert report["external"] == [] and report["page_errors"] == [] and report["console_errors"] == []


def test_pathway_buttons_highlight_one_pathway_and_dim_the_rest(chapter2):
    page, _ = chapter2
    figure = _figure(page, MECHANISM)
    opacities = "d => [d.layout.annotations.map(a => a.opacity), d._fullData.filter(t => t.meta).map(t => t.opacity)]"
    nodes_before, edges_before = _eval(page, MECHANISM, opacities)
    assert set(nodes_before) == {1} and set(edges_before) == {1}
    figure.get_by_role("radio", name="Side effects").check()
    _title_includes(page, MECHANISM, "side effects")
    nodes_after, edges_after = _eval(page, MECHANISM, opacities)
    assert 1 in nodes_after and min(nodes_after) < 1
    assert 1 in edges_after and min(edges_after) < 1
    dimmed = _eval(page, MECHANISM, "d => d.layout.annotations.filter(a => a.opacity < 1).map(a => a.name)")
    assert "oxytocin" in dimmed and "heart_rate" not in dimmed
    figure.get_by_role("radio", name="All", exact=True).check()
    _title_includes(page, MECHANISM, "all pathways")
    assert set(_eval(page, MECHANISM, opacities)[0]) == {1}


#: For each edge of the mechanism diagram, how far (px) its two ends are from the border of their boxes:
#: > 0 short of the box, < 0 inside it. An end moved off its point by a pixel standoff is moved here too.
EDGE_END_GAPS = """d => {
  const size = d._fullLayout._size, svg = d.querySelector('svg.main-svg').getBoundingClientRect();
  const boxes = {};
  d.querySelectorAll('.annotation').forEach(g => {
    const r = g.querySelector('.bg').getBoundingClientRect(), half = d._fullLayout.annotations[+g.dataset.index].borderwidth / 2;
    boxes[d._fullLayout.annotations[+g.dataset.index].name] =
      {l: r.left - svg.left - half, r: r.right - svg.left + half, t: r.top - svg.top - half, b: r.bottom - svg.top + half};
  });
  const gap = (p, b) => {
    const dx = Math.max(b.l - p[0], 0, p[0] - b.r), dy = Math.max(b.t - p[1], 0, p[1] - b.b);
    return dx || dy ? Math.hypot(dx, dy) : -Math.min(p[0] - b.l, b.r - p[0], p[1] - b.t, b.b - p[1]);
  };
  return d._fullData.filter(t => t.meta && t.meta.edge).map(t => {
    const point = i => [size.l + d._fullLayout.xaxis.c2p(t.x[i]), size.t + d._fullLayout.yaxis.c2p(t.y[i])];
    const standoff = i => (Array.isArray(t.marker.standoff) ? t.marker.standoff[i] : t.marker.standoff) || 0;
    const hover = point(t.marker.size.indexOf(9));
    const end = i => {
      const p = point(i), length = Math.hypot(p[0] - hover[0], p[1] - hover[1]), s = standoff(i);
      return [p[0] - s * (p[0] - hover[0]) / length, p[1] - s * (p[1] - hover[1]) / length];
    };
    const [from, to] = t.meta.edge.split('->'), first = t.x.includes(null) ? 1 : 0;
    return [t.meta.edge, gap(end(first), boxes[from]), gap(end(t.x.length - 1), boxes[to])];
  });
}"""


@pytest.mark.parametrize("width", [390, 1366])
def test_mechanism_arrows_meet_their_boxes_on_a_phone_and_a_desktop(open_tab, site_url, width):
    page, report = open_tab(f"{site_url}/book/02-mechanism.html", width=width)
    _figure(page, MECHANISM)
    ends = _eval(page, MECHANISM, EDGE_END_GAPS)
    assert ends
    assert [end for end in ends if not all(abs(gap) <= 2 for gap in end[1:])] == []
    assert report["page_errors"] == []


def test_node_hover_shows_explanation_evidence_and_source(chapter2):
    page, _ = chapter2
    figure = _figure(page, MECHANISM)
    figure.locator(".annotation-text-g", has_text="amygdala").first.hover()
    page.wait_for_function("() => document.querySelector('.hoverlayer').textContent.includes('Source')")
    text = page.evaluate(HOVER_TEXT)
    assert "healthy volunteers" in text and "Carhart-Harris" in text


def _visible_curve(page):
    return _eval(
        page,
        CONCENTRATION,
        "d => d._fullData.filter(t => t.visible === true && t.meta && t.meta.role === 'curve').map(t => [t.meta.regimen, Math.max(...Array.from(t.y))])",
    )


def test_concentration_figure_offers_no_dose_control(chapter2):
    page, _ = chapter2
    figure = _figure(page, CONCENTRATION)
    assert figure.locator(".slider-rail-touch-rect, input[type=range]").count() == 0
    assert "Linear teaching model" in figure.text_content()


def test_regimen_menu_switches_to_a_trial_regimen_and_its_supplement_band(chapter2):
    page, _ = chapter2
    figure = _figure(page, CONCENTRATION)
    band = "d => d.data.find(t => t.meta.role === 'band_booster').visible"
    assert _eval(page, CONCENTRATION, band) is False
    [[regimen, peak_single]] = _visible_curve(page)
    assert regimen == "mas1999_single_125"
    label = next(text for text in figure.locator("select option").all_text_contents() if "sessions 2–3" in text)
    figure.locator("select").select_option(label=label)
    page.wait_for_function(f"() => ({PLOT_DIV})({CONCENTRATION}).textContent.includes('With a supplement')")
    [[regimen, peak_trial]] = _visible_curve(page)
    assert regimen == "mapp_later_sessions" and peak_trial > peak_single
    assert _eval(page, CONCENTRATION, band) is True


def test_course_menu_switches_between_mapp1_and_mapp2(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/06-what-it-means.html")
    figure = _figure(page, 0)
    courses = "d => [...new Set(d.data.filter(t => t.visible !== false).map(t => t.meta.course))].sort()"
    assert _eval(page, 0, courses) == ["mapp1", "stard_level_1"]
    figure.locator("select").select_option(label="MAPP2")
    page.wait_for_function(f"() => ({PLOT_DIV})(0).textContent.includes('as in MAPP2')")
    assert _eval(page, 0, courses) == ["mapp2", "stard_level_1"]
    assert report["external"] == [] and report["page_errors"] == []


def test_history_timeline_hover_gives_the_source(open_tab, site_url):
    page, report = open_tab(f"{site_url}/book/01-history.html")
    figure = _figure(page, 0)
    # Plotly hovers the nearest marker, so move the mouse onto the marker in the label's row.
    text = figure.locator(".textpoint", has_text="Schedule I made final")
    text.scroll_into_view_if_needed()
    label = text.bounding_box()
    row_y = label["y"] + label["height"] / 2
    markers = [box for box in (p.bounding_box() for p in figure.locator(".scatterlayer .point").all()) if box]
    marker = min(markers, key=lambda box: abs(box["y"] + box["height"] / 2 - row_y))
    page.mouse.move(marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    page.wait_for_function("() => document.querySelector('.hoverlayer').textContent.includes('Source')")
    assert "Drug Enforcement Administration" in page.evaluate(HOVER_TEXT)
    assert report["external"] == [] and report["page_errors"] == []
