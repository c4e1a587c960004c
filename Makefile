# Two entry points for a fresh machine: `make report` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: report test lint format typecheck bench example templates office clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Build the committee packs for the shipped example (Frederiksberg 2019) and print where they are.
report: $(STAMP)
	$(BIN)/reportgen run

## Run the checks (ruff, the formatter in check mode, strict mypy) and the whole test suite, on every core.
test: lint typecheck
	$(BIN)/python -m pytest -q -n auto

## Lint and format check (no changes made); `make format` applies the formatter.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Install LibreOffice (headless), poppler-utils and the fonts Carlito and Caladea (metric-compatible with Calibri and
## Cambria, so a PDF keeps the Word layout), so the tests also open the outputs in a real client and read the PDFs.
## Installs only what is missing. Best effort: needs root and apt.
office:
	@need=""; \
	command -v soffice >/dev/null 2>&1 || need=" libreoffice-writer-nogui libreoffice-calc-nogui python3-uno"; \
	command -v pdftotext >/dev/null 2>&1 || need="$$need poppler-utils"; \
	fc-list 2>/dev/null | grep -q Carlito || need="$$need fonts-crosextra-carlito"; \
	fc-list 2>/dev/null | grep -q Caladea || need="$$need fonts-crosextra-caladea"; \
	if [ -z "$$need" ]; then echo "LibreOffice, poppler-utils and the fonts Carlito and Caladea are installed"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need \
			>/dev/null) || echo "could not install$$need; the tests that need them will be skipped"; \
	else echo "not installed (needs root and apt-get):$$need; the tests that need them will be skipped"; fi

typecheck: $(STAMP)
	$(BIN)/python -m mypy reportgen tests bench

## Regenerate the shipped example inputs and the default templates.
example: $(STAMP)
	$(BIN)/python inputs/make_example.py
	$(BIN)/python examples/kalundborg-2019/make_example.py
	$(BIN)/python examples/silkeborg-2018/make_example.py
templates: $(STAMP)
	$(BIN)/python templates/build_templates.py

## Benchmarks (generate data under bench/data, print a table); DuckDB, the economy baseline, is installed first.
$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache
