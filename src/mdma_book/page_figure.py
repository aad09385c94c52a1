"""A plotly figure as the book's page draws it: plotly's menus hidden, the theme's text colour, wrapped hover text.

Pure functions on a figure's dict, shared by the site's renderer
(:mod:`mdma_book.site.plotly_mime`, which draws the static pictures and writes
the HTML) and by the figure checks (:mod:`mdma_book.figure_checks`). Nothing
here needs Sphinx, kaleido or a browser.
"""

from __future__ import annotations

import copy
import html
import re

from mdma_book.theme import DARK_COLOURS, INK

#: Text colour per page theme; ``figures.js`` gives a live figure the same colours.
THEME_FONT_COLOURS = {"light": INK, "dark": DARK_COLOURS[INK]}
DEFAULT_HEIGHT = 450


#: Hover text lines are wrapped to this many characters, so a hover label (13 px text) stays
#: narrower than a phone's plot (about 330 px) and is never cut off at the edge of the screen.
HOVER_LINE_CHARS = 38
_TAG = re.compile(r"(<[^>]+>)")


def _wrap_hover_line(line: str) -> str:
    """One line of plotly hover text broken at spaces (never inside a tag) into lines of at most HOVER_LINE_CHARS visible characters."""
    lines, current, visible = [], "", 0
    for word in line.split(" "):
        length = len(_TAG.sub("", word))
        if current and visible + 1 + length > HOVER_LINE_CHARS:
            lines.append(current)
            current, visible = word, length
        else:
            current, visible = (f"{current} {word}" if current else word), visible + (1 if current else 0) + length
    lines.append(current)
    return "<br>".join(lines)


def wrap_hover(fig_dict: dict) -> dict:
    """The figure with every trace's ``hovertext`` and ``hovertemplate`` (and annotation hover text) wrapped to HOVER_LINE_CHARS."""

    def wrap(text):
        if isinstance(text, str):
            return "<br>".join(_wrap_hover_line(line) for line in re.split(r"<br\s*/?>", text))
        if isinstance(text, list | tuple):
            return [wrap(item) for item in text]
        return text

    fig_dict = copy.deepcopy(fig_dict)
    for trace in fig_dict.get("data", []):
        for key in ("hovertext", "hovertemplate"):  # a template's %{...} fields hold no spaces, so they are never split
            if key in trace:
                trace[key] = wrap(trace[key])
    for note in fig_dict.get("layout", {}).get("annotations", []) or []:
        if "hovertext" in note:
            note["hovertext"] = wrap(note["hovertext"])
    return fig_dict


def figure_height(layout: dict) -> int:
    """The figure's height in px: its own, its template's, or plotly's default."""
    template_layout = layout.get("template", {}).get("layout", {})
    return int(layout.get("height") or template_layout.get("height") or DEFAULT_HEIGHT)


def description(layout: dict) -> str:
    """The figure's text alternative (``layout.meta.description``), else its title."""
    meta = layout.get("meta")
    text = meta.get("description") if isinstance(meta, dict) else None
    return text or plain_text(_title_text(layout)) or "Chart"


def _title_text(layout: dict) -> str:
    title = layout.get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title or "")


def plain_text(plotly_html: str) -> str:
    """Plotly's HTML-ish label text as plain text: ``<br>`` becomes a space, tags go."""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", plotly_html))).strip()


def recolour(value, colours: dict[str, str]):
    """``value`` (a figure, or any part of one) with every colour string of ``colours`` replaced (case-insensitive)."""
    lower = {key.lower(): new for key, new in colours.items()}
    if isinstance(value, dict):
        return {key: recolour(item, colours) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [recolour(item, colours) for item in value]
    if isinstance(value, str):
        return lower.get(value.lower(), value)
    return value


#: ``layout.meta`` key: the top margin a figure needs on the book's page, where its plotly menus are
#: hidden (native controls stand above the chart instead). Without it, the room kept for the menu
#: was an empty band between the chart's title and its plot.
PAGE_MARGIN_TOP = "page_margin_top"
#: ``layout.meta`` key: where the title sits on the page (container fraction), for a figure whose title sat below its menu.
PAGE_TITLE_Y = "page_title_y"
#: ``layout.meta`` key: the figure's height on the page, for a figure whose plot area must keep its height in px
#: when the page takes away the room of its menu (the mechanism diagram: its arrows meet the boxes at a fixed
#: pixel scale of its y axis).
PAGE_HEIGHT = "page_height"


#: ``layout.meta`` key: layout properties (``height``, ``shapes``, ``annotations``...) that take the place
#: of the figure's own at the narrow (phone) width, for a figure no one layout serves at both widths
#: (the PRISMA flow: two columns side by side on a desktop, stacked on a phone).
NARROW_LAYOUT = "narrow_layout"


def at_width(fig_dict: dict, width: str) -> dict:
    """The figure as drawn at rendition width ``width`` ("narrow" or "wide"): at "narrow", with the
    properties of its :data:`NARROW_LAYOUT` in place of its own (the figure itself is not changed)."""
    layout = fig_dict.get("layout", {})
    meta = layout.get("meta")
    narrow = meta.get(NARROW_LAYOUT) if isinstance(meta, dict) else None
    if width != "narrow" or not narrow:
        return fig_dict
    return {**fig_dict, "layout": {**layout, **copy.deepcopy(narrow)}}


def page_layout(layout: dict) -> dict:
    """``layout`` as the book's page draws it: plotly's menus and sliders hidden, and the top margin the figure asks for there."""
    layout = copy.deepcopy(layout)
    for key in ("updatemenus", "sliders"):
        for control in layout.get(key, []):
            control["visible"] = False
    meta = layout.get("meta")
    if isinstance(meta, dict) and meta.get(PAGE_MARGIN_TOP) is not None:
        layout["margin"] = {**(layout.get("margin") or {}), "t": meta[PAGE_MARGIN_TOP]}
    if isinstance(meta, dict) and meta.get(PAGE_TITLE_Y) is not None and isinstance(layout.get("title"), dict):
        layout["title"] = {**layout["title"], "y": meta[PAGE_TITLE_Y]}
    if isinstance(meta, dict) and meta.get(PAGE_HEIGHT) is not None:
        layout["height"] = meta[PAGE_HEIGHT]
    return layout


def static_figure(fig_dict: dict, theme: str) -> dict:
    """A copy of the figure as the page shows it in ``theme``: plotly's own menus and sliders hidden
    (the page has native controls instead), text in the theme's colour, and in the dark theme the
    colours of :data:`mdma_book.theme.DARK_COLOURS` swapped (``figures.js`` does the same live)."""
    static = copy.deepcopy({key: fig_dict.get(key, {} if key == "layout" else []) for key in ("data", "layout")})
    if theme == "dark":
        static = recolour(static, DARK_COLOURS)
    static["layout"] = layout = page_layout(static["layout"])
    layout["font"] = {**layout.get("font", {}), "color": THEME_FONT_COLOURS[theme]}
    return static
