"""The teaching notebooks in a real JupyterLab, driven in Debian's chromium as a teacher would use them.

JupyterLab starts through ``python -m mdma_book.lab`` (what ``make lab`` runs) on
127.0.0.1 with a token and a free port. Each notebook is opened, Run > Run All Cells
is clicked, and the rendered page is read: no error output, no glued value shown
as its variable name, no "Unknown Directive", the disclaimer, the references;
then a panel's control is changed and its plotly figure must change.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support import ROOT

from mdma_book.lab import free_port

pytestmark = pytest.mark.browser

SHOTS = ROOT / "_build" / "screenshots" / "jupyterlab"
#: Every notebook cell in the page (no windowing), and no news pop-up over the figures.
USER_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
#: The plotly data of the i-th figure inside a live panel, as a hash.
PANEL_FIGURE_DATA = """i => {
  const plots = [...document.querySelectorAll('.jp-OutputArea-output .widget-vbox .js-plotly-plot')];
  return plots[i] ? JSON.stringify(plots[i].data.map(t => [t.x, t.y, t.opacity, t.visible, t.marker])) : null;
}"""


@pytest.fixture(scope="module")
def lab(built_html, tmp_path_factory):
    """JupyterLab on copies of the teaching notebooks; yields (base URL, token, folder)."""
    folder = tmp_path_factory.mktemp("teaching")
    for notebook in (built_html / "_sources" / "book").glob("*.ipynb"):
        shutil.copy(notebook, folder / notebook.name)
    settings = tmp_path_factory.mktemp("lab-settings")
    for name, value in USER_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(value))
    port, token = free_port(18888), "teaching-test-token"
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path_factory.mktemp("workspaces")),
        "JUPYTER_RUNTIME_DIR": str(tmp_path_factory.mktemp("runtime")),
    }
    log = (tmp_path_factory.mktemp("log") / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "mdma_book.lab", str(folder), "--port", str(port), "--token", token, "--no-browser"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                server.kill()
                pytest.fail(f"JupyterLab did not start: {Path(log.name).read_text()[-3000:]}")
            time.sleep(0.5)
    yield base, token, folder, Path(log.name)
    server.terminate()
    server.wait(timeout=30)


def glue_names(chapter: str) -> set[str]:
    store = ROOT / "_build" / "jupyter_execute" / "book" / f"{chapter}.glue.json"
    return set(json.loads(store.read_text()))


def run_all(context, base: str, token: str, chapter: str):
    """Open the chapter's teaching notebook in ``context``, click Run > Run All Cells, wait for every cell; return the page."""
    page = context.new_page()
    external = []

    def route(route):
        if route.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    # A workspace of its own, reset: JupyterLab would otherwise reopen the previous test's notebook too.
    page.goto(f"{base}/lab/workspaces/{chapter}/tree/{chapter}.ipynb?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
    # The kernel must be connected before Run All, or JupyterLab asks which kernel to start.
    page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(timeout=90_000)
    page.wait_for_timeout(2000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        # Every visible prompt numbered (hidden-input cells show none) and none waiting ("[*]", "[ ]").
        page.wait_for_function(
            """() => {
              const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
                .map(p => p.textContent.trim()).filter(t => t);
              return prompts.length > 0 && prompts.every(t => /^\\[\\d+\\]:$/.test(t));
            }""",
            timeout=300_000,
        )
    except Exception:
        page.screenshot(path=str(SHOTS / f"{chapter}-run-all-timed-out.png"), full_page=True)
        prompts = page.evaluate("() => [...document.querySelectorAll('.jp-InputPrompt')].map(p => p.textContent)")
        dialogs = page.locator(".jp-Dialog").all_inner_texts()
        raise AssertionError(f"Run All did not finish: prompts {prompts}, dialogs {dialogs}") from None
    page.wait_for_timeout(1500)  # the last outputs (plotly, widgets) draw
    page.external = external
    return page


@pytest.mark.parametrize("chapter", ["03-evidence", "02-mechanism"])
def test_teaching_notebook_runs_and_reads_right_in_jupyterlab(new_context, lab, chapter):
    base, token, folder, log = lab
    page = run_all(new_context(viewport={"width": 1366, "height": 900}), base, token, chapter)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{chapter}-after-run-all.png"))
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.all_inner_texts()[:3]
    text = page.locator(".jp-Notebook").evaluate("n => n.innerText")
    assert "Unknown Directive" not in text and "{glue" not in text and "{cite" not in text
    shown = {name for name in glue_names(chapter) if re.search(rf"(?<![\w/#-]){re.escape(name)}(?![\w-])", text)}
    assert shown == set(), f"glued values shown as their names: {sorted(shown)[:10]}"
    assert "Health information, not medical advice" in text and "emergency services" in text
    assert "References" in text and re.search(r"\(Mitchell et al\., 2021[;)]", text)
    assert page.locator(".jp-OutputArea-output .js-plotly-plot").count() >= 2
    # The book's plotly configuration: no plotly logo, no button that shares the chart.
    assert page.locator(".modebar-btn--logo").count() == 0
    assert page.locator(".modebar-btn[data-title*='Share'], .modebar-btn[data-title*='Cloud']").count() == 0
    assert page.external == []
    # The set-up cell is folded: JupyterLab shows only its title line, which says it needs the internet.
    setup = page.locator(".jp-Notebook .jp-CodeCell").first
    assert setup.locator(".jp-InputPlaceholder").count() == 1 and setup.locator(".jp-Editor").count() == 0
    assert setup.inner_text().startswith("#@title Set-up") and "needs the internet" in setup.inner_text()
    change_a_control_and_see_the_figure_change(page, chapter)


def change_a_control_and_see_the_figure_change(page, chapter: str) -> None:
    menu = page.locator(".jp-OutputArea-output .widget-vbox .widget-dropdown select").first
    menu.scroll_into_view_if_needed()
    # The menu shows its value (the mechanism panel's "All" was blank: a None option value).
    assert menu.evaluate("s => s.selectedIndex") >= 0 and menu.evaluate("s => s.value") != ""
    if chapter == "02-mechanism":
        assert menu.evaluate("s => s.options[s.selectedIndex].text") == "All"
    # One set of controls per figure: the panel's; the live figure has no plotly menu of its own.
    panel = page.locator(".jp-OutputArea-output .widget-vbox").first
    assert panel.locator(".updatemenu-container").count() == 0
    before = page.evaluate(PANEL_FIGURE_DATA, 0)
    assert before is not None
    index = menu.evaluate("s => s.selectedIndex")
    menu.select_option(index=1 if index == 0 else 0)
    page.wait_for_function(f"b => ({PANEL_FIGURE_DATA})(0) !== b", arg=before, timeout=30_000)
    page.screenshot(path=str(SHOTS / f"{chapter}-control-changed.png"))


def test_jupyterlab_saves_only_its_copies_never_book(lab):
    """What JupyterLab shows and saves is the teaching folder; book/ is outside its root."""
    base, token, folder, log = lab
    listing = json.load(urllib.request.urlopen(f"{base}/api/contents?token={token}"))
    names = {item["name"] for item in listing["content"]}
    assert "03-evidence.ipynb" in names and "book" not in names and not any(n.endswith(".md") for n in names)
    request = urllib.request.Request(f"{base}/api/contents/..%2Fbook?token={token}")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request)
