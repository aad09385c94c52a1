"""The data package: every table of ``data/`` declared once, in ``data/datapackage.json``.

The descriptor is a Frictionless Data Package (v2): one resource per CSV file,
each with a Table Schema giving every column's type, description, constraints
(required, enum, range, pattern), the table's primary key and its foreign keys
into other tables. Researchers validate the published copy with
``frictionless validate datapackage.json``; :func:`problems` runs the same
validation here. The loaders build their column checks from it
(:mod:`mdma_book.table_schema`) and take their keys from it, the injection test
its free-text columns (fields marked ``"freeText": true``), and a test ties
``data/README.md`` to it.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from mdma_book.paths import data_dir

DESCRIPTOR = "datapackage.json"


@functools.cache
def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def descriptor(folder: Path | None = None) -> dict:
    """The package descriptor of ``folder`` (default ``data/``) as a dict."""
    return _read((folder or data_dir()) / DESCRIPTOR)


def resource(name: str, folder: Path | None = None) -> dict:
    """The resource (one CSV file) called ``name``; KeyError naming it if it is not declared."""
    for item in descriptor(folder)["resources"]:
        if item["name"] == name:
            return item
    raise KeyError(f"{name!r} is not declared in data/{DESCRIPTOR}")


def fields(name: str) -> list[dict]:
    """The declared fields (columns) of resource ``name``, in file order."""
    return resource(name)["schema"]["fields"]


def field(name: str, column: str) -> dict:
    """One declared field of resource ``name``."""
    return next(f for f in fields(name) if f["name"] == column)


def enum(name: str, column: str) -> list:
    """The values a column may take, as declared."""
    return field(name, column)["constraints"]["enum"]


def free_text(name: str) -> list[str]:
    """Columns a contributor writes freely (``"freeText": true``): shown to readers as text."""
    return [f["name"] for f in fields(name) if f.get("freeText")]


def primary_key(name: str) -> list[str]:
    """The columns that identify a row of resource ``name`` (empty if it declares none)."""
    return list(resource(name)["schema"].get("primaryKey", []))


def unique_fields(name: str) -> list[str]:
    """The columns of ``name`` declared ``unique`` (an id each row may give once, or leave blank)."""
    return [f["name"] for f in fields(name) if f.get("constraints", {}).get("unique")]


def foreign_keys(name: str) -> list[tuple[str, str, str]]:
    """``(column, referenced resource, referenced column)`` for each single-column foreign key."""
    keys = []
    for key in resource(name)["schema"].get("foreignKeys", []):
        (column,), reference = key["fields"], key["reference"]
        keys.append((column, reference["resource"], reference["fields"][0]))
    return keys


def problems(folder: Path | None = None) -> list[str]:
    """Validate the package with the ``frictionless`` library; one line per error, naming file, line and column.

    Empty when every file matches its Table Schema, keys are unique and every
    foreign key resolves. Lines are the row numbers frictionless reports (the
    header is line 1).
    """
    import frictionless  # imported here: loading a table does not need it

    folder = folder or data_dir()
    report = frictionless.validate(folder / DESCRIPTOR)
    found = [f"{folder / DESCRIPTOR}: {error.message}" for error in report.errors]
    for task in report.tasks:
        path = folder / Path(task.place).name
        for error in task.errors:
            where = str(path)
            if getattr(error, "row_number", None):
                where += f", line {error.row_number}"
            column = getattr(error, "field_name", None) or ",".join(
                _key_fields(task.name, folder, error) if error.type in {"primary-key", "foreign-key"} else []
            )
            if column:
                where += f", column '{column}'"
            found.append(f"{where}: {error.type}: {error.note}")
    return found


def _key_fields(name: str, folder: Path, error) -> list[str]:
    schema = next(r for r in descriptor(folder)["resources"] if r["name"] == name)["schema"]
    if error.type == "primary-key":
        return schema.get("primaryKey", [])
    return [column for key in schema.get("foreignKeys", []) for column in key["fields"] if column in error.note]


#: Where the package is published in the built site: ``<site>/data/datapackage.json``.
PUBLISHED = "data"


def publish(site: Path, folder: Path | None = None) -> list[Path]:
    """Copy the descriptor, every file it declares and the data dictionary into ``site/data/``.

    A researcher can then run ``frictionless validate <site>/data/datapackage.json``
    on the published copy. Returns the files written.
    """
    import shutil

    folder = folder or data_dir()
    target = site / PUBLISHED
    target.mkdir(parents=True, exist_ok=True)
    names = [DESCRIPTOR, "README.md", *(item["path"] for item in descriptor(folder)["resources"])]
    return [Path(shutil.copy2(folder / name, target / name)) for name in names]


# The data dictionary: the column tables of data/README.md, generated from the descriptor.

#: Where ``data/README.md`` holds a generated table: ``<!-- columns: NAME [COLUMN ...] -->`` up to ``END_MARK``.
#: With columns named, the table lists only those; without, every column of resource NAME except the
#: shared ones declared exactly as in the shared table (:data:`SHARED_FROM`).
BEGIN_MARK = "<!-- columns: "
END_MARK = "<!-- end of generated columns -->"
#: The columns many files share, and the resource whose declaration of them the shared table shows.
SHARED_COLUMNS = ("source_key", "locator", "status", "retracted", "note")
SHARED_FROM = "dichotomous_outcomes"
DICTIONARY = "README.md"


def _code(text: object) -> str:
    """``text`` as inline code in a Markdown table cell (a ``|`` escaped, so it does not end the cell)."""
    return f"`{str(text).replace('|', chr(92) + '|')}`"


def _number(value: float) -> str:
    return f"{value:g}"


def allowed(field: dict, references: dict[str, tuple[str, str]] | None = None) -> str:
    """What a declared column accepts, in words: its values, range, length, pattern, uniqueness, foreign key."""
    constraints, kind = field.get("constraints", {}), field["type"]
    said = []
    if kind == "boolean":
        said.append(
            " or ".join(
                _code(word) for word in [*field.get("trueValues", ["true"]), *field.get("falseValues", ["false"])]
            )
        )
    elif "enum" in constraints:
        said.append("one of " + ", ".join(_code(value) for value in constraints["enum"]))
    if kind == "date":
        said.append("a date, `YYYY-MM-DD`")
    low, high = constraints.get("minimum"), constraints.get("maximum")
    if low is not None and high is not None:
        said.append(f"{_number(low)} to {_number(high)}")
    elif low is not None:
        said.append(f"{_number(low)} or more")
    elif high is not None:
        said.append(f"{_number(high)} or less")
    if "exclusiveMinimum" in constraints:
        said.append(f"above {_number(constraints['exclusiveMinimum'])}")
    shortest, longest = constraints.get("minLength"), constraints.get("maxLength")
    if shortest is not None:
        said.append(f"at least {shortest} character{'s' if shortest != 1 else ''}")
    if longest is not None:
        said.append(f"at most {longest} characters")
    if "pattern" in constraints:
        said.append(f"matches {_code(constraints['pattern'])}")
    if constraints.get("unique"):
        said.append("each value once")
    if references and field["name"] in references:
        table, column = references[field["name"]]
        said.append(f"a {_code(column)} of `{resource(table)['path']}`")
    if field.get("freeText"):
        said.append("free text")
    if "exclusionReasons" in field:
        said.append("for an excluded record, one of " + ", ".join(_code(value) for value in field["exclusionReasons"]))
    return "; ".join(said)


def _shared(field: dict) -> bool:
    """Whether ``field`` is one of the shared columns, declared exactly as the shared table shows it."""
    return field["name"] in SHARED_COLUMNS and field == _field(SHARED_FROM, field["name"])


def _field(name: str, column: str) -> dict:
    return next(f for f in resource(name)["schema"]["fields"] if f["name"] == column)


def column_table(name: str, columns: list[str] | None = None) -> str:
    """The Markdown table of resource ``name``'s columns (all but the shared ones, or just ``columns``), and its keys."""
    schema = resource(name)["schema"]
    references = {column: (table, referenced) for column, table, referenced in foreign_keys(name)}
    if columns:
        chosen = [_field(name, column) for column in columns]
        omitted = []
    else:
        chosen = [f for f in schema["fields"] if not _shared(f)]
        omitted = [f["name"] for f in schema["fields"] if _shared(f)]
    lines = ["| column | type | required | accepts | meaning |", "| --- | --- | --- | --- | --- |"]
    for f in chosen:
        required = "yes" if f.get("constraints", {}).get("required") else ""
        meaning = f["description"].replace("|", "\\|")
        lines.append(f"| `{f['name']}` | {f['type']} | {required} | {allowed(f, references)} | {meaning} |")
    if omitted:
        lines.append("")
        lines.append("Also the shared columns " + ", ".join(f"`{c}`" for c in omitted) + " (see the top of this file).")
    if not columns and schema.get("primaryKey"):
        key, pronoun = (
            " + ".join(f"`{c}`" for c in schema["primaryKey"]),
            "them" if len(schema["primaryKey"]) > 1 else "it",
        )
        lines += ["", f"A row is identified by {key} (primary key): no two rows may share {pronoun}."]
    return "\n".join(lines)


def data_dictionary(text: str) -> str:
    """``text`` (the data dictionary) with every marked table regenerated from the descriptor; prose is kept."""
    out, rest = [], text
    while BEGIN_MARK in rest:
        before, after = rest.split(BEGIN_MARK, 1)
        spec, after = after.split("-->", 1)
        if END_MARK not in after:
            raise ValueError(f"{BEGIN_MARK}{spec}--> has no {END_MARK}")
        _, rest = after.split(END_MARK, 1)
        name, *columns = spec.split()
        out.append(f"{before}{BEGIN_MARK}{spec.strip()} -->\n{column_table(name, columns)}\n{END_MARK}")
    return "".join(out) + rest


def documented(text: str) -> dict[str, set[str]]:
    """Resource -> the columns the marked tables of ``text`` document (shared ones count for every file)."""
    found: dict[str, set[str]] = {}
    for spec in re.findall(re.escape(BEGIN_MARK) + r"(.*?)-->", text):
        name, *columns = spec.split()
        fields = resource(name)["schema"]["fields"]
        found.setdefault(name, set()).update(columns or [f["name"] for f in fields if not _shared(f)])
        if name == SHARED_FROM and columns:
            shared = set(columns)
            for item in descriptor()["resources"]:
                found.setdefault(item["name"], set()).update(
                    f["name"] for f in item["schema"]["fields"] if f["name"] in shared and _shared(f)
                )
    return found


def main(argv: list[str] | None = None) -> int:
    """``python -m mdma_book.datapackage [--check]``: rewrite data/README.md's column tables from the descriptor.

    With ``--check``, write nothing and exit 1 if the file differs from what the descriptor gives.
    """
    import sys

    argv = sys.argv[1:] if argv is None else argv
    path = data_dir() / DICTIONARY
    text = path.read_text(encoding="utf-8")
    generated = data_dictionary(text)
    if "--check" in argv:
        if generated != text:
            print(f"{path} differs from data/{DESCRIPTOR}: run python -m mdma_book.datapackage", file=sys.stderr)
            return 1
        return 0
    if generated != text:
        path.write_text(generated, encoding="utf-8")
        print(f"rewrote the column tables of {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
