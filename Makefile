# Two commands for a fresh machine with Python 3.11+, git and make:
#   make run    install briefing into .venv and open it on the bundled sample corpus
#   make test   install the test dependencies into .venv and run the whole suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck unit bench bench-bbc bench-42k eval clean

# The pip that Python ships, not upgraded: what pipx users and packagers have, so a
# dependency that only a newer pip resolves fails here first.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

run: $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	$(BIN)/briefing

test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/ruff check briefing tests bench
	$(BIN)/ruff format --check briefing tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2 -q

unit: $(BIN)/python
	$(BIN)/pytest -q tests/unit

# bench runs every benchmark: bench-bbc then bench-42k. Each writes its own section of
# bench/results.json and bench/results.md, so either can run alone. bench-bbc: BBC, a
# few minutes. bench-42k: every corpus in ../shared/corpora plus the 20 Newsgroups
# (unpacked to a temporary folder), built from scratch: ~15 min. BENCH_ARGS passes
# options, e.g. make bench-42k BENCH_ARGS="--reuse-home /tmp/bh42k".
bench: bench-bbc bench-42k

bench-bbc: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/tui_latency.py

eval: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python bench/analysis_eval.py

bench-42k: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python bench/big.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
