"""Chapters state no statistic by hand: numbers in prose come from data/ through glue.

The test reads each page's own text (not code cells, glue roles, citations,
cross-references, links or inline code) and fails on any number that is not a
year, a day of a date, or a label such as "Phase 3" or "Figure 3.2". A number
the book needs must be computed from data/ and pasted with {glue:text}.
"""

from __future__ import annotations

import re

import pytest
from support import ROOT, toc_pages

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# Words after which a number is a name, not a statistic.
LABEL_WORDS = r"(?:Phase|Phases|Figure|Table|Step|Chapter|chapter|Schedule|NCT)"
REMOVE = [
    re.compile(r"\A---\n.*?\n---\n", re.S),  # jupytext front matter
    re.compile(r"^```\{code-cell\}.*?^```", re.S | re.M),  # code cells
    re.compile(r"\{(?:glue:text|glue|cite:p|cite:t|ref|download|numref)\}`[^`]*`"),  # roles
    re.compile(r"^```\{glue:\}.*$", re.M),  # glue directives
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"^\([\w-]+\)=$", re.M),  # labels
]
# A number, with an optional sign; not part of a name such as CAPS-5, MAPP1 or NCT04077437.
NUMBER = re.compile(r"(?<![\w./*'])(?<![A-Za-z]-)([\u2212-]?\d+(?:[.,]\d+)*%?)(?![\w/])")


def prose_of(path) -> str:
    text = path.read_text(encoding="utf-8")
    for pattern in REMOVE:
        text = pattern.sub(" ", text)
    return text


def hand_typed_numbers(text: str) -> list[str]:
    found = []
    for match in NUMBER.finditer(text):
        number, before, after = match.group(1), text[: match.start()], text[match.end() :]
        if re.fullmatch(r"(19|20)\d\d", number) and not re.match(r"\s*%", after):
            continue  # a year
        if number == "100" and re.search(r"\b(?:per|of|in)\s+$", before):
            continue  # a unit ("per 100 people"), not a result
        if number == "95%" and re.match(r"\s+(?:confidence|credible|CI)\b", after):
            continue  # the conventional interval, not a result
        if re.match(rf"\s+(?:{MONTHS})\b", after) and int(number) <= 31:
            continue  # a day of a date
        if re.match(rf"\s+and\s+\d{{1,2}}\s+(?:{MONTHS})\b", after) and int(number) <= 31:
            continue  # the first day of a span of days ("3 and 4 December")
        if re.search(rf"\b{LABEL_WORDS}\s*$", before) or re.search(
            rf"\b{LABEL_WORDS}\s+\d+(?:\.\d+)?\s+(?:and|or|to)\s+$", before
        ):
            continue  # Phase 3, Figure 3.2, Phase 2 and 3
        found.append(f"...{text[max(0, match.start() - 40) : match.end() + 20]}...".replace("\n", " "))
    return found


CHAPTERS = [ROOT / page.replace(".html", ".md") for page in toc_pages()]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_states_no_statistic_by_hand(chapter):
    assert hand_typed_numbers(prose_of(chapter)) == []


def test_the_check_catches_a_typed_statistic():
    found = hand_typed_numbers("In MAPP1, 67% no longer met criteria, and 12 people took part.")
    assert len(found) == 2 and "67%" in found[0] and "12 people" in found[1]


def test_the_check_catches_ranges_and_signed_numbers():
    assert len(hand_typed_numbers("between 67-71% of people")) == 2
    assert len(hand_typed_numbers("a change of -19.3 and g \u22120.66")) == 2
    assert hand_typed_numbers("CAPS-5 and BDI-II in MAPP1 (NCT04077437)") == []


def test_the_check_allows_years_dates_labels_and_glue():
    text = prose_of_text("On 16 August 2017, in Phase 3 (Figure 3.2), {glue:text}`kvam_n` people.")
    assert hand_typed_numbers(text) == []


def test_the_check_allows_a_span_of_days_but_not_a_count_before_a_date():
    assert hand_typed_numbers("In the copies searched on 3 and 4 December 2026, nothing was found.") == []
    assert len(hand_typed_numbers("Of 3 trials, 2 reported by 4 December 2026.")) == 2


def prose_of_text(text: str) -> str:
    for pattern in REMOVE:
        text = pattern.sub(" ", text)
    return text
