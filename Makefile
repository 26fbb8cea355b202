# Two commands: `make run` serves the demo, `make test` runs every check.
SHELL := /bin/bash
PY := .venv/bin/python
FITCLAIM := .venv/bin/fitclaim
export FITCLAIM_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test setup demo lint typecheck pytest clean

setup: .venv/.installed chromium

.venv/.installed: pyproject.toml setup.py $(wildcard src/fitclaim/domain/*.py)
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Browser tests drive Debian's Chromium; nothing is downloaded by Playwright itself.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: /usr/bin/chromium is missing; browser tests will be skipped"; fi; \
	fi

demo: setup
	$(FITCLAIM) migrate --no-input
	$(FITCLAIM) demo

run: demo
	$(FITCLAIM) serve

lint: setup
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

typecheck: setup
	.venv/bin/mypy

pytest: setup
	.venv/bin/pytest -n 2 --dist loadgroup

test: lint typecheck pytest

clean:
	rm -rf .venv var build
