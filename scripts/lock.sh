#!/usr/bin/env bash
# `make lock`: regenerate the three hashed lock files from their inputs with uv.
#   requirements/app.in   -> requirements/app.lock   production (.venv, Python 3.11)
#   requirements/dev.in   -> requirements/dev.lock   tests, benchmark, tools (.venv, pinned like app.lock)
#   requirements/rasa.txt -> requirements/rasa.lock  Rasa 3.6 (.venv-rasa, Python 3.10, rasa-constraints.txt)
# An existing lock's versions are kept unless an input asks otherwise: a new package
# in an .in file changes only what it needs. UPGRADE=1 takes the newest versions the
# inputs allow; UPGRADE_PACKAGE=name upgrades one package (e.g. make lock UPGRADE_PACKAGE=jinja2).
# Needs uv from dev.lock (scripts/install.sh --for-validate installs it) and the index
# (PyPI); no Python 3.10 needed: uv resolves for it by version.
set -euo pipefail
cd "$(dirname "$0")/.."

UV=${UV:-.venv/bin/uv}
[ -x "$UV" ] || { echo "lock: $UV is missing: run scripts/install.sh --for-validate first" >&2; exit 1; }

extra=()
[ -n "${UPGRADE:-}" ] && extra+=(--upgrade)
[ -n "${UPGRADE_PACKAGE:-}" ] && extra+=(--upgrade-package "$UPGRADE_PACKAGE")

compile() {  # compile PYTHON_VERSION OUTPUT INPUT...
    local python_version=$1 output=$2
    shift 2
    echo "lock: $output (Python $python_version)"
    "$UV" pip compile --quiet --generate-hashes --python-version "$python_version" \
        --python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" \
        ${extra[@]+"${extra[@]}"} --output-file "$output" "$@"
}

compile 3.11 requirements/app.lock requirements/app.in
# pip-audit needs pip (through pip-api): the venv's own pip is used, not a pinned one
compile 3.11 requirements/dev.lock requirements/dev.in --no-emit-package pip   # dev.in: -c app.lock
compile 3.10 requirements/rasa.lock requirements/rasa.txt --constraints requirements/rasa-constraints.txt
echo "lock: done; commit the three lock files with their inputs"
