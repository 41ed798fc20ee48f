"""One archive holding everything a running product needs to come back: ``make backup``.

Parts (each listed in ``manifest.json`` with its SHA-256, restored by bot/ops/restore.py):
the backend database (cases, confirmations with their signed PDFs, audit trail), the
attachments under var/attachments/, the PDF signing key and certificate (var/signing/),
var/secrets.env and var/staff_tokens.json, the tracker store, the outbox and the staff
console's database. SQLite files are copied with SQLite's online backup API and
PostgreSQL databases with ``pg_dump``: both are consistent while the services run.
The database is copied before the attachments, so every upload row has its file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bot.config import PROJECT_ROOT, Settings, get_settings

FORMAT = 1
MANIFEST = "manifest.json"
# Files of var/ copied as they are (present ones only).
PLAIN_FILES = ("secrets.env", "staff_tokens.json")
FILE_TREES = ("attachments", "signing")


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL, None for any other database."""
    return Path(url.split(":///", 1)[1]) if url.startswith("sqlite") else None


def libpq_url(url: str) -> str:
    """SQLAlchemy's ``postgresql+psycopg://`` as the plain URL pg_dump understands."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme.startswith("postgresql") else url


def databases(settings: Settings) -> list[tuple[str, str]]:
    """(role, URL) of every database to keep; a shared PostgreSQL database once."""
    var = settings.var_dir
    found = [("backend", settings.backend_database_url),
             ("tracker", settings.tracker_database_url or f"sqlite:///{var / 'tracker.sqlite3'}"),
             ("outbox", settings.outbox_database_url or f"sqlite:///{var / 'outbox.sqlite3'}"),
             ("console", f"sqlite:///{var / 'console.sqlite3'}")]
    seen: set[str] = set()
    kept = []
    for role, url in found:
        key = libpq_url(url)
        if key in seen:
            continue  # e.g. the scale-out outbox table inside the backend's database
        seen.add(key)
        path = sqlite_path(url)
        if path is None or path.exists():
            kept.append((role, url))
    return kept


def _sqlite_copy(source: Path, target: Path) -> None:
    """Online backup: a consistent copy even while another process writes (WAL included)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pg_dump(url: str, target: Path) -> None:
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                             f"--file={target}", f"--dbname={libpq_url(url)}"],
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        # pg_dump's message names the database, never data; keep only its first line.
        raise RuntimeError(f"pg_dump failed: {result.stderr.strip().splitlines()[:1]}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stage(settings: Settings, staging: Path) -> list[dict]:
    """Copy every part into ``staging``; return the manifest's part list."""
    parts: list[dict] = []

    def add(name: str, role: str, kind: str) -> None:
        path = staging / name
        parts.append({"name": name, "role": role, "kind": kind,
                      "size": path.stat().st_size, "sha256": sha256_file(path)})

    for role, url in databases(settings):
        path = sqlite_path(url)
        if path is not None:
            _sqlite_copy(path, staging / f"{role}.sqlite3")
            add(f"{role}.sqlite3", role, "sqlite")
        else:
            _pg_dump(url, staging / f"{role}.pgdump")
            add(f"{role}.pgdump", role, "pg_dump")
    var = settings.var_dir
    for name in PLAIN_FILES:
        if (var / name).is_file():
            shutil.copyfile(var / name, staging / name)
            add(name, name, "file")
    for tree in FILE_TREES:
        for path in sorted((var / tree).rglob("*")) if (var / tree).is_dir() else []:
            if path.is_file() and not path.name.endswith(".part"):  # .part: an upload being written
                relative = path.relative_to(var).as_posix()
                (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, staging / relative)
                add(relative, tree, "file")
    return parts


def create(settings: Settings, out_dir: Path) -> Path:
    """Write ``intake-backup-<UTC time>.tar.gz`` (mode 0600) into out_dir; return its path."""
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    moment = datetime.now(UTC)
    archive = out_dir / f"intake-backup-{moment:%Y%m%dT%H%M%S%fZ}.tar.gz"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".staging-") as tmp:
        staging = Path(tmp)
        parts = _stage(settings, staging)
        manifest = {"format": FORMAT, "created_at": moment.isoformat(), "parts": parts}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial = archive.with_suffix(".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh, tarfile.open(fileobj=fh, mode="w:gz") as tar:
            tar.add(staging / MANIFEST, arcname=MANIFEST)
            for part in parts:
                tar.add(staging / part["name"], arcname=f"parts/{part['name']}")
        os.replace(partial, archive)
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.backup", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "backups",
                        help="directory of the archives (default: backups/ in the checkout)")
    args = parser.parse_args(argv)
    archive = create(get_settings(), args.out)
    manifest = json.loads(tarfile.open(archive).extractfile(MANIFEST).read())
    print(f"backup: {archive} ({archive.stat().st_size} bytes, {len(manifest['parts'])} parts)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
