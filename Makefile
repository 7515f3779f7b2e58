# journeymap: `make demo` and `make test` each set up everything they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    := out

.PHONY: setup system system-test demo test test-fast lint bench bench-big docs schema-values clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

system:
	@sh scripts/system-deps.sh

system-test:
	@sh scripts/system-deps.sh --test

setup: system $(STAMP)

demo: setup
	@mkdir -p $(OUT)
	$(BIN)/journeymap validate examples/
	$(BIN)/journeymap validate examples/ --format sarif > $(OUT)/findings.sarif
	@echo "Wrote $(OUT)/findings.sarif"
	@for format in svg png pdf dot poster html mermaid; do \
		echo "$(BIN)/journeymap render examples/ --format $$format --out $(OUT)/"; \
		$(BIN)/journeymap render examples/ --format $$format --out $(OUT)/ || exit $$?; \
	done
	@echo "Rendered every example as svg, png, pdf, dot, poster (.poster.pdf), html and mermaid (.mmd) into $(OUT)/"
	$(BIN)/journeymap site examples/ --out $(OUT)/site
	$(BIN)/journeymap measure examples/online-shop.journey.yaml --format markdown --out $(OUT)/online-shop.measures.md
	$(BIN)/journeymap measure examples/online-shop.journey.yaml --format json --out $(OUT)/online-shop.measures.json
	$(BIN)/journeymap render examples/online-shop.journey.yaml --format poster --measures $(OUT)/online-shop.measures.json \
		--out $(OUT)/online-shop.measured.poster.pdf
	@echo "Open $(OUT)/site/index.html for the catalog of every example."

test: system-test $(STAMP)
	$(BIN)/python -m pytest -q

# the unit tests, in well under a minute: no property, hostile-input, poster or browser tests
test-fast: system $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow and not chromium"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python bench/run.py

# the same, and measure over a generated 100-million-event log within 2 GB (several minutes)
bench-big: setup
	$(BIN)/python bench/run.py --big

docs: $(STAMP)
	$(BIN)/python -m journeymap rules --format markdown > docs/rules.md

# after changing src/journeymap/data/journeymap.schema.json: its value lists and limits for the code,
# and the library format's copy in schemas/ that editors point at (schemas/journeymap.schema.json is a
# link to the package's own file, so it never goes stale)
schema-values: $(STAMP)
	$(BIN)/python scripts/schema_values.py
	$(BIN)/python -m journeymap schema --library > schemas/journeymap.library.schema.json

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/data
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
