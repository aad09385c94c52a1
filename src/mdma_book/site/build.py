"""Run the ``jupyter-book`` command line, skipping an import that costs seconds per build.

``jupyter-book`` validates ``_config.yml`` with jsonschema, and jsonschema, on import,
loads the optional IRI format checker ``rfc3987_syntax`` whenever it is installed
(JupyterLab's dependencies install it). That package compiles 38 lark grammars
at import: about 3 of the 4 seconds of a build with nothing to do. The book's
configuration schema checks no IRI formats, so the build marks the module absent,
which jsonschema already handles (it then leaves those formats unchecked).

Usage (the Makefile's ``book``): ``python -m mdma_book.jupyter_book build . -W -n --keep-going``.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    sys.modules.setdefault("rfc3987_syntax", None)  # import fails with ImportError; jsonschema skips it

    from jupyter_book.cli.main import main

    sys.exit(main())
