"""Adding a field is one entry in content/fields.yml (issue 14, "one place per field").

A temporary copy of the project gets one new entry (an employer, a kind that exists) and
the concern that asks it; nothing else is edited by hand. The staff check names the field
until the domain is regenerated; then the form asks it, checks it, shows it in the
summary, sends it with the case and prints its label, all from that one entry.

A third entry has a case column of its own (`case: {column}`, `confirmation:`, `inbox:`): the
staff check names the migration it needs; with it, the field reaches the backend's case, the
staff API's list of cases, the console's case page and inbox, and the PDF.

A second entry is asked only on a condition (``ask_when: family_purpose``): the family
member's name, asked when the purpose chosen is a family one and passed over otherwise,
again with no code.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

EMPLOYER = {
    "kind": "text",
    "validation": {"min_length": 2, "max_length": 100},
    "invalid_text": {"de": "Bitte nennen Sie den Namen Ihres Arbeitgebers.", "en": "Please give your employer's name."},
    "label": {"de": "Arbeitgeber", "en": "Employer"},
    "ask": {"de": "Bei welchem Arbeitgeber sind Sie beschäftigt?", "en": "Who is your employer?"},
    "words": ["arbeitgeber", "employer"],
    "case": "note",
}
FAMILY_MEMBER = {
    "kind": "text",
    "ask_when": "family_purpose",
    "validation": {"min_length": 2, "max_length": 100},
    "invalid_text": {"de": "Bitte nennen Sie den Namen Ihres Familienmitglieds.",
                     "en": "Please give your family member's name."},
    "label": {"de": "Familienmitglied", "en": "Family member"},
    "ask": {"de": "Zu welchem Familienmitglied ziehen Sie nach (Name)?", "en": "Which family member are you joining (name)?"},
    "words": ["familienmitglied", "family member"],
    "case": "note",
}

# Runs inside the copy (its own imports read its own content/): one JSON line of findings.
PROBE = r'''
import asyncio, json, sys
sys.path.insert(0, "tests/actions")
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from form_harness import EXTENSION_DONE, run_form
from actions import enquiry_form
from actions.enquiry_form import required_fields, summary_text
from actions.submission import build_submission
from bot.confirmation.texts import text
from bot.models import CaseSubmission

done = {k: v for k, v in EXTENSION_DONE.items() if k != "message"}
before = {**done, "phone": None, "requested_slot": "phone"}
asked_next = run_form(before, "0170 1234567").requested
invalid = run_form({**done, "requested_slot": "employer"}, "x").responses
answered = run_form({**done, "requested_slot": "employer"}, "Muster GmbH")
slots = {**done, **answered.slots}
family = {**done, "purpose": "family_spouse", "principal_case_number": "__skipped__"}

tracker = Tracker(sender_id="probe-conversation", slots={**slots, "message": "Bitte verlängern.", "language": "de",
                  "submission_id": "abcdef123456"},
                  latest_message={"text": "ja", "intent": {"name": "affirm", "confidence": 1.0}, "metadata": {}},
                  events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")
dispatcher = CollectingDispatcher()
asyncio.run(enquiry_form.ActionAsk_employer().run(dispatcher, tracker, {}))
submission = build_submission(tracker, [])
print(json.dumps({
    "asked_next": asked_next,
    "invalid": invalid,
    "stored": answered.slots.get("employer"),
    "then_asked": answered.requested,
    "summary_de": summary_text({**slots, "message": "Bitte verlängern."}, "de"),
    "summary_en": summary_text({**slots, "message": "Bitte verlängern."}, "en"),
    "ask": [m.get("response") for m in dispatcher.messages],
    "skip_button": any(b["payload"] == "/skip" for m in dispatcher.messages for b in (m.get("buttons") or [])),
    "message": submission.message,
    "case_fields": sorted(CaseSubmission.model_fields),
    "pdf_label": text("fields.employer", "en"),
    "conditional_for_study": "family_member" in required_fields(slots),
    "conditional_for_family": "family_member" in required_fields({**family, **answered.slots}),
    "family_then_asked": run_form({**family, "requested_slot": "employer"}, "Muster GmbH").requested,
    "family_answered": run_form({**family, "employer": "Muster GmbH", "requested_slot": "family_member"},
                                "Emre Yılmaz").slots.get("family_member"),
}))
'''


def _copy_project(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("actions", "bot", "content", "domain", "data", "rasa_sdk_plugins"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=ignore)
    for name in ("config.yml", "endpoints.yml"):
        shutil.copy(ROOT / name, target / name)
    (target / "tests" / "actions").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "actions" / "form_harness.py", target / "tests" / "actions" / "form_harness.py")
    return target


def _add_employer(project: Path) -> None:
    """The one entry, and the concern that asks it (optional, before the message)."""
    with open(project / "content" / "fields.yml", "a", encoding="utf-8") as fh:  # the employer last
        fh.write(yaml.safe_dump({"fields": {"family_member": FAMILY_MEMBER, "employer": EMPLOYER}},
                                allow_unicode=True, sort_keys=False).split("\n", 1)[1])
    concerns_path = project / "content" / "concerns.yml"
    concerns = yaml.safe_load(concerns_path.read_text(encoding="utf-8"))
    extension = concerns["concerns"]["residence_permit_extension"]
    extension["fields"].insert(extension["fields"].index("message"), "employer")
    extension["fields"].insert(extension["fields"].index("message"), "family_member")
    extension["optional"] += ["employer", "family_member"]
    concerns_path.write_text(yaml.safe_dump(concerns, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _run(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run([PYTHON, *args], cwd=project, env=env, capture_output=True, text=True, timeout=300)


def _check(project: Path) -> str:
    return _run(project, "-c", "import sys; from bot.staffcheck import run_checks; from bot.staffcheck.project import Project;"
                "from bot.staffcheck.report import render; r = run_checks(Project(sys.argv[1]), only={'fields', 'concerns'});"
                "print(render(r))", str(project)).stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = _copy_project(tmp_path_factory.mktemp("project"))
    _add_employer(project)
    return project


def test_the_staff_check_names_the_new_field_until_the_domain_is_regenerated(project):
    drift = _run(project, "-m", "bot.fields", "--check")
    assert drift.returncode == 1
    assert "field 'employer': its slot 'employer' is missing" in drift.stdout
    report = _check(project)
    assert "domain/fields.yml (field 'employer'): is out of date" in report and "make validate" in report

    written = _run(project, "-m", "bot.fields", "--write")
    assert written.returncode == 0, written.stderr
    generated = yaml.safe_load((project / "domain" / "fields.yml").read_text(encoding="utf-8"))
    assert "employer" in generated["slots"] and "action_ask_employer" in generated["actions"]
    assert generated["responses"]["utter_ask_employer"][0]["text"] == EMPLOYER["ask"]["de"]
    assert "utter_invalid_employer" in generated["responses"]
    assert "2 of 2 checks passed" in _check(project)


@pytest.fixture(scope="module")
def found(project) -> dict:
    """What PROBE finds in the copy with the two entries, its domain regenerated (one run serves
    the two tests below: the copy is the same for both)."""
    assert _run(project, "-m", "bot.fields", "--write").returncode == 0
    probe = _run(project, "-c", PROBE)
    assert probe.returncode == 0, probe.stderr[-3000:]
    return json.loads(probe.stdout.strip().splitlines()[-1])


def test_form_summary_submission_and_pdf_pick_the_new_field_up(found):
    assert found["asked_next"] == "employer"                      # the form asks it where the concern lists it
    assert found["invalid"] == ["utter_invalid_employer"]          # its validation and its explanation
    assert found["stored"] == "Muster GmbH" and found["then_asked"] == "message"
    assert "• Arbeitgeber: Muster GmbH" in found["summary_de"]     # the summary's label
    assert "• Employer: Muster GmbH" in found["summary_en"]
    assert found["ask"] == ["utter_ask_employer"] and found["skip_button"]  # its question, optional: skippable
    assert found["message"] == "Bitte verlängern.\n[employer: Muster GmbH]"  # sent with the case (case: note)
    assert "employer" not in found["case_fields"]
    assert found["pdf_label"] == "Employer"


def test_a_conditional_field_is_asked_only_when_its_condition_holds(found):
    assert not found["conditional_for_study"] and found["then_asked"] == "message"  # study: passed over
    assert found["conditional_for_family"] and found["family_then_asked"] == "family_member"  # family: asked
    assert found["family_answered"] == "Emre Yılmaz"


def test_an_unknown_condition_is_refused_with_the_known_ones(project):
    fields_path = project / "content" / "fields.yml"
    original = fields_path.read_text(encoding="utf-8")
    head, tail = original.rsplit("ask_when: family_purpose", 1)  # the family member's (appended)
    fields_path.write_text(head + "ask_when: when_married" + tail, encoding="utf-8")
    try:
        drift = _run(project, "-m", "bot.fields", "--write")
    finally:
        fields_path.write_text(original, encoding="utf-8")
    assert drift.returncode == 1
    assert "field 'family_member': 'ask_when' names unknown condition(s) when_married" in drift.stderr
    assert "family_purpose: the purpose chosen is a family one" in drift.stderr


def test_a_field_written_twice_is_refused_by_the_check(project):
    assert _run(project, "-m", "bot.fields", "--write").returncode == 0
    labels_path = project / "content" / "labels.yml"
    original = labels_path.read_text(encoding="utf-8")
    labels_path.write_text(original.replace("fields:\n", 'fields:\n  employer: {de: "Arbeitgeber", en: "Employer"}\n', 1),
                           encoding="utf-8")
    try:
        report = _check(project)
    finally:
        labels_path.write_text(original, encoding="utf-8")
    assert "content/labels.yml:" in report and "(field 'employer'): gives the field's label again" in report


def test_a_case_column_the_backend_lacks_is_refused_by_the_check(project):
    fields_path = project / "content" / "fields.yml"
    original = fields_path.read_text(encoding="utf-8")
    head, tail = original.rsplit("case: note", 1)  # the employer's (the last entry)
    fields_path.write_text(head + "case: {column: employer, max_length: 100}" + tail, encoding="utf-8")
    try:
        assert _run(project, "-m", "bot.fields", "--write").returncode == 0
        report = _check(project)
    finally:
        fields_path.write_text(original, encoding="utf-8")
    assert "(field 'employer'): is sent as case column 'employer', which the backend's migrations do not create in its case table" in report
    assert "a migration that adds column 'employer' to the table 'cases'" in report


def test_a_case_column_changed_without_a_migration_is_refused_by_the_check(project):
    fields_path = project / "content" / "fields.yml"
    original = fields_path.read_text(encoding="utf-8")
    fields_path.write_text(original.replace("case: {column: phone, max_length: 30}",
                                            "case: {column: phone, max_length: 40, required: true}"), encoding="utf-8")
    try:
        report = _check(project)
    finally:
        fields_path.write_text(original, encoding="utf-8")
    assert ("(field 'phone'): is sent as case column 'phone', which needs VARCHAR(40) NOT NULL; "
            "the backend's migrations create VARCHAR(30)") in report


# --- a field with a case column of its own: the one entry, and the migration the check names ---

OCCUPATION = {
    "kind": "text",
    "validation": {"min_length": 2, "max_length": 100},
    "invalid_text": {"de": "Bitte nennen Sie Ihren Beruf.", "en": "Please give your occupation."},
    "label": {"de": "Ausgeübter Beruf", "en": "Occupation held"},
    "ask": {"de": "Welchen Beruf üben Sie aus?", "en": "What is your occupation?"},
    "words": ["beruf", "occupation"],
    "confirmation": 5,
    "inbox": 5,
    "case": {"column": "occupation", "max_length": 100},
}
# What the staff check asks a developer for, and nothing else.
MIGRATION = '''"""The occupation of a case (content/fields.yml).

Revision ID: 0099
Revises: {head}
"""

from alembic import op
import sqlalchemy as sa

revision = "0099"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("occupation", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "occupation")
'''

# Runs inside the copy: the form, the summary, the submission, then the real backend (SQLite) with
# the submission it built, the staff API's case and list of cases, the console's case page rows,
# its inbox (the unit's list, signed in as the unit) and the PDF's text.
BACKEND_PROBE = r'''
import asyncio, io, json, sys, time
sys.path.insert(0, "tests/actions")
from fastapi.testclient import TestClient
from pypdf import PdfReader
from rasa_sdk import Tracker
from form_harness import EXTENSION_DONE, run_form
from actions.enquiry_form import summary_text
from actions.submission import build_submission
from bot.backend.app import create_app
from bot.config import Settings
from bot.console import accounts
from bot.console.app import create_app as create_console
from bot.console.backend_client import BackendClient
from bot.console.pages.inbox import case_fields

done = {k: v for k, v in EXTENSION_DONE.items() if k != "message"}
asked = run_form({**done, "phone": None, "requested_slot": "phone"}, "0170 1234567").requested
answered = run_form({**done, "requested_slot": "occupation"}, "Bäckerin")
slots = {**done, **answered.slots, "message": "Bitte verlängern."}
tracker = Tracker(sender_id="probe-conversation", slots={**slots, "language": "en", "submission_id": "abcdef123456"},
                  latest_message={"text": "yes", "intent": {"name": "affirm", "confidence": 1.0}, "metadata": {}},
                  events=[], paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")
submission = build_submission(tracker, [])
internal = {"X-Internal-Token": "probe-internal-token-0123456789"}
tokens = {unit: f"staff-{unit}-" + "x" * 24 for unit in ("A1", "A2", "B1", "B2", "B3", "B4", "B5", "E1", "E5")}
settings = Settings(var_dir=sys.argv[1], backend_database_url=f"sqlite:///{sys.argv[1]}/backend.sqlite3",
                    internal_token=internal["X-Internal-Token"], staff_tokens=json.dumps(tokens),
                    verify_url="https://lea.example/verify", backend_url="http://testserver",
                    console_project_dir=".", rasa_port=9)
with TestClient(create_app(settings)) as client:
    receipt = client.post("/internal/cases", json=submission.model_dump(mode="json"), headers=internal).json()
    staff = {"Authorization": f"Bearer {tokens[receipt['unit']]}"}
    case = client.get(f"/staff/api/cases/{receipt['case_number']}", headers=staff).json()
    listed = client.get("/staff/api/cases", headers=staff).json()
    console = create_console(settings)
    console.state.console.backend = BackendClient(settings, http=client)
    accounts.add_user(console.state.console.store, "uwe.unit", "correct horse battery staple", "unit", receipt["unit"])
    web = TestClient(console, base_url="https://testserver")
    login = web.get("/login").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    web.post("/login", data={"name": "uwe.unit", "password": "correct horse battery staple", "csrf": login},
             follow_redirects=False)
    inbox = {lang: web.get("/inbox", headers={"Accept-Language": lang}).text for lang in ("de", "en")}
    for _ in range(60):  # the PDF is rendered right after the commit
        pdf = client.get(f"/internal/confirmations/{receipt['download_token']}",
                         params={"conversation_id": submission.conversation_id}, headers=internal)
        if pdf.status_code != 503:
            break
        time.sleep(1)
text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
print(json.dumps({
    "asked_next": asked,
    "stored": answered.slots.get("occupation"),
    "summary_en": summary_text(slots, "en"),
    "submitted": submission.occupation,
    "message": submission.message,
    "case": case.get("occupation"),
    "listed": [c.get("occupation") for c in listed],
    "inbox_de": inbox["de"].split("<thead>", 1)[-1].split("</table>", 1)[0],
    "inbox_en": inbox["en"].split("<thead>", 1)[-1].split("</table>", 1)[0],
    "console_de": case_fields(case, "de"),
    "console_en": case_fields(case, "en"),
    "pdf_status": pdf.status_code,
    "pdf": text,
}))
'''


def _add_occupation(project: Path) -> None:
    with open(project / "content" / "fields.yml", "a", encoding="utf-8") as fh:
        fh.write(yaml.safe_dump({"fields": {"occupation": OCCUPATION}}, allow_unicode=True,
                                sort_keys=False).split("\n", 1)[1])
    concerns_path = project / "content" / "concerns.yml"
    concerns = yaml.safe_load(concerns_path.read_text(encoding="utf-8"))
    extension = concerns["concerns"]["residence_permit_extension"]
    extension["fields"].insert(extension["fields"].index("message"), "occupation")
    extension["optional"] += ["occupation"]
    concerns_path.write_text(yaml.safe_dump(concerns, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _schema_differences(project: Path) -> str:
    """What `upgrade head` lacks against the case table's model (tests/backend/test_migrations.py)."""
    return _run(project, "-c", "from alembic.autogenerate import compare_metadata; from alembic.migration import "
                "MigrationContext; from sqlalchemy import create_engine; from sqlalchemy.pool import StaticPool;"
                "from bot.backend.migrations import upgrade_to_head; from bot.backend.models import Base;"
                "e = create_engine('sqlite://', poolclass=StaticPool); upgrade_to_head(e);"
                "print(compare_metadata(MigrationContext.configure(e.connect()), Base.metadata))").stdout


@pytest.fixture(scope="module")
def columned(tmp_path_factory) -> Path:
    project = _copy_project(tmp_path_factory.mktemp("columned"))
    _add_occupation(project)
    assert _run(project, "-m", "bot.fields", "--write").returncode == 0
    return project


def test_a_new_case_column_is_named_until_its_migration_exists(columned):
    report = _check(columned)
    assert ("(field 'occupation'): is sent as case column 'occupation', which the backend's migrations do not "
            "create in its case table") in report
    assert "a migration that adds column 'occupation' to the table 'cases'" in report
    missing = _schema_differences(columned)
    assert "'add_column'" in missing and "occupation" in missing

    versions = columned / "bot" / "backend" / "migrations" / "versions"
    head = max(p.name.split("_")[0] for p in versions.glob("0*.py"))
    (versions / "0099_occupation.py").write_text(MIGRATION.replace("{head}", head), encoding="utf-8")
    assert "2 of 2 checks passed" in _check(columned)
    assert _schema_differences(columned).strip() == "[]"


def test_a_new_column_field_reaches_the_case_the_console_the_inbox_and_the_pdf(columned, tmp_path):
    versions = columned / "bot" / "backend" / "migrations" / "versions"
    if not (versions / "0099_occupation.py").exists():
        head = max(p.name.split("_")[0] for p in versions.glob("0*.py"))
        (versions / "0099_occupation.py").write_text(MIGRATION.replace("{head}", head), encoding="utf-8")
    probe = _run(columned, "-c", BACKEND_PROBE, str(tmp_path))
    assert probe.returncode == 0, probe.stderr[-3000:]
    found = json.loads(probe.stdout.strip().splitlines()[-1])
    assert found["asked_next"] == "occupation" and found["stored"] == "Bäckerin"   # the form
    assert "• Occupation held: Bäckerin" in found["summary_en"]                    # the summary
    assert found["submitted"] == "Bäckerin" and "occupation" not in found["message"]  # its own column
    assert found["case"] == "Bäckerin"                                             # the backend's case
    assert ["Ausgeübter Beruf", "Bäckerin"] in found["console_de"]                 # the console's case page
    assert ["Occupation held", "Bäckerin"] in found["console_en"]
    # The unit's list of cases (`inbox: 5`): the staff API's list and the console's inbox, a column
    # labelled in the console's language after the registry's other columns.
    assert found["listed"] == ["Bäckerin"]
    for lang, label in (("de", "Ausgeübter Beruf"), ("en", "Occupation held")):
        inbox = found[f"inbox_{lang}"]
        assert f'<th scope="col">{label}</th>' in inbox and "<td>Bäckerin</td>" in inbox, inbox
        assert inbox.index("Staatsangeh" if lang == "de" else "Nationality") < inbox.index(label)
    assert found["pdf_status"] == 200
    # The PDF: its label in both languages, after the nationality and before the concern (`confirmation: 5`).
    pdf = found["pdf"]
    assert "Occupation held" in pdf and "Ausgeübter Beruf" in pdf and "Bäckerin" in pdf
    assert pdf.index("Nationality") < pdf.index("Bäckerin") < pdf.index("Matter")
