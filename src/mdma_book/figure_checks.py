"""What a reader sees of a figure, checked from its plotly specification alone.

Used by the tests on every figure of the built book (so a new figure is checked the day it is
added) and handy when writing a builder:

* :func:`contrast_problems`: every piece of text against what it is drawn on (4.5:1, WCAG 1.4.3)
  and every thin mark that carries the message (error bars, trace lines, the lines of shapes such as
  the line of no effect) against the page (3:1, WCAG 1.4.11), in the light and the dark theme, as
  :func:`mdma_book.page_figure.static_figure` draws each; text smaller than
  :data:`mdma_book.theme.MIN_FONT_PX` counts as a problem too;
* :func:`row_label_problems`: in a chart that labels rows, each label must be level with its own
  mark, in the figure's data coordinates, and short enough never to reach a neighbouring row.

WCAG's relative luminance and contrast ratio are a few lines of arithmetic; they are written out
here rather than taking a package for them (plotly.colors parses the colours).
"""

from __future__ import annotations

import re

from plotly.colors import hex_to_rgb, unlabel_rgb

from mdma_book.page_figure import figure_height, plain_text, static_figure
from mdma_book.theme import MIN_FONT_PX, PAGE_BACKGROUND

TEXT_RATIO, MARK_RATIO = 4.5, 3.0
#: plotly's defaults, where a figure sets no colour of its own.
PLOTLY_ERROR_BAR = "#444"
NAMED = {"white": (255, 255, 255, 1.0), "black": (0, 0, 0, 1.0), "transparent": (0, 0, 0, 0.0)}


def rgba(colour: str) -> tuple[float, float, float, float]:
    """A CSS colour (``#rgb``, ``#rrggbb``, ``rgb()``, ``rgba()``, a few names) as (r, g, b, alpha)."""
    colour = colour.strip().lower()
    if colour in NAMED:
        return NAMED[colour]
    if colour.startswith("#"):
        if len(colour) == 4:
            colour = "#" + "".join(c * 2 for c in colour[1:])
        return (*hex_to_rgb(colour), 1.0)
    if colour.startswith("rgba"):
        *rgb, alpha = re.findall(r"[\d.]+", colour)
        return (*map(float, rgb), float(alpha))
    if colour.startswith("rgb"):
        return (*unlabel_rgb(colour), 1.0)
    raise ValueError(f"cannot read the colour {colour!r}")


def over(colour: str, background: tuple[float, float, float]) -> tuple[float, float, float]:
    """``colour`` composited over an opaque ``background``."""
    red, green, blue, alpha = rgba(colour)
    return tuple(alpha * c + (1 - alpha) * b for c, b in zip((red, green, blue), background, strict=True))


def luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2 relative luminance of an sRGB colour with channels 0 to 255."""

    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = map(channel, rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def ratio(one: tuple[float, float, float], two: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two opaque colours."""
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _get(mapping, *keys, default=None):
    for key in keys:
        if not isinstance(mapping, dict) or mapping.get(key) is None:
            return default
        mapping = mapping[key]
    return mapping


def _colours(value) -> list[str]:
    return [c for c in (value if isinstance(value, list) else [value]) if isinstance(c, str)]


class _Checker:
    """One theme's drawing of a figure: its backgrounds and default font, and the problems found so far."""

    def __init__(self, fig: dict, theme: str, page: str, name: str, problems: list[str]):
        layout = fig["layout"]
        self.layout, self.template = layout, _get(layout, "template", "layout", default={})
        self.where, self.problems = f"{name}, {theme}", problems
        self.paper = over(self.setting("paper_bgcolor", default="white"), rgba(page)[:3])
        self.plot = over(self.setting("plot_bgcolor", default="white"), self.paper)
        self.font_colour = self.setting("font", "color", default="#444")
        self.font_size = self.setting("font", "size", default=12)

    def setting(self, *keys, default=None):
        """A layout setting, else the template's, else ``default``."""
        value = _get(self.layout, *keys)
        return value if value is not None else _get(self.template, *keys, default=default)

    def text(self, what: str, colour: str | None, size: float | None, on, shown: str = "") -> None:
        """Text (``shown``, if known) in ``colour`` at ``size`` px on the opaque ``on``: contrast and size."""
        colour = colour or self.font_colour
        size = size or self.font_size
        if not plain_text(shown or "x"):
            return
        measured = ratio(over(colour, on), on)
        if measured < TEXT_RATIO:
            self.problems.append(f"{self.where}: {what} {colour} on {on} is {measured:.2f}:1 (needs {TEXT_RATIO})")
        if "<sup>" in shown or "<sub>" in shown:
            size *= 0.7  # plotly draws <sup> and <sub> at 70 %
        for inline in re.findall(r"font-size:\s*([\d.]+)px", shown):
            size = min(size, float(inline))
        if size < MIN_FONT_PX:
            self.problems.append(f"{self.where}: {what} is {size:g} px (at least {MIN_FONT_PX})")

    def mark(self, what: str, colour: str, on) -> None:
        """A thin mark in ``colour`` on the opaque ``on``: contrast."""
        measured = ratio(over(colour, on), on)
        if measured < MARK_RATIO:
            self.problems.append(f"{self.where}: {what} {colour} on {on} is {measured:.2f}:1 (needs {MARK_RATIO})")


def _title_and_annotations(check: _Checker) -> None:
    title = check.layout.get("title") or {}
    if isinstance(title, dict) and title.get("text"):
        check.text("title", _get(title, "font", "color"), _get(title, "font", "size"), check.paper, title["text"])
    for index, note in enumerate(check.layout.get("annotations") or []):
        if note.get("visible") is False or (note.get("opacity") or 1) < 1:
            continue  # hidden, or dimmed on purpose by a highlight (the highlighted state is checked)
        on = over(note["bgcolor"], check.paper) if note.get("bgcolor") else check.paper
        label = f"annotation {note.get('name') or index} {plain_text(note.get('text', ''))[:40]!r}"
        check.text(label, _get(note, "font", "color"), _get(note, "font", "size"), on, note.get("text", ""))


def _axes(check: _Checker) -> None:
    for key, axis in check.layout.items():
        if not re.fullmatch(r"[xy]axis\d*", key) or axis.get("visible") is False:
            continue
        if axis.get("showticklabels") is not False:
            ticks = axis.get("tickfont")
            check.text(f"{key} tick labels", _get(ticks, "color"), _get(ticks, "size"), check.paper)
        axis_title = axis.get("title") or {}
        if isinstance(axis_title, dict) and axis_title.get("text"):
            font = axis_title.get("font")
            check.text(f"{key} title", _get(font, "color"), _get(font, "size"), check.paper, axis_title["text"])


def _legend(check: _Checker, traces: list[dict]) -> None:
    if check.layout.get("showlegend") is not False and any(
        t.get("showlegend") is not False and t.get("visible") is not False for t in traces
    ):
        legend = check.layout.get("legend") or {}
        check.text("legend", _get(legend, "font", "color"), _get(legend, "font", "size"), check.paper)


#: Where plotly draws a trace's text for each ``textposition``: "auto" may put it in either place.
TEXT_PLACES = {"inside": ("inside",), "outside": ("outside",), "auto": ("inside", "outside")}


def _trace_text(check: _Checker, trace: dict, what: str, fill: list[str]) -> None:
    kind = trace.get("type", "scatter")
    if trace.get("text") is None or not (kind == "bar" or "text" in (trace.get("mode") or "")):
        return
    position = trace.get("textposition", "auto") if kind == "bar" else "outside"
    for place in TEXT_PLACES.get(position, ("outside",)):
        font = trace.get(f"{place}textfont") or {}
        colours = _colours(font.get("color")) or _colours(_get(trace, "textfont", "color", default=[]))
        size = font.get("size") or _get(trace, "textfont", "size")
        backgrounds = [over(f, check.plot) for f in fill] if place == "inside" and fill else [check.plot]
        for colour in colours or [check.font_colour]:
            for background in backgrounds:
                check.text(f"{what} text ({place})", colour, size, background, "x")


def _trace_marks(check: _Checker, trace: dict, what: str, fill: list[str]) -> None:
    kind = trace.get("type", "scatter")
    for key in ("error_x", "error_y"):
        bar = trace.get(key)
        if bar and bar.get("visible", True) is not False and (bar.get("array") is not None or bar.get("value")):
            colour = bar.get("color") or PLOTLY_ERROR_BAR
            check.mark(f"{what} {key}", colour, check.plot)
            if kind == "bar":  # the whisker crosses the top of its bar
                for f in fill:
                    check.mark(f"{what} {key} across its bar", colour, over(f, check.plot))
    if kind == "scatter" and "lines" in (trace.get("mode") or "lines") and _get(trace, "line", "width") != 0:
        for colour in _colours(_get(trace, "line", "color", default=[])):
            check.mark(f"{what} line", colour, check.plot)


def _traces(check: _Checker, traces: list[dict]) -> None:
    for index, trace in enumerate(traces):
        if trace.get("visible") is False:
            continue  # a hidden view; the views a menu shows are checked by the browser tests' axe run
        what = f"trace {trace.get('name') or index}"
        fill = _colours(_get(trace, "marker", "color", default=[]))
        _trace_text(check, trace, what, fill)
        _trace_marks(check, trace, what, fill)


def _shapes(check: _Checker) -> None:
    for index, shape in enumerate(check.layout.get("shapes") or []):
        colour = _get(shape, "line", "color")
        if colour and shape.get("visible") is not False and _get(shape, "line", "width") != 0:
            check.mark(f"shape {shape.get('name') or index} line", colour, check.plot)


def contrast_problems(fig_dict: dict, name: str = "figure") -> list[str]:
    """Every text and mark of the figure, in both themes, that falls short of its contrast (or size); [] if none."""
    problems: list[str] = []
    for theme, page in PAGE_BACKGROUND.items():
        fig = static_figure(fig_dict, theme)
        check = _Checker(fig, theme, page, name, problems)
        _title_and_annotations(check)
        _axes(check)
        _legend(check, fig["data"])
        _traces(check, fig["data"])
        _shapes(check)
    return problems


# --- Row labels -------------------------------------------------------------------------------


def _axis(layout: dict, ref: str) -> dict:
    return layout.get(ref.replace("y", "yaxis", 1)) or {}


def _px_per_unit(layout: dict, axis: dict) -> float:
    margin = layout.get("margin") or {}
    inner = figure_height(layout) - margin.get("t", 100) - margin.get("b", 80)
    low, high = (axis.get("domain") or [0, 1])[:2]
    first, last = axis["range"]
    return inner * (high - low) / abs(last - first)


def row_label_problems(fig_dict: dict, name: str = "figure") -> list[str]:
    """Row labels not level with their own mark, or tall enough to reach a neighbouring row; [] if none.

    A row label is an annotation named ``row_<id>``; its mark is the point whose trace lists ``<id>``
    in ``meta.row_ids``. It must share the mark's y axis and y value, be centred on it
    (``yanchor="middle"``), and its lines must end before half the way to the next row's mark.
    """
    layout = fig_dict.get("layout", {})
    marks = {}  # row id -> (y axis, y)
    for trace in fig_dict.get("data", []):
        ids = _get(trace, "meta", "row_ids", default=[])
        for row_id, y in zip(ids, trace.get("y") or [], strict=False):
            marks[row_id] = ("y" + trace.get("yaxis", "y")[1:], y)
    problems = []
    labels = [a for a in layout.get("annotations") or [] if str(a.get("name", "")).startswith("row_")]
    for note in labels:
        row_id = note["name"][4:]
        if row_id not in marks:
            problems.append(f"{name}: the label {note['name']} has no mark")
            continue
        axis_ref, y = marks[row_id]
        if note.get("yref") != axis_ref or note.get("y") != y:
            problems.append(
                f"{name}: the label of {row_id} sits at {note.get('yref')} {note.get('y')}, its mark at {axis_ref} {y}"
            )
            continue
        if note.get("yanchor") != "middle":
            problems.append(
                f"{name}: the label of {row_id} is anchored {note.get('yanchor')!r}, not level with its mark"
            )
            continue
        axis = _axis(layout, axis_ref)
        others = [other_y for rid, (ref, other_y) in marks.items() if ref == axis_ref and rid != row_id]
        if not others or not axis.get("range"):
            continue
        gap = min(abs(other - y) for other in others)
        size = _get(note, "font", "size", default=12)
        half_height_units = (note.get("text", "").count("<br>") + 1) * 1.3 * size / 2 / _px_per_unit(layout, axis)
        if half_height_units >= gap / 2:
            problems.append(
                f"{name}: the label of {row_id} is {2 * half_height_units:.2f} rows tall and reaches a neighbouring row"
            )
    return problems
