"""Weekly watch of ClinicalTrials.gov for MDMA studies with a depression or mood outcome.

Queries the registry's public API v2 (keyless, paged JSON) twice: an MDMA and
depression query, to find registrations not yet screened, and a request for the
screened NCT ids themselves (``filter.ids``), so that a screened study whose record
never mentions depression is still followed. It reports what is new or changed: a
new registration, a status change, results posted, or a screened study the
registry no longer returns for its own number. It only reports, for a person to review; it never edits the book. When
the API cannot be reached it says so and exits 0, so a registry outage never
fails the weekly run.

Standard library only (urllib, json, csv): it runs in CI with a bare Python, and
the tests serve recorded responses from a local ``http.server``. The PyPI
clients for this API hard-code their base URL and call the network in their
constructor, which would make offline tests impossible (see
``shared/research/registry-watch-notes.md``).

Run as ``python -m mdma_book.registry_watch --help`` (with ``src`` on the path).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

API_URL = "https://clinicaltrials.gov/api/v2/studies"
#: Any name of the drug, searched in the interventions.
INTERVENTION_QUERY = 'MDMA OR midomafetamine OR "3,4-methylenedioxymethamphetamine" OR methylenedioxymethamphetamine'
#: Depression or mood, searched anywhere in the record (conditions, outcomes, descriptions).
DEPRESSION_QUERY = "depression OR depressive OR mood OR MADRS OR BDI"
FIELDS = "NCTId,BriefTitle,OverallStatus,HasResults,LastUpdatePostDate"
#: For the screened studies, their registered outcomes too: a record awaiting classification is decided by them.
KNOWN_FIELDS = FIELDS + ",OutcomesModule"
#: A registered outcome that names one of these is a depression outcome for the report (a person decides).
DEPRESSION_TERMS = re.compile(
    r"depress|MADRS|Montgomery|Beck Depression|BDI|PHQ|Hamilton (Rating Scale for )?Depression|HAM-?D|QIDS", re.I
)
#: The screening file's word for a status that was not read, which is also one of the registry's statuses.
NOT_READ = "UNKNOWN"
AWAITING = "awaiting classification"
PAGE_SIZE = 100
MAX_PAGES = 50  # a guard against a paging loop; 5,000 studies is far above any plausible count
TIMEOUT_SECONDS = 30
NCT_RE = re.compile(r"NCT\d{8}")


class RegistryUnavailable(RuntimeError):
    """The API could not be reached or did not answer in the documented shape."""


class BadRequest(RegistryUnavailable):
    """The API refused the request itself (HTTP 400)."""


@dataclass(frozen=True)
class Study:
    """What the watch compares for one registration."""

    nct_id: str
    title: str
    status: str
    has_results: bool
    outcomes: tuple[str, ...] = ()  # registered outcome measures, when asked for


@dataclass
class Changes:
    """Differences between the registry and the screening file."""

    new: list[Study] = field(default_factory=list)
    status_changed: list[tuple[Study, str]] = field(default_factory=list)  # (study now, status in screening.csv)
    results_posted: list[Study] = field(default_factory=list)
    vanished: list[str] = field(default_factory=list)
    status_read: list[Study] = field(default_factory=list)  # a status the screening file records as not read
    depression_outcomes: list[tuple[Study, list[str]]] = field(default_factory=list)  # awaiting, with such outcomes

    def __bool__(self) -> bool:
        return any(
            (
                self.new,
                self.status_changed,
                self.results_posted,
                self.vanished,
                self.status_read,
                self.depression_outcomes,
            )
        )


def _get_json(url: str) -> dict:
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "mdma-book-registry-watch"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        kind = BadRequest if error.code == 400 else RegistryUnavailable
        raise kind(f"HTTP {error.code} from {url}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise RegistryUnavailable(f"cannot reach {url}: {error}") from error
    except json.JSONDecodeError as error:
        raise RegistryUnavailable(f"the answer from {url} is not JSON: {error}") from error


def _study(record: dict) -> Study:
    protocol = record["protocolSection"]
    outcomes = protocol.get("outcomesModule", {})
    measures = tuple(
        outcome.get("measure", "")
        for kind in ("primaryOutcomes", "secondaryOutcomes", "otherOutcomes")
        for outcome in outcomes.get(kind, [])
    )
    return Study(
        nct_id=protocol["identificationModule"]["nctId"],
        title=protocol["identificationModule"].get("briefTitle", ""),
        status=protocol["statusModule"].get("overallStatus", "UNKNOWN"),
        has_results=bool(record.get("hasResults", False)),
        outcomes=measures,
    )


def fetch_studies(api_url: str = API_URL) -> dict[str, Study]:
    """All studies the MDMA-and-depression query returns (to find new registrations), by NCT id."""
    return _fetch_pages(api_url, {"query.intr": INTERVENTION_QUERY, "query.term": DEPRESSION_QUERY})


def fetch_known(nct_ids: list[str], api_url: str = API_URL) -> dict[str, Study]:
    """The studies of ``screening.csv``, asked for by their own NCT ids (``filter.ids``), with no depression filter.

    A screened study whose record does not mention depression or mood is still read, so its
    status changes and posted results are seen and it is not reported as vanished.
    """
    if not nct_ids:
        return {}
    found, refused = _fetch_ids(sorted(nct_ids), api_url, KNOWN_FIELDS)
    if len(refused) == len(nct_ids) > 1:
        raise RegistryUnavailable(
            f"every screened id was refused (HTTP 400), so the request itself is at fault: {refused[0]}"
        )
    return found


def _fetch_ids(nct_ids: list[str], api_url: str, fields: str) -> tuple[dict[str, Study], list[str]]:
    """The studies for ``nct_ids``, and the ids the API refused on their own.

    Two independent reports of the live API disagree on an id that does not exist: one saw an
    empty ``studies`` list, the other an HTTP 400 for the whole batch. So a refused batch is
    halved until the refused ids stand alone; each of those is then not returned (reported as
    vanished), and the rest of the batch is still compared. (Stored notes, ids 57808874004 and
    69459917734 of the search tool; see ``tests/fixtures/registry_watch/README.md``.)
    """
    try:
        return _fetch_pages(api_url, {"filter.ids": ",".join(nct_ids)}, fields), []
    except BadRequest as error:
        if len(nct_ids) == 1:
            return {}, [f"{nct_ids[0]}: {error}"]
    half = len(nct_ids) // 2
    (first, refused_first), (second, refused_second) = (
        _fetch_ids(part, api_url, fields) for part in (nct_ids[:half], nct_ids[half:])
    )
    return {**first, **second}, refused_first + refused_second


def _fetch_pages(api_url: str, query: dict[str, str], fields: str = FIELDS) -> dict[str, Study]:
    """All studies a query returns, following ``nextPageToken`` from page to page, by NCT id."""
    params = {**query, "fields": fields, "pageSize": str(PAGE_SIZE), "countTotal": "true", "format": "json"}
    studies: dict[str, Study] = {}
    for _ in range(MAX_PAGES):
        page = _get_json(f"{api_url}?{urllib.parse.urlencode(params)}")
        try:
            studies.update((s.nct_id, s) for s in map(_study, page["studies"]))
        except (KeyError, TypeError) as error:
            raise RegistryUnavailable(f"the answer is not in the documented shape (missing {error})") from error
        token = page.get("nextPageToken")
        if not token:
            return studies
        params["pageToken"] = token
    raise RegistryUnavailable(f"more than {MAX_PAGES} pages; stopped")


def screened_studies(screening_csv: Path) -> dict[str, dict[str, str]]:
    """ClinicalTrials.gov registrations in ``screening.csv``: NCT id -> its status and results as recorded."""
    recorded = {}
    with screening_csv.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for nct_id in NCT_RE.findall(row.get("registry_ids") or ""):
                recorded.setdefault(
                    nct_id,
                    {
                        "status": row["trial_status"],
                        "results": row["results"],
                        "study": row["study"],
                        "decision": row.get("decision", ""),
                    },
                )
    return recorded


def compare(
    registry: dict[str, Study], recorded: dict[str, dict[str, str]], known: dict[str, Study] | None = None
) -> Changes:
    """What the registry shows that ``screening.csv`` does not.

    ``registry`` is what the depression query returned (new registrations come from it); ``known``
    is what the registry returned for the screened ids themselves (status, results and vanished
    studies come from it). Without ``known``, the query's own answer stands in for it.
    """
    known = registry if known is None else known
    changes = Changes()
    changes.new = [study for nct_id, study in sorted(registry.items()) if nct_id not in recorded]
    for nct_id, study in sorted(known.items()):
        if nct_id not in recorded:
            continue
        was = recorded[nct_id]
        if was["status"] == NOT_READ and study.status != NOT_READ:
            changes.status_read.append(study)
        elif study.status != was["status"]:
            changes.status_changed.append((study, was["status"]))
        named = [measure for measure in study.outcomes if DEPRESSION_TERMS.search(measure)]
        if was["decision"] == AWAITING and named:
            changes.depression_outcomes.append((study, named))
        if study.has_results and "posted" not in was["results"]:
            changes.results_posted.append(study)
    changes.vanished = sorted(set(recorded) - set(known))
    return changes


def report_markdown(changes: Changes, recorded: dict[str, dict[str, str]], total: int) -> str:
    """The report a person reads: what changed, each with its registry link; nothing is changed in the book."""

    def link(nct_id: str) -> str:
        return f"[{nct_id}](https://clinicaltrials.gov/study/{nct_id})"

    lines = [
        "# Registry watch: ClinicalTrials.gov",
        "",
        f"The query returned {total} studies of MDMA mentioning depression or mood. "
        "Compared with `data/screening.csv`. Review each item and, if it matters, update the screening file "
        "and the book by hand; this watch changes nothing itself.",
        "",
    ]
    if not changes:
        return "\n".join([*lines, "No new registration, status change, posted result or vanished study."]) + "\n"
    sections = (
        (
            "New registrations (not in screening.csv)",
            [f"- {link(s.nct_id)}: {s.title} ({s.status})" for s in changes.new],
        ),
        (
            "Status changes",
            [
                f"- {link(s.nct_id)} ({recorded[s.nct_id]['study']}): {was} -> {s.status}"
                for s, was in changes.status_changed
            ],
        ),
        (
            "Results posted",
            [f"- {link(s.nct_id)} ({recorded[s.nct_id]['study']}): {s.title}" for s in changes.results_posted],
        ),
        (
            "No longer returned when asked for by its own number (withdrawn from the registry or renamed)",
            [f"- {link(n)} ({recorded[n]['study']})" for n in changes.vanished],
        ),
        (
            "Status read for the first time (the screening file says UNKNOWN: not read)",
            [f"- {link(s.nct_id)} ({recorded[s.nct_id]['study']}): {s.status}" for s in changes.status_read],
        ),
        (
            "Awaiting classification, and the registered outcomes name a depression measure",
            [
                f"- {link(s.nct_id)} ({recorded[s.nct_id]['study']}): " + "; ".join(named)
                for s, named in changes.depression_outcomes
            ],
        ),
    )
    for heading, items in sections:
        if items:
            lines += [f"## {heading}", "", *items, ""]
    return "\n".join(lines)


def unavailable_markdown(error: RegistryUnavailable) -> str:
    return (
        "# Registry watch: ClinicalTrials.gov\n\n"
        f"The API could not be read this week: {error}. No comparison was made; the next scheduled run will try again.\n"
    )


def _append(path_variable: str, text: str) -> None:
    path = os.environ.get(path_variable)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)


def main(argv: list[str] | None = None) -> int:
    """Compare, write the report (and the GitHub step summary and outputs); always return 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--screening", type=Path, default=Path("data/screening.csv"))
    parser.add_argument("--report", type=Path, default=Path("registry-watch-report.md"))
    parser.add_argument("--api-url", default=os.environ.get("REGISTRY_WATCH_API_URL", API_URL))
    args = parser.parse_args(argv)
    recorded = screened_studies(args.screening)
    try:
        registry = fetch_studies(args.api_url)
        known = fetch_known(list(recorded), args.api_url)
    except RegistryUnavailable as error:
        text, outcome = unavailable_markdown(error), "unavailable"
    else:
        changes = compare(registry, recorded, known)
        text, outcome = report_markdown(changes, recorded, len(registry)), "changes" if changes else "no-changes"
    args.report.write_text(text, encoding="utf-8")
    _append("GITHUB_STEP_SUMMARY", text)
    _append("GITHUB_OUTPUT", f"outcome={outcome}\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
