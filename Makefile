# hecon — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EXAMPLE ?= inputs/rrmm_example.xlsx
# The shipped example with every analysis a committee reads: scenarios, one-way (DSA) and
# probabilistic sensitivity analysis (1,000 iterations, the Zorginstituut minimum), and the
# re-dosing headroom (hecon.examples.rrmm.decision.HEADROOM_OPTION; docs/rrmm.md).
RUN_OPTIONS ?= --all-scenarios --dsa --psa 1000 --seed 20241126 \
	--two-way 'hr_redose=0:1.5,redose_price_share=0:1,Annual CAR-T re-dosing,One-time CAR-T'

# Packages type-checked with mypy --strict (settings in pyproject.toml, [tool.mypy]).
TYPED := hecon/folders.py hecon/model hecon/methods hecon/evidence hecon/engine hecon/analysis

.PHONY: install run lint typecheck test bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install it with: apt-get install python3-venv" >&2; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/hecon run $(EXAMPLE) $(RUN_OPTIONS)
	@echo "Report written to reports/$(basename $(notdir $(EXAMPLE)))/: report.html (open in a browser), results.xlsx, summary.json, psa.nc"

# Lint: ruff (rules and format in pyproject.toml), then the type check.
lint: install
	$(VENV)/bin/ruff check hecon tests benchmarks
	$(VENV)/bin/ruff format --check hecon tests benchmarks
	$(MAKE) --no-print-directory typecheck

typecheck: install
	$(VENV)/bin/mypy $(TYPED)

test: lint
	$(PY) -m pytest -q

bench: install
	$(PY) benchmarks/bench_engine.py 10000 5000

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
