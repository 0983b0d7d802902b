# Two entry points for a fresh machine with Python 3.11 and make: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint format schemas clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

demo: $(VENV)/.installed
	@mkdir -p examples/output
	$(BIN)/poseconv convert examples/data/openfield-demo-2024-05-01/videos/mouse_pair_session1DLC_resnet50_openfieldMay1shuffle1_50000_el.h5 \
		-o examples/output/openfield_demo.nwb --metadata examples/demo_metadata.yaml --overwrite
	$(BIN)/poseconv inspect examples/output/openfield_demo.nwb
	$(BIN)/poseconv plot examples/output/openfield_demo.nwb -o examples/output/openfield_demo.png
	$(BIN)/poseconv convert examples/data/sleap-demo/flies.slp --fps 30 \
		-o examples/output/flies_demo.nwb --metadata examples/demo_metadata.yaml --overwrite
	$(BIN)/poseconv inspect examples/output/flies_demo.nwb
	$(BIN)/poseconv plot examples/output/flies_demo.nwb -o examples/output/flies_demo.png
	@echo "Wrote examples/output/: openfield_demo.nwb, flies_demo.nwb and their quick-look figures (.png)"

test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix src tests examples benchmarks
	$(BIN)/ruff format src tests examples benchmarks

clean:
	rm -rf $(VENV) examples/output .pytest_cache
