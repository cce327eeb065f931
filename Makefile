# The two commands: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := ffmpeg chromium

.PHONY: run test lint venv system-deps bench clean screenshots messages

$(BIN)/xtplay: pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { $(MAKE) --no-print-directory apt-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

venv: $(BIN)/xtplay

# Debian packages the app and its tests use, installed only when missing (CI runs as root).
system-deps:
	@missing=""; \
	command -v ffmpeg >/dev/null || missing="$$missing ffmpeg"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

apt-venv:
	@if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv >/dev/null

run: venv
	@command -v ffmpeg >/dev/null || $(MAKE) --no-print-directory system-deps
	$(BIN)/xtplay demo

test: venv system-deps lint
	$(BIN)/python -m pytest -q -ra

# Static checks, part of `make test`: ruff on the whole tree, mypy on the package.
lint: venv
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: venv system-deps
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

# Every page at 1920×1080 and 390×844 into docs/screenshots/ (the README shows some).
screenshots: venv system-deps
	$(BIN)/python docs/screenshots.py

# The sentences of the sources into the template, then into every language's catalog (README: Languages).
messages: venv
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k tr --no-location --sort-output --project xtplay \
		--version 0.1.0 --copyright-holder xtplay -o src/xtplay/locale/messages.pot .
	$(BIN)/pybabel update -i src/xtplay/locale/messages.pot -d src/xtplay/locale --no-fuzzy-matching --ignore-obsolete
