"""The page shell: no render-blocking script, only the extension assets a page uses, a favicon."""

from __future__ import annotations

import re

import pytest
from support import toc_pages

from mdma_book.site import shell


def test_a_page_keeps_only_the_extensions_its_body_uses():
    body = '<div class="highlight"><pre>x</pre></div>'
    assert shell.dropped_extensions(body, thebe_enabled=False) == {
        "sphinx-design",
        "sphinx-design-tabs",
        "togglebutton",
        "thebe",
    }
    assert "thebe" not in shell.dropped_extensions(body, thebe_enabled=True)
    assert shell.dropped_extensions('<div class="sd-card">', thebe_enabled=True) == {
        "sphinx-design-tabs",
        "togglebutton",
        "copybutton",
        "pygments",
    }
    assert "sphinx-design-tabs" not in shell.dropped_extensions('<div class="sd-tab-set">', thebe_enabled=True)


@pytest.mark.parametrize("page_path", toc_pages())
def test_no_script_blocks_rendering_or_runs_before_the_first_paint_and_a_favicon_is_declared(built_html, page_path):
    html = (built_html / page_path).read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    waiting = (r"\b(defer|async)\b", f'type="{shell.AFTER_PAINT_TYPE}"')
    blocking = [
        tag for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", html) if not any(re.search(w, tag) for w in waiting)
    ]
    assert blocking == []
    assert "fontawesome.js" not in html and 'rel="preload"' not in head
    assert "searchindex.js" not in head, "the search index loads on the search page only"
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', head)
    if 'class="sd-' not in html[html.index("<body") :]:
        assert "sphinx-design" not in head
    if "sd-tab-set" not in html:
        assert "design-tabs.js" not in html, "sphinx-design's tabs script on a page without tabs"


def test_the_icon_fonts_keep_every_icon_the_site_shows(built_html):
    from fontTools.ttLib import TTFont

    fonts = sorted((built_html / shell.ICON_FONTS).glob("*.woff2"))
    assert fonts and sum(font.stat().st_size for font in fonts) < 40_000, "the icon fonts were not cut down"
    covered = set().union(*(TTFont(str(font)).getBestCmap() for font in fonts))
    needed = shell.icon_codepoints(built_html)
    github, bars, moon = 0xF09B, 0xF0C9, 0xF186  # icons of the header, the menu, the theme switch
    assert {github, bars, moon} <= needed
    assert needed <= covered, sorted(hex(code) for code in needed - covered)


@pytest.mark.parametrize("page_path", toc_pages())
def test_a_page_links_the_books_own_stylesheets_as_one_file_and_no_figure_json(built_html, page_path):
    """Each render-blocking request counts on a phone: the book's own CSS comes as one file, and the
    figures' live specifications wait in files of their own (figures.js loads one when a reader reaches for it)."""
    html = (built_html / page_path).read_text(encoding="utf-8")
    own = [
        href
        for href in re.findall(r'<link rel="stylesheet"[^>]* href="([^"?]+)', html)
        if any(f"_static/{folder}" in href for folder in shell.OWN_CSS)
    ]
    assert len(own) <= 1, own
    for href in own:
        assert (built_html / page_path).parent.joinpath(href).is_file(), href
    assert not re.search(r'<script type="application/json" id="[^"]+-spec"', html), "a figure's JSON inline"
    for spec in re.findall(r'data-spec="([^"]+)"', html):
        assert (built_html / page_path).parent.joinpath(spec).is_file(), spec


def test_the_theme_stylesheet_keeps_the_rules_a_page_or_script_can_use():
    import tinycss2

    css = (
        '@charset "UTF-8";:root{--bs-blue:#0d6efd}a{color:red}.btn,.carousel{x:1}'
        '.card:not(.active){x:2}#menu .show{x:3}.fa-moon:before{content:"\\f186"}.fa-yen:before{content:"\\f157"}'
        ".bs-tooltip-auto[data-popper-placement^=top]{x:4}"
        "@media (min-width:540px){.carousel-item{x:5}.navbar{x:6}}@font-face{font-family:x}"
    )
    words = {"btn", "card", "menu", "show", "fa-moon", "navbar"}
    kept = shell.used_rules(tinycss2.parse_stylesheet(css, skip_comments=False), words)
    for rule in (
        "a{color:red}",
        ":root{--bs-blue:#0d6efd}",
        ".btn{x:1}",
        ".card:not(.active){x:2}",
        "#menu .show{x:3}",
    ):
        assert rule in kept, rule  # elements, variables, used classes; a class inside :not() is not required
    assert '.fa-moon:before{content:"\uf186"}' in kept and "fa-yen" not in kept  # tinycss2 writes the glyph itself
    assert ".bs-tooltip-auto" in kept, "a class Bootstrap's script builds from pieces"
    assert "@media (min-width:540px){.navbar{x:6}}" in kept and "carousel" not in kept
    assert kept.startswith('@charset "UTF-8";') and "@font-face{font-family:x}" in kept


def test_the_built_theme_stylesheet_is_cut_down_and_still_styles_the_page_frame(built_html):
    css = (built_html / shell.THEME_CSS).read_text(encoding="utf-8")
    assert len(css) < 200_000, "the theme stylesheet was not cut down to the rules the site uses"
    for selector in (
        ".bd-header",
        ".bd-sidebar-primary",
        ".dropdown-menu.show",
        "html[data-theme=dark]",
        ".collapsing",
    ):
        assert selector in css, selector


def test_private_sphinx_assets_are_used_only_inside_the_fence():
    from pathlib import Path

    from mdma_book.site import extension, shell

    private = re.compile(
        r"\._assets\b|\.(?:filename|attributes|priority)\b|getattr\([^,]+, \"(?:filename|attributes|priority)\""
    )
    code = Path(shell.__file__).read_text(encoding="utf-8")
    before, fence = code.split("# --- Private details of Sphinx", 1)
    fence, after = fence.split("\n# --- ", 1)
    outside = [line for line in (before + after).splitlines() if private.search(line) and "held.attributes" not in line]
    outside += [
        line for line in Path(extension.__file__).read_text(encoding="utf-8").splitlines() if private.search(line)
    ]
    assert not outside, outside
