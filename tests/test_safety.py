"""Safety for readers who take medicines: the interaction table, crisis lines and the wording of the built book."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pytest
from support import toc_pages
from support.data import planted, real_rows

from mdma_book import evidence, safety

#: The chapters (the landing page and the numbered chapters), each of which must show the crisis lines.
CHAPTERS = [page for page in toc_pages() if page == "book/index.html" or re.match(r"book/0\d-", page)]


def _visible_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<script.*?</script>|<style.*?</style>", " ", raw, flags=re.S)
    raw = re.sub(r"</?a\b[^>]*>", "", raw)  # a link is inline: no space around its text, as a browser shows it
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return " ".join(text.replace("\u2019", "'").split())


def test_bad_interaction_rows_are_refused_with_file_line_and_column(tmp_path):
    first, second = real_rows("interactions.csv")[:2]  # real rows (the real header): defects planted below
    first["evidence_kind"] = "anecdote"
    second.update(
        locator="",
        reported="A forum post said the combination was safe and caused no problems at all.",
        lasts_after_stopping="maybe",
    )
    path = planted(tmp_path / "interactions_bad_rows.csv", [first, second])
    with pytest.raises(evidence.DataValidationError) as caught:
        safety.interactions(path)
    message = str(caught.value)
    assert f"{path}, line 2, column 'evidence_kind'" in message and "'anecdote'" in message
    assert "line 3, column 'locator': is empty" in message  # no row without its source's locator
    assert "line 3, column 'reported': a row may not call a combination safe" in message
    assert "line 3, column 'lasts_after_stopping'" in message


def test_every_interaction_row_has_a_source_and_never_calls_a_combination_safe():
    table = safety.interactions()
    assert len(table) >= 10 and table["locator"].str.len().gt(10).all()
    assert set(table["evidence_kind"]) <= set(evidence.EVIDENCE_KINDS)
    for column in ("medicines", "drug_class", "reported", "mechanism", "after_stopping"):
        assert not table[column].str.contains(safety.FORBIDDEN_WORDS, regex=True).any(), column
    for medicine in ("moclobemide", "linezolid", "paroxetine", "bupropion", "reboxetine", "ritonavir", "amphetamine"):
        assert table["medicines"].str.contains(medicine).any(), medicine


def test_bad_crisis_lines_are_refused_and_every_line_has_a_source_page_and_a_checked_date(tmp_path):
    first, second = real_rows("crisis_lines.csv")[:2]  # real rows (the real header): defects planted below
    first["source_url"] = ""
    second["checked_on"] = "3 Dec 2026"
    with pytest.raises(evidence.DataValidationError) as caught:
        safety.crisis_lines(planted(tmp_path / "crisis_lines_bad_rows.csv", [first, second]))
    assert "line 2, column 'source_url': is empty" in str(caught.value)
    assert "line 3, column 'checked_on': checked_on must be written YYYY-MM-DD" in str(caught.value)
    lines = safety.crisis_lines()
    assert lines["source_url"].str.match(r"^https?://").all() and lines["checked_on"].str.match(r"^\d{4}-").all()
    assert {"United States", "Canada", "United Kingdom and Ireland", "Australia", "New Zealand"} <= set(lines["region"])


@pytest.mark.parametrize(
    "sentence",
    [
        "Sertraline is safe to combine with MDMA.",
        "Taking ecstasy together with lithium is harmless.",
        "There is no interaction between MDMA and bupropion.",
        "You should take MDMA two hours after your antidepressant.",
        "Wait two weeks before taking MDMA after stopping fluoxetine.",
        "Take half a tablet of MDMA first.",
        "The recommended dose is written on the label.",
    ],
)
def test_the_wording_check_catches_a_planted_unsafe_sentence(sentence):
    assert safety.unsafe_phrases(f"A harmless first sentence about trials. {sentence} Another sentence.") == [sentence]


@pytest.mark.parametrize(
    "sentence",
    [
        safety.NOT_LISTED,
        "No combination with MDMA has been shown to be safe.",
        "Do not stop or change a medicine without your prescriber.",
        "Do not combine any medicine with MDMA: no combination has been shown safe.",
        "Nothing here tells a person on an antidepressant that MDMA would be safe for them.",
    ],
)
def test_the_wording_check_lets_warnings_through(sentence):
    assert safety.unsafe_phrases(sentence) == []


@pytest.mark.parametrize("page", toc_pages())
def test_no_built_page_calls_a_combination_safe_or_reads_as_an_instruction_to_use_mdma(built_html, page):
    assert safety.unsafe_phrases(_visible_text(built_html / page)) == []


@pytest.mark.parametrize("page", toc_pages())
def test_every_page_shows_the_crisis_lines(built_html, page):
    text = _visible_text(built_html / page)
    for row in safety.crisis_lines().itertuples():
        assert f"{row.region}: {row.how_to_reach} ({row.service})" in text, (page, row.line_id)


def test_every_interaction_row_and_the_not_listed_line_are_on_the_harms_page(built_html):
    text = _visible_text(built_html / "book/04-harms.html")
    for row in safety.interactions().itertuples():
        for column in ("medicines", "drug_class", "reported", "mechanism", "after_stopping"):
            assert " ".join(getattr(row, column).replace("\u2019", "'").split()) in text, (row.interaction_id, column)
    assert safety.NOT_LISTED in text
    assert text.find("If you take any medicine or supplement") < text.find("Key points")


def test_crisis_numbers_are_tel_and_sms_links_and_the_visible_text_is_unchanged():
    text = safety.crisis_lines_markdown(safety.crisis_lines())
    assert "[988](tel:988)" in text and "[text](sms:988)" in text and "[116 123](tel:116123)" in text
    assert "[000](tel:000)" in text and "[111](tel:111)" in text
    # A how_to_reach with markup stays escaped text; only the number becomes a link.
    assert safety._reach_markdown("call *999* [x](javascript:1)") == r"call \*[999](tel:999)\* \[x\]\(javascript\:1\)"


def test_the_built_pages_link_the_numbers(built_html):
    html = (built_html / "book/glossary.html").read_text(encoding="utf-8")
    assert 'href="tel:988"' in html and 'href="sms:988"' in html and 'href="tel:112"' in html


def test_the_not_found_paragraph_names_searches_that_were_recorded_for_each_medicine():
    """'Not found in the sources read' must rest on rows of searches.csv whose queries name each medicine it lists."""
    root = Path(__file__).parents[1]
    chapter = (root / "book" / "04-harms.md").read_text(encoding="utf-8")
    paragraph = next(line for line in chapter.splitlines() if line.startswith("**Not found in the sources read.**"))
    first, last = (int(n) for n in re.search(r"searches S(\d+) to S(\d+)", paragraph).groups())
    with (root / "data" / "searches.csv").open(encoding="utf-8", newline="") as handle:
        queries = {row["search_id"]: row["query"].lower() for row in csv.DictReader(handle)}
    cited = [queries[f"S{n:02d}"] for n in range(first, last + 1)]
    named = re.search(r"combined with (.+?) \(searches", paragraph).group(1)
    medicines = [m.strip().lower() for m in re.split(r",| and ", named) if m.strip()]
    assert len(medicines) >= 5, medicines
    for medicine in medicines:
        assert any(medicine in query for query in cited), (medicine, cited)


def test_the_home_danger_box_ties_deaths_to_no_medicine_without_a_reported_death():
    """Deaths are reported with MAO-inhibitor antidepressants, not with linezolid or methylene blue (row I02)."""
    home = (Path(__file__).parents[1] / "book" / "index.md").read_text(encoding="utf-8")
    box = home[home.index("```{danger}") :]
    before_deaths = box[: box.index("with which MDMA has caused deaths")]
    clause = before_deaths[before_deaths.rindex("{term}`MAO inhibitors") :]
    assert not re.search(r"(?i)linezolid|methylene blue", clause), clause


def test_the_helpline_directory_address_is_a_link_to_its_page():
    """The international directory's address ("findahelpline.com") was plain text in the crisis lists."""
    directory = safety.crisis_lines().query("region == 'Other countries'").iloc[0]
    listed = safety.crisis_lines_markdown(safety.crisis_lines())
    assert f"]({directory.source_url})" in listed, listed
