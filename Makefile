# Two commands on a fresh clone: `make reproduce` (the main job) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
# Leave empty for PyPI's torch (on Linux, the CUDA build: about 6 GB in .venv). For the CPU-only build (about 1 GB), e.g.
#   make install TORCH_INDEX=https://download.pytorch.org/whl/cpu
# (untested here: this project's machines can't reach that index).
TORCH_INDEX ?=
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# so nbdev, jupyter kernels and subprocesses all find the project's environment
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install reproduce test test-fast sync-check nbdev-test pytest notebooks readme bench lab clean

install: $(STAMP)

# Install when pyproject.toml's content changes (nbdev-export rewrites it, touching only its mtime);
# `-e` so freshly exported modules are used without reinstalling.
$(STAMP): pyproject.toml
	@if cmp -s pyproject.toml $(STAMP); then touch $(STAMP); else \
	  set -e; test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); \
	  echo "installing into $(VENV) ..."; \
	  $(BIN)/python -m pip install -q --upgrade pip; \
	  if [ -n "$(TORCH_INDEX)" ]; then $(BIN)/python -m pip install -q torch --index-url "$(TORCH_INDEX)"; fi; \
	  $(BIN)/python -m pip install -q -e ".[dev]"; \
	  cp pyproject.toml $(STAMP); fi

reproduce: $(STAMP)
	$(BIN)/hnlm reproduce

test: $(STAMP)
	$(MAKE) sync-check
	$(MAKE) nbdev-test
	$(MAKE) pytest

# nbdev-clean then nbdev-export must leave the working tree exactly as it was.
sync-check: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" tools/sync_check.sh

# `#| train` cells (trainings, and the checks that read their results) run here; `#| slow` ones (multi-seed) never do
nbdev-test: $(STAMP)
	$(BIN)/nbdev-test --flags train

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

# For editing: every notebook without its trainings, and the tests that train nothing. `make test` is the full suite.
test-fast: $(STAMP)
	$(MAKE) sync-check
	$(BIN)/nbdev-test
	$(BIN)/python -m pytest -q -m "not train"

# Run every notebook in a real Jupyter kernel and save its outputs, as they are committed (`#| slow` cells keep theirs;
# `.venv/bin/python tools/run_nbs.py --slow nbs/X.ipynb` reruns those too).
notebooks: $(STAMP)
	$(BIN)/python tools/run_nbs.py nbs/*.ipynb
	$(BIN)/nbdev-clean
	$(BIN)/python tools/readme.py

readme: $(STAMP)
	$(BIN)/python tools/readme.py

bench: $(STAMP)
	$(BIN)/python -m human_numbers_lm.bench --seeds 3 --whole 3 --book-script tools/book_chapter.py

# Open the notebooks in JupyterLab, in the project's environment.
lab: $(STAMP)
	$(BIN)/jupyter lab nbs

clean:
	rm -rf $(VENV) build dist *.egg-info
