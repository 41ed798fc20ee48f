#!/usr/bin/env bash
# Installs whatever is missing for `make run` / `make test`; fast when all is there.
#   Debian packages (as root; otherwise prints the apt-get line to run),
#   .venv (Python 3.11, requirements/app.lock + dev.lock), .venv-rasa (Python 3.10,
#   Rasa 3.6, requirements/rasa.lock), node_modules (npm ci) and Rasa's own home directory.
# Every package comes from a hashed lock file (`make lock` writes them) and is installed
# with --require-hashes: a file whose hash is not in the lock is refused.
# A venv is (re)installed only when its lock files' sha256 differs from the stamp in it.
set -euo pipefail
cd "$(dirname "$0")/.."

# debsecan: `make audit` checks these packages (and the scale-out's PostgreSQL, Redis)
# against the Debian security tracker (scripts/audit.py).
APT_PACKAGES=(clamav-daemon clamav-testfiles chromium poppler-utils fonts-dejavu-core prometheus debsecan)
APP_LOCK=requirements/app.lock
DEV_LOCK=requirements/dev.lock
RASA_LOCK=requirements/rasa.lock
STAMP_NAME=.installed-lock-sha256

say() { printf 'install: %s\n' "$*"; }
fail() { printf 'install: ERROR: %s\n' "$*" >&2; exit 1; }

install_debian_packages() {
    local missing=() package
    for package in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" -ne 0 ]; then
        fail "missing Debian packages: ${missing[*]}. Run as root: sudo sh -c '$line'"
    fi
    say "installing Debian packages: ${missing[*]}"
    # debsecan would otherwise mail a daily report from cron; `make audit` runs it instead.
    echo "debsecan debsecan/report boolean false" | debconf-set-selections 2>/dev/null || true
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The interpreter for a venv: pyenv's exact version when pyenv has it, else pythonX.Y.
find_python() {
    local pyenv_version=$1 minor=$2 prefix
    if command -v pyenv >/dev/null && prefix=$(pyenv prefix "$pyenv_version" 2>/dev/null); then
        echo "$prefix/bin/python"
        return
    fi
    for candidate in "python$minor" python3; do
        if command -v "$candidate" >/dev/null \
            && "$candidate" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$minor'.split('.'))))"; then
            command -v "$candidate"
            return
        fi
    done
    fail "Python $minor not found (install it, e.g. \`pyenv install $pyenv_version\`)"
}

# ensure_venv DIR PYTHON "LOCK..." PIP_ARGS...: create DIR and install the locks unless
# the stamp matches, then check that the installed packages' requirements are consistent.
ensure_venv() {
    local dir=$1 python=$2 locks=$3
    shift 3
    local want
    # shellcheck disable=SC2086  # the lock list is word-split on purpose
    want=$(cat $locks | sha256sum | cut -d' ' -f1)
    if [ -x "$dir/bin/python" ] && [ "$(cat "$dir/$STAMP_NAME" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    if [ ! -x "$dir/bin/python" ]; then
        say "creating $dir with $python"
        "$python" -m venv "$dir"
    fi
    say "installing $locks into $dir (this takes a while the first time) ..."
    "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes "$@"
    "$dir/bin/python" -m pip check --disable-pip-version-check >/dev/null \
        || fail "$dir: inconsistent packages after installing $locks ($dir/bin/python -m pip check says which)"
    echo "$want" > "$dir/$STAMP_NAME"
}

# --for-validate: only what `make validate` checks with (the two Python environments);
# no Debian packages (browser, ClamAV), no root, no npm.
FOR_VALIDATE=false
[ "${1:-}" = "--for-validate" ] && FOR_VALIDATE=true

$FOR_VALIDATE || install_debian_packages
# .venv runs the services (app.lock) and the tests, benchmark and tools (dev.lock, pinned
# to app.lock's versions); a production machine installs app.lock alone.
ensure_venv .venv "$(find_python 3.11.7 3.11)" "$APP_LOCK $DEV_LOCK" -r "$APP_LOCK" -r "$DEV_LOCK"
# --no-deps: rasa.lock is complete (uv resolved it for Python 3.10); pip check verifies it.
ensure_venv .venv-rasa "$(find_python 3.10.13 3.10)" "$RASA_LOCK" --no-deps -r "$RASA_LOCK"
if $FOR_VALIDATE; then
    mkdir -p .home-rasa
    say "the staff data checks' environments are installed"
    exit 0
fi
if [ -f package.json ] && [ ! -d node_modules ]; then
    command -v npm >/dev/null || fail "npm is missing (apt-get install npm)"
    say "npm ci"
    npm ci --no-audit --no-fund --silent
fi
mkdir -p .home-rasa var
say "everything is installed"
