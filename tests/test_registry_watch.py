"""The registry watch, offline: recorded API v2 responses served from 127.0.0.1, never the network."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse

import pytest
from support import ROOT

from mdma_book import registry_watch

FIXTURES = ROOT / "tests" / "fixtures" / "registry_watch"
SCREENING = FIXTURES / "screening.csv"


class _Registry(http.server.BaseHTTPRequestHandler):
    """Answers /api/v2/studies with the scenario's recorded pages, chosen by pageToken."""

    scenario: dict[str | None, str | int | tuple[int, str]] = {}
    requests: list[dict[str, list[str]]] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urllib.parse.urlparse(self.path)
        query = urllib.parse.parse_qs(url.query)
        type(self).requests.append(query)
        token = (query.get("pageToken") or [None])[0]
        # A request for the screened ids (filter.ids) may have answers of its own: ("ids", pageToken).
        answer = self.scenario.get(("ids", token), self.scenario.get(token)) if "filter.ids" in query else None
        answer = answer if answer is not None else self.scenario.get(token)
        asked = set(",".join(query.get("filter.ids", [])).split(",")) - {""}
        if asked & set(self.scenario.get("refuse_ids", ())):  # as one report of the live API: a bad id fails the batch
            answer = (400, "bad_request.txt")
        if url.path != "/api/v2/studies" or answer is None:
            self.send_error(404)
        elif isinstance(answer, int):
            self.send_error(answer)
        elif isinstance(answer, tuple):  # (status, fixture file): an error with a recorded body
            status, name = answer
            body = (FIXTURES / name).read_bytes()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(body)
        else:
            body = (FIXTURES / answer).read_bytes() if answer.endswith(".json") else answer.encode()
            if asked and answer.endswith(".json"):  # the API returns only the studies asked for by id
                page = json.loads(body)
                ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in page["studies"]]
                page["studies"] = [s for s, n in zip(page["studies"], ids) if n in asked]
                body = json.dumps(page).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def registry():
    """A local API on 127.0.0.1; set ``.scenario`` to {pageToken: fixture file, status code or raw text}."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Registry.requests = []
    yield server, f"http://127.0.0.1:{server.server_address[1]}/api/v2/studies"
    server.shutdown()
    server.server_close()


def _run(registry, scenario, tmp_path, monkeypatch, screening=SCREENING) -> tuple[str, str, str]:
    server, url = registry
    _Registry.scenario = scenario
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    report = tmp_path / "report.md"
    code = registry_watch.main(["--screening", str(screening), "--report", str(report), "--api-url", url])
    assert code == 0
    return report.read_text(), summary.read_text(), output.read_text()


UNCHANGED = {None: "unchanged_page1.json", "page2": "unchanged_page2.json"}


def test_paging_follows_next_page_token_and_an_empty_diff_says_so(registry, tmp_path, monkeypatch):
    report, summary, output = _run(registry, UNCHANGED, tmp_path, monkeypatch)
    searched = [q.get("pageToken") for q in _Registry.requests if "filter.ids" not in q]
    assert searched == [None, ["page2"]]
    assert "returned 3 studies" in report and "No new registration" in report
    assert summary == report and output == "outcome=no-changes\n"


def test_the_query_asks_for_mdma_and_depression_in_the_documented_parameters(registry, tmp_path, monkeypatch):
    _run(registry, UNCHANGED, tmp_path, monkeypatch)
    first = _Registry.requests[0]
    assert "MDMA" in first["query.intr"][0] and "depression" in first["query.term"][0]
    assert first["format"] == ["json"] and first["countTotal"] == ["true"]


def test_a_status_change_is_reported(registry, tmp_path, monkeypatch):
    report, _, output = _run(registry, {None: "status_change.json"}, tmp_path, monkeypatch)
    assert "## Status changes" in report and "NCT03537014) (MAPP1)" in report and "COMPLETED -> TERMINATED" in report
    assert output == "outcome=changes\n"


def test_posted_results_are_reported_once(registry, tmp_path, monkeypatch):
    report, _, _ = _run(registry, {None: "results_posted.json"}, tmp_path, monkeypatch)
    assert "## Results posted" in report and "NCT02427568" in report
    # MAPP2's results are already recorded as posted, so they are not news.
    assert "NCT04077437" not in report


def test_a_new_registration_is_reported(registry, tmp_path, monkeypatch):
    report, _, _ = _run(registry, {None: "new_study.json"}, tmp_path, monkeypatch)
    assert "## New registrations" in report and "NCT09999999" in report and "NOT_YET_RECRUITING" in report


def test_a_vanished_study_is_reported(registry, tmp_path, monkeypatch):
    report, _, _ = _run(registry, {None: "vanished.json"}, tmp_path, monkeypatch)
    assert "## No longer returned" in report and "NCT02427568) (Wolfson 2020)" in report


@pytest.mark.parametrize(
    "answer",
    [500, 503, "this is not json", "not_documented_shape.json", (400, "bad_request.txt")],
    ids=["server-error", "unavailable", "not-json", "wrong-shape", "recorded-bad-request"],
)
def test_an_api_failure_is_reported_and_exits_zero(registry, tmp_path, monkeypatch, answer):
    report, summary, output = _run(registry, {None: answer}, tmp_path, monkeypatch)
    assert "could not be read this week" in report and summary == report
    assert output == "outcome=unavailable\n"


def test_an_unreachable_api_is_reported_and_exits_zero(tmp_path, monkeypatch):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    port = server.server_address[1]
    server.server_close()  # nothing listens on this port now
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    report = tmp_path / "report.md"
    url = f"http://127.0.0.1:{port}/api/v2/studies"
    assert registry_watch.main(["--screening", str(SCREENING), "--report", str(report), "--api-url", url]) == 0
    assert "could not be read" in report.read_text()


def test_the_watch_reads_every_registration_of_the_real_screening_file():
    recorded = registry_watch.screened_studies(ROOT / "data" / "screening.csv")
    assert {"NCT03537014", "NCT04077437"} <= set(recorded)
    assert all(v["status"] for v in recorded.values())


def test_the_fixtures_are_in_the_documented_shape():
    for path in FIXTURES.glob("*.json"):
        body = json.loads(path.read_text())
        if path.name == "not_documented_shape.json":
            continue
        for study in body["studies"]:
            assert study["protocolSection"]["identificationModule"]["nctId"].startswith("NCT")
            assert "overallStatus" in study["protocolSection"]["statusModule"]


def test_the_workflow_is_weekly_manual_and_never_edits_the_book():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "registry-watch.yml").read_text())
    triggers = workflow[True]  # YAML reads the key `on` as True
    assert "schedule" in triggers and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "issues": "write"}
    steps = " ".join(str(step) for step in workflow["jobs"]["watch"]["steps"])
    assert "git push" not in steps and "git commit" not in steps and "gh issue create" in steps
    # One open issue per kind, commented on weekly (review R16): an unscreened finding is not reopened every
    # Monday, and an outage is reported on an issue, not only in the run's summary.
    assert "gh issue list --state open" in steps and "gh issue comment" in steps and "'unavailable'" in steps


def test_a_failure_on_a_later_page_is_reported_not_half_compared(registry, tmp_path, monkeypatch):
    """A registry that fails while paging must not be read as "studies vanished"."""
    report, _, output = _run(
        registry, {None: "unchanged_page1.json", "page2": (400, "bad_request.txt")}, tmp_path, monkeypatch
    )
    assert "could not be read this week" in report and "HTTP 400" in report and "No longer returned" not in report
    assert output == "outcome=unavailable\n"


def test_a_screened_study_the_depression_query_misses_is_asked_for_by_its_number(registry, tmp_path, monkeypatch):
    """Review R16 (M8): Wolfson 2020 is not in the depression query's answer, but asked for by id it is there."""
    scenario = {None: "vanished.json", ("ids", None): "unchanged_page1.json", ("ids", "page2"): "unchanged_page2.json"}
    report, _, output = _run(registry, scenario, tmp_path, monkeypatch)
    asked = [q for q in _Registry.requests if "filter.ids" in q]
    assert asked and set(asked[0]["filter.ids"][0].split(",")) == {"NCT02427568", "NCT03537014", "NCT04077437"}
    assert "query.term" not in asked[0]
    assert "No longer returned" not in report and output == "outcome=no-changes\n"


def test_a_status_change_outside_the_depression_query_is_seen(registry, tmp_path, monkeypatch):
    report, _, _ = _run(registry, {None: "vanished.json", ("ids", None): "status_change.json"}, tmp_path, monkeypatch)
    assert "COMPLETED -> TERMINATED" in report and "No longer returned" not in report


IDS_UNCHANGED = {None: "vanished.json", ("ids", None): "unchanged_page1.json", ("ids", "page2"): "unchanged_page2.json"}


def test_an_id_the_api_refuses_does_not_hide_the_others(registry, tmp_path, monkeypatch):
    """One report of the live API: a single unknown id fails a whole filter.ids batch with HTTP 400."""
    scenario = {**IDS_UNCHANGED, "refuse_ids": ["NCT02427568"]}
    report, _, output = _run(registry, scenario, tmp_path, monkeypatch)
    assert "## No longer returned" in report and "NCT02427568) (Wolfson 2020)" in report
    assert "NCT03537014" not in report.split("## No longer returned")[1] and output == "outcome=changes\n"


def test_when_every_id_is_refused_the_request_is_at_fault_not_the_studies(registry, tmp_path, monkeypatch):
    scenario = {**IDS_UNCHANGED, "refuse_ids": ["NCT02427568", "NCT03537014", "NCT04077437"]}
    report, _, output = _run(registry, scenario, tmp_path, monkeypatch)
    assert "could not be read this week" in report and "every screened id was refused" in report
    assert "No longer returned" not in report and output == "outcome=unavailable\n"


AWAITING_SCENARIO = {
    None: "unchanged_page1.json",
    "page2": "unchanged_page2.json",
    ("ids", None): "awaiting_outcomes.json",
}


def test_an_awaiting_record_whose_registered_outcomes_name_depression_is_flagged(registry, tmp_path, monkeypatch):
    """Review R16: the records awaiting classification are decided by their outcome lists, so the watch reads them."""
    report, _, output = _run(registry, AWAITING_SCENARIO, tmp_path, monkeypatch, FIXTURES / "screening_awaiting.csv")
    asked = next(q for q in _Registry.requests if "filter.ids" in q)
    assert "OutcomesModule" in asked["fields"][0]
    section = report.split("## Awaiting classification, and the registered outcomes name a depression measure")[1]
    assert "NCT04264026" in section and "Beck Depression Inventory-II (BDI-II)" in section
    assert "Pittsburgh" not in section and "NCT03537014" not in section  # an included study is not flagged
    assert output == "outcome=changes\n"


def test_a_status_recorded_as_not_read_is_reported_as_read_not_as_a_change(registry, tmp_path, monkeypatch):
    """UNKNOWN in screening.csv means "not read", which is also a registry status: reading it is not a change."""
    report, _, _ = _run(registry, AWAITING_SCENARIO, tmp_path, monkeypatch, FIXTURES / "screening_awaiting.csv")
    assert "## Status changes" not in report
    assert (
        "## Status read for the first time" in report and "NCT04264026) (VA refractory PTSD study): COMPLETED" in report
    )


def test_the_watch_uses_the_screening_files_own_words():
    """The watch is standard library only, so it cannot import the screening module; its copies must agree."""
    from mdma_book import datapackage, screening

    assert registry_watch.AWAITING == screening.AWAITING
    assert registry_watch.NOT_READ in datapackage.enum("screening", "trial_status")
