"""Chapter wording a reader on paper or on a phone can follow (reader review 3, defects 25 and 26).

* A sentence that sends the reader to a hover, a menu above a chart or a pointer says that this is on
  the web page: on paper, in the PDF edition and without JavaScript there is no menu and no hover.
* The outcome the figure menus and tables call "No longer met PTSD criteria" goes by that one name in
  the prose; the glossary's "loss of diagnosis" is linked where the chapter first names it.
"""

from __future__ import annotations

import re

import pytest
from support import ROOT

CHAPTERS = sorted((ROOT / "book").glob("*.md"))
#: MyST roles whose text is a name, not prose (a glue key, a glossary term, a cross-reference, a citation).
_ROLE = re.compile(r"\{(?:glue:text|glue|term|ref|numref|cite:p|cite:t|download|doc)\}`[^`]*`")
WEB_ONLY = re.compile(r"\bhover|\bmenu above\b|\bpointing at\b", re.IGNORECASE)
SAYS_WEB = re.compile(r"\bweb page\b|\blive\b|\bon screen\b", re.IGNORECASE)
SECOND_NAME = re.compile(r"\blo(?:ss|st)[- ](?:of[- ])?diagnosis\b", re.IGNORECASE)


def prose_sentences(path):
    """The chapter's sentences, with role targets and code left out (a rough split at ., ! and ?)."""
    text = re.sub(r"```.*?```", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    text = _ROLE.sub(" ", re.sub(r"`[^`]*`", " ", _ROLE.sub(" ", text)))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n\s*\n", text) if s.strip()]


def web_only_sentences_without_saying_so(path):
    return [s for s in prose_sentences(path) if WEB_ONLY.search(s) and not SAYS_WEB.search(s)]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.name)
def test_a_hover_or_a_menu_is_said_to_be_on_the_web_page(chapter):
    assert web_only_sentences_without_saying_so(chapter) == []


@pytest.mark.parametrize("chapter", [p for p in CHAPTERS if p.name != "glossary.md"], ids=lambda p: p.name)
def test_the_outcome_of_the_menus_has_one_name_in_the_prose(chapter):
    assert [s for s in prose_sentences(chapter) if SECOND_NAME.search(s)] == []


def test_the_checks_see_a_caption_that_sends_a_reader_to_a_hover(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("A caption. Hover over a bar to see its count.\n\nOn the web page, hover over it.\n")
    assert web_only_sentences_without_saying_so(page) == ["Hover over a bar to see its count."]
    page.write_text(
        "The loss-of-diagnosis counts. A {term}`loss of diagnosis` link and {glue:text}`x_loss_of_diagnosis`.\n"
    )
    assert [s for s in prose_sentences(page) if SECOND_NAME.search(s)] == ["The loss-of-diagnosis counts."]
