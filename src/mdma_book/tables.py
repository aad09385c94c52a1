"""One registry of the book's tables: each file declared in ``data/datapackage.json``, its loader and its schema.

The descriptor says what each file holds; this module says which function of the
package reads it (``LOADERS``: resource name -> loader, each taking an optional
path and returning the validated table) and which pandera schema that loader
validates with (``SCHEMAS``: resource name -> a function of the bibliography's
keys). The tests iterate over these instead of keeping their own lists, and a
test fails when a declared resource has no entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from mdma_book import (
    currency,
    datapackage,
    evidence,
    evidence_map,
    harms,
    mechanism,
    pharmacokinetics,
    safety,
    screening,
    timelines,
)

Loader = Callable[..., pd.DataFrame]

#: Resource name (the file name without ``.csv``) -> the loader that reads and validates it.
LOADERS: dict[str, Loader] = {
    "dichotomous_outcomes": evidence.dichotomous_outcomes,
    "continuous_outcomes": evidence.continuous_outcomes,
    "reported_values": evidence.reported_values,
    "trials": evidence.trials,
    "claims": evidence.claims,
    "certainty": evidence.certainty,
    "harms": harms.harms,
    "access": currency.access,
    "changelog": currency.changelog,
    "evidence_checked": currency.evidence_checked,
    "history_events": timelines.history_events,
    "treatment_course": timelines.treatment_course,
    "mechanism_nodes": mechanism.mechanism_nodes,
    "mechanism_edges": mechanism.mechanism_edges,
    "pharmacokinetics": pharmacokinetics.pharmacokinetic_values,
    "dosing_regimens": pharmacokinetics.dosing_regimens,
    "evidence_map": evidence_map.evidence_map,
    "regulatory_status": evidence_map.regulatory_status,
    "searches": screening.searches,
    "screening": screening.screening,
    "registry_checks": screening.registry_checks,
    "interactions": safety.interactions,
    "crisis_lines": safety.crisis_lines,
}

#: Resource name -> its loader's pandera schema, as a function of the bibliography's keys.
SCHEMAS: dict[str, Callable[[frozenset[str]], pa.DataFrameSchema]] = {
    "dichotomous_outcomes": evidence.dichotomous_outcomes_schema,
    "continuous_outcomes": evidence.continuous_outcomes_schema,
    "reported_values": evidence.reported_values_schema,
    "trials": evidence.trials_schema,
    "claims": evidence.claims_schema,
    "certainty": evidence.certainty_schema,
    "harms": harms.harms_schema,
    "access": currency.access_schema,
    "changelog": currency.changelog_schema,
    "evidence_checked": lambda keys: currency.evidence_checked_schema(),
    "history_events": timelines.history_schema,
    "treatment_course": timelines.course_schema,
    "mechanism_nodes": mechanism.nodes_schema,
    "mechanism_edges": mechanism.edges_schema,
    "pharmacokinetics": pharmacokinetics.pharmacokinetics_schema,
    "dosing_regimens": pharmacokinetics.dosing_regimens_schema,
    "evidence_map": evidence_map.evidence_map_schema,
    "regulatory_status": evidence_map.regulatory_schema,
    "searches": lambda keys: screening.searches_schema(),
    "screening": screening.screening_schema,
    "registry_checks": lambda keys: screening.registry_checks_schema(),
    "interactions": safety.interactions_schema,
    "crisis_lines": safety.crisis_lines_schema,
}


def path_of(name: str, folder: Path | None = None) -> Path:
    """The file of resource ``name`` in ``folder`` (default ``data/``), as the descriptor gives it."""
    from mdma_book.paths import data_dir

    return (folder or data_dir()) / datapackage.resource(name)["path"]


def by_file(file: str) -> Loader:
    """The loader of a data file named ``file`` (``"trials.csv"``)."""
    return LOADERS[file.removesuffix(".csv")]
