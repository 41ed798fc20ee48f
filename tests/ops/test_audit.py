"""The dependency audit step (scripts/audit.py): allow-listed advisories pass, new ones
fail, an unreachable service skips with one line, and the allow-list names reasons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from scripts import audit

ROOT = Path(__file__).resolve().parents[2]

# Replaces pip-audit's OSV service inside the pip-audit processes that scripts/audit.py
# starts: the real pip-audit CLI reads the pins and writes its JSON, only the answers
# come from INTAKE_TEST_ADVISORIES ({"name==version": [{"id", "aliases", "fix"}]}). The
# variable is taken out of the environment first: pip-audit starts `python -m pip`, which
# must not load the fake again (it would start pip again, and so on).
FAKE_SERVICE = textwrap.dedent('''
    import json, os
    _SPEC = os.environ.pop("INTAKE_TEST_ADVISORIES", None)
    if _SPEC:
        from packaging.version import Version
        from pip_audit._service import interface, osv
        _ADVISORIES = json.loads(open(_SPEC).read())

        def _query(self, spec):
            found = _ADVISORIES.get(f"{spec.canonical_name}=={spec.version}", [])
            return spec, [interface.VulnerabilityResult(id=item["id"], description="test advisory",
                                                        fix_versions=[Version(item["fix"])],
                                                        aliases=set(item["aliases"]))
                          for item in found]

        osv.OsvService.query = _query
''')

REASON = "Rasa 3.6 pins it; reachable only through a feature this product never configures"


@pytest.fixture
def fake_service(tmp_path, monkeypatch):
    """The OSV service answering with the given advisories for real pins of the locks."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(FAKE_SERVICE)
    monkeypatch.setenv("PYTHONPATH", str(site))
    monkeypatch.setattr(audit, "probe", lambda *args: "")  # no network: the probe would fail

    def answer(advisories: dict) -> None:
        spec = tmp_path / "advisories.json"
        spec.write_text(json.dumps(advisories))
        monkeypatch.setenv("INTAKE_TEST_ADVISORIES", str(spec))

    return answer


def pin(lock: str, package: str) -> str:
    return f"{package}=={audit.pins(audit.REQUIREMENTS / lock)[package]}"


def run_main(tmp_path, capsys, allowlist_text: str) -> tuple[int, str]:
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text(allowlist_text)
    code = audit.main(["--only", "python", "--service", "osv", "--allowlist", str(allowlist),
                       "--cache-dir", str(tmp_path / "cache")])
    return code, capsys.readouterr().out


def test_an_advisory_not_in_the_allowlist_fails_and_an_allowed_one_passes(fake_service, tmp_path, capsys):
    sentry, jinja = pin("rasa.lock", "sentry-sdk"), pin("app.lock", "jinja2")
    fake_service({
        sentry: [{"id": "GHSA-g92j-qhmh-64v2", "aliases": ["CVE-2024-40647"], "fix": "1.45.1"}],
        jinja: [{"id": "PYSEC-2099-7", "aliases": ["CVE-2099-12345"], "fix": "99.0"}],
    })
    only_sentry = f"GHSA-g92j-qhmh-64v2 | rasa.lock | sentry-sdk | {REASON}\n"
    code, out = run_main(tmp_path, capsys, only_sentry)
    assert code == 1, out
    assert f"audit: NEW: app.lock: jinja2 {jinja.split('==')[1]} PYSEC-2099-7 (CVE-2099-12345), fixed in 99.0" in out
    assert "allowed (" in out and "sentry-sdk" in out
    assert "audit: FAILED: 1 advisories" in out.splitlines()[-1]

    # The same advisory allowed by its alias, for its lock: passes.
    both = only_sentry + f"CVE-2099-12345 | app.lock | jinja2 | {REASON}\n"
    code, out = run_main(tmp_path, capsys, both)
    assert code == 0, out
    assert out.splitlines()[-1].startswith("audit: passed: 2 allowed advisories, none new")
    assert all(f"audit: {source}" in out for source in audit.PYTHON_SOURCES)  # every lock and venv reported


def test_an_allowance_counts_only_for_its_own_lock(fake_service, tmp_path, capsys):
    """rasa.lock's reasons do not cover the same package in the services' environment."""
    fake_service({pin("dev.lock", "redis"): [{"id": "GHSA-2222-3333-4444", "aliases": [], "fix": "99.0"}]})
    code, out = run_main(tmp_path, capsys, f"GHSA-2222-3333-4444 | rasa.lock | redis | {REASON}\n")
    assert code == 1, out
    assert "audit: NEW: dev.lock: redis" in out
    assert "no longer reported, remove from" in out  # the rasa.lock entry matched nothing


def test_no_advisories_passes(fake_service, tmp_path, capsys):
    fake_service({})
    code, out = run_main(tmp_path, capsys, "")
    assert code == 0, out
    for lock in audit.LOCKS:
        count = len(audit.pins(audit.REQUIREMENTS / lock))
        assert f"audit: {lock}: {count} of {count} packages checked (osv), no known vulnerabilities" in out
    for venv in audit.VENVS:
        count = len(audit.venv_tools(ROOT / venv))
        assert count >= 1, f"{venv} has no pip"  # `make install` created both
        assert f"audit: {venv} (pip, setuptools, wheel): {count} of {count} packages checked (osv)" in out


def test_the_venvs_own_pip_setuptools_and_wheel_are_audited(fake_service, tmp_path, capsys):
    """Installed by `python -m venv`, outside every lock: their installed versions are audited."""
    rasa_pip = f"pip=={audit.venv_tools(ROOT / '.venv-rasa')['pip']}"
    app_pip = f"pip=={audit.venv_tools(ROOT / '.venv')['pip']}"
    advisory = {"id": "GHSA-4444-5555-6666", "aliases": ["CVE-2099-4444"], "fix": "99.0"}
    fake_service({rasa_pip: [advisory], app_pip: [advisory]})
    code, out = run_main(tmp_path, capsys, "")
    assert code == 1, out
    assert f"audit: NEW: .venv-rasa: pip {rasa_pip.split('==')[1]} GHSA-4444-5555-6666" in out
    assert f"audit: NEW: .venv: pip {app_pip.split('==')[1]} GHSA-4444-5555-6666" in out
    assert "a venv's pip/setuptools/wheel, the upgrade in docs/OPERATIONS.md" in out.splitlines()[-1]

    # Allowed for one venv only: the other still fails.
    code, out = run_main(tmp_path, capsys, f"CVE-2099-4444 | .venv-rasa | pip | {REASON}\n")
    assert code == 1 and "audit: NEW: .venv: pip" in out and "audit: NEW: .venv-rasa" not in out, out
    code, out = run_main(tmp_path, capsys, f"CVE-2099-4444 | .venv-rasa | pip | {REASON}\n"
                                           f"CVE-2099-4444 | .venv | pip | {REASON}\n")
    assert code == 0, out


def test_venv_tools_reads_the_installed_versions(tmp_path):
    site = tmp_path / "venv" / "lib" / "python3.10" / "site-packages"
    for name, version in (("pip", "23.0.1"), ("setuptools", "65.5.0"), ("wheel", "0.45.1"), ("rasa", "3.6.21")):
        info = site / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nVersion: 0 (body)\n")
    assert audit.venv_tools(tmp_path / "venv") == {"pip": "23.0.1", "setuptools": "65.5.0", "wheel": "0.45.1"}
    assert audit.venv_tools(tmp_path / "absent") == {}


def test_unreachable_service_skips_with_one_line_quickly(tmp_path):
    """Offline (here: every HTTPS request through a proxy that refuses connections)."""
    env = {key: value for key, value in os.environ.items() if key.lower() not in ("no_proxy", "https_proxy", "http_proxy")}
    env.update(HTTPS_PROXY="http://127.0.0.1:1", HTTP_PROXY="http://127.0.0.1:1")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "scripts/audit.py", "--cache-dir", str(tmp_path / "cache")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and lines[0].startswith("audit: skipped, nothing was checked"), result.stdout
    assert "osv: connection refused" in lines[0] and "pypi: connection refused" in lines[0]
    # The Debian part (debsecan through the same proxy), or why it did not run.
    assert lines[1].startswith("audit: debian: skipped, nothing was checked: "), result.stdout
    assert seconds < 20


def test_the_allowlist_names_a_reason_for_each_advisory_in_its_lock():
    entries = audit.read_allowlist(audit.ALLOWLIST)
    assert entries, "the Rasa 3.6 environment has known advisories"
    for entry in entries:
        if entry.lock == audit.DEBIAN:
            continue  # a Debian source package: what is installed differs from machine to machine
        assert entry.package in audit.source_pins(entry.lock), \
            f"{entry.advisory}: {entry.package} is not in {entry.lock} (line {entry.line}): remove the entry"
        assert len(entry.reason.split()) >= 8
    assert len({(entry.advisory, entry.lock, entry.package) for entry in entries}) == len(entries), "duplicates"


@pytest.mark.parametrize(("line", "complaint"), [
    ("GHSA-g92j-qhmh-64v2 | rasa.lock | sentry-sdk", "want 'advisory | lock | package | reason'"),
    ("GHSA-g92j-qhmh-64v2 | rasa.lock | sentry-sdk | not used", "must say why"),
    ("GHSA-g92j-qhmh-64v2 | prod.lock | sentry-sdk | " + REASON, "is not one of"),
    ("sentry is fine | rasa.lock | sentry-sdk | " + REASON, "is not an advisory id"),
])
def test_an_allowlist_entry_without_a_reason_or_id_is_refused(tmp_path, line, complaint):
    path = tmp_path / "allowlist.txt"
    path.write_text("# comment\n\n" + line + "\n")
    with pytest.raises(audit.AllowlistError, match=complaint):
        audit.read_allowlist(path)


# The Debian part: the real debsecan, its data from a stand-in of the Debian security
# tracker (debsecan's own format: zlib, "VERSION 1", advisories, package lines with flags
# binary/source, urgency, remote, fix-available), its installed packages from a dpkg
# status file of our own.
TRACKER_DATA = """VERSION 1
CVE-2099-0001,,stand-in advisory for prometheus, fixed in the release
CVE-2099-0002,,stand-in advisory for redis, no fix yet
TEMP-0000001-ABCDEF,,stand-in advisory for bash, not a package of the product
CVE-2099-0003,,stand-in advisory for clamav, already fixed in the installed version

prometheus,0,SHRF,99.0,
redis,1,SM  ,,
bash,2,SL F,99.0,
clamav,3,SH F,99.0,1.4.6+dfsg-0+deb12u1

prometheus,prometheus
redis,redis-server redis-tools
bash,bash
clamav,clamav-daemon libclamav12

"""
DPKG_STATUS = "".join(
    f"Package: {name}\nStatus: install ok installed\nArchitecture: amd64\n{source}Version: {version}\n\n"
    for name, source, version in (
        ("prometheus", "", "2.42.0+ds-5+deb12u1"),
        ("redis-server", "Source: redis (5:7.0.15-1~deb12u10)\n", "5:7.0.15-1~deb12u10"),
        ("bash", "", "5.2.15-2+b7"),
        ("clamav-daemon", "Source: clamav\n", "1.4.6+dfsg-0+deb12u1"),
    ))
debsecan_missing = pytest.mark.skipif(not Path(audit.DEBSECAN).exists(),
                                      reason="debsecan is not installed (scripts/install.sh installs it)")


@pytest.fixture
def debian_tracker(tmp_path):
    """(source URL, dpkg status file) of a stand-in tracker serving this release's data."""
    import http.server
    import threading
    import zlib

    suite = audit.debian_codename()
    (tmp_path / "tracker").mkdir()
    (tmp_path / "tracker" / suite).write_bytes(zlib.compress(TRACKER_DATA.encode()))
    status = tmp_path / "status"
    status.write_text(DPKG_STATUS)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path / "tracker"), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/", str(status)
    server.shutdown()


def run_debian(tmp_path, capsys, tracker, allowlist_text: str = "") -> tuple[int, str]:
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text(allowlist_text)
    url, status = tracker
    code = audit.main(["--only", "debian", "--allowlist", str(allowlist), "--debian-source", url, "--dpkg-status", status])
    return code, capsys.readouterr().out


@debsecan_missing
def test_a_debian_fix_not_installed_fails_with_the_upgrade_command(tmp_path, capsys, debian_tracker):
    code, out = run_debian(tmp_path, capsys, debian_tracker)
    assert code == 1, out
    suite = audit.debian_codename()
    lines = out.splitlines()
    # prometheus: fixed in the release, not installed. redis: no fix yet (counted). bash: not
    # the product's. clamav: the installed version is the fixed one.
    assert lines[0] == (f"audit: debian ({suite}, debsecan): 1 advisories with a fix in {suite} not installed, "
                        "1 without a fix yet, in prometheus, redis"), out
    assert "audit: NEW: debian: prometheus 2.42.0+ds-5+deb12u1 (prometheus) CVE-2099-0001, fixed in 99.0 (unstable)" in out
    assert lines[-1].startswith(f"audit: FAILED: 1 Debian advisories fixed in {suite} but not installed: "
                                "apt-get update && apt-get install --only-upgrade prometheus"), out
    assert "bash" not in out and "clamav" not in out and "TEMP-" not in out


@debsecan_missing
def test_an_allowed_debian_advisory_passes(tmp_path, capsys, debian_tracker):
    code, out = run_debian(tmp_path, capsys, debian_tracker, f"CVE-2099-0001 | debian | prometheus | {REASON}\n")
    assert code == 0, out
    assert ":1): debian: prometheus 2.42.0+ds-5+deb12u1 (prometheus) CVE-2099-0001" in out
    assert out.splitlines()[-1].startswith("audit: debian: passed: 1 allowed, none new")


@debsecan_missing
def test_an_unreachable_tracker_skips_the_debian_part_with_one_line(tmp_path, capsys, debian_tracker):
    code, out = run_debian(tmp_path, capsys, ("http://127.0.0.1:1/", debian_tracker[1]))
    assert code == 0, out
    assert out.splitlines() == [out.splitlines()[0]] and out.startswith(
        "audit: debian: skipped, nothing was checked: the Debian security tracker did not answer"), out
    assert "Connection refused" in out


def test_without_debsecan_the_debian_part_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(audit, "DEBSECAN", str(tmp_path / "no-debsecan"))
    code, out = run_debian(tmp_path, capsys, ("http://127.0.0.1:1/", "/nonexistent"))
    assert code == 0 and out.startswith("audit: debian: skipped, nothing was checked: debsecan is not installed"), out
