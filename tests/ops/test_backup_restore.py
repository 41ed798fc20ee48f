"""A backup of a running backend restores into an empty product with every case intact.

The backend runs in-process with its real code paths (uploads on disk, PDFs rendered and
signed after the commit); `make backup`'s module archives it while it runs, `make
restore`'s module puts it into a fresh var/ (and a fresh PostgreSQL database), and a new
backend on the restored data serves every case, attachment and signed PDF unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.backend.app import create_app
from bot.backend.models import Case
from bot.config import Settings
from bot.ops import backup, restore
from tests.backend.conftest import INTERNAL, STAFF_TOKENS, staff, submission
from tests.backend.helpers import PDF, PNG, upload
from tests.fixtures.postgres import fresh_databases, url_of

ATTACHMENTS = [(PDF, "application/pdf", "pass.pdf"), (PNG, "image/png", "photo.png")]


def settings_for(var: Path, url: str) -> Settings:
    return Settings(var_dir=var, backend_database_url=url, internal_token=INTERNAL["X-Internal-Token"],
                    staff_tokens=json.dumps(STAFF_TOKENS), verify_url="https://lea.example/verify")


def fill(client: TestClient) -> dict[str, dict]:
    """Three real cases, two with attachments; returns what each must look like after restore."""
    expected = {}
    for n in range(3):
        conversation = f"conv-backup-{n}"
        ids, hashes = [], {}
        for data, content_type, name in ATTACHMENTS[:n]:
            response = upload(client, conversation_id=conversation, data=data + bytes([n]),
                              content_type=content_type, filename=name)
            assert response.status_code == 201, response.text
            ids.append(response.json()["upload_id"])
            hashes[name] = hashlib.sha256(data + bytes([n])).hexdigest()
        response = client.post("/internal/cases", headers=INTERNAL, json=submission(
            conversation_id=conversation, upload_ids=ids, family_name=f"Haddad{n}",
            email=f"client{n}@example.org", date_of_birth=f"199{n}-05-17"))
        assert response.status_code in (200, 201), response.text
        expected[response.json()["case_number"]] = {"attachments": hashes, "family_name": f"Haddad{n}"}
    ctx = client.app.state.ctx
    with ctx.read_sessions() as session:
        rows = session.execute(select(Case.id, Case.case_number, Case.unit)).all()
    for case_id, case_number, unit in rows:
        expected[case_number]["unit"] = unit
        expected[case_number]["pdf"] = ctx.pdfs.pdf(case_id)  # waits for render + signature
    assert len(expected) == 3
    return expected


def tracker_with_unflushed_wal(var: Path) -> sqlite3.Connection:
    """A WAL-mode tracker file whose last commit is still only in the WAL (held open)."""
    db = sqlite3.connect(var / "tracker.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)")
    db.execute("INSERT INTO events (data) VALUES ('turn')")
    db.commit()
    return db


def verify_restored(client: TestClient, expected: dict[str, dict], tmp_path: Path) -> None:
    for case_number, want in expected.items():
        detail = client.get(f"/staff/api/cases/{case_number}", headers=staff(want["unit"]))
        assert detail.status_code == 200, detail.text
        body = detail.json()
        assert want["family_name"] in json.dumps(body)
        got = {}
        for attachment in [a for entry in body["entries"] for a in entry["attachments"]]:
            data = client.get(f"/staff/api/cases/{case_number}/attachments/{attachment['upload_id']}",
                              headers=staff(want["unit"]))
            assert data.status_code == 200
            got[attachment["filename"]] = hashlib.sha256(data.content).hexdigest()
        assert got == want["attachments"]
        pdf = client.get(f"/staff/api/cases/{case_number}/confirmation.pdf", headers=staff(want["unit"]))
        assert pdf.status_code == 200 and pdf.content == want["pdf"]
        path = tmp_path / f"{case_number}.pdf"
        path.write_bytes(pdf.content)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout
        assert "Signature Validation: Signature is Valid." in out


def round_trip(tmp_path: Path, source_url: str, target_url: str) -> None:
    var = tmp_path / "var"
    with TestClient(create_app(settings_for(var, source_url))) as client:
        expected = fill(client)
        tracker = tracker_with_unflushed_wal(var)
        try:
            archive = backup.create(settings_for(var, source_url), tmp_path / "backups")  # while running
        finally:
            tracker.close()
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "parts/tracker.sqlite3", "parts/signing/confirmation-key.pem"} <= names
    assert sum(n.startswith("parts/attachments/") for n in names) == 3

    fresh = tmp_path / "restored" / "var"
    manifest = restore.restore(archive, settings_for(fresh, target_url))
    assert len(manifest["parts"]) == len(names) - 1
    for path in [fresh, *fresh.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    assert (fresh / "signing" / "confirmation-key.pem").read_bytes() == \
        (var / "signing" / "confirmation-key.pem").read_bytes()
    with sqlite3.connect(fresh / "tracker.sqlite3") as db:
        assert db.execute("SELECT data FROM events").fetchall() == [("turn",)]
    with TestClient(create_app(settings_for(fresh, target_url))) as client:
        verify_restored(client, expected, tmp_path)

    with pytest.raises(restore.RestoreError, match="not empty"):
        restore.restore(archive, settings_for(fresh, target_url))


def test_sqlite_backup_restores_every_case_attachment_and_signed_pdf(tmp_path):
    round_trip(tmp_path, f"sqlite:///{tmp_path / 'var' / 'backend.sqlite3'}",
               f"sqlite:///{tmp_path / 'restored' / 'var' / 'backend.sqlite3'}")


@pytest.fixture
def two_postgres_databases():
    with fresh_databases("intake_backup", count=2) as names:
        yield [url_of(name) for name in names]


@pytest.mark.postgres
def test_postgres_backup_restores_into_an_empty_database(tmp_path, two_postgres_databases):
    source, target = two_postgres_databases
    round_trip(tmp_path, source, target)
    # The target now holds tables: a second restore is refused without --force.
    with pytest.raises(restore.RestoreError, match="already has tables"):
        restore.restore(next((tmp_path / "backups").glob("*.tar.gz")), settings_for(tmp_path / "other", target))


def test_a_changed_byte_restores_nothing(tmp_path):
    var = tmp_path / "var"
    url = f"sqlite:///{var / 'backend.sqlite3'}"
    with TestClient(create_app(settings_for(var, url))):
        pass  # creates the database and the signing key
    archive = backup.create(settings_for(var, url), tmp_path / "backups")
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(forged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.endswith("confirmation-key.pem"):
                data = data.replace(b"A", b"B", 1)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    fresh = tmp_path / "fresh"
    with pytest.raises(restore.RestoreError, match="SHA-256 differs"):
        restore.restore(forged, settings_for(fresh, f"sqlite:///{fresh / 'backend.sqlite3'}"))
    assert not any(fresh.iterdir())


def test_an_archive_with_a_path_outside_var_restores_nothing(tmp_path):
    """An attacker's archive naming ../ in its manifest (with a matching hash) writes nothing."""
    evil = b"export INTAKE_INTERNAL_TOKEN=attacker\n"
    manifest = {"format": backup.FORMAT, "created_at": "2026-12-01T00:00:00+00:00", "parts": [
        {"name": "../outside.env", "role": "secrets.env", "kind": "file", "size": len(evil),
         "sha256": hashlib.sha256(evil).hexdigest()}]}
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in (("manifest.json", json.dumps(manifest).encode()), ("parts/../outside.env", evil)):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    fresh = tmp_path / "restored" / "var"
    with pytest.raises(restore.RestoreError, match="unsafe"):
        restore.restore(archive, settings_for(fresh, f"sqlite:///{fresh / 'backend.sqlite3'}"))
    assert not (tmp_path / "restored" / "outside.env").exists() and not any(fresh.iterdir())


def test_the_make_targets_an_operator_pastes(tmp_path):
    """`make backup`, `make restore VERIFY=1`, `make restore` as docs/OPERATIONS.md shows them."""
    var = tmp_path / "var"
    with TestClient(create_app(settings_for(var, f"sqlite:///{var / 'backend.sqlite3'}"))):
        pass  # creates the database and the signing key
    root = Path(__file__).resolve().parents[2]

    def make(*args: str, var_dir: Path) -> subprocess.CompletedProcess:
        env = {"PATH": "/usr/bin:/bin", "INTAKE_VAR_DIR": str(var_dir), "HOME": str(tmp_path)}
        return subprocess.run(["make", "--no-print-directory", "-C", str(root), *args], env=env,
                              capture_output=True, text=True, timeout=120)

    made = make("backup", f"OUT={tmp_path / 'backups'}", var_dir=var)
    assert made.returncode == 0, made.stderr
    archive = next((tmp_path / "backups").glob("intake-backup-*.tar.gz"))
    assert make("restore", f"ARCHIVE={archive}", "VERIFY=1", var_dir=var).returncode == 0
    refused = make("restore", f"ARCHIVE={archive}", var_dir=var)
    assert refused.returncode != 0 and "not empty" in refused.stderr
    fresh = tmp_path / "fresh"
    assert make("restore", f"ARCHIVE={archive}", var_dir=fresh).returncode == 0
    for name in ("backend.sqlite3", "signing/confirmation-key.pem", "signing/confirmation-cert.pem"):
        assert (fresh / name).exists(), name
    assert (fresh / "signing/confirmation-key.pem").read_bytes() == (var / "signing/confirmation-key.pem").read_bytes()
