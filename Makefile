# Two commands on a fresh machine (only Python ≥ 3.11 and make): `make run`, `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CONFIG ?= feeds.toml

.PHONY: install install-test install-axe run test lint typecheck demo bench bench-extract bench-poll bench-deliver bench-serve bench-rhythm smoke clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# axe-core for tests/browser, as its package-lock.json pins it. Without npm nothing is
# installed: the browser tests then skip (and fail under CI, which installs npm).
tests/browser/node_modules/.installed: tests/browser/package-lock.json
	if command -v npm >/dev/null; then \
	  npm ci --prefix tests/browser --no-audit --no-fund --loglevel=error && touch $@; fi

install-axe: tests/browser/node_modules/.installed

run: install
	$(PY) -m syndicator run --config $(CONFIG)

demo: install
	$(PY) -m syndicator demo

lint: install-test
	$(VENV)/bin/ruff check syndicator tests bench
	$(VENV)/bin/ruff format --check syndicator tests bench
	$(VENV)/bin/hadolint Dockerfile

typecheck: install-test
	$(VENV)/bin/mypy

test: lint typecheck install-axe
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Figures, never assertions: correctness is the golden test's job, speed is the machine's.
bench:  # one after the other, even under -j: the poll round must not share the CPU
	$(MAKE) bench-extract
	$(MAKE) bench-poll
	$(MAKE) bench-deliver
	$(MAKE) bench-serve
	$(MAKE) bench-rhythm

bench-extract: install-test
	$(PY) -m bench.extract

# 1,000 unchanged sources on 127.0.1.1-100: a poll round's wall, CPU and requests (≤ 5 min).
bench-poll: install-test
	$(PY) -m bench.poll

# One release to 500 local webhooks answering in 50 ms: ours beside Apprise's notify() (< 2 min).
bench-deliver: install-test
	$(PY) -m bench.deliver

# Cached feeds from a 1k and a 100k store beside nginx serving the same bytes, via wrk (< 2 min).
bench-serve: install-test
	$(PY) -m bench.serve

# A year of a city's releases, adaptive polling beside fixed intervals (simulated: seconds).
bench-rhythm: install-test
	$(PY) -m bench.rhythm

# The package as ops install it (no test extras, not editable): does every import resolve?
smoke:
	rm -rf build/smoke-venv
	$(PYTHON) -m venv build/smoke-venv
	build/smoke-venv/bin/python -m pip install --quiet .
	cd build && smoke-venv/bin/syndicator check-config ../$(CONFIG)
	cd build && smoke-venv/bin/python -c "import syndicator.scheduler, syndicator.demo.command, syndicator.inspection"
	rm -rf build/smoke-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache var tests/browser/node_modules
