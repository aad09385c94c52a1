"""Every table of data/ is declared once, in data/datapackage.json, and everything else agrees with it.

The descriptor is validated with the frictionless library (as a researcher would
with ``frictionless validate``); the pandera schemas of the loaders, the data
dictionary (data/README.md) and the free-text list of the injection test are
tied to it here, and the loaders' column checks are shown to be built from it.
"""

from __future__ import annotations

import copy
import csv
import re
import shutil
from pathlib import Path

import pytest

from mdma_book import (
    datapackage,
    evidence,
    evidence_map,
    harms,
    mechanism,
    pharmacokinetics,
    table_schema,
    tables,
    timelines,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

#: The pandera schema of each declared table (what the loaders validate with), from the package's one registry.
SCHEMAS = tables.SCHEMAS
RESOURCES = [r["name"] for r in datapackage.descriptor()["resources"]]


def declared_problems(folder: Path) -> list[str]:
    datapackage._read.cache_clear()
    return datapackage.problems(folder)


def test_the_data_package_is_valid_with_frictionless():
    assert declared_problems(DATA) == []


def test_every_csv_is_declared_and_every_declared_field_is_a_column():
    declared = {r["path"] for r in datapackage.descriptor()["resources"]}
    on_disk = {path.name for path in DATA.glob("*.csv")}
    assert on_disk - declared == set(), f"declare these files in data/datapackage.json: {sorted(on_disk - declared)}"
    assert declared - on_disk == set(), f"declared but missing from data/: {sorted(declared - on_disk)}"
    for name in RESOURCES:
        path = DATA / datapackage.resource(name)["path"]
        header = next(csv.reader(path.open(encoding="utf-8")))
        fields = [f["name"] for f in datapackage.fields(name)]
        assert fields == header, f"{path.name}: declared fields {fields} differ from the header {header}"
        for field in datapackage.fields(name):
            assert field.get("description"), f"{path.name}: field {field['name']} has no description"


def test_every_declared_table_has_a_loader_and_a_schema_in_the_registry():
    """mdma_book.tables names, for every resource of data/datapackage.json, the loader and schema that read it."""
    assert sorted(tables.LOADERS) == sorted(RESOURCES), "add the file's loader to LOADERS in src/mdma_book/tables.py"
    assert sorted(SCHEMAS) == sorted(RESOURCES), "add the file's schema to SCHEMAS in src/mdma_book/tables.py"


@pytest.mark.parametrize("name", RESOURCES)
def test_each_registered_loader_reads_its_own_file(name):
    """The registry maps each resource to the loader of that file: it returns the declared columns, every row."""
    table = tables.LOADERS[name]()
    assert list(table.columns[: len(datapackage.fields(name))]) == [f["name"] for f in datapackage.fields(name)]
    assert len(table) == len(evidence.read_rows(tables.path_of(name))[0])
    assert tables.by_file(datapackage.resource(name)["path"]) is tables.LOADERS[name]


def _messages(checks) -> list[str]:
    return [str(check.error) for check in checks]


@pytest.mark.parametrize("name", RESOURCES)
def test_each_loader_checks_what_the_declaration_says(name):
    """Each loader's columns are built from the declared fields (type, required, constraints), in file order.

    A column's constraint is written once, in data/datapackage.json; the loader may
    add checks the Table Schema cannot express, after the declared ones.
    """
    schema = SCHEMAS[name](evidence.bibliography_keys())
    assert schema.name == name, "the loader finds its declared keys by the schema's name"
    assert schema.unique is None, "keys belong in data/datapackage.json (primaryKey), not in the pandera schema"
    assert list(schema.columns) == [f["name"] for f in datapackage.fields(name)]
    for field in datapackage.fields(name):
        column, declared = schema.columns[field["name"]], table_schema.declared_column(field)
        assert (str(column.dtype), column.nullable) == (str(declared.dtype), declared.nullable), field["name"]
        own = _messages(column.checks)
        assert own[: len(declared.checks)] == _messages(declared.checks), f"{name}.{field['name']}: {own}"


def _declaring(monkeypatch, name: str, column: str, constraints: dict) -> None:
    """Load tables as if data/datapackage.json declared ``constraints`` for ``name.column``."""
    edited = copy.deepcopy(datapackage.descriptor())
    resource = next(r for r in edited["resources"] if r["name"] == name)
    next(f for f in resource["schema"]["fields"] if f["name"] == column)["constraints"].update(constraints)
    monkeypatch.setattr(datapackage, "descriptor", lambda folder=None: edited)


def test_a_constraint_changed_in_the_declaration_changes_what_the_loader_refuses(monkeypatch):
    """Drop one value from a declared enum and the loader refuses the rows using it, on their own lines."""
    table = harms.harms()
    kept = [c for c in datapackage.enum("harms", "category") if c != "not_yet_known"]
    _declaring(monkeypatch, "harms", "category", {"enum": kept})
    with pytest.raises(evidence.DataValidationError) as caught:
        harms.harms()
    message = str(caught.value)
    lines = [
        line for line, category in zip(evidence.row_lines(table), table["category"]) if category == "not_yet_known"
    ]
    assert lines and set(re.findall(r", line (\d+)", message)) == set(map(str, lines)), message
    assert "column 'category': category not one of" in message


#: Labels the book shows for each value of a declared enum: code may name the values, never add or drop one.
LABELLED_VOCABULARIES = [
    (("dichotomous_outcomes", "outcome"), evidence.OUTCOMES),
    (("trials", "status"), evidence.STATUSES),
    (("trials", "status"), evidence.STATUS_SHORT),
    (("harms", "evidence_kind"), evidence.EVIDENCE_KINDS),
    (("harms", "category"), harms.CATEGORIES),
    (("history_events", "category"), timelines.CATEGORIES),
    (("treatment_course", "timing"), timelines.TIMINGS),
    (("mechanism_nodes", "evidence"), mechanism.EVIDENCE),
    (("mechanism_nodes", "evidence"), mechanism.EVIDENCE_SHORT),
    (("pharmacokinetics", "measure"), pharmacokinetics.MEASURES),
    (("evidence_map", "number_kind"), evidence_map.NUMBER_KINDS),
    (("evidence_map", "label"), evidence_map.LABELS),
    (("evidence_map", "lane"), evidence_map.PLACES),
]


@pytest.mark.parametrize(
    ("where", "labels"), LABELLED_VOCABULARIES, ids=lambda v: ".".join(v) if isinstance(v, tuple) else ""
)
def test_labels_in_code_cover_exactly_the_declared_values(where, labels):
    """A value added to an enum in data/datapackage.json needs its label here, or the page would fail on it."""
    assert sorted(labels) == sorted(datapackage.enum(*where)), where


@pytest.mark.parametrize("column", ["evidence_kind", "status"])
def test_a_shared_column_declares_the_same_values_in_every_file(column):
    values = {
        r["name"]: sorted(datapackage.enum(r["name"], column))
        for r in datapackage.descriptor()["resources"]
        if column in {f["name"] for f in r["schema"]["fields"]}
    }
    assert len({tuple(v) for v in values.values()}) == 1, values


def test_the_data_dictionary_is_generated_from_the_descriptor():
    """data/README.md's column tables are what data/datapackage.json gives (`python -m mdma_book.datapackage`)."""
    text = (DATA / datapackage.DICTIONARY).read_text(encoding="utf-8")
    assert datapackage.data_dictionary(text) == text, (
        "data/README.md's column tables differ from data/datapackage.json: run python -m mdma_book.datapackage"
    )
    assert datapackage.main(["--check"]) == 0


def test_the_data_dictionary_documents_every_declared_column_once():
    """Each declared file has one generated table; with the shared table it covers every declared column."""
    text = (DATA / datapackage.DICTIONARY).read_text(encoding="utf-8")
    specs = re.findall(re.escape(datapackage.BEGIN_MARK) + r"(.*?) -->", text)
    whole = [spec for spec in specs if len(spec.split()) == 1]
    assert sorted(whole) == sorted(RESOURCES), "one generated table per declared file, each once"
    documented = datapackage.documented(text)
    for name in RESOURCES:
        missing = [f["name"] for f in datapackage.fields(name) if f["name"] not in documented.get(name, set())]
        assert missing == [], f"data/README.md does not document {name}: {missing}"


def test_the_data_dictionary_follows_an_edited_description(monkeypatch):
    """A description changed in the descriptor changes the generated table (so the check above can fail)."""
    text = (DATA / datapackage.DICTIONARY).read_text(encoding="utf-8")
    edited = copy.deepcopy(datapackage.descriptor())
    field = next(f for f in edited["resources"][0]["schema"]["fields"] if f["name"] == "arm")
    field["description"] = "An edited description | with a bar."
    monkeypatch.setattr(datapackage, "descriptor", lambda folder=None: edited)
    generated = datapackage.data_dictionary(text)
    assert generated != text and "An edited description \\| with a bar." in generated


def test_free_text_columns_are_declared_and_plain_strings():
    """Free text (what the injection test fills with markup) is every string column not fixed by a list, pattern or key."""
    for name in RESOURCES:
        schema = datapackage.resource(name)["schema"]
        keys = set(schema.get("primaryKey", [])) | {c for k in schema.get("foreignKeys", []) for c in k["fields"]}
        for field in datapackage.fields(name):
            fixed = {"enum", "pattern"} & set(field.get("constraints", {}))
            if field.get("freeText"):
                assert field["type"] == "string" and not fixed, f"{name}.{field['name']} cannot be free text"
            elif field["type"] == "string" and field["name"] not in keys:
                assert fixed, f"{name}.{field['name']}: declare it freeText, or an enum or pattern it must match"


#: (file, line, column, text on that line, replaced by, the error frictionless reports)
DEFECTS = [
    ("changelog.csv", 2, "date", "2026-11-29", "2026-02-30", "type-error"),  # an impossible date
    ("regulatory_status.csv", 3, "as_of", ",2026-05,", ",2026-13,", "constraint-error"),  # a thirteenth month
    ("mechanism_nodes.csv", 3, "y", ",0.2,1,", ",0.2,\u22121,", "type-error"),  # a Unicode minus
    ("dichotomous_outcomes.csv", 3, "events", ",23,37,", ",23 people,37,", "type-error"),  # a unit in a number
    ("dichotomous_outcomes.csv", 2, "study", "MAPP1,3,", "MAPX1,3,", "foreign-key"),  # a study that does not exist
    ("certainty.csv", 2, "outcome_id", "ptsd_severity,", "ptsd_severty,", "constraint-error"),  # an unknown outcome
]


def test_frictionless_reports_each_defect_on_its_own_line_and_no_other(tmp_path):
    """One copy of data/ with a defect of each kind planted (and a trial repeated): one error per defect, on its line."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    expected = []
    for file, line, column, old, new, error in DEFECTS:
        lines = (folder / file).read_text(encoding="utf-8").split("\n")
        assert old in lines[line - 1], (file, line, old)
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        (folder / file).write_text("\n".join(lines), encoding="utf-8")
        expected.append(f"{folder / file}, line {line}, column '{column}': {error}: ")
    trials = (folder / "trials.csv").read_text(encoding="utf-8").splitlines()
    (folder / "trials.csv").write_text("\n".join([*trials, trials[1]]) + "\n", encoding="utf-8")
    expected.append(f"{folder / 'trials.csv'}, line {len(trials) + 1}, column 'study': primary-key: ")
    # The repeated row repeats the trial's stable id too, declared unique.
    expected.append(f"{folder / 'trials.csv'}, line {len(trials) + 1}, column 'trial_id': unique-error: ")
    found = declared_problems(folder)
    assert len(found) == len(expected), "\n".join(found)
    for start in expected:
        assert any(problem.startswith(start) for problem in found), f"{start!r} not in:\n" + "\n".join(found)


def test_the_published_copy_validates_on_its_own(tmp_path):
    """What the build copies into the site (datapackage.json, every CSV, the data dictionary) is a valid package."""
    written = datapackage.publish(tmp_path)
    folder = tmp_path / datapackage.PUBLISHED
    assert {path.name for path in written} == {"datapackage.json", "README.md", *(p.name for p in DATA.glob("*.csv"))}
    assert declared_problems(folder) == []


def test_the_built_book_publishes_the_data_package(built_html):
    """`make book` puts the package at <site>/data/datapackage.json, where `frictionless validate` accepts it."""
    folder = built_html / datapackage.PUBLISHED
    assert (folder / datapackage.DESCRIPTOR).read_text(encoding="utf-8") == (DATA / datapackage.DESCRIPTOR).read_text(
        encoding="utf-8"
    )
    assert declared_problems(folder) == []


@pytest.mark.parametrize(
    ("field", "named"),
    [
        ({"name": "n", "type": "integer", "constraints": {"exclusiveMaximum": 10}}, "exclusiveMaximum"),
        ({"name": "url", "type": "string", "format": "uri"}, "format"),
        ({"name": "when", "type": "date", "constraints": {"minimum": "2020-01-01"}}, "minimum"),
        ({"name": "who", "type": "string", "constraints": {"maximum": 3}}, "maximum"),
    ],
)
def test_the_loader_refuses_a_constraint_it_would_not_enforce(field, named):
    with pytest.raises(KeyError, match=named):
        table_schema.field_checks(field)


def test_every_constraint_the_descriptor_uses_is_enforced_and_listed_in_contributing():
    used = {
        key
        for resource in datapackage.descriptor()["resources"]
        for f in resource["schema"]["fields"]
        for key in f.get("constraints", {})
    }
    assert used <= table_schema.SUPPORTED_CONSTRAINTS
    recipe = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split("## Add a column", 1)[1].split("\n## ", 1)[0]
    assert not {name for name in table_schema.SUPPORTED_CONSTRAINTS if f"`{name}`" not in recipe}


def test_a_boolean_column_declares_its_words_once():
    doubled = [
        f"{resource['name']}.{f['name']}"
        for resource in datapackage.descriptor()["resources"]
        for f in resource["schema"]["fields"]
        if f["type"] == "boolean" and "enum" in f.get("constraints", {})
    ]
    assert not doubled, f"{doubled}: the words are trueValues/falseValues; the loader ignores a boolean's enum"
