"""``make lab``: JupyterLab on the teaching notebooks, with the address that opens the evidence chapter.

JupyterLab opens a copy of the teaching notebooks (``_build/teaching/``), never the
chapters in ``book/``: its autosave would otherwise rewrite the chapters' jupytext
header in git. The server listens on 127.0.0.1 only, with a fresh token, on the first
free port from 8888; this prints the full address of the evidence chapter (chapter 3) before it
starts, and how to reach it from another machine (an SSH tunnel).

Binder has no built book: its ``binder/postBuild`` runs ``python -m mdma_book.lab FOLDER
--download``, which copies the published teaching notebooks from the hosted book into
FOLDER (:data:`TEACHING_FOLDER`, where the chapters' Binder links open them) and starts nothing.

Usage: ``python -m mdma_book.lab FOLDER [--port N] [--token T] [--first NAME] [-- extra jupyter lab options]``
or ``python -m mdma_book.lab FOLDER --download [--site URL]``
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import yaml

FIRST_CHAPTER = "03-evidence.ipynb"
#: Where ``make lab`` and Binder's postBuild put the teaching notebooks, from the repository's root.
TEACHING_FOLDER = "_build/teaching"
ROOT = Path(__file__).resolve().parents[2]


def published_pages(root: Path = ROOT) -> list[str]:
    """The table of contents' pages that the build publishes as teaching notebooks (``book/03-evidence``):
    those written as notebooks (MyST Markdown with a jupytext header)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))

    def files(node) -> list[str]:
        if isinstance(node, dict):
            return ([node["file"]] if "file" in node else []) + [f for v in node.values() for f in files(v)]
        return [f for item in node for f in files(item)] if isinstance(node, list) else []

    pages = [toc["root"], *files(toc.get("parts", []))]
    return [p for p in pages if (root / f"{p}.md").read_text(encoding="utf-8").startswith("---\njupytext")]


def hosted_book(root: Path = ROOT) -> str:
    """The hosted book's address, ending in "/", from _config.yml's repository.url: its GitHub Pages
    project site, as ``mdma_book.site.extension.site_url`` derives it (the package outside ``site``
    does not import the site; tests/test_live_setup.py checks the two agree)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    owner, repo = urlparse(config["repository"]["url"]).path.strip("/").split("/")[:2]
    host = f"{owner.lower()}.github.io"
    return f"https://{host}/" if repo.lower() == host else f"https://{host}/{repo}/"


def download_published(folder: Path, site: str, pages: list[str]) -> list[Path]:
    """Copy each page's published teaching notebook (``<site>_sources/<page>.ipynb``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for page in pages:
        url = f"{site}_sources/{page}.ipynb"
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                notebook = nbformat.reads(response.read().decode("utf-8"), as_version=4)
        except (OSError, ValueError) as error:
            raise SystemExit(
                f"Could not download the teaching notebook {url}: {error}. It is published with the book "
                "(gh-pages); the Binder image needs the internet and a published book."
            ) from None
        target = folder / f"{Path(page).name}.ipynb"
        nbformat.write(notebook, target)
        written.append(target)
    return written


def free_port(start: int = 8888, host: str = "127.0.0.1") -> int:
    """The first port from ``start`` that nothing listens on."""
    for port in range(start, start + 100):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {start} and {start + 99} on {host}")


def command(folder: Path, port: int, token: str, first: str, extra: list[str]) -> list[str]:
    """The ``jupyter lab`` command line: this folder as its root, 127.0.0.1, the port and token given."""
    root_flag = ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    return [
        str(Path(sys.executable).with_name("jupyter")),
        "lab",
        f"--ServerApp.root_dir={folder}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        *root_flag,
        *extra,
        str(folder / first),
    ]


def message(port: int, token: str, first: str) -> str:
    url = f"http://127.0.0.1:{port}/lab/tree/{first}?token={token}"
    return (
        f"\nOpen the evidence chapter (chapter 3): {url}\n"
        f"JupyterLab listens on this machine only (127.0.0.1). From another machine, forward the port\n"
        f"over SSH first: ssh -N -L {port}:127.0.0.1:{port} <you>@<this machine>, then open the address\n"
        f"above there. The notebooks are copies in the folder JupyterLab shows; book/ is never opened.\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--port", type=int)
    parser.add_argument("--token", default="")
    parser.add_argument("--first", default=FIRST_CHAPTER)
    parser.add_argument("--download", action="store_true", help="copy the published teaching notebooks, start nothing")
    parser.add_argument("--site", help="the hosted book's address (default: from _config.yml)")
    args, extra = parser.parse_known_args(argv)
    folder = args.folder.resolve()
    if args.download:
        written = download_published(folder, args.site or hosted_book(), published_pages())
        print(f"{len(written)} teaching notebooks in {folder}")
        return
    if not (folder / args.first).exists():
        raise SystemExit(f"{folder / args.first} does not exist: run `make book` first (`make lab` does).")
    port = args.port or free_port()
    token = args.token or secrets.token_hex(24)
    print(message(port, token, args.first), flush=True)
    cmd = command(folder, port, token, args.first, [a for a in extra if a != "--"])
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
