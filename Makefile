# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO_AS_OF := 2025-01-21

.PHONY: install demo demo-data demo-google demo-line memo-sample render test lint clean

# Each step prints one line, then its program's own output. pip's output (with the warnings of this
# machine's pip configuration) goes to $(VENV)/pip.log, and is printed in full only when pip fails.
$(INSTALLED): pyproject.toml constraints.txt
	@echo "install: $(VENV) with the pinned packages of constraints.txt (pip's log: $(VENV)/pip.log)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]" \
		>$(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; echo "install: pip failed (above; also in $(VENV)/pip.log)"; exit 1; }
	@touch $@

install: $(INSTALLED)
	@:

demo/workbooks: | $(INSTALLED)
	@$(BIN)/python demo/make_demo.py --out demo/workbooks

demo-data: demo/workbooks

demo: install demo-data
	@echo "sync: python cli.py sync --config config/demo.yaml --as-of $(DEMO_AS_OF)"
	@$(BIN)/python cli.py sync --config config/demo.yaml --as-of $(DEMO_AS_OF)

# The same demo on the local Google-Sheets-compatible server (tests/sheets_server): init, sync twice.
demo-google: install demo-data
	@echo "demo-google: python demo/google_demo.py --as-of $(DEMO_AS_OF)"
	@$(BIN)/python demo/google_demo.py --as-of $(DEMO_AS_OF)

# LINE groups on the local LINE-compatible server (tests/line_server): two syncs on a reminder and summary
# day (one push accepted but its answer lost), a day past most of the month's budget, and what each
# group received (also as bubbles in demo/output/line/received.html). Nothing goes to LINE.
demo-line: install demo-data
	$(BIN)/python demo/line_demo.py --as-of $(DEMO_AS_OF)

# A sample district reminder and provincial summary as A4 PDFs, with a PNG of each first page and the
# HTML, in demo/output/memo-sample (nothing is sent).
memo-sample: install demo-data
	@echo "memo-sample: demo/output/memo-sample"
	@$(BIN)/python demo/memo_sample.py --config config/demo.yaml --as-of $(DEMO_AS_OF) --out demo/output/memo-sample

# What people read, rendered the way they open it, as PNGs in demo/output/render: a district's status
# tab and the provincial summary printed by LibreOffice, a reminder memo's PDF and its HTML through
# Chromium (apt-get install libreoffice-calc-nogui chromium poppler-utils fonts-thai-tlwg).
render: demo
	$(BIN)/python demo/render.py --config config/demo.yaml --as-of $(DEMO_AS_OF) --out demo/output/render

test: install
	@echo "test: python -m pytest"
	@$(BIN)/python -m pytest

lint: install
	@echo "lint: ruff check ."
	@$(BIN)/ruff check .

clean:
	rm -rf demo/workbooks demo/output .pytest_cache
