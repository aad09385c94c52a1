"""The page shell: no render-blocking script, only the extension assets a page uses, a favicon."""

from __future__ import annotations

import re

import pytest

from conftest import toc_pages
from mdma_book import shell


def test_a_page_keeps_only_the_extensions_its_body_uses():
    body = '<div class="highlight"><pre>x</pre></div>'
    assert shell.dropped_extensions(body, thebe_enabled=False) == {"sphinx-design", "togglebutton", "thebe"}
    assert "thebe" not in shell.dropped_extensions(body, thebe_enabled=True)
    assert shell.dropped_extensions('<div class="sd-card">', thebe_enabled=True) == {"togglebutton", "copybutton", "pygments"}


@pytest.mark.parametrize("page_path", toc_pages())
def test_no_script_blocks_rendering_and_a_favicon_is_declared(built_html, page_path):
    html = (built_html / page_path).read_text(encoding="utf-8")
    head = html[: html.index("</head>")]
    blocking = [tag for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head) if not re.search(r"\b(defer|async)\b", tag)]
    assert blocking == []
    assert "searchindex.js" not in head, "the search index loads on the search page only"
    assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', head)
    if 'class="sd-' not in html[html.index("<body") :]:
        assert "sphinx-design" not in head
