"""The glossary: every term a chapter uses is linked to its definition there at least once.

The term list is read from book/glossary.md itself (each ``{glossary}`` entry, with all
its spellings), so adding a term to the glossary makes every chapter that uses it link it.
The check reads each chapter's own prose: code cells, roles (citations, glue, links
already made), inline code, link targets, headings and directive lines are left out.
"""

from __future__ import annotations

import re

import pytest
from support import ROOT

GLOSSARY = ROOT / "book" / "glossary.md"
# The pages a learner reads: the numbered chapters and the home page. The glossary links to
# nothing; the change log, the references and the claims appendix (generated from data)
# record sources and edits rather than explain them.
PAGES = sorted((ROOT / "book").glob("0*.md")) + [ROOT / "book" / "index.md", ROOT / "book" / "educators.md"]

TERM_ROLE = re.compile(r"\{term\}`([^`<]*?)(?:\s*<([^>`]+)>)?`")
MASKED = [
    re.compile(r"\A---\n.*?\n---\n", re.S),  # front matter
    re.compile(r"^```\{code-cell\}.*?^```", re.S | re.M),  # code cells
    re.compile(r"^\s*(?:```|:::|:\w[\w-]*:).*$", re.M),  # directive lines and options
    re.compile(r"\{[\w:-]+\}`[^`\n]*`"),  # roles: cite, glue, ref, term, download
    re.compile(r"`[^`\n]*`"),  # inline code
    re.compile(r"\[[^\]\n]*\]\([^)\n]*\)"),  # links, text and target
    re.compile(r"^#.*$", re.M),  # headings
    re.compile(r"^\([\w-]+\)=$", re.M),  # labels
    re.compile(r"<!--.*?-->", re.S),  # comments
]


def glossary_entries(text: str | None = None) -> list[list[str]]:
    """Each glossary entry as the list of its spellings (the term lines before a definition)."""
    text = GLOSSARY.read_text(encoding="utf-8") if text is None else text
    entries = []
    for block in re.findall(r"^```\{glossary\}\n(.*?)^```", text, re.S | re.M):
        current: list[str] = []
        for line in block.splitlines():
            if not line.strip() or line.startswith(":"):
                continue
            if line[0].isspace():
                if current:
                    entries.append(current)
                    current = []
            else:
                current.append(line.strip())
    return entries


def term_pattern(term: str) -> re.Pattern:
    """A term as a whole word, with an optional plural; acronyms and names match their case."""
    flags = 0 if any(c.isupper() for c in term) else re.I
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es)?(?![\w-])", flags)


def masked(text: str) -> str:
    """The text with everything but the page's own prose blanked out (same length)."""
    for pattern in MASKED:
        text = pattern.sub(lambda m: re.sub(r"[^\n]", "\0", m.group(0)), text)
    return text


def linked_terms(text: str) -> set[str]:
    return {(target or label).strip().lower() for label, target in TERM_ROLE.findall(text)}


def unlinked_terms(text: str, entries: list[list[str]]) -> list[str]:
    prose, linked = masked(text), linked_terms(text)
    missing = []
    for entry in entries:
        if {t.lower() for t in entry} & linked:
            continue
        used = [t for t in entry if term_pattern(t).search(prose)]
        if used:
            missing.append(used[0])
    return missing


def test_the_glossary_has_the_terms_the_book_needs():
    terms = {t.lower() for entry in glossary_entries() for t in entry}
    for term in ("caps-5", "madrs", "bdi-ii", "response", "remission", "loss of diagnosis", "risk ratio",
                 "odds ratio", "risk difference", "nnt", "confidence interval", "i²", "hedges' g",
                 "standardized mean difference", "random effects", "grade", "randomized controlled trial",
                 "open-label", "crossover", "placebo", "active placebo", "functional unblinding", "phase 1",
                 "phase 2", "phase 3", "treatment-resistant depression", "schedule i", "breakthrough therapy",
                 "complete response letter", "serotonin toxicity", "hyponatraemia", "hyperthermia", "maoi",
                 "ssri", "snri", "cyp2d6", "meta-analysis", "preprint", "within-group change",
                 "between-group difference"):  # fmt: skip
        assert term in terms, term


def test_every_definition_is_short():
    text = GLOSSARY.read_text(encoding="utf-8")
    for definition in re.findall(r"^  (\S.*)$", text, re.M):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z*])", definition) if s]
        assert len(sentences) <= 5, definition  # the GRADE entry names its four levels


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_glossary_term_a_page_uses_is_linked(page):
    assert unlinked_terms(page.read_text(encoding="utf-8"), glossary_entries()) == []


def test_the_check_catches_an_unlinked_term():
    entries = [["risk ratio"], ["NNT", "number needed to treat"], ["I²"]]
    text = "The risk ratios were wide; the {term}`NNT` was large. `I²` in code."
    assert unlinked_terms(text, entries) == ["risk ratio"]
    assert unlinked_terms("The {term}`risk ratios <risk ratio>` were wide.", entries) == []
    assert unlinked_terms("## Risk ratio\n\n```{code-cell}\nrisk ratio\n```\n", entries) == []


def test_a_glossary_edit_writes_every_page_again_so_no_tip_goes_stale():
    """Review R19: an incremental build must rewrite the pages whose tips embed the glossary's definitions."""
    from types import SimpleNamespace

    from mdma_book.site import learning

    env = SimpleNamespace(found_docs={learning.GLOSSARY_DOC, "book/03-evidence", "index"})
    assert learning.pages_with_stale_tips(None, env, set(), {learning.GLOSSARY_DOC}, set()) == sorted(env.found_docs)
    assert learning.pages_with_stale_tips(None, env, set(), {"book/03-evidence"}, set()) == []
