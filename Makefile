# The assistant's two commands: `make run` starts it, `make test` tests it.
# Everything else is a step of those two; `make` alone lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PY := .venv/bin/python

.PHONY: help install lock audit train run shell validate evaluate test test-fast bench backup restore clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

install: ## install what is missing: Debian packages, .venv, .venv-rasa, node_modules
	@scripts/install.sh

# docs/DEPENDENCIES.md: the inputs are requirements/*.in and rasa.txt, the hashed locks are written.
lock: ## regenerate requirements/{app,dev,rasa}.lock with hashes from their inputs (UPGRADE=1, UPGRADE_PACKAGE=name)
	@scripts/install.sh --for-validate
	@scripts/lock.sh

audit: ## known vulnerabilities: the three locks and the venvs' pip/setuptools/wheel (pip-audit), the Debian packages (debsecan); allow-list requirements/audit-allowlist.txt; skipped offline
	@scripts/install.sh --for-validate
	@$(PY) scripts/audit.py

train: install ## train the Rasa model, only when config.yml, domain/ or data/ changed
	@$(PY) -m bot.runner.training $(TRAIN_ARGS)

run: install ## start every service on 127.0.0.1, print the web chat's URL; Ctrl-C stops all
	@set -a; [ ! -f .env ] || . ./.env; set +a; exec $(PY) -m bot.runner

shell: install ## talk to the assistant in the terminal (`rasa shell`) against the running `make run`
	@set -a; [ ! -f .env ] || . ./.env; set +a; exec $(PY) -m bot.runner.shell

# validate needs only the Python environments: no root, browser or ClamAV (staff laptops, CI lint jobs).
validate: ## staff data checks (what the staff console also checks on every save)
	@scripts/install.sh --for-validate
	@$(PY) -m bot.fields --write || true  # a broken content/fields.yml is reported by the checks below
	@if [ -x scripts/validate ]; then scripts/validate; \
	elif [ -f scripts/validate.py ]; then $(PY) scripts/validate.py; \
	else echo "validate: no staff data checks yet (scripts/validate)"; fi

evaluate: install ## conversation evaluation set per kind and language, and NLU scores (reports/)
	$(PY) scripts/evaluate.py

# Each step runs even when an earlier one failed (more to learn from one run); the
# last line names the steps that failed.
test: install ## every test: the dependency audit, the staff data checks, training, pytest tests/
	@failed=""; \
	$(PY) scripts/audit.py || failed="$$failed audit"; \
	checked=""; \
	$(MAKE) --no-print-directory validate && checked=--data-checked || failed="$$failed validate"; \
	$(MAKE) --no-print-directory train TRAIN_ARGS=$$checked || failed="$$failed train"; \
	$(PY) -m pytest tests || failed="$$failed pytest"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: all passed"

test-fast: install ## the tests without browser and slow ones
	$(PY) -m pytest tests -m "not browser and not slow"

bench: install ## performance measurements (python -m bench, once it exists)
	@if [ -d bench ] || [ -f bench.py ]; then $(PY) -m bench; \
	else echo "bench: no benchmarks yet (bench/)"; fi

# docs/OPERATIONS.md "Backups": what the archive holds, how to verify and restore it.
backup: ## one archive of var/ and the databases, consistent while running: backups/intake-backup-<time>.tar.gz (OUT=dir)
	@set -a; [ ! -f .env ] || . ./.env; set +a; $(PY) -m bot.ops.backup $(if $(OUT),--out "$(OUT)")

restore: ## put a backup back (services stopped): make restore ARCHIVE=backups/....tar.gz [FORCE=1] [VERIFY=1]
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=backups/intake-backup-<time>.tar.gz [FORCE=1] [VERIFY=1]"; exit 2; }
	@set -a; [ ! -f .env ] || . ./.env; set +a; $(PY) -m bot.ops.restore "$(ARCHIVE)" $(if $(FORCE),--force) $(if $(VERIFY),--verify-only)

clean: ## remove trained models, caches and reports (keeps var/ with its data, and the venvs)
	rm -rf models .pytest_cache reports results .home-rasa/cache
	find bot actions tests -name __pycache__ -type d -prune -exec rm -rf {} +
