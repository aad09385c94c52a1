"""``make lab``: JupyterLab on the teaching notebooks, with the address that opens the first chapter.

JupyterLab opens a copy of the teaching notebooks (``_build/teaching/``), never the
chapters in ``book/``: its autosave would otherwise rewrite the chapters' jupytext
header in git. The server listens on 127.0.0.1 only, with a fresh token, on the first
free port from 8888; this prints the full address of the first chapter before it
starts, and how to reach it from another machine (an SSH tunnel).

Usage: ``python -m mdma_book.lab FOLDER [--port N] [--token T] [--first NAME] [-- extra jupyter lab options]``
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
from pathlib import Path

FIRST_CHAPTER = "03-evidence.ipynb"


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
        f"\nOpen the first chapter: {url}\n"
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
    args, extra = parser.parse_known_args(argv)
    folder = args.folder.resolve()
    if not (folder / args.first).exists():
        raise SystemExit(f"{folder / args.first} does not exist: run `make book` first (`make lab` does).")
    port = args.port or free_port()
    token = args.token or secrets.token_hex(24)
    print(message(port, token, args.first), flush=True)
    cmd = command(folder, port, token, args.first, [a for a in extra if a != "--"])
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
