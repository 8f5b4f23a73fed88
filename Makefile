# accord: two commands on a fresh machine — `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := demo.duckdb

.PHONY: install demo test lint bench-eval clean lock

install: $(STAMP)

# requirements.lock pins every package by version and sha256 (spaCy's English model included).
# It is installed with --no-deps: the lock is complete, so pip resolves nothing and a release the
# index publishes later (or an old bundled pip resolving an extra against it) cannot break a
# fresh machine; `pip check` then proves the installed set is consistent.
$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		-r requirements.lock
	$(BIN)/python -m pip check
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

demo: $(STAMP)
	rm -f $(DEMO_DB)
	$(BIN)/accord code examples/articles --db $(DEMO_DB)
	@echo "== events =="
	$(BIN)/accord events --db $(DEMO_DB) --format table
	@echo "== dyads =="
	$(BIN)/accord top-dyads --db $(DEMO_DB)

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench-eval: $(STAMP)
	$(BIN)/python bench/plv_eval.py

clean:
	rm -rf $(VENV) $(DEMO_DB) .pytest_cache

# Re-pin after changing dependencies in pyproject.toml (needs pip-tools in the venv).
lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra dev --strip-extras \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml requirements-build.in
