"""Escaping data values for each format they reach: MyST, plotly text, CSV downloads."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

from mdma_book import safe_text
from mdma_book.site.plotly_mime import figure_html

NASTY = [
    "<img src=x onerror=alert(1)>",
    "{cite:p}`mitchell2021mapp1` and {ref}`claims`",
    "**bold** _it_ [link](javascript:alert(1)) $x^2$ &amp; \\*",
    "(label)=\n# heading\n\n```{raw} html\n<script>alert(1)</script>\n```",
    "STAR*D, 67-71%, [1]",
]


@pytest.mark.parametrize("value", NASTY)
def test_myst_escaping_renders_exactly_the_text(value):
    rendered = MarkdownIt("commonmark").render(f"Before {safe_text.myst(value)} after.")
    assert rendered == f"<p>Before {escapeHtml(' '.join(value.split()))} after.</p>\n"


def test_plotly_strings_keep_formatting_tags_and_escape_the_rest():
    text = "<b>MAPP1</b><br>n <img src=x onerror=alert(1)> & <a href='javascript:x'>go</a><extra></extra>"
    assert safe_text.plotly_string(text) == (
        "<b>MAPP1</b><br>n &lt;img src=x onerror=alert(1)&gt; &amp; &lt;a href='javascript:x'&gt;go&lt;/a&gt;<extra></extra>"
    )


def test_figure_html_escapes_every_string_of_the_figure():
    figure = {
        "data": [
            {
                "type": "bar",
                "name": "<i>arm</i><script>alert(1)</script>",
                "hovertext": ["<img src=x>"],
                "meta": {"edge": "a->b"},
            }
        ],
        "layout": {"title": {"text": "<b>T</b><svg onload=alert(1)>"}, "meta": {"description": "a <b> chart"}},
    }
    snippet = figure_html(figure, div_id="f")
    assert "<img" not in snippet and "<svg" not in snippet and "<script>alert" not in snippet
    spec = json.loads(snippet.split('id="f-spec">')[1].rsplit("</script>", 1)[0])
    assert spec["data"][0]["hovertext"] == ["&lt;img src=x&gt;"]
    assert spec["data"][0]["meta"] == {"edge": "a->b"}  # never drawn: the code's own bookkeeping
    assert spec["data"][0]["name"] == "<i>arm</i>&lt;script&gt;alert(1)&lt;/script&gt;"
    assert spec["layout"]["title"]["text"] == "<b>T</b>&lt;svg onload=alert(1)&gt;"
    # The static pictures' alt text (the figure's description) is escaped too.
    urls = {(width, theme): f"{width}-{theme}.svg" for width in ("narrow", "wide") for theme in ("light", "dark")}
    assert 'alt="a &lt;b&gt; chart"' in figure_html(figure, urls, div_id="f")


def test_spreadsheet_formulas_in_text_cells_are_neutralized():
    table = pd.DataFrame({"note": ['=HYPERLINK("x")', "+1", "plain", None], "value": [-1.5, 2.0, 3.0, 4.0]})
    safe = safe_text.spreadsheet_cells(table)
    assert safe["note"].tolist()[:3] == ['\'=HYPERLINK("x")', "'+1", "plain"]
    assert safe["value"].tolist() == [-1.5, 2.0, 3.0, 4.0]


def test_claims_markdown_escapes_free_text_but_keeps_its_own_roles():
    from mdma_book import evidence, prose

    claims = (
        evidence.claims()
        .head(1)
        .assign(claim="A claim with <img src=x onerror=alert(1)> inside", finding="{cite:p}`fake` text")
    )
    markdown = prose.claims_markdown(claims)
    assert re.search(r"(?<!\\)<", markdown) is None and "\\<img" in markdown
    assert "\\{cite\\:p\\}\\`fake\\`" in markdown
    assert "{cite:p}`basedow2024cognitive" in markdown and "{ref}`" in markdown
