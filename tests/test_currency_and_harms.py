"""The harms, access, changelog and evidence-date files: they validate, bad rows are named, and pages use them."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from support import ROOT, toc_pages
from support.data import edited_copy, line_of, refusal

from mdma_book import currency, evidence, harms
from mdma_book.safe_text import myst as escape_markdown


def test_every_harm_has_a_source_a_kind_and_a_category():
    table = harms.harms()
    assert set(table["category"]) == set(harms.CATEGORIES)
    assert set(table["evidence_kind"]) <= set(evidence.EVIDENCE_KINDS)
    assert table["source_key"].isin(evidence.bibliography_keys()).all()


def test_every_allegation_carries_the_response_to_it():
    journalism = harms.harms().query("evidence_kind == 'journalism'")
    assert len(journalism) > 0
    assert journalism["response"].str.len().gt(10).all() and journalism["response_source_key"].notna().all()


@pytest.mark.parametrize(
    ("old", "new", "column", "phrase"),
    [
        (",journalism,wsj2024suicidal,", ",gossip,wsj2024suicidal,", "evidence_kind", "evidence_kind not one of"),
        (",journalism,wsj2024suicidal,", ",journalism,no_such_source_2099,", "source_key", "not in references.bib"),
        ("H17,alleged_not_proven,", "H17,rumour,", "category", "category not one of"),
    ],
)
def test_a_bad_harm_row_is_named_by_file_line_and_column(tmp_path, old, new, column, phrase):
    path = edited_copy(tmp_path, "harms.csv", old, new)
    message = refusal(harms.harms, path)
    assert f"{path}, line {line_of('harms.csv', 'H17,')}, column '{column}'" in message and phrase in message


def test_an_allegation_without_a_response_is_refused(tmp_path):
    original = (ROOT / "data" / "harms.csv").read_text(encoding="utf-8")
    row = next(line for line in original.splitlines() if line.startswith("H17,"))
    stripped = re.sub(r",false,.*$", ",false,,,,", row)  # drop other sources, the response, its source and the note
    path = tmp_path / "harms.csv"
    path.write_text(original.replace(row, stripped), encoding="utf-8")
    message = refusal(harms.harms, path)
    assert f"line {line_of('harms.csv', 'H17,')}, column 'evidence_kind'" in message
    assert "needs the response to it" in message


@pytest.mark.parametrize(
    ("name", "loader", "old", "new", "column", "phrase"),
    [
        (
            "changelog.csv",
            currency.changelog,
            "2026-11-29,addition,harms,",
            "29/11/2026,addition,harms,",
            "date",
            "YYYY-MM-DD",
        ),
        (
            "changelog.csv",
            currency.changelog,
            "2026-11-29,addition,harms,",
            "2026-02-30,addition,harms,",
            "date",
            "not a real calendar date",
        ),
        (
            "changelog.csv",
            currency.changelog,
            "2026-11-29,addition,harms,",
            "2026-11-29,rumour,harms,",
            "kind",
            "kind not one of",
        ),
        (
            "access.csv",
            currency.access,
            ",tga2023mdmapsilocybin,",
            ",tga1999nosuch,",
            "source_key",
            "not in references.bib",
        ),
        (
            "evidence_checked.csv",
            currency.evidence_checked,
            "book/04-harms,2026-12-03",
            "book/04-harms,2026-13-01",
            "checked_on",
            "not a real calendar date",
        ),
    ],
)
def test_a_bad_currency_row_is_named(tmp_path, name, loader, old, new, column, phrase):
    path = edited_copy(tmp_path, name, old, new)
    message = refusal(loader, path)
    assert f"{path}, line" in message and f"column '{column}'" in message and phrase in message


def test_every_changelog_entry_names_a_page_and_a_source():
    table = currency.changelog()
    assert table["source_keys"].str.len().gt(0).all()
    assert table["date"].is_monotonic_decreasing
    assert {"correction", "update", "addition"} <= set(table["kind"])


def test_every_chapter_has_an_evidence_date():
    dated = set(currency.evidence_checked()["page"])
    pages = {p.removesuffix(".html") for p in toc_pages()} - currency.UNDATED_PAGES
    assert pages <= dated, f"pages without a date: {pages - dated}"


def test_text_from_data_cannot_become_markup():
    hostile = "<img src=x onerror=alert(1)> {cite:p}`x` [link](http://e.x) # heading"
    escaped = escape_markdown(hostile)
    assert re.search(r"(?<!\\)[<>{}\[\]`#()]", escaped) is None  # every markup character is backslash-escaped
    assert escaped.replace("\\", "") == hostile


def test_harms_markdown_escapes_data_and_keeps_citations(tmp_path):
    table = harms.harms()
    table.loc[table.index[0], "statement"] = "Bad <script>alert(1)</script> text"
    markdown = harms.harms_markdown(table, table.iloc[0]["category"])
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    assert "{cite:p}`" in markdown


def test_each_access_entry_gives_its_event_and_source_dates_apart_from_the_day_it_was_checked():
    """An entry shows the event's day, the source's date and the day the book read it, each on its own."""
    table = currency.access()
    text = currency.access_markdown(table)
    for row in table.itertuples():
        event = "" if pd.isna(row.event_date) else f"event of {currency.readable_day(row.event_date)}; "
        dated = (
            "source undated" if pd.isna(row.source_date) else f"source dated {currency.readable_day(row.source_date)}"
        )
        checked = f"checked on {currency.readable_day(row.checked_on)}"
        assert f"({event}{dated}; {checked})" in text, row.region
    # The executive order was signed on one day and published on another: the two dates stay apart.
    order = table.set_index("region").loc["United States (executive order)"]
    assert (order["event_date"], order["source_date"]) == ("2026-04-18", "2026-04-22")
    assert "source undated" in text and "event of" in text


def test_an_access_source_dated_after_it_was_read_is_refused(tmp_path):
    """A source_date later than checked_on is an impossible row; the loader names the column."""
    lines = (ROOT / "data" / "access.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    bad = lines[1].replace(",2026-05-21,", ",2027-05-21,", 1)
    assert bad != lines[1]
    path = tmp_path / "access.csv"
    path.write_text(lines[0] + bad + "".join(lines[2:]), encoding="utf-8")
    with pytest.raises(Exception) as caught:
        currency.access(path)
    assert "source_date is after checked_on" in str(caught.value)
