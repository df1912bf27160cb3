# jixiao — the commands a new user runs. Only python3 and make are needed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DATA   ?= jixiao-data
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: install run test e2e lint bench accuracy browser formats virtuoso comunica clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q api graph ingest search ontology  # an editable install gets no .pyc
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install jixiao with its test extras

run: $(STAMP)  ## ingest the bundled sample tables and serve http://127.0.0.1:8000
	$(BIN)/jixiao ingest data/samples --data $(DATA)
	$(BIN)/jixiao serve --data $(DATA) --host $(HOST) --port $(PORT)

# Debian's chromium (and a CJK font, so screenshots show 汉字) for the browser test;
# where apt is not ours the browser test skips with its reason.
browser:
	@{ command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi -e wqy -e cjk; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) || \
	    echo "chromium not installed: browser tests will skip"; }

# Rebuild tests/data/formats (the sample as xlsx/xls/docx/pdf/html/csv) with LibreOffice headless.
# The files are committed, so the tests never need LibreOffice; this is for changing them.
formats: $(STAMP)
	@command -v soffice >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc libreoffice-writer fonts-wqy-microhei >/dev/null; }
	$(BIN)/python -m tests.formatgen

# Debian's Virtuoso (virtuoso-t) for the tests against a real SPARQL server (tests/virtuoso_server.py
# starts its own on free ports); where apt is not ours those tests skip with their reason.
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource >/dev/null) || \
	    echo "virtuoso-opensource not installed: Virtuoso tests will skip"; }

# Comunica (a SPARQL client researchers use; npm, MIT) for the client test against our endpoint.
# Version 4: version 5 needs Node 22 (zstd in undici); Debian's nodejs is 20.
COMUNICA := .cache/comunica/node_modules/.bin/comunica-sparql
comunica: $(COMUNICA)
$(COMUNICA):
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; } || true
	@command -v npm >/dev/null 2>&1 && mkdir -p .cache/comunica && \
	    npm install --prefix .cache/comunica --no-audit --no-fund --loglevel=error @comunica/query-sparql@4 >/dev/null || \
	    echo "npm not available: the Comunica client test will not run"

test: $(STAMP) browser virtuoso comunica  ## run the test suite
	$(BIN)/python -m pytest -q -m "not e2e"

e2e: $(STAMP) virtuoso  ## the Virtuoso end-to-end comparison at 400 and 800 tables (a 60-table one is in make test)
	$(BIN)/python -m pytest -q -m e2e

lint: $(STAMP)
	$(BIN)/ruff check .

$(VENV)/.bench-installed: $(STAMP) pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(STAMP) $(VENV)/.bench-installed  ## run the benchmark suite and update BENCHMARKS.md
	$(BIN)/python benchmarks/run_all.py

accuracy: $(STAMP)  ## score the parser on the real published tables (tests/data/realdata*; realdata_heldout and realdata_reserve as totals only)
	$(BIN)/python benchmarks/accuracy.py --set all --rows --benchmarks BENCHMARKS.md
	$(BIN)/python benchmarks/relayout.py

clean:
	rm -rf $(VENV) $(DATA) build *.egg-info
