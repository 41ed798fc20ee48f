"""Every console text exists in German and English; the page language follows the switch or the browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.console import texts
from tests.console.conftest import client, csrf_of, signed_in

CONSOLE = Path(texts.__file__).resolve().parent
# t("key") in templates; in the code text(language, "key"), HTTPException(status, "key") and the
# errors whose message is a console text (texts.Said: EditError, Conflict, ModelSwapError, ...).
TEMPLATE_KEY = re.compile(r"""\bt\(\s*["']([A-Za-z0-9_]+)["']""")
CODE_KEY = re.compile(r"""\btexts\.text\([^,]+,\s*"([A-Za-z0-9_]+)"|HTTPException\(\d+,\s*"([A-Za-z0-9_]+)"\)"""
                      r'|EditError\([^,]+,\s*"([A-Za-z0-9_]+)"|(?:Conflict|ModelSwapError|DataCheckFailed|NoEarlierModel)\(\s*"([A-Za-z0-9_]+)"')


def test_every_text_has_german_and_english():
    for key, entry in texts.catalogue().items():
        assert isinstance(key, str) and isinstance(entry, dict), key
        assert set(entry) == {"de", "en"}, key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key
        # A placeholder one language fills in and the other does not would print "{name}" on the page.
        assert set(re.findall(r"\{(\w+)\}", entry["de"])) == set(re.findall(r"\{(\w+)\}", entry["en"])), key


def test_templates_and_pages_use_only_existing_keys():
    used = set()
    for template in (CONSOLE / "templates").glob("*.html"):
        source = template.read_text(encoding="utf-8")
        used |= set(TEMPLATE_KEY.findall(source))
        # a template that says t(...) with anything but a literal key would escape this check
        assert not re.search(r"""\bt\(\s*[^"'\s]""", source), template.name
    for module in CONSOLE.rglob("*.py"):
        for groups in CODE_KEY.findall(module.read_text(encoding="utf-8")):
            used |= {g for g in groups if g}
    assert len(used) > 150
    assert {"edit_value_date", "undo_already_undone", "swap_token_refused", "rollback_none"} <= used  # the code's errors are seen
    missing = used - set(texts.catalogue())
    assert not missing, f"keys used but not in content/console.yml: {sorted(missing)}"


@pytest.mark.parametrize(("header", "expected"), [
    ("", "en"), ("de", "de"), ("de-DE,de;q=0.9,en;q=0.8", "de"), ("en-US,en;q=0.9,de;q=0.8", "en"),
    ("fr-FR,fr;q=0.9", "en"), ("en;q=0.3,de-AT;q=0.7", "de"), ("*", "en"), ("de;q=bogus,en", "en"),
])
def test_accept_language_chooses_german_only_when_german_is_preferred(header, expected):
    assert texts._accept_language(header) == expected


GERMAN_PAGES = [  # (account, path, a German text of that page, its English counterpart)
    (None, "/login", "Passwort", "Password"),
    ("anna.editor", "/edit", "Bearbeiten, was der Assistent weiß und sagt", "Edit what the assistant knows and says"),
    ("anna.editor", "/learn", "Aus Gesprächen lernen", "Learn from conversations"),
    ("anna.editor", "/train", "Neues Modell aus den gespeicherten Änderungen trainieren", "Train a new model"),
    ("anna.editor", "/history", "Verlauf der Änderungen", "History of changes"),
    ("anna.editor", "/edit/new-question", "Kurzname der Frage", "Short name of the question"),
    ("anna.editor", "/edit/responses/utter_greet", "Beide Sprachen speichern", "Save both languages"),
    ("anna.editor", "/edit/concerns/visa_extension", "Angaben, die der Assistent erfragt", "Fields the assistant asks"),
    ("anna.editor", "/edit/routing", "Regeln in der Reihenfolge, in der sie geprüft werden", "Rules in the order they are checked"),
    ("anna.editor", "/edit/routing/new", "Anfangsbuchstabe des Familiennamens", "First letter of the family name"),
    # No backend in these tests: the inbox answers with its refusal, which must be German too.
    ("ben.unit", "/inbox", "Der Fallspeicher ist gerade nicht erreichbar", "The case store is not reachable"),
]


def _client(app, account):
    return signed_in(app, account) if account else client(app)


@pytest.mark.parametrize(("account", "path", "german", "english"), GERMAN_PAGES)
def test_accept_language_de_gives_german_pages(shared_console, account, path, german, english):
    c = _client(shared_console, account)
    c.headers["Accept-Language"] = "de-DE,de;q=0.9,en;q=0.5"
    page = c.get(path).text
    assert '<html lang="de">' in page and german in page and english not in page


@pytest.mark.parametrize(("account", "path", "german", "english"), GERMAN_PAGES)
def test_without_a_preference_pages_stay_english(shared_console, account, path, german, english):
    page = _client(shared_console, account).get(path).text
    assert '<html lang="en">' in page and english in page and german not in page


def test_the_switch_stores_the_choice_which_beats_accept_language(shared_console):
    c = signed_in(shared_console, "anna.editor")
    c.headers["Accept-Language"] = "en-US,en"
    assert "Aus Gesprächen lernen" not in c.get("/learn").text
    response = c.get("/language/de", params={"next": "/learn"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/learn"
    cookie = response.headers["set-cookie"]
    assert "console_lang=de" in cookie and "HttpOnly" in cookie and "Secure" in cookie
    page = c.get("/learn").text
    assert '<html lang="de">' in page and "Aus Gesprächen lernen" in page
    assert 'href="/language/en?next=/learn"' in page  # and back
    c.get("/language/en", params={"next": "/learn"})
    assert '<html lang="en">' in c.get("/learn").text
    # The session's CSRF token is unchanged by the switch: a form still posts.
    csrf = csrf_of(c.get("/edit/new-question").text)
    assert c.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303


def test_the_switch_works_before_sign_in_and_refusals_come_in_german(shared_console):
    c = client(shared_console)
    c.get("/language/de", params={"next": "/login"})
    assert "Passwort" in c.get("/login").text
    assert c.post("/edit/facts/x", data={}).text == "Bitte melden Sie sich an."
    unit = signed_in(shared_console, "ben.unit")
    unit.get("/language/de")
    refused = unit.get("/edit")
    assert refused.status_code == 403 and "Diese Seite ist für die Redaktion" in refused.text
    assert "Diese Seite gibt es nicht." in unit.get("/no-such-page").text


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", ""])
def test_the_switch_never_redirects_off_the_console(shared_console, target):
    response = client(shared_console).get("/language/de", params={"next": target}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_the_switch_accepts_only_german_and_english(shared_console):
    c = client(shared_console)
    response = c.get("/language/fr", follow_redirects=False)
    assert response.status_code == 404 and "set-cookie" not in response.headers
    c.cookies.set("console_lang", "<script>")  # a forged cookie falls back to Accept-Language
    assert '<html lang="en">' in c.get("/login").text


def test_the_consoles_own_refusals_of_a_form_come_in_german(console, editor):
    editor.headers["Accept-Language"] = "de"
    csrf = csrf_of(editor.get("/edit/new-question").text)
    response = editor.post("/edit/new-question", data={"csrf": csrf, "intent": "Bad Name!", "source": "x"})
    assert response.status_code == 422
    assert '<html lang="de">' in response.text and "Der Name darf nur Kleinbuchstaben" in response.text
    assert "lowercase letters" not in response.text
    response = editor.post("/edit/facts/fee_issue_eur", data={"csrf": csrf, "value": "viel", "source": "x"})
    assert response.status_code == 422 and "Der Wert muss" in response.text and "the value must" not in response.text
    response = editor.post("/history/999/revert", data={"csrf": csrf})
    assert "Diese Änderung gibt es nicht" in response.text


def test_the_checks_problems_on_save_come_in_the_readers_language(console, editor):
    """The staff checks' own words (content/staffcheck.yml), not only the console's: German for a German reader."""
    values = {"intent": "parking", "source": "Hausordnung", "examples_de": "wo kann ich parken",
              "examples_en": "where can i park", "answer_de": "Parkhaus P7.", "answer_en": "Car park P7."}
    csrf = csrf_of(editor.get("/edit/new-question").text)
    english = editor.post("/edit/new-question", data={"csrf": csrf, **values})
    assert english.status_code == 422 and "has 1 German example, at least 10 are needed" in english.text
    editor.headers["Accept-Language"] = "de"
    german = editor.post("/edit/new-question", data={"csrf": csrf, **values})
    assert german.status_code == 422
    assert "hat 1 Beispiel(e) auf Deutsch, mindestens 10 sind nötig" in german.text
    assert "weitere Beispielsätze auf Deutsch" in german.text and "Intent &#39;faq_parking&#39;" in german.text
    assert "at least 10 are needed" not in german.text and "example sentences" not in german.text
