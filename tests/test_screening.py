"""The documented search: searches, screening and registry checks validate; the PRISMA flow adds up;
no sentence of the book denies a study the screening file holds."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from support import ROOT
from support.data import edited_copy, line_of, real_row, refusal

from mdma_book import datapackage, evidence, figures_methods, screening

DATA = ROOT / "data"


def _study(record_id: str) -> str:
    """The study name of a record of data/screening.csv, picked by its stable record_id."""
    return real_row("screening.csv", record_id=record_id)["study"]


def _edited(tmp_path: Path, name: str, record_id: str, **changes: str) -> Path:
    """A copy of ``data/<name>`` with some cells of one row changed (rows keep their lines)."""
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    key = next(iter(rows[0]))
    row = next(r for r in rows if r[key] == record_id)
    row.update(changes)
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _flow(screening_path: Path | None = None, searches_path: Path | None = None) -> screening.PrismaFlow:
    records = screening.screening(screening_path, searches_path)
    return screening.prisma_flow(records, screening.searches(searches_path))


def _line_of(name: str, start: str) -> int:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith(start))


def test_the_search_files_validate():
    assert len(screening.searches()) >= 10
    table = screening.screening()
    assert table["record_id"].is_unique
    assert len(screening.registry_checks()) >= 6


def test_emmac_and_the_oslo_study_are_in_the_screening_file():
    table = screening.screening()
    emmac = table[table["registry_ids"].fillna("").str.contains("ACTRN12619001334190")]
    assert set(emmac["decision"]) == {"include"} and set(emmac["randomized"]) == {"yes"}
    assert set(emmac["depression_role"]) == {"primary"}
    assert table["registry_ids"].fillna("").str.contains("EudraCT 2021-000805-26").any()


@pytest.mark.parametrize(
    ("old", "new", "column", "phrase"),
    [
        (
            ",ACTRN12619001334190,ANZCTR,",
            ",ACTRN1261900133419,ANZCTR,",
            "registry_ids",
            "registry_ids does not match the pattern",
        ),
        (
            ",ACTRN12619001334190,ANZCTR,",
            ",NCT1234567,ANZCTR,",
            "registry_ids",
            "registry_ids does not match the pattern",
        ),
        ("\nSR01,", "\nSR02,", "record_id", "repeats another row's value"),  # the primary key
        (
            ",S01;S09;S58;S60;S77,2026-12-03,",
            ",S01;S09;S58;S60;S77,2026-02-30,",
            "checked_on",
            "not a real calendar date",
        ),
        (",exclude,healthy volunteers,", ",exclude,,", "reason", "is empty"),
        (",ST01,\n", ",EMMAC,\n", "study_id", "study_id does not match the pattern ST"),
        (
            ",healthy volunteers,,ST11,title or summary\n",
            ",healthy volunteers,,ST11,\n",
            "decision",
            "excluded_at is given",
        ),
        (
            ",healthy volunteers,,ST11,title or summary\n",
            ",healthy volunteers,,ST11,maybe\n",
            "excluded_at",
            "not one of",
        ),
        (",anzctr2019emmac,", ",,", "source_key", "is empty"),
        (",anzctr2019emmac,", ",nosuch2099source,", "source_key", "not in references.bib"),
        (",S01;S09;S58;S60;S77,2026-12-03,", ",S01;S09;S58;S60;S77,3 Dec 2026,", "checked_on", "YYYY-MM-DD"),
        (",S01;S09;S58;S60;S77,2026-12-03,", ",S01;S09;S58;S60;S77,,", "checked_on", "is empty"),
        (
            ",S01;S09;S58;S60;S77,2026-12-03,include,",
            ",S01;S09;S58;S60;S77,2026-12-03,maybe,",
            "decision",
            "decision not one of",
        ),
    ],
)
def test_a_bad_screening_row_is_named_by_file_line_and_column(tmp_path, old, new, column, phrase):
    path = edited_copy(tmp_path, "screening.csv", old, new)
    message = refusal(screening.screening, path)
    assert f"{path}, line" in message and f"column '{column}'" in message and phrase in message, message


def test_an_exclusion_needs_a_known_reason(tmp_path):
    path = edited_copy(tmp_path, "screening.csv", ",exclude,healthy volunteers,", ",exclude,did not like it,")
    message = refusal(screening.screening, path)
    line = line_of("screening.csv", "SR17,")
    assert f"{path}, line {line}, column 'reason'" in message


def test_the_exclusion_reasons_are_declared_once_in_the_data_package():
    """The reasons a record may be excluded for are the descriptor's (screening.reason's ``exclusionReasons``):
    the loader reads them there, data/README.md lists exactly them, and the methods page glues them in."""
    declared = datapackage.field("screening", "reason")["exclusionReasons"]
    assert list(screening.EXCLUSION_REASONS) == declared
    readme = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `reason` |") and "exclusionReasons" in line)
    accepts = row.split("|")[4].split("for an excluded record, one of ", 1)[-1]
    listed = re.findall(r"`([a-z][a-z ]+)`", accepts)
    assert listed == declared, f"data/README.md lists {listed}, datapackage.json {declared}"
    methods = (ROOT / "book" / "methods.md").read_text(encoding="utf-8")
    caption = next(line for line in methods.splitlines() if line.startswith("*Table M.4."))
    assert "{glue:text}`exclusion_reasons`" in caption, "Table M.4 writes the reasons out instead of gluing them"
    assert all(f"\u201c{reason}\u201d" in screening.exclusion_reasons_text() for reason in declared)


def test_records_of_one_study_share_one_decision(tmp_path):
    """SR03 is a further record of the Oslo/Østfold study (ST02), which is included."""
    path = _edited(
        tmp_path,
        "screening.csv",
        "SR03",
        decision="exclude",
        reason="no depression outcome found in the records read",
        excluded_at="full record",
    )
    with pytest.raises(evidence.DataValidationError) as caught:
        screening.screening(path)
    assert "records of one study must share one decision" in str(caught.value)
    assert "column 'decision'" in str(caught.value)


def test_records_of_one_study_share_one_name(tmp_path):
    path = _edited(tmp_path, "screening.csv", "SR03", study="Oslo study under another name")
    with pytest.raises(evidence.DataValidationError) as caught:
        screening.screening(path)
    assert "column 'study'" in str(caught.value) and "share one study name" in str(caught.value)


def test_a_pooled_report_must_name_studies_with_records_of_their_own(tmp_path):
    """A study known only from a pooled report would be counted from that report alone."""
    path = _edited(tmp_path, "screening.csv", "SR15", study_id="ST06;ST07;ST08;ST09;ST21;ST98")
    with pytest.raises(evidence.DataValidationError) as caught:
        screening.screening(path)
    message = str(caught.value)
    assert f"{path}, line {_line_of('screening.csv', 'SR15,')}, column 'study_id'" in message and "ST98" in message


def test_a_search_needs_a_prisma_column(tmp_path):
    path = _edited(tmp_path, "searches.csv", "S23", method="hearsay")
    with pytest.raises(evidence.DataValidationError) as caught:
        screening.searches(path)
    assert f"{path}, line {_line_of('searches.csv', 'S23,')}, column 'method'" in str(caught.value)


def test_found_by_must_name_a_recorded_search(tmp_path):
    path = edited_copy(
        tmp_path, "screening.csv", ",S01;S09;S58;S60;S77,2026-12-03,", ",S01;S98;S58;S60;S77,2026-12-03,"
    )
    message = refusal(screening.screening, path)
    line = line_of("screening.csv", "SR01,")
    assert f"{path}, line {line}, column 'found_by'" in message and "S98" in message


def test_records_found_must_name_a_screened_record(tmp_path):
    """A list cannot be a declared foreign key: the loader checks each id, on the search's own line."""
    path = edited_copy(tmp_path, "searches.csv", ",8,SR16,", ",8,SR16;SR99,")
    message = refusal(screening.screening, searches_path=path)
    assert f"{path}, line {line_of('searches.csv', 'S04,')}, column 'records_found'" in message and "SR99" in message
    assert message.count(", line ") == 1, message


def test_a_record_must_be_listed_by_the_searches_that_found_it(tmp_path):
    """found_by and records_found must agree both ways, each side reported on its own line."""
    path = edited_copy(
        tmp_path,
        "screening.csv",
        ",S02;S04;S10;S12;S22;S60;S178;S179;S180;S181,2026-12-04,",
        ",S02;S04;S10;S12;S22;S60;S178;S179;S180;S181;S14,2026-12-04,",
    )
    message = refusal(screening.screening, path)
    assert f"{path}, line {line_of('screening.csv', 'SR16,')}, column 'found_by'" in message
    assert "S14" in message and "SR16" in message


def test_a_search_must_be_named_by_the_records_it_found(tmp_path):
    path = edited_copy(tmp_path, "searches.csv", ",8,SR16,", ",8,SR16;SR01,")
    message = refusal(screening.screening, searches_path=path)
    assert f"{path}, line {line_of('searches.csv', 'S04,')}, column 'records_found'" in message
    assert "SR01" in message and "S04" in message


def test_a_repeated_search_is_refused_on_the_repeat_only(tmp_path):
    lines = (DATA / "searches.csv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "searches.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    message = refusal(screening.searches, path)
    assert f"{path}, line {len(lines) + 1}, column 'search_id': repeats another row's value" in message
    assert message.count(", line ") == 1, message


def test_a_bad_search_row_is_named(tmp_path):
    path = edited_copy(tmp_path, "searches.csv", "S04,2026-12-03,", "S04,2026-12-3,")
    message = refusal(screening.searches, path)
    assert f"{path}, line {line_of('searches.csv', 'S04,')}, column 'date'" in message


def test_the_prisma_flow_adds_up():
    """Each box is counted from the records, so the sums between boxes check the counting."""
    table = screening.screening()
    flow = _flow()
    for column in (flow.databases, flow.other):
        assert column.identified - column.duplicates == column.screened
        assert column.screened - column.excluded_at_screening == column.sought
        assert sum(column.screened_out_by_reason.values()) == column.excluded_at_screening
        assert column.sought - column.not_retrieved == column.assessed
        assert column.assessed - column.excluded - column.awaiting == column.included
    assert flow.databases.screened + flow.other.screened == len(table)
    assert flow.databases.included + flow.other.included == flow.reports_of_included
    assert flow.other.excluded_at_screening == 0  # the template's other-methods column has no screening box
    searched = screening.searches()
    for column, method in ((flow.databases, "databases and registers"), (flow.other, "other methods")):
        reached = {screening.prisma_source(s, method) for s in searched.loc[searched["method"] == method, "source"]}
        assert reached <= set(column.identified_by_source)


def test_the_identification_box_counts_the_stores_searched_not_the_registries_aimed_at():
    """Review R16 (M1): a query aimed at ISRCTN that returned ClinicalTrials.gov copies found no ISRCTN record."""
    flow = _flow()
    assert not any("aimed at" in source for source in flow.databases.identified_by_source)
    # The duplicates are counted from the records (each further store that found a record), not as a difference.
    placed = screening._record_sources(screening.screening(), screening.searches())
    twice = sum(len(sources) - 1 for column, sources in placed if column == "databases and registers")
    assert flow.databases.duplicates == twice


def test_each_study_is_counted_once_and_a_pooled_report_adds_none(tmp_path):
    table = screening.screening()
    own = table[~table["study_id"].str.contains(";") & (table["decision"] == "include")]
    flow = _flow()
    assert flow.studies_included == own["study_id"].nunique() < len(own)
    pooled = table[table["study_id"].str.contains(";")]
    assert list(pooled["record_id"]) == ["SR15"]
    lines = (DATA / "screening.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    without = tmp_path / "screening.csv"
    without.write_text("".join(line for line in lines if not line.startswith("SR15,")), encoding="utf-8")
    # Every search that returned the pooled report loses it from its list, however the list is made up.
    with (DATA / "searches.csv").open(encoding="utf-8", newline="") as handle:
        searched = list(csv.DictReader(handle))
    for row in searched:
        row["records_found"] = ";".join(r for r in row["records_found"].split(";") if r and r != "SR15")
    searches = tmp_path / "searches.csv"
    with searches.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(searched[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(searched)
    after = _flow(without, searches)
    assert after.studies_included == flow.studies_included
    assert after.reports_of_included == flow.reports_of_included - 1


def test_the_records_of_each_source_are_counted_from_the_searches():
    """A record counts once for each source whose searches returned it, in the column it belongs to."""
    table = screening.screening()
    searched = screening.searches().set_index("search_id")
    flow = _flow()
    expected = {"databases and registers": {}, "other methods": {}}
    for cell in table["found_by"]:
        found = {
            (screening.prisma_source(searched.at[s, "source"], searched.at[s, "method"]), searched.at[s, "method"])
            if s != "earlier"
            else (screening.EARLIER_SOURCE, "other methods")
            for s in cell.split(";")
        }
        column = "databases and registers" if any(m == "databases and registers" for _, m in found) else "other methods"
        for source, method in found:
            if method == column:
                expected[column][source] = expected[column].get(source, 0) + 1
    for column, method in ((flow.databases, "databases and registers"), (flow.other, "other methods")):
        assert {s: n for s, n in column.identified_by_source.items() if n} == expected[method]
    assert flow.databases.identified_by_source["stored web pages"] > 0


def test_the_prisma_flow_follows_the_data(tmp_path):
    """An exclusion on the title moves a record to "records excluded"; after reading, to "reports excluded"."""
    before = _flow()
    wolfson = {"decision": "exclude", "reason": "healthy volunteers"}
    path = _edited(tmp_path, "screening.csv", "SR16", **wolfson, excluded_at="title or summary")
    after = _flow(path)
    assert after.databases.excluded_at_screening == before.databases.excluded_at_screening + 1
    assert after.databases.sought == before.databases.sought - 1
    assert after.studies_included == before.studies_included - 1
    path = _edited(tmp_path, "screening.csv", "SR16", **wolfson, excluded_at="full record")
    after = _flow(path)
    assert after.databases.excluded_by_reason["healthy volunteers"] == 1
    assert after.databases.excluded == before.databases.excluded + 1
    assert after.databases.included == before.databases.included - 1


def test_a_report_not_retrieved_leaves_the_assessed_reports(tmp_path):
    before = _flow()
    path = _edited(
        tmp_path,
        "screening.csv",
        "SR27",
        decision="not retrieved",
        reason="named in a source; record not read",
        excluded_at="",
    )
    after = _flow(path)
    assert after.databases.not_retrieved == before.databases.not_retrieved + 1
    assert after.databases.assessed == before.databases.assessed - 1
    assert after.databases.awaiting == before.databases.awaiting - 1
    # Its study still awaits classification: Cochrane counts a study whose reports were not retrieved there.
    assert after.studies_awaiting == before.studies_awaiting


def test_the_prisma_figure_shows_every_box_and_a_text_alternative():
    flow = _flow()
    fig = figures_methods.prisma_figure(flow, "3 December 2026")
    text = " ".join(a.text for a in fig.layout.annotations)
    plain = text.replace("<br>", " ")
    assert "Identification of studies via databases and registers" in plain
    assert "Identification of studies via other methods" in plain
    db, other = flow.databases, flow.other
    headings = [part.split("</b>")[0].rsplit(":", 1)[0] for part in text.split("<b>")[1:]]
    assert headings == [
        "Identification of studies via databases<br>and registers",
        "Records identified",
        "Records removed before screening",
        "Records screened",
        "Records excluded",
        "Reports sought for retrieval",
        "Reports not retrieved",
        "Reports assessed for eligibility",
        "Reports excluded",
        "Reports awaiting classification",
        "Identification of studies via other<br>methods",
        "Records identified",
        "Reports sought for retrieval",
        "Reports not retrieved",
        "Reports assessed for eligibility",
        "Reports excluded",
        "Reports awaiting classification",
        "Included",
        "Studies included in review",
    ], "the boxes of the PRISMA 2020 template, in order"
    for heading, number in (
        ("Records identified", db.identified),
        ("Records removed before screening", db.duplicates),
        ("Records screened", db.screened),
        ("Records excluded", db.excluded_at_screening),
        ("Reports sought for retrieval", db.sought),
        ("Reports not retrieved", db.not_retrieved),
        ("Reports assessed for eligibility", db.assessed),
        ("Reports excluded", db.excluded),
        ("Reports awaiting classification", db.awaiting),
        ("Records identified", other.identified),
        ("Reports assessed for eligibility", other.assessed),
        ("Studies included in review", flow.studies_included),
    ):
        assert f"<b>{heading}: {number}</b>" in text, heading
    assert f"Reports of included studies: {flow.reports_of_included}" in text
    assert f"Studies awaiting classification (not included): {flow.studies_awaiting}" in plain
    for source, count in db.identified_by_source.items():
        assert f"{source}: {count}" in plain
    description = fig.layout.meta["description"]
    assert f"{flow.studies_included} studies included, in {flow.reports_of_included} reports" in description


def _rects(layout: dict) -> list[tuple[float, float, float, float]]:
    return [(s["x0"], s["x1"], s["y0"], s["y1"]) for s in layout["shapes"] if s["type"] == "rect"]


def test_the_prisma_figure_sets_its_columns_side_by_side_on_a_desktop_and_stacks_them_on_a_phone():
    from mdma_book.page_figure import at_width

    flow = _flow()
    fig = figures_methods.prisma_figure(flow, "3 December 2026").to_plotly_json()
    wide, narrow = fig["layout"], at_width(fig, "narrow")["layout"]

    def headings(layout):
        return {
            a["name"]: (a["x"], a["y"]) for a in layout["annotations"] if str(a.get("name", "")).startswith("section_")
        }

    # Desktop: the two identification columns start level, the other methods' in the right half, and
    # every box but "included" stays inside one half.
    assert headings(wide)["section_0"][1] == headings(wide)["section_1"][1]
    assert headings(wide)["section_1"][0] > 0.5
    halves = [r for r in _rects(wide) if r[0] > 0.5 or r[1] < 0.5]
    assert len(halves) == len(_rects(wide)) - 1, "one box, 'included', spans both columns"
    # Phone: stacked, the other methods below the databases and registers, as tall as the boxes need.
    assert headings(narrow)["section_1"][1] < min(r[2] for r in _rects(narrow)[:9])
    assert narrow["height"] > wide["height"]
    for layout in (wide, narrow):
        rects = _rects(layout)
        overlapping = [
            (a, b)
            for i, a in enumerate(rects)
            for b in rects[i + 1 :]
            if min(a[1], b[1]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[2], b[2])
        ]
        assert overlapping == [], "boxes drawn over each other"
    # The same boxes and words at both widths, and one text alternative.
    assert sorted(a["text"] for a in wide["annotations"]) == sorted(a["text"] for a in narrow["annotations"])
    assert wide["meta"]["description"] == figures_methods.description(flow, "3 December 2026")


def _book_texts(root: Path = ROOT) -> dict[str, str]:
    texts = {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted((root / "book").glob("*.md"))}
    for name in ("data/claims.csv", "src/mdma_book/evidence_map.py"):
        texts[name] = (root / name).read_text(encoding="utf-8")
    return texts


def test_no_sentence_denies_a_study_the_screening_file_holds():
    assert screening.contradicted_sentences(_book_texts(), screening.screening()) == []


@pytest.mark.parametrize(
    "planted",
    [
        "MDMA-assisted therapy has no randomized trial in depression.",
        "It has no {term}`randomized trial` in depression.",
        "None has been announced.",
        "In depression itself MDMA has no controlled trial at all.",
        "There is no randomized evidence in treatment-resistant or any other depression.",
        "No controlled trial in depression exists.",
        "No randomized trial of MDMA in people with depression has been registered.",
        "There is no randomised controlled trial of MDMA with a depression outcome.",
        "No trial of MDMA in depression has been registered.",
    ],
)
def test_a_planted_denial_is_caught(planted):
    texts = {"book/planted.md": f"Some text. {planted} More text."}
    problems = screening.contradicted_sentences(texts, screening.screening())
    assert problems and _study("SR01") in problems[0] and "book/planted.md" in problems[0]


@pytest.mark.parametrize(
    "planted",
    [
        "For depression there is no controlled evidence at all.",
        "There is no controlled evidence of MDMA for depression.",
        "There is no randomized evidence of MDMA with a depression outcome.",
    ],
)
def test_a_denial_of_controlled_evidence_is_caught(planted):
    """Randomized trials with a reported depression scale (Wolfson 2020, the PTSD trials) are controlled evidence."""
    problems = screening.contradicted_sentences({"book/planted.md": f"Text. {planted} Text."}, screening.screening())
    assert problems and "Wolfson 2020" in problems[0]


def test_a_denial_qualified_to_results_is_allowed_until_a_result_is_recorded(tmp_path):
    sentence = {"book/x.md": "No randomized trial in depression has reported."}
    assert screening.contradicted_sentences(sentence, screening.screening()) == []
    path = edited_copy(
        tmp_path,
        "screening.csv",
        ",RECRUITING,none found,University of Otago,anzctr2019emmac,",
        ",COMPLETED,published,University of Otago,anzctr2019emmac,",
    )
    assert screening.contradicted_sentences(sentence, screening.screening(path))


def test_a_sentence_with_the_wrong_search_date_is_caught():
    texts = {"book/x.md": "In the registries searched on 1 January 2020, nothing was found."}
    problems = screening.contradicted_sentences(texts, screening.screening())
    assert problems and "1 January 2020" in problems[0]


@pytest.mark.parametrize(
    ("stale", "day"),
    [
        ("In the registries searched on 1 and 2 January 2020, nothing was found.", "2 January 2020"),
        ("Nothing was found in the searches of 1 January 2020.", "1 January 2020"),
        ("Nothing was found in the searches of 1 and 2 January 2020.", "2 January 2020"),
    ],
)
def test_a_stale_span_of_search_days_is_caught(stale, day):
    """A span of days is checked by its last day, and "the searches of" is checked like "the search of"."""
    problems = screening.contradicted_sentences({"book/x.md": stale}, screening.screening())
    assert problems and f"says the search was on {day}" in problems[0]


def test_a_span_ending_on_the_latest_check_is_allowed():
    latest = screening.readable_day(max(screening.screening()["checked_on"]))
    sentence = {"book/x.md": f"Nothing else was found in the searches of 1 and {latest}."}
    assert screening.contradicted_sentences(sentence, screening.screening()) == []


def test_every_registered_study_with_a_depression_outcome_is_in_the_methods_table():
    table = screening.screening()
    shown = screening.registered_studies_table(table)
    assert _study("SR01") in set(shown["Study"])
    assert all(
        cell.split(";")[0] in {s.replace("_", " ").lower() for s in datapackage.enum("screening", "trial_status")}
        for cell in shown["Status; results (as read on the date checked)"]
    )


@pytest.mark.parametrize(
    ("old_sentence", "study"),
    [
        (
            "The randomized evidence on MDMA-assisted therapy that has reported comes from trials in "
            "{term}`post-traumatic stress disorder` (PTSD).",
            "Wolfson 2020",
        ),
        ("The only randomized trials of MDMA are in PTSD.", "Wolfson 2020"),
    ],
)
def test_a_claim_that_randomized_evidence_is_only_from_ptsd_is_caught(old_sentence, study):
    problems = screening.contradicted_sentences({"book/x.md": old_sentence}, screening.screening())
    assert problems and study in problems[0]


@pytest.mark.parametrize(
    "old_sentence",
    [
        "There is no evidence yet; the only study in {term}`major depression` is small and uncontrolled.",
        "The one study in major depression followed a similar pattern.",
    ],
)
def test_an_unqualified_only_study_in_major_depression_is_caught(old_sentence):
    problems = screening.contradicted_sentences({"book/x.md": old_sentence}, screening.screening())
    assert problems and "Norrsken" in problems[0]


def test_the_only_published_study_in_major_depression_is_allowed():
    table = screening.screening()
    # Dated by the latest check, as the book's own sentences must be.
    latest = screening.readable_day(max(table["checked_on"]))
    sentence = {"book/x.md": f"The only published study in major depression (search of {latest}) was small."}
    assert screening.contradicted_sentences(sentence, table) == []


def test_the_eligibility_rule_is_applied_to_every_study():
    """One rule for every row: a study with a depression outcome is included whether or not it reported a
    result; an exclusion for want of a depression outcome needs the outcomes read in full; a study read only
    in part awaits classification and is neither included nor excluded."""
    table = screening.screening()
    own = screening.studies(table)
    included = own[own["decision"] == "include"]
    assert (included["depression_role"] != "none found").all(), "an included study must have a depression outcome"
    # The rule asks that a depression outcome was measured or registered: so an included study's role is
    # primary or secondary, or, where the part read did not give the role ("not stated"), a depression
    # outcome was still read. A page that names no depression outcome ("not named on the funder page")
    # does not show one was measured, so its study awaits classification (review issue 16, SR08).
    assert "depression outcome was measured or registered" in screening.ELIGIBILITY_RULE
    role_known = included["depression_role"].isin(["primary", "secondary"])
    outcome_read = (included["depression_role"] == "not stated") & ~included["depression_outcome"].str.match(
        r"(?i)\s*(?:not |none\b|no )"
    )
    unread = included.loc[~(role_known | outcome_read), ["record_id", "depression_outcome", "depression_role"]]
    assert unread.empty, f"included without a depression outcome read:\n{unread}"
    assert (included["population_group"] != "healthy volunteers").all()
    without = own[(own["depression_role"] == "none found") & (own["population_group"] != "healthy volunteers")]
    assert set(without["decision"]) <= {"exclude", screening.AWAITING}
    excluded = own[own["decision"] == "exclude"]
    assert set(excluded["reason"]) <= set(screening.EXCLUSION_REASONS)
    # An exclusion for want of a depression outcome is made only after a full reading.
    no_outcome = excluded[excluded["reason"] == "no depression outcome among the outcomes read in full"]
    assert (no_outcome["excluded_at"] == "full record").all()
    # The three PTSD trials the reviewer named are decided by what was read of each: Mithoefer 2011 and
    # Oehen 2013 only in part, so they await classification; MAPP2's registered outcome list in full
    # (4 December 2026), which names no depression measure, so it is excluded.
    named = own.set_index("study_id")  # ST05 MAPP2, ST06 Mithoefer 2011, ST07 Oehen 2013
    assert set(named.loc[["ST06", "ST07"], "decision"]) == {screening.AWAITING}
    assert named.at["ST05", "decision"] == "exclude"
    assert named.at["ST05", "reason"] == "no depression outcome among the outcomes read in full"
    flow = screening.prisma_flow(table, screening.searches())
    # Studies whose only reports were not retrieved await classification too (review R16, M3).
    assert flow.studies_awaiting > (own["decision"] == screening.AWAITING).sum() > 0


@pytest.mark.parametrize(
    ("old_sentence", "study"),
    [
        # book/01-history.md before 3 December 2026: "reported" describes the Oslo study, it does not
        # narrow "the only study" to studies with results, so the Norrsken study contradicts it.
        (
            "The only study designed for major depressive disorder that this book found, an {term}`open-label` "
            "trial at Østfold Hospital in Norway in which everyone knew they were receiving MDMA, reported lower "
            "depression scores after treatment.",
            "Norrsken",
        ),
        # book/07-conclusion.md before 3 December 2026: the published PTSD trials that measured BDI-II.
        (
            "Outside depression as a diagnosis, the one randomized trial that measured depression and has been "
            "published, a small pilot in people with anxiety related to a life-threatening illness, used "
            "depression scales only as secondary outcomes.",
            "Mithoefer 2018",
        ),
    ],
)
def test_the_two_sentences_of_review_r16_are_caught(old_sentence, study):
    problems = screening.contradicted_sentences({"book/x.md": old_sentence}, screening.screening())
    assert problems and study in problems[0], problems


def test_the_one_published_randomized_trial_outside_ptsd_is_allowed():
    sentence = {
        "book/x.md": "Outside PTSD and depression, the one randomized trial that measured depression and has been "
        "published was a small pilot."
    }
    assert screening.contradicted_sentences(sentence, screening.screening()) == []


def test_every_study_is_included_excluded_or_awaiting_classification():
    """Review R16 (M3): no study drops out of the study-level counts, a not-retrieved one included."""
    table = screening.screening()
    own = table[~table["study_id"].str.contains(";")]
    decided = screening.studies(table)
    included = set(decided.loc[decided["decision"] == "include", "study_id"])
    excluded = set(decided.loc[decided["decision"] == "exclude", "study_id"])
    awaiting = screening.awaiting_studies(table)
    assert not (included & excluded) and not (included & awaiting) and not (excluded & awaiting)
    assert len(included) + len(excluded) + len(awaiting) == own["study_id"].nunique()
    assert _flow().studies_awaiting == len(awaiting)


def test_a_record_read_in_part_awaits_classification():
    """One rule for partly read records: SR39 and SR40 were read in part, like SR24 and SR43."""
    decisions = screening.screening().set_index("record_id")["decision"]
    assert set(decisions[["SR24", "SR39", "SR40", "SR43"]]) == {screening.AWAITING}


def test_every_search_aimed_at_a_registry_is_named_in_its_row_of_the_registry_checks():
    """Review R16 (M7): registry_checks.csv was stale against searches.csv; one standard for every row."""
    checks = screening.registry_checks()
    searched = screening.searches()
    for registry, aim in (
        ("ISRCTN", "ISRCTN"),
        ("WHO ICTRP", "WHO ICTRP"),
        ("EU CTIS", "EU CTIS"),
        ("ANZCTR", "ANZCTR"),
        ("PubMed", "PubMed"),
        ("DRKS (German Clinical Trials Register)", "DRKS"),
        ("ChiCTR (Chinese Clinical Trial Registry)", "ChiCTR"),
        ("Europe PMC", "Europe PMC"),
    ):
        row = checks.set_index("registry").loc[registry]
        aimed = searched.loc[searched["source"].str.contains(f"aimed at {aim}", regex=False), "search_id"]
        assert len(aimed) > 0
        for search in aimed:
            assert search in row["how_checked"], (registry, search)


def test_the_results_returned_are_summed_from_the_searches():
    """Review R16 (m12): the methods page says how many results were read, not only how many were records."""
    with (DATA / "searches.csv").open(newline="", encoding="utf-8") as handle:
        hits = sum(int(row["hits"]) for row in csv.DictReader(handle))
    assert screening.results_returned(screening.searches()) == hits > _flow().databases.identified
    assert "{glue:text}`results_n` results" in (ROOT / "book" / "methods.md").read_text(encoding="utf-8")


def test_a_study_takes_its_status_from_its_most_authoritative_latest_record():
    """Table M.3 showed the completed, published Oslo/Østfold study as recruiting, because a study took the
    status of its first record, a stale trial listing (review issue 16, item 3). The status now comes from a
    registry record or a report of the study over a trial listing, an ended status over an older running
    one, then the latest check."""
    table = screening.screening()
    oslo = screening.studies(table).set_index("study_id").loc["ST02"]
    assert oslo["trial_status"] == "COMPLETED"
    assert oslo["record_id"] == "SR03" and oslo["status_record"] != "SR03"
    assert (
        "completed"
        in screening.registered_studies_table(table)
        .set_index("Study")
        .at["Oslo/Østfold MDD", "Status; results (as read on the date checked)"]
    )
    # A made-up study: a listing checked last, two registry copies; the later registry copy wins.
    base = table[table["study_id"] == "ST02"].iloc[0].to_dict()
    rows = [
        dict(base, record_id="SRa", record_source="trial listing", trial_status="RECRUITING", checked_on="2026-12-05"),
        dict(
            base,
            record_id="SRb",
            record_source="ClinicalTrials.gov",
            trial_status="RECRUITING",
            checked_on="2026-12-01",
        ),
        dict(
            base,
            record_id="SRc",
            record_source="ClinicalTrials.gov",
            trial_status="ACTIVE_NOT_RECRUITING",
            checked_on="2026-12-03",
        ),
    ]
    made_up = pd.DataFrame(rows).assign(study_id="STx")
    shown = screening.studies(made_up).set_index("study_id").loc["STx"]
    assert (shown["trial_status"], shown["status_record"], shown["status_checked_on"]) == (
        "ACTIVE_NOT_RECRUITING",
        "SRc",
        "2026-12-03",
    )


def test_every_declared_record_source_has_a_status_authority():
    """A new kind of source added to the descriptor must be ranked, not silently ranked lowest."""
    assert set(screening.STATUS_AUTHORITY) == set(datapackage.enum("screening", "record_source"))
