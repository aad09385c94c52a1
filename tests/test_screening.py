"""The documented search: searches, screening and registry checks validate; the PRISMA flow adds up;
no sentence of the book denies a study the screening file holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import ROOT
from support.data import edited_copy, line_of, refusal

from mdma_book import figures_methods, screening

DATA = ROOT / "data"


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
        (",ACTRN12619001334190,ANZCTR,", ",ACTRN1261900133419,ANZCTR,", "registry_ids", "well-formed"),
        (",ACTRN12619001334190,ANZCTR,", ",NCT1234567,ANZCTR,", "registry_ids", "well-formed"),
        ("SR01,EMMAC,", "SR02,EMMAC,", "record_id", "repeats another row's value"),  # the primary key
        (",S01;S09,2026-12-03,", ",S01;S09,2026-02-30,", "checked_on", "not a real calendar date"),
        (",healthy volunteers,\n", ",,\n", "reason", "is empty"),
        (",anzctr2019emmac,", ",,", "source_key", "is empty"),
        (",anzctr2019emmac,", ",nosuch2099source,", "source_key", "not in references.bib"),
        (",S01;S09,2026-12-03,", ",S01;S09,3 Dec 2026,", "checked_on", "YYYY-MM-DD"),
        (",S01;S09,2026-12-03,", ",S01;S09,,", "checked_on", "is empty"),
        (",S01;S09,2026-12-03,include,", ",S01;S09,2026-12-03,maybe,", "decision", "decision not one of"),
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


def test_records_of_one_study_share_one_decision(tmp_path):
    path = edited_copy(tmp_path, "screening.csv", "another record of a study already counted", "healthy volunteers")
    text = path.read_text(encoding="utf-8").replace(",include,healthy volunteers,", ",exclude,healthy volunteers,", 1)
    path.write_text(text, encoding="utf-8")
    message = refusal(screening.screening, path)
    assert "records of one study must share one decision" in message
    assert "column 'decision'" in message


def test_found_by_must_name_a_recorded_search(tmp_path):
    path = edited_copy(tmp_path, "screening.csv", ",S01;S09,2026-12-03,", ",S01;S98,2026-12-03,")
    message = refusal(screening.screening, path)
    line = line_of("screening.csv", "SR01,")
    assert f"{path}, line {line}, column 'found_by'" in message and "S98" in message


def test_records_found_must_name_a_screened_record(tmp_path):
    """A list cannot be a declared foreign key: the loader checks each id, on the search's own line."""
    path = edited_copy(tmp_path, "searches.csv", ",8,SR16,", ",8,SR16;SR99,")
    message = refusal(screening.screening, searches_path=path)
    assert f"{path}, line {line_of('searches.csv', 'S04,')}, column 'records_found'" in message and "SR99" in message
    assert message.count(", line ") == 1, message


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
    flow = screening.prisma_flow(screening.screening())
    assert flow.identified == flow.duplicates + flow.screened
    assert flow.screened == flow.excluded + flow.included
    assert flow.identified == len(screening.screening())
    assert all(count > 0 for count in flow.records_by_source.values())


def test_the_prisma_flow_follows_the_data(tmp_path):
    """Turning an included study into an excluded one moves it from one box to the other."""
    before = screening.prisma_flow(screening.screening())
    path = edited_copy(
        tmp_path,
        "screening.csv",
        ",include,randomized trial that measured depression as a secondary outcome; its depression results were not read,",
        ",exclude,healthy volunteers,",
    )
    after = screening.prisma_flow(screening.screening(path))
    assert (after.included, after.excluded) == (before.included - 1, before.excluded + 1)
    assert after.excluded_by_reason["healthy volunteers"] == before.excluded_by_reason["healthy volunteers"] + 1


def test_the_prisma_figure_shows_the_counts_and_a_text_alternative():
    flow = screening.prisma_flow(screening.screening())
    fig = figures_methods.prisma_figure(flow, "3 December 2026")
    text = " ".join(a.text for a in fig.layout.annotations)
    for number in (flow.identified, flow.duplicates, flow.screened, flow.excluded, flow.included):
        assert f": {number}</b>" in text
    assert str(flow.included) in fig.layout.meta["description"]


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
    ],
)
def test_a_planted_denial_is_caught(planted):
    texts = {"book/planted.md": f"Some text. {planted} More text."}
    problems = screening.contradicted_sentences(texts, screening.screening())
    assert problems and "EMMAC" in problems[0] and "book/planted.md" in problems[0]


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


def test_every_registered_study_with_a_depression_outcome_is_in_the_methods_table():
    table = screening.screening()
    shown = screening.registered_studies_table(table)
    assert "EMMAC" in set(shown["Study"])
    assert all(
        cell.split(";")[0] in {s.replace("_", " ").lower() for s in screening.TRIAL_STATUSES}
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
    sentence = {"book/x.md": "The only published study in major depression (search of 3 December 2026) was small."}
    assert screening.contradicted_sentences(sentence, screening.screening()) == []
