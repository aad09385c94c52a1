"""The site layer: one folder, one guarded extension, imported by nothing outside it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from sphinx.errors import ExtensionError
from support import ROOT

import mdma_book.site as site

SITE = ROOT / "src" / "mdma_book" / "site"
CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```", re.S | re.M)


def _imports_of_site(source: str) -> list[str]:
    """The import statements in ``source`` that reach ``mdma_book.site``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name.startswith("mdma_book.site")]
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            # Relative: inside the package, ``from .site import x`` or ``from . import site``.
            if (node.module or "").split(".")[0] == "site" or any(a.name == "site" for a in node.names):
                found.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("mdma_book.site"):
                found.append(node.module)
            elif node.module == "mdma_book":
                found += [f"mdma_book.{a.name}" for a in node.names if a.name == "site"]
    return found


def _cells(chapter: Path) -> str:
    # IPython line magics and shell escapes are not Python; no chapter imports through them.
    cells = CODE_CELL.findall(chapter.read_text(encoding="utf-8"))
    return "\n".join(
        line for cell in cells for line in cell.splitlines() if not line.lstrip().startswith(("%", "!", ":"))
    )


def site_importers(root: Path = ROOT) -> dict[str, list[str]]:
    """Every module outside ``site/`` and every chapter (``book/*.md``, ``templates/*.md``) that imports the site."""
    found = {}
    site_dir = root / "src" / "mdma_book" / "site"
    for module in (root / "src" / "mdma_book").rglob("*.py"):
        if site_dir not in module.parents:
            found[str(module.relative_to(root))] = _imports_of_site(module.read_text(encoding="utf-8"))
    for chapter in [*(root / "book").glob("*.md"), *(root / "templates").glob("*.md")]:
        found[str(chapter.relative_to(root))] = _imports_of_site(_cells(chapter))
    return {name: imports for name, imports in found.items() if imports}


def test_no_chapter_panel_or_core_module_imports_the_site():
    assert site_importers() == {}


def test_the_import_check_sees_a_chapter_that_imports_the_site(tmp_path):
    # Guards the test above: the same check on a copy with one chapter reaching into the site.
    (tmp_path / "src" / "mdma_book" / "site").mkdir(parents=True)
    (tmp_path / "src" / "mdma_book" / "widgets.py").write_text("from mdma_book.site.plotly_mime import figure_html\n")
    (tmp_path / "src" / "mdma_book" / "prose.py").write_text("from .site import build\n")
    (tmp_path / "src" / "mdma_book" / "theme.py").write_text("from . import evidence, site\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "01.md").write_text("# A\n\n```{code-cell} ipython3\nfrom mdma_book import prose, site\n```\n")
    assert site_importers(tmp_path) == {
        "src/mdma_book/widgets.py": ["mdma_book.site.plotly_mime"],
        "src/mdma_book/prose.py": [".site"],
        "src/mdma_book/theme.py": ["."],
        "book/01.md": ["mdma_book.site"],
    }


def test_config_registers_the_site_as_the_books_one_extension_of_its_own():
    extensions = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["extra_extensions"]
    assert [name for name in extensions if name.startswith("mdma_book")] == ["mdma_book.site"]
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'plotly = "mdma_book.site.plotly_mime:PlotlyMimeRenderPlugin"' in pyproject


def test_installed_versions_are_those_the_site_was_written_for():
    site.check_versions()  # raises when a routine `make lock` moved Sphinx, the theme or myst-nb


class _App:
    """Stands in for Sphinx's application: the version check must stop setup before anything is registered."""

    def __getattr__(self, name):
        raise AssertionError(f"setup registered something ({name}) before checking the versions")


@pytest.mark.parametrize("package", sorted(site.WRITTEN_FOR))
def test_setup_stops_with_a_clear_message_when_a_version_differs(monkeypatch, package):
    real = site.installed_version
    monkeypatch.setattr(site, "installed_version", lambda name: "99.0.1" if name == package else real(name))
    expected = re.escape(f"{package} 99.0.1 (written for {site.WRITTEN_FOR[package]})")
    with pytest.raises(ExtensionError, match=expected):
        site.setup(_App())
