# Two entry points for a fresh machine with Python 3.11 and make: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test fuzz lint format schemas clean forms-deps

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
	$(BIN)/poseconv plot examples/output/openfield_demo.nwb -o examples/output/openfield_demo.png --overwrite
	$(BIN)/poseconv convert examples/data/sleap-demo/flies.slp --fps 30 \
		-o examples/output/flies_demo.nwb --metadata examples/demo_metadata.yaml --overwrite
	$(BIN)/poseconv inspect examples/output/flies_demo.nwb
	$(BIN)/poseconv plot examples/output/flies_demo.nwb -o examples/output/flies_demo.png --overwrite
	@echo "Wrote examples/output/: openfield_demo.nwb, flies_demo.nwb and their quick-look figures (.png)"

# The browser form test (tests/integration/test_forms_browser.py): react-jsonschema-form and playwright-core from
# npm (locked in tests/forms/package-lock.json; playwright-core downloads no browser) and Debian's Chromium.
FORMS := tests/forms

$(FORMS)/node_modules/.installed: $(FORMS)/package.json $(FORMS)/package-lock.json
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix $(FORMS) --no-audit --no-fund
	touch $@

forms-deps: $(FORMS)/node_modules/.installed
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
		else \
			echo "The browser form test needs Debian's Chromium at /usr/bin/chromium: sudo apt-get install chromium" >&2; \
			exit 1; \
		fi; }

# pytest-xdist runs the suite with one worker more than the cores this process may use (at most 4: each holds
# its own NWB stack in memory): the tests wait on subprocesses, servers and signals about a fifth of the time,
# which the extra worker fills (on 2 cores: 8:51 with 3 workers, 10:02 with 2). A test module goes to one
# worker, so the files its module-scoped fixtures convert are converted once.
TEST_WORKERS ?= $(shell $(BIN)/python -c "import os; n = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count(); print(min(4, (n or 1) + 1))")
test: $(VENV)/.installed-test forms-deps
	$(BIN)/ruff check src tests examples benchmarks
	$(BIN)/ruff format --check src tests examples benchmarks
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# The fuzz targets of tests/fuzz with a large random budget (make test runs a small fixed one):
# FUZZ_EXAMPLES per target, about a second each.
FUZZ_EXAMPLES ?= 1000
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -X faulthandler -m pytest tests/fuzz -p no:cacheprovider

lint: $(VENV)/.installed-test
	$(BIN)/ruff check --fix src tests examples benchmarks
	$(BIN)/ruff format src tests examples benchmarks

clean:
	rm -rf $(VENV) examples/output .pytest_cache

# Benchmarks against neuroconv and a plain-h5py floor (minutes; inputs are generated once into benchmarks/.data).
.PHONY: bench
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py
