# Two commands on a fresh machine: `make run` serves, `make test` tests. Both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install servers run test lint models pull screenshots bench bench-quick bench-workers bench-load eval-text eval-quality eval-desk clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "wirebrief needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Fetch the missing default models (sizes first, then progress; fails fast and explains when the hub is
## unreachable), then serve. The other models are optional: `.venv/bin/wirebrief models pull --all`.
run: install
	-$(BIN)/wirebrief models pull
	$(BIN)/wirebrief serve

## redis-server and PostgreSQL for the tests that start real servers, Chromium for the editor page's tests
## (Debian packages; needs root or sudo).
servers:
	@if command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  && [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    redis-server postgresql chromium >/dev/null; \
	else echo "!!! redis-server / postgresql / chromium missing and no root: the tests that need them will be SKIPPED"; fi

## The test suite, offline: tests build their own tiny models and start their own servers on 127.0.0.1.
test: install servers lint
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

## Lint, format, types and the layer contract (pyproject.toml): zero findings or the target fails.
lint: install
	$(BIN)/ruff check service testkit
	$(BIN)/ruff format --check service testkit
	$(BIN)/mypy
	$(BIN)/lint-imports

## What is on disk; `make pull` fetches the default models (PULL_ARGS="--lang de", "--all" ...)
models: install
	$(BIN)/wirebrief models list

pull: install
	$(BIN)/wirebrief models pull $(PULL_ARGS)

## The editor screenshots in docs/ (a live server with the tiny test models, Chromium from `make servers`)
screenshots: install servers
	HF_HUB_OFFLINE=1 $(BIN)/python -m tools.screenshots --out docs

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

## Benchmarks (random weights with the real models' dimensions): results in docs/PERFORMANCE.md
bench: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.run

bench-quick: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.run --quick

## 1 vs 2 `wirebrief worker` processes in distributed mode (docs/PERFORMANCE.md)
bench-workers: install servers
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.workers

## Many clients past capacity against a live server (docs/RELIABILITY.md)
bench-load: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m bench.load

## Text-layer measurements on public data you lay out under EVAL_DATA (see docs/TEXT-QUALITY.md for where each
## set comes from): writes docs/TEXT-QUALITY.md
EVAL_DATA ?= ../evaldata
eval-text: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[eval]'
	HF_HUB_OFFLINE=1 $(BIN)/python -m evals.text --data $(EVAL_DATA)

## The story desk's clustering (pairwise P/R/F1 on WikiRef220) and filing time at 10,000 stories (docs/DESK.md)
eval-desk: install
	HF_HUB_OFFLINE=1 $(BIN)/python -m evals.text.desk --data $(EVAL_DATA)

## Translation (FLORES-200 devtest) and summary (CNN/DailyMail test) quality with the real weights, from local
## files only (docs/QUALITY.md): make eval-quality FLORES=DIR CNNDM=FILE [EVAL_QUALITY_ARGS="--limit 200"]
eval-quality: install
	@test -n "$(FLORES)$(CNNDM)" || { echo "give FLORES=DIR (FLORES-200) and/or CNNDM=FILE (CNN/DM test csv/jsonl)"; exit 2; }
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m evals.quality $(if $(FLORES),--flores $(FLORES)) \
	  $(if $(CNNDM),--cnndm $(CNNDM)) --out docs/QUALITY-RESULTS.md --json docs/quality-results.json $(EVAL_QUALITY_ARGS)
