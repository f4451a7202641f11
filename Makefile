# Two commands on a fresh machine: `make run` serves, `make test` tests. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test models bench bench-quick clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "wirebrief needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Fetch missing default models (fails fast and explains when the hub is unreachable), then serve.
run: install
	-$(BIN)/wirebrief models pull
	$(BIN)/wirebrief serve

## The test suite, offline: tests build their own tiny models.
test: install
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

models: install
	$(BIN)/wirebrief models list

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

## Benchmarks (random weights with the real models' dimensions): results in docs/PERFORMANCE.md
bench: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.run

bench-quick: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.run --quick
