"""The live set-up: JupyterLab, Binder and `make lab` open the teaching notebooks, with working extensions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import ROOT

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


def test_markdown_files_open_as_text_not_as_notebooks():
    """As Jupytext notebooks, book/03-evidence.md showed variable names and no disclaimer in Binder
    (README.md opened as a notebook too); the chapters' links open the teaching notebooks instead."""
    overrides = json.loads((ROOT / "binder" / "overrides.json").read_text())
    viewers = overrides.get("@jupyterlab/docmanager-extension:plugin", {}).get("defaultViewers", {})
    assert not {"markdown", "myst"} & set(viewers), viewers
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false"}


def test_make_lab_opens_the_teaching_copies_never_book():
    """JupyterLab's autosave rewrote every chapter it opened through jupytext; `make lab` must not open book/."""
    plan = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "binder/overrides.json" in plan and "share/jupyter/lab/settings/overrides.json" in plan
    launch = next(line for line in plan.splitlines() if "mdma_book.lab" in line)
    assert launch.split()[-1] == "_build/teaching", launch
    assert "book/" not in launch and " ." not in launch
    copy = next(line for line in plan.splitlines() if line.startswith("cp "))
    assert "_build/html/_sources/book/" in copy and copy.split()[-1].startswith("_build/teaching")


def test_lab_launcher_serves_only_its_folder_on_127_0_0_1_and_prints_the_chapter_address(tmp_path):
    from mdma_book import lab

    cmd = lab.command(tmp_path, 8890, "tok", "03-evidence.ipynb", [])
    assert f"--ServerApp.root_dir={tmp_path}" in cmd and "--ServerApp.ip=127.0.0.1" in cmd
    assert cmd[-1] == str(tmp_path / "03-evidence.ipynb")
    text = lab.message(8890, "tok", "03-evidence.ipynb")
    assert "http://127.0.0.1:8890/lab/tree/03-evidence.ipynb?token=tok" in text
    assert "ssh -N -L 8890:127.0.0.1:8890" in text
    assert "Open the evidence chapter (chapter 3):" in text  # 03-evidence is not the first chapter


def test_binder_post_build_installs_the_package_and_the_setting():
    script = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-deps -e ." in script and "overrides.json" in script
    # The chapters' Binder links open _build/teaching/<chapter>.ipynb: postBuild must put them there.
    from mdma_book.lab import TEACHING_FOLDER

    assert f"python -m mdma_book.lab {TEACHING_FOLDER} --download" in script
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111


def test_repo2docker_builds_python_3_11_with_the_pinned_requirements_and_the_package():
    """The Dockerfile repo2docker would build for Binder (`--no-build`: no Docker daemon needed).

    With a binder/ folder, repo2docker reads only binder/ files: before binder/runtime.txt and
    binder/requirements.txt it chose Python 3.10, installed nothing and postBuild failed
    ("requires a different Python: 3.10.13 not in '>=3.11'").
    """
    repo2docker = Path(sys.executable).with_name("jupyter-repo2docker")
    rendered = subprocess.run(
        [str(repo2docker), "--no-build", "--debug", str(ROOT)], capture_output=True, text=True, timeout=300
    )
    assert rendered.returncode == 0, rendered.stderr[-2000:]
    dockerfile = rendered.stdout + rendered.stderr
    version = re.search(r"python=(\d+)\.(\d+)", dockerfile)
    assert version and (int(version[1]), int(version[2])) >= (3, 11), dockerfile[:500]
    lines = dockerfile.splitlines()
    copy_all = next(i for i, line in enumerate(lines) if re.match(r"COPY --chown=\S+ src/ \$\{REPO_DIR\}/", line))
    install = next(
        i for i, line in enumerate(lines) if 'pip install --no-cache-dir -r "binder/requirements.txt"' in line
    )
    post_build = next(i for i, line in enumerate(lines) if line.strip() == "RUN ./binder/postBuild")
    # binder/requirements.txt names ../requirements.txt, so the whole repository must be there first.
    assert copy_all < install < post_build
    assert (ROOT / "binder" / "requirements.txt").read_text().split() == ["-r", "../requirements.txt"]


def test_binder_download_copies_every_published_teaching_notebook(built_html, site_url, tmp_path):
    """What Binder's postBuild runs, against the built book served on 127.0.0.1 instead of the hosted one."""
    folder = tmp_path / "_build" / "teaching"
    run = subprocess.run(
        [sys.executable, "-m", "mdma_book.lab", str(folder), "--download", "--site", f"{site_url}/"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    published = {p.name: p for p in (built_html / "_sources" / "book").glob("*.ipynb")}
    assert {p.name for p in folder.glob("*.ipynb")} == set(published)
    for name, source in published.items():
        assert json.loads((folder / name).read_text()) == json.loads(source.read_text()), name


def test_binder_download_says_what_failed_when_the_book_is_not_reachable(tmp_path):
    from mdma_book import lab

    with pytest.raises(
        SystemExit, match=r"Could not download the teaching notebook http://127\.0\.0\.1:9/_sources/book/"
    ):
        lab.download_published(tmp_path, "http://127.0.0.1:9/", ["book/03-evidence"])


def test_binder_download_reads_the_hosted_books_address_as_the_build_derives_it():
    from mdma_book import lab
    from mdma_book.site.extension import site_url

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert lab.hosted_book() == site_url(config["repository"]["url"])
