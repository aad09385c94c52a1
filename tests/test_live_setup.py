"""The live set-up: JupyterLab opens .md chapters as notebooks, with working extensions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

JUPYTER = Path(sys.executable).with_name("jupyter")


def test_lab_extensions_the_live_book_needs_are_installed_and_compatible():
    listing = subprocess.run([str(JUPYTER), "labextension", "list"], capture_output=True, text=True, check=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    for extension in (
        "jupyterlab-jupytext",
        "jupyterlab-plotly",
        "@jupyter-widgets/jupyterlab-manager",
        "jupyterlab-myst",
    ):
        line = next((row for row in text.splitlines() if extension in row), "")
        assert "enabled" in line and "OK" in line, f"{extension}: {line or 'not installed'}"
    assert "not compatible" not in text


def test_markdown_chapters_open_as_notebooks_by_default():
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}


def test_make_lab_installs_the_viewer_setting_and_starts_jupyterlab():
    plan = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "binder/overrides.json" in plan and "share/jupyter/lab/settings/overrides.json" in plan
    assert re.search(r"jupyter lab .*book/", plan)


def test_binder_post_build_installs_the_package_and_the_setting():
    script = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in script and "overrides.json" in script
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111
