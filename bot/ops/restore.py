"""Put a ``make backup`` archive back: ``make restore ARCHIVE=...`` (services stopped).

Every part's SHA-256 is checked against the manifest before anything is written; an
archive with a changed, missing or extra member restores nothing. An existing var/
(or a PostgreSQL database that already holds tables) is left alone unless --force.
Files get mode 0600, directories 0700. ``--verify-only`` checks an archive and stops.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

import psycopg

from bot.config import Settings, get_settings
from bot.ops.backup import FORMAT, MANIFEST, databases, libpq_url, sha256_file, sqlite_path


class RestoreError(Exception):
    """Why an archive was not restored (a sentence for the operator)."""


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def unpack(archive: Path, into: Path) -> dict:
    """Extract and verify every part against the manifest; return the manifest."""
    with tarfile.open(archive, "r:*") as tar:
        members = {m.name: m for m in tar.getmembers()}
        if MANIFEST not in members:
            raise RestoreError("the archive has no manifest.json: not a backup of this product")
        manifest = json.loads(tar.extractfile(members[MANIFEST]).read())
        if manifest.get("format") != FORMAT:
            raise RestoreError(f"unknown backup format {manifest.get('format')!r}")
        expected = {f"parts/{p['name']}" for p in manifest["parts"]} | {MANIFEST}
        if set(members) != expected:
            raise RestoreError("the archive's members differ from its manifest")
        for part in manifest["parts"]:
            member = members[f"parts/{part['name']}"]
            if not (_safe_name(part["name"]) and member.isfile()):
                raise RestoreError("the archive holds an unsafe member")
            target = into / part["name"]
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            if sha256_file(target) != part["sha256"]:
                raise RestoreError(f"{part['name']}: SHA-256 differs from the manifest (archive damaged)")
    return manifest


def _occupied(var: Path) -> bool:
    return var.exists() and any(var.iterdir())


def _pg_has_tables(url: str) -> bool:
    with psycopg.connect(libpq_url(url), connect_timeout=10) as conn:
        return bool(conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0])


def _install(source: Path, target: Path) -> None:
    missing = [d for d in [target.parent, *target.parent.parents] if not d.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    for directory in {target.parent, *missing}:  # owner-only, whatever the umask
        os.chmod(directory, 0o700)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(source, partial)
    os.chmod(partial, 0o600)
    os.replace(partial, target)
    for suffix in ("-wal", "-shm"):  # a stale WAL of an older file would corrupt the restored one
        target.with_name(target.name + suffix).unlink(missing_ok=True)


def _pg_restore(dump: Path, url: str) -> None:
    result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                             "--exit-on-error", f"--dbname={libpq_url(url)}", str(dump)],
                            capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise RestoreError(f"pg_restore failed: {result.stderr.strip().splitlines()[:1]}")


def restore(archive: Path, settings: Settings, force: bool = False) -> dict:
    """Restore into settings.var_dir and the configured databases; return the manifest."""
    var = Path(settings.var_dir)
    targets = dict(databases_all(settings))
    if not force and _occupied(var):
        raise RestoreError(f"{var} is not empty; restore into an empty one or add --force")
    var.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(var, 0o700)
    with tempfile.TemporaryDirectory(dir=var.parent, prefix=".restore-") as tmp:
        manifest = unpack(archive, Path(tmp))
        for part in manifest["parts"]:
            if part["kind"] == "file":
                continue
            url = targets[part["role"]]
            wants_sqlite = sqlite_path(url) is not None
            if wants_sqlite != (part["kind"] == "sqlite"):
                raise RestoreError(f"the {part['role']} database in the archive is {part['kind']}, "
                                   "the settings name another kind: set its INTAKE_*_DATABASE_URL")
            if not wants_sqlite and not force and _pg_has_tables(url):
                raise RestoreError(f"the {part['role']} PostgreSQL database already has tables; add --force")
        for part in manifest["parts"]:
            source = Path(tmp) / part["name"]
            if part["kind"] == "file":
                _install(source, var / part["name"])
            elif part["kind"] == "sqlite":
                _install(source, sqlite_path(targets[part["role"]]))
            else:
                _pg_restore(source, targets[part["role"]])
    return manifest


def databases_all(settings: Settings) -> list[tuple[str, str]]:
    """(role, URL) of every database role, whether its file exists yet or not."""
    present = dict(databases(settings))
    var = settings.var_dir
    defaults = {"backend": settings.backend_database_url,
                "tracker": settings.tracker_database_url or f"sqlite:///{var / 'tracker.sqlite3'}",
                "outbox": settings.outbox_database_url or f"sqlite:///{var / 'outbox.sqlite3'}",
                "console": f"sqlite:///{var / 'console.sqlite3'}"}
    return [(role, present.get(role, url)) for role, url in defaults.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.ops.restore", description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--force", action="store_true", help="overwrite a non-empty var/ and databases")
    parser.add_argument("--verify-only", action="store_true", help="check the archive's hashes, restore nothing")
    args = parser.parse_args(argv)
    try:
        if args.verify_only:
            with tempfile.TemporaryDirectory() as tmp:
                manifest = unpack(args.archive, Path(tmp))
            print(f"verify: {args.archive}: {len(manifest['parts'])} parts, every SHA-256 matches")
            return 0
        settings = get_settings()
        manifest = restore(args.archive, settings, force=args.force)
    except (RestoreError, OSError, tarfile.TarError) as exc:
        print(f"restore: refused: {exc}", file=sys.stderr)
        return 1
    print(f"restore: {len(manifest['parts'])} parts into {settings.var_dir} "
          f"(backup of {manifest['created_at']}); start the services now")
    return 0


if __name__ == "__main__":
    sys.exit(main())
