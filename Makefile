# Quick start: `make demo` then `make test`. Needs Python 3.11+ and make; everything else is installed here.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SAMPLE := fixtures/pdf/seed-docx.pdf

.PHONY: demo test lint install test-deps lint-deps fixtures samples system-deps bench-perf bench-startup catalog clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip 2>/dev/null || true
	$(PIP) install --quiet --disable-pip-version-check -e .
	touch $@

install: $(VENV)/.installed

demo: install
	@echo "== auditing the bundled seed report ($(SAMPLE)) =="
	@$(VENV)/bin/auditor check $(SAMPLE); code=$$?; echo; \
	if [ $$code -eq 1 ]; then echo "Done: the seed report has errors (exit code 1), as it should."; \
	elif [ $$code -eq 0 ]; then echo "Done: no findings at the gate (exit code 0)."; \
	else echo "The demo could not audit the sample (exit code $$code)."; exit $$code; fi; \
	echo "Run the auditor yourself: .venv/bin/auditor check REPORT.pdf (or: . .venv/bin/activate, then auditor ...)"

$(VENV)/.test-deps: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[test]"
	touch $@

test-deps: $(VENV)/.test-deps

test: test-deps
	$(PY) -m pytest -p no:cacheprovider tests

$(VENV)/.lint-deps: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e ".[lint]"
	touch $@

lint-deps: $(VENV)/.lint-deps

# Layers (import-linter contracts in pyproject.toml), ruff and mypy: all must report 0 problems
lint: lint-deps
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check auditor rules
	$(VENV)/bin/mypy

# Regenerate fixture PDFs (needs LibreOffice and Chromium: see scripts/install-system-deps.sh)
fixtures: test-deps
	$(PY) -m fixtures.generate

# The external check against ../shared/samples
samples: install
	$(PY) ../shared/tools/score-samples --auditor $(VENV)/bin/auditor

system-deps:
	bash scripts/install-system-deps.sh

# Compile the message catalogues (auditor/locale/*.po -> .mo) after editing them; a stale .mo is ignored (slower)
catalog: install
	$(PY) -m auditor.i18n compile

# Speed and memory of `auditor check` against a bare pdfplumber pass (10, 50 and 300-page reports), then start-up
bench-perf: test-deps
	$(PY) fixtures/perf_bench.py
	$(PY) bench/startup.py

# Cold start (--version, --help, check of 1, 7 and 13 pages) against bare pdfplumber and pypdfium2 passes, the warm
# ratio and the batch speed-up (median of 7)
bench-startup: test-deps
	$(PY) bench/startup.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
