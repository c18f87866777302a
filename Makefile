# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_AS_OF := 2025-01-21

.PHONY: install demo demo-data demo-google memo-sample test faults lint clean

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@

install: $(INSTALLED)

demo/workbooks: | $(INSTALLED)
	$(BIN)/python demo/make_demo.py --out demo/workbooks

demo-data: demo/workbooks

demo: install demo-data
	$(BIN)/python cli.py sync --config config/demo.yaml --as-of $(DEMO_AS_OF)

# The same demo on the local Google-Sheets-compatible server (tests/sheets_server): init, sync twice.
demo-google: install demo-data
	$(BIN)/python demo/google_demo.py --as-of $(DEMO_AS_OF)

# A sample district reminder and provincial summary as A4 PDFs, with a PNG of each first page and the
# HTML, in demo/output/memo-sample (nothing is sent).
memo-sample: install demo-data
	$(BIN)/python demo/memo_sample.py --config config/demo.yaml --as-of $(DEMO_AS_OF) --out demo/output/memo-sample

test: install
	$(BIN)/python -m pytest

# The fault catalogue of issue 11 (tests/faults): every fault against the real components (the local
# Sheets server, aiosmtpd, kill -9, hostile workbooks and configs), one line each, then the closing line.
# `python -m tests.faults --help` for --fast, --only, --json.
faults: install
	$(BIN)/python -m tests.faults

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf demo/workbooks demo/output .pytest_cache
