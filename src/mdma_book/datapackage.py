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
