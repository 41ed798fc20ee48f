"""The staff console in Debian's chromium against the whole product (`stack` fixture).

The forms for concerns and routing rules need no other service: that test runs the
console alone (`console_only`), on a git copy of the project.

An editor turns a failed client message into a training example, adds a new question
with German and English answers, trains, makes the model live, and the chat answers the
new question in both languages without a restart; rollback brings the old answer back.
A unit user sees only their unit's cases. axe-core checks every page. Screenshots go to
docs/img/ (the staff guide shows them).

Training runs once, in test_editor_learns_adds_a_question_trains_and_goes_live (1-3 min).
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import threading
import time
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from bot.config import Settings
from bot.runner.environment import APP_PYTHON
from test_widget_accessibility import run_axe
from widget_helpers import PROJECT_ROOT

pytestmark = pytest.mark.browser
PASSWORD = "a long and personal passphrase"
IMAGES = PROJECT_ROOT / "docs" / "img"
TRAINING_TIMEOUT_MS = 1_200_000  # a ceiling: 2-4 min on an idle 2-core machine, 10+ min under heavy load
# A failed message full of personal data: the console must show none of it.
FAILED_EN = "my name is Jonathan Smithers, born 3 March 1991, where can I park my car? jonathan@example.org"
PERSONAL = ("Jonathan", "Smithers", "3 March 1991", "jonathan@example.org")
EXAMPLES = {
    "de": ["wo kann ich parken", "gibt es parkplätze beim amt", "parkplatz landesamt", "wo parke ich mein auto",
           "kann ich mit dem auto kommen, wo parken", "gibt es einen parkplatz", "parken am amt", "parkhaus in der nähe",
           "wo kann man beim amt das auto abstellen", "habt ihr parkplätze für besucher"],
    "en": ["where can i park", "is there parking at the office", "car park immigration office", "where do i park my car",
           "can i come by car, where to park", "is there a parking lot", "parking at the office", "car park nearby",
           "where can i leave my car at the office", "do you have visitor parking"],
}
ANSWERS = {"de": "Parken: Bitte nutzen Sie das Parkhaus P7 gegenüber dem Eingang.",
           "en": "Parking: please use car park P7 opposite the entrance."}


def add_account(stack, name: str, role: str, unit: str | None = None) -> None:
    """The documented command, as an administrator runs it."""
    command = [str(APP_PYTHON), "-m", "bot.console", "users", "add", "--role", role, name, "--password-stdin"]
    command += ["--unit", unit] if unit else []
    env = {**os.environ, "INTAKE_VAR_DIR": str(stack.var_dir)}
    subprocess.run(command, input=PASSWORD + "\n", env=env, cwd=PROJECT_ROOT, check=True, capture_output=True, text=True)


def chat(stack, text: str, language: str) -> str:
    """One message in a fresh conversation through the public chat API; the answer's texts."""
    reply = httpx.post(f"{stack.gateway_url}/webhooks/rest/webhook", timeout=60, json={
        "sender": f"console-test-{uuid.uuid4().hex[:10]}", "message": text, "metadata": {"language": language}})
    return " ".join(m.get("text", "") for m in reply.json())


def sign_in(page: Page, stack, name: str) -> None:
    page.goto(f"{stack.console_url}/login")
    page.fill("#name", name)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def check_page(page: Page, shot: str | None = None) -> None:
    """No axe-core finding at all on the page; optionally a screenshot for the guide."""
    violations = run_axe(page)
    assert violations == [], violations
    if shot:
        IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMAGES / f"{shot}.png"), full_page=True)


@pytest.fixture
def console_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is injected inline
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.mark.timeout(2400)  # includes starting the stack when this test is the first to use it, and training
def test_editor_learns_adds_a_question_trains_and_goes_live(stack, console_page):
    page = console_page
    add_account(stack, "eva.editor", "editor")
    before_en = chat(stack, FAILED_EN, "en")
    assert "P7" not in before_en
    chat(stack, "xkcd blorf zzt", "de")

    sign_in(page, stack, "eva.editor")
    expect(page.get_by_role("heading", name="Learn from conversations")).to_be_visible()
    item = page.locator(".learn-item", has_text="where can I park my car")
    expect(item).to_be_visible()
    content = page.content()
    assert not [value for value in PERSONAL if value in content]
    check_page(page, "console-learn")

    # 1. The gibberish becomes a training example of the out-of-scope intent, in the German file.
    gibberish = page.locator(".learn-item", has_text="xkcd blorf zzt")
    gibberish.get_by_label("Intent").select_option("out_of_scope")
    gibberish.get_by_role("button", name="Add as training example").click()
    expect(page.get_by_role("status")).to_contain_text("Added as a training example")
    project = stack.settings.console_project_dir
    assert "- xkcd blorf zzt" in (project / "data/nlu/de/out_of_scope.yml").read_text()

    # 2. The parking question starts a new question and answer; the first try is checked and refused.
    page.locator(".learn-item", has_text="where can I park my car").get_by_role("button", name="Start a new question from it").click()
    expect(page.get_by_role("heading", name="New question and answer")).to_be_visible()
    page.fill("#intent", "parking")
    page.fill("#examples_de", "wo kann ich parken")
    page.fill("#answer_de", ANSWERS["de"])
    page.fill("#answer_en", ANSWERS["en"])
    page.fill("#source", "Hausordnung des LEA, Abschnitt Anfahrt")
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("alert")).to_contain_text("has 1 German example, at least 10 are needed")
    check_page(page, "console-new-question-problems")
    page.fill("#examples_de", "\n".join(EXAMPLES["de"]))
    page.fill("#examples_en", "\n".join(EXAMPLES["en"]))
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("status")).to_contain_text("Saved as change")
    expect(page.locator(".change").first).to_contain_text("New question and answer 'faq_parking'")
    check_page(page, "console-history")

    # 3. Train, read the evaluation, go live: Rasa swaps the model while running.
    page.goto(f"{stack.console_url}/train")
    old_model = page.locator("#serving-model").inner_text()
    page.get_by_role("button", name="Train a new model from the saved changes").click()
    expect(page.locator("#new-model")).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.get_by_role("table")).to_contain_text("understood correctly")
    check_page(page, "console-train")
    page.get_by_role("button", name="Go live with this model").click()
    expect(page.get_by_role("status")).to_contain_text("The new model is live", timeout=120_000)
    expect(page.locator("main")).to_contain_text("made live by eva.editor")
    assert page.locator("#serving-model").inner_text() != old_model
    assert "P7" in chat(stack, "wo kann ich hier parken?", "de")
    assert "car park P7" in chat(stack, "where can I park my car?", "en")
    assert re.search(r"Parkhaus P7", chat(stack, "gibt es parkplätze am amt", "de"))

    # 4. Rollback: the earlier model serves again, the new answer is gone.
    page.get_by_role("button", name=re.compile("Roll back to")).click()
    expect(page.get_by_role("status")).to_contain_text("Rolled back", timeout=120_000)
    assert page.locator("#serving-model").inner_text() == old_model
    assert "P7" not in chat(stack, "where can I park my car?", "en")


def _case(stack, family_name: str, nationality: str) -> dict:
    """A case stored through the backend's internal API, as the action server stores one.

    A birth date of its own, so no case of another test is taken for the same person."""
    birth = f"19{random.randint(40, 99)}-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}"
    submission = {
        "idempotency_key": uuid.uuid4().hex, "conversation_id": f"conv-{uuid.uuid4().hex[:8]}", "language": "de",
        "concern": "residence_permit_extension", "purpose": "employment", "given_names": "Amira",
        "family_name": family_name, "date_of_birth": birth, "nationality": nationality,
        "email": "amira@example.org", "title_kind": "residence_permit", "title_expiry": "2099-01-31",
        "message": "Bitte um Verlängerung.",
    }
    response = httpx.post(f"{stack.backend_url}/internal/cases", json=submission, timeout=30,
                          headers={"X-Internal-Token": stack.settings.internal_token})
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_unit_user_sees_only_their_units_cases(stack, console_page):
    page = console_page
    own, other = _case(stack, "Haddad", "JOR"), _case(stack, "Nguyen", "VNM")
    assert own["unit"] != other["unit"]
    add_account(stack, "uwe.unit", "unit", own["unit"])

    sign_in(page, stack, "uwe.unit")
    expect(page.get_by_role("heading", name=f"Cases of unit {own['unit']}")).to_be_visible()
    expect(page.get_by_role("link", name=own["case_number"])).to_be_visible()
    assert other["case_number"] not in page.content()
    check_page(page, "console-inbox")

    page.get_by_role("link", name=own["case_number"]).click()
    expect(page.get_by_role("heading", name=f"Case {own['case_number']}")).to_be_visible()
    expect(page.locator("dl.data")).to_contain_text("Haddad")
    check_page(page, "console-case")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_role("status")).to_contain_text("Marked as done")

    # Knowing another unit's case number is not enough; neither is an editor page.
    assert page.goto(f"{stack.console_url}/inbox/{other['case_number']}").status == 404
    assert page.goto(f"{stack.console_url}/inbox/{other['case_number']}/confirmation.pdf").status == 404
    assert page.goto(f"{stack.console_url}/edit").status == 403

    # The Deutsch/English switch is a plain link (CSP allows no inline script): the inbox in German.
    page.goto(f"{stack.console_url}/inbox")
    page.get_by_role("link", name="Deutsch").click()
    expect(page.get_by_role("heading", name=f"Fälle von Sachgebiet {own['unit']}")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    expect(page.get_by_role("row", name=re.compile(own["case_number"]))).to_contain_text("erledigt")
    check_page(page)
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name=f"Cases of unit {own['unit']}")).to_be_visible()


@pytest.fixture
def console_only(tmp_path):
    """The console by itself on a free loopback port (no Rasa, no backend); its URL and project."""
    import uvicorn

    from bot.console import accounts
    from bot.console.app import create_app
    from tests.fixtures.stack import console_project

    settings = Settings(var_dir=tmp_path / "var", console_project_dir=console_project(tmp_path / "project"),
                        rasa_port=9, backend_port=9)
    app = create_app(settings)
    accounts.add_user(app.state.console.store, "rita.editor", PASSWORD, "editor")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the console did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield type("Console", (), {"console_url": f"http://127.0.0.1:{port}", "project": settings.console_project_dir})
    server.should_exit = True
    thread.join(timeout=10)


def test_an_editor_changes_a_concern_and_a_routing_rule_in_forms(console_only, console_page):
    """German reader: a concern's name and fields, then a new routing rule, refused once with the field named."""
    page, url = console_page, console_only.console_url
    sign_in(page, console_only, "rita.editor")
    page.goto(f"{url}/edit")
    page.get_by_role("link", name="Deutsch").click()
    page.get_by_role("link", name="Anliegen und die Angaben, die sie brauchen").click()
    page.get_by_role("link", name="Verlängerung eines Visums im Bundesgebiet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verlängerung eines Visums im Bundesgebiet")
    check_page(page, "console-concern")
    page.get_by_label("Name auf Deutsch").fill("Verlängerung eines Schengen-Visums im Bundesgebiet")
    page.get_by_label("Telefon").select_option("no")
    page.get_by_label("Aktenzeichen", exact=True).select_option("optional")
    assert page.get_by_label("E-Mail").locator("option").all_inner_texts() == ["Pflichtangabe"]  # every case needs it
    page.get_by_role("button", name="Prüfen und speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Gespeichert")
    concerns = (console_only.project / "content/concerns.yml").read_text()
    assert 'name: {de: "Verlängerung eines Schengen-Visums im Bundesgebiet"' in concerns
    assert "    optional: [existing_case_number]\n" in concerns and "# Concern catalogue" in concerns

    page.goto(f"{url}/edit/routing")
    check_page(page, "console-routing")
    page.get_by_role("link", name="Neue Regel").click()
    page.get_by_label("Kennung der Regel").fill("e1-ukraine")
    page.get_by_label("Position").select_option("e5-europe")
    page.get_by_label("Sachgebiet, das den Fall bekommt").select_option("E1")
    page.get_by_role("group", name="Abteilung (des Anliegens oder Zwecks)").get_by_label("E", exact=True).check()
    page.get_by_label("Staatsangehörigkeit").fill("UKR, UKX")
    page.get_by_role("button", name="Prüfen und speichern").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("„UKX“ ist weder ein Ländercode")
    check_page(page, "console-rule-problem")
    expect(alert.get_by_role("link")).to_have_attribute("href", "#cond_nationality")  # the field to fix
    page.get_by_label("Staatsangehörigkeit").fill("UKR")
    page.get_by_role("button", name="Prüfen und speichern").click()
    expect(page.get_by_role("status")).to_contain_text("Gespeichert")
    expect(page.locator(".change").first).to_contain_text("e1-ukraine")
    routing = (console_only.project / "content/routing.yml").read_text()
    assert "  - id: e1-ukraine\n    unit: E1\n    when: {unit_family: E, nationality: UKR}\n  - id: e5-europe\n" in routing
