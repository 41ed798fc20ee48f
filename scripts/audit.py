"""The dependency audit of `make test`: known vulnerabilities in the locks, the venvs' tools and the Debian packages.

    .venv/bin/python scripts/audit.py

Runs pip-audit (from requirements/dev.lock) on requirements/app.lock, dev.lock and
rasa.lock, and on the packaging tools installed in the two environments (pip, setuptools
and wheel of .venv and .venv-rasa: created by `python -m venv`, not by a lock), all at
once, against a vulnerability service: OSV (the PyPA advisory
database and GitHub's reviewed advisories) first, PyPI's JSON API when OSV does not
answer. Every advisory found must be named in requirements/audit-allowlist.txt with a
reason; any other fails the step (exit 1). When no service answers (no network, a
proxy that does not pass the vulnerability API) it prints one line saying that nothing
was checked and exits 0: the audit must not make an offline `make test` fail.

The lock files are audited as lists of exact pins (name==version, markers ignored), so
rasa.lock (Python 3.10) is audited from .venv (Python 3.11) without resolving anything.
The pins go to pip-audit in chunks of 60, one process each, side by side: the services
answer one package per request.

Then the Debian packages the product runs on (clamav, chromium, poppler, postgresql,
redis, prometheus, fonts-dejavu: DEBIAN_SOURCES) with debsecan (Debian's package, `make
install` installs it) against the Debian security tracker for this machine's release. An
advisory whose fix is in the release but not installed fails the step unless allowed
(lock column `debian`, package = the Debian source package): the remedy is
`apt-get update && apt-get install --only-upgrade <packages>`, printed with the failure.
Advisories without a fix in the release are counted, not failed (nothing to install yet).
When the tracker does not answer, or debsecan is not installed, one line says that
nothing was checked, and the step does not fail for it.

Options: --service osv|pypi (only that one), --timeout S (per request, default 10),
--cache-dir DIR (pip-audit's HTTP cache), --allowlist FILE, --from-json LOCK=FILE
(classify a saved `pip-audit -f json` result instead of asking a service), --only
python|debian, --debian-source URL and --dpkg-status FILE (debsecan's data and the
installed packages it reads; for tests and for an operator's mirror of the tracker).
"""

from __future__ import annotations

import argparse
import dataclasses
import fnmatch
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
LOCKS = ("app.lock", "dev.lock", "rasa.lock")
# The environments' own installers: `python -m venv` brings pip (and setuptools on 3.10/3.11)
# in whatever version the interpreter bundles, outside every lock; they run at each install.
VENVS = (".venv", ".venv-rasa")
VENV_TOOLS = ("pip", "setuptools", "wheel")
DEBIAN = "debian"
PYTHON_SOURCES = LOCKS + VENVS  # what pip-audit checks
SOURCES = PYTHON_SOURCES + (DEBIAN,)  # what an allow-list line names as its "lock"
# Debian source packages of what the product runs on (scripts/install.sh's APT_PACKAGES,
# and the scale-out's PostgreSQL and Redis); shell patterns.
DEBIAN_SOURCES = ("clamav", "chromium", "poppler", "postgresql", "postgresql-[0-9]*", "postgresql-common",
                  "redis", "prometheus", "fonts-dejavu")
DEBSECAN = "/usr/bin/debsecan"
DEBIAN_TIMEOUT_S = 40
ALLOWLIST = REQUIREMENTS / "audit-allowlist.txt"
SERVICES = ("osv", "pypi")
# The whole step stays under a minute: a service slower than this counts as not answering.
OVERALL_TIMEOUT_S = 50
PROBE_TIMEOUT_S = 5
CHUNK = 60  # pins per pip-audit process: 6 processes for the three locks

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    """name -> version of every `name==version` line of a lock file."""
    found = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def venv_tools(venv: Path) -> dict[str, str]:
    """name -> version of pip, setuptools and wheel as installed in a venv (its dist-info
    METADATA; no interpreter started). Empty when the venv is not there."""
    found = {}
    for info in sorted(venv.glob("lib/python*/site-packages/*.dist-info")):
        metadata = info / "METADATA"
        if not metadata.is_file():
            continue
        fields = {}
        for line in metadata.read_text(errors="replace").splitlines():
            if not line.strip():
                break  # the headers end at the first blank line
            key, _, value = line.partition(":")
            fields.setdefault(key.strip().lower(), value.strip())
        name = canonical(fields.get("name", ""))
        if name in VENV_TOOLS and fields.get("version"):
            found[name] = fields["version"]
    return found


def source_pins(source: str, root: Path | None = None) -> dict[str, str]:
    """The exact versions one audited source names: a lock file's pins, or a venv's tools."""
    if source in VENVS:
        return venv_tools((root or ROOT) / source)
    return pins(REQUIREMENTS / source)


@dataclasses.dataclass(frozen=True)
class Allowed:
    advisory: str
    lock: str
    package: str
    reason: str
    line: int


class AllowlistError(ValueError):
    pass


def read_allowlist(path: Path) -> list[Allowed]:
    """`advisory | lock | package | reason` per line; # comments, blank lines ignored.

    The advisory is an id or alias as the services report it (GHSA-..., PYSEC-...,
    CVE-...); the reason says why it is acceptable and until when (a sentence, not a word).
    """
    entries = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 4:
            raise AllowlistError(f"{path.name}:{number}: want 'advisory | lock | package | reason'")
        advisory, lock, package, reason = parts
        if not re.fullmatch(r"(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|PYSEC-\d{4}-\d+|CVE-\d{4}-\d{4,}|OSV-\d{4}-\d+"
                            r"|TEMP-\d{7}-[0-9A-F]{6})", advisory):
            raise AllowlistError(f"{path.name}:{number}: {advisory!r} is not an advisory id")
        if lock not in SOURCES:
            raise AllowlistError(f"{path.name}:{number}: lock {lock!r} is not one of {', '.join(SOURCES)}")
        if len(reason.split()) < 8:
            raise AllowlistError(f"{path.name}:{number}: the reason for {advisory} must say why (8 words at least)")
        entries.append(Allowed(advisory, lock, canonical(package), reason, number))
    return entries


@dataclasses.dataclass
class Finding:
    lock: str
    package: str
    version: str
    advisory: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]

    def ids(self) -> set[str]:
        return {self.advisory, *self.aliases}

    def describe(self) -> str:
        fixed = f", fixed in {', '.join(self.fixed_in)}" if self.fixed_in else ", no fixed version"
        aliases = f" ({', '.join(sorted(self.aliases))})" if self.aliases else ""
        return f"{self.lock}: {self.package} {self.version} {self.advisory}{aliases}{fixed}"


@dataclasses.dataclass
class LockResult:
    lock: str
    packages: int = 0
    audited: int = 0
    findings: list[Finding] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)
    error: str = ""  # the service did not answer


def parse_pip_audit_json(lock: str, data: dict) -> LockResult:
    result = LockResult(lock)
    for dependency in data.get("dependencies", []):
        result.packages += 1
        if "skip_reason" in dependency:
            result.skipped.append(f"{dependency['name']}: {dependency['skip_reason']}")
            continue
        result.audited += 1
        for vuln in dependency.get("vulns", []):
            result.findings.append(Finding(
                lock, canonical(dependency["name"]), dependency.get("version", "?"), vuln["id"],
                tuple(vuln.get("aliases", [])), tuple(vuln.get("fix_versions", []))))
    return result


def pip_audit_command(requirements: Path, service: str, timeout: float, cache_dir: str | None) -> list[str]:
    command = [sys.executable, "-m", "pip_audit", "--disable-pip", "--no-deps", "--format", "json",
               "--aliases", "on", "--desc", "off", "--progress-spinner", "off", "--vulnerability-service", service,
               "--timeout", str(int(timeout)), "--requirement", str(requirements)]
    if cache_dir:
        command += ["--cache-dir", cache_dir]
    return command


def short_error(stderr: str) -> str:
    """The last meaningful line of pip-audit's complaint, without URLs or addresses."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("WARNING")]
    text = lines[-1] if lines else "no answer"
    for kind in ("NameResolutionError", "ProxyError", "ConnectTimeout", "ReadTimeout", "ConnectionError",
                 "SSLError", "ServiceError", "Max retries exceeded", "TimeoutError"):
        if kind in text:
            return kind
    return text[:120]


def probe(service: str, name: str, version: str, timeout: float) -> str:
    """'' when the service gives vulnerability data for one pinned package, else why not.

    One request instead of a few hundred: offline, or behind a proxy that passes the
    package index but not the vulnerability API, the step ends within seconds."""
    if service == "osv":
        body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"}, "version": version}).encode()
        request = urllib.request.Request("https://api.osv.dev/v1/query", data=body,
                                         headers={"Content-Type": "application/json"})
    else:
        request = urllib.request.Request(f"https://pypi.org/pypi/{name}/{version}/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = json.load(response)
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} for {request.full_url.split('/', 3)[-1]}"
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, str):
            return reason[:60]
        return {"gaierror": "name not resolved", "ConnectionRefusedError": "connection refused",
                "TimeoutError": "timed out", "timeout": "timed out"}.get(type(reason).__name__, type(reason).__name__)
    except ValueError:
        return "not JSON"
    if service == "pypi" and "vulnerabilities" not in data:
        return "no vulnerability data"
    return ""


def run_service(service: str, timeout: float, cache_dir: str | None, workdir: Path, deadline: float) -> list[LockResult]:
    """pip-audit on the three locks against one service, in parallel chunks of CHUNK pins:
    the services answer one package per request, so a few hundred requests in a row
    would take most of a minute on a slow line."""
    processes = []
    for lock in PYTHON_SOURCES:
        pinned = sorted(source_pins(lock).items())
        for start in range(0, len(pinned), CHUNK):
            flat = workdir / f"{lock}.{start}.txt"
            flat.write_text("".join(f"{name}=={version}\n" for name, version in pinned[start:start + CHUNK]))
            processes.append((lock, subprocess.Popen(
                pip_audit_command(flat, service, timeout, cache_dir),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                env={**os.environ, "PYTHONWARNINGS": "ignore"})))
    results = {lock: LockResult(lock) for lock in PYTHON_SOURCES}
    for lock, process in processes:
        result = results[lock]
        try:
            stdout, stderr = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # pip-audit and the pip it started
            process.communicate(timeout=5)
            result.error = f"no complete answer within {OVERALL_TIMEOUT_S} s"
            continue
        try:
            part = parse_pip_audit_json(lock, json.loads(stdout))
        except json.JSONDecodeError:
            result.error = short_error(stderr)
            continue
        result.packages += part.packages
        result.audited += part.audited
        result.findings += part.findings
        result.skipped += part.skipped
    return list(results.values())


def answered(results: list[LockResult]) -> bool:
    """Did the service give data for at least one package? (A proxy that passes the
    registry but not its vulnerability API answers 404 for each: pip-audit skips them all.)"""
    return any(result.audited for result in results) and not any(result.error for result in results)


def source_label(lock: str) -> str:
    return f"{lock} (pip, setuptools, wheel)" if lock in VENVS else lock


def why_not(service: str, results: list[LockResult]) -> str:
    errors = sorted({result.error for result in results if result.error})
    if errors:
        return f"{service}: {', '.join(errors)}"
    skipped = sum(len(result.skipped) for result in results)
    return f"{service}: no data for any of {skipped} packages"


def classify(results: list[LockResult], allowlist: list[Allowed]) -> tuple[list[tuple[Finding, Allowed]], list[Finding], list[Allowed]]:
    """(allowed findings with their entry, new findings, allow-list entries nothing matched)."""
    allowed, new, used = [], [], set()
    for result in results:
        for finding in result.findings:
            entry = next((entry for entry in allowlist
                          if entry.lock == finding.lock and entry.package == finding.package
                          and entry.advisory in finding.ids()), None)
            if entry is None:
                new.append(finding)
            else:
                allowed.append((finding, entry))
                used.add(entry)
    audited_locks = {result.lock for result in results if result.audited}
    unused = [entry for entry in allowlist if entry not in used and entry.lock in audited_locks]
    return allowed, new, unused


def report(results: list[LockResult], allowlist: list[Allowed], service: str, seconds: float) -> int:
    allowed, new, unused = classify(results, allowlist)
    for result in results:
        count = len([f for f in result.findings])
        state = "no known vulnerabilities" if not count else f"{count} advisories"
        if result.lock in VENVS and not result.packages:
            print(f"audit: {source_label(result.lock)}: not installed here, nothing to check")
            continue
        print(f"audit: {source_label(result.lock)}: {result.audited} of {result.packages} packages checked ({service}), {state}")
        for skipped in result.skipped:
            print(f"audit:   not checked: {skipped}")
    for finding, entry in allowed:
        print(f"audit:   allowed ({ALLOWLIST.name}:{entry.line}): {finding.describe()}")
    for entry in unused:
        print(f"audit:   no longer reported, remove from {ALLOWLIST.name}:{entry.line}: {entry.advisory} ({entry.lock}, {entry.package})")
    if new:
        for finding in new:
            print(f"audit: NEW: {finding.describe()}")
        tools = " or, for a venv's pip/setuptools/wheel, the upgrade in docs/OPERATIONS.md" \
            if any(finding.lock in VENVS for finding in new) else ""
        print(f"audit: FAILED: {len(new)} advisories not in requirements/{ALLOWLIST.name}: upgrade "
              f"(make lock UPGRADE_PACKAGE=name{tools}) or add each with its reason ({seconds:.0f} s)")
        return 1
    print(f"audit: passed: {len(allowed)} allowed advisories, none new ({seconds:.0f} s)")
    return 0


def debian_codename() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            key, _, value = line.partition("=")
            if key == "VERSION_CODENAME":
                return value.strip().strip('"')
    except OSError:
        pass
    return ""


_DETAIL_HEAD = re.compile(r"^(\S+)(?: \(([^)]*)\))?$")
_INSTALLED = re.compile(r"^\s+installed: (\S+) (\S+)$")
_BUILT_FROM = re.compile(r"^\s+\(built from (\S+) (\S+)\)$")
_FIXED_ON = re.compile(r"^\s+fixed (on branch|in unstable):\s+(\S+) (\S+)")


@dataclasses.dataclass
class DebianFinding:
    advisory: str
    binary: str
    source: str
    version: str
    fix_available: bool
    fixed_in: tuple[str, ...] = ()

    def as_finding(self) -> Finding:
        return Finding(DEBIAN, self.source, f"{self.version} ({self.binary})", self.advisory, (), self.fixed_in)


def parse_debsecan_detail(text: str) -> list[DebianFinding]:
    """debsecan --format detail: one block per advisory and installed binary package."""
    found, current = [], None
    for line in text.splitlines():
        if line and not line[0].isspace():
            match = _DETAIL_HEAD.match(line)
            current = None
            if match:
                notes = (match.group(2) or "").split(", ")
                current = DebianFinding(match.group(1), "", "", "", "fixed" in notes)
            continue
        if current is None:
            continue
        if match := _INSTALLED.match(line):
            current.binary, current.version = match.groups()
            current.source = current.binary
            found.append(current)
        elif match := _BUILT_FROM.match(line):
            current.source = match.group(1)
        elif match := _FIXED_ON.match(line):
            where, version = match.group(1), match.group(3)
            current.fixed_in += (f"{version} (unstable)" if where == "in unstable" else version,)
    return found


def product_package(source: str) -> bool:
    return any(fnmatch.fnmatchcase(source, pattern) for pattern in DEBIAN_SOURCES)


def audit_debian(allowlist: list[Allowed], source_url: str | None, dpkg_status: str | None) -> int:
    """debsecan on the product's Debian packages; 0 passed or skipped, 1 a fix is not installed."""
    started = time.monotonic()
    if not Path(DEBSECAN).exists():
        print("audit: debian: skipped, nothing was checked: debsecan is not installed "
              "(`make install` installs it; or apt-get install debsecan)")
        return 0
    suite = debian_codename()
    if not suite:
        print("audit: debian: skipped, nothing was checked: not a Debian release (/etc/os-release has no codename)")
        return 0
    # The allow-list is the one record of accepted advisories: no debsecan whitelist of the
    # machine (a path that does not exist), and no history (every advisory, not only new ones).
    command = [DEBSECAN, "--suite", suite, "--format", "detail", "--no-obsolete",
               "--history", os.devnull, "--whitelist", str(ROOT / "requirements" / ".no-debsecan-whitelist")]
    if source_url:
        command += ["--source", source_url]
    if dpkg_status:
        command += ["--status", dpkg_status]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=DEBIAN_TIMEOUT_S,
                                env={**os.environ, "LC_ALL": "C.UTF-8"})
    except subprocess.TimeoutExpired:
        print(f"audit: debian: skipped, nothing was checked: the Debian security tracker gave no "
              f"complete answer within {DEBIAN_TIMEOUT_S} s")
        return 0
    if result.returncode != 0:
        reason = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        why = reason[-1].removeprefix("error: ") if reason else f"exit {result.returncode}"
        print(f"audit: debian: skipped, nothing was checked: the Debian security tracker did not answer "
              f"({short_error(why)[:80]}; {time.monotonic() - started:.0f} s)")
        return 0
    findings = [item for item in parse_debsecan_detail(result.stdout) if product_package(item.source)]
    fixable = [item for item in findings if item.fix_available]
    waiting = len({(item.advisory, item.source) for item in findings if not item.fix_available})
    allowed, new, _ = classify([LockResult(DEBIAN, findings=[item.as_finding() for item in fixable])], allowlist)
    sources = sorted({item.source for item in findings})
    print(f"audit: debian ({suite}, debsecan): {len(fixable)} advisories with a fix in {suite} not installed, "
          f"{waiting} without a fix yet, in {', '.join(sources) or 'none of the product packages'}")
    for finding, entry in allowed:
        print(f"audit:   allowed ({ALLOWLIST.name}:{entry.line}): {finding.describe()}")
    if new:
        for finding in new:
            print(f"audit: NEW: {finding.describe()}")
        binaries = sorted({item.binary for item in fixable
                           if any(f.advisory == item.advisory and f.package == item.source for f in new)})
        print(f"audit: FAILED: {len(new)} Debian advisories fixed in {suite} but not installed: "
              f"apt-get update && apt-get install --only-upgrade {' '.join(binaries)} "
              f"(or add each to requirements/{ALLOWLIST.name} with its reason)")
        return 1
    print(f"audit: debian: passed: {len(allowed)} allowed, none new ({time.monotonic() - started:.0f} s)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=SERVICES)
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--cache-dir")
    parser.add_argument("--from-json", action="append", default=[], metavar="LOCK=FILE")
    parser.add_argument("--allowlist", type=Path, default=ALLOWLIST)
    parser.add_argument("--only", choices=("python", "debian"))
    parser.add_argument("--debian-source", metavar="URL")
    parser.add_argument("--dpkg-status", metavar="FILE")
    args = parser.parse_args(argv)
    try:
        allowlist = read_allowlist(args.allowlist)
    except (AllowlistError, OSError) as error:
        print(f"audit: FAILED: {error}")
        return 2
    python = 0 if args.only == "debian" else audit_python(args, allowlist)
    debian = 0 if args.only == "python" or args.from_json else audit_debian(allowlist, args.debian_source, args.dpkg_status)
    return max(python, debian)


def audit_python(args: argparse.Namespace, allowlist: list[Allowed]) -> int:
    """pip-audit on the locks and the venvs' tools; 0 passed or skipped, 1 new advisories."""
    started = time.monotonic()
    if args.from_json:
        results = []
        for item in args.from_json:
            lock, _, file = item.partition("=")
            results.append(parse_pip_audit_json(lock, json.loads(Path(file).read_text())))
        return report(results, allowlist, "saved result", time.monotonic() - started)
    tried = []
    with tempfile.TemporaryDirectory(prefix="intake-audit-") as workdir:
        name, version = next(iter(pins(REQUIREMENTS / LOCKS[0]).items()))
        for service in ([args.service] if args.service else SERVICES):
            problem = probe(service, name, version, min(args.timeout, PROBE_TIMEOUT_S))
            if problem:
                tried.append(f"{service}: {problem}")
                continue
            deadline = started + OVERALL_TIMEOUT_S
            if time.monotonic() > deadline - 5:
                tried.append(f"{service}: no time left")
                continue
            results = run_service(service, args.timeout, args.cache_dir, Path(workdir), deadline)
            if answered(results):
                return report(results, allowlist, service, time.monotonic() - started)
            tried.append(why_not(service, results))
    print(f"audit: skipped, nothing was checked: no vulnerability service answered ({'; '.join(tried)}; "
          f"{time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
