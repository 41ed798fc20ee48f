"""Whole enquiries through the web widget in a real browser against the whole stack.

Rasa, action server, backend, clamd and gateway are started by the shared ``stack``
fixture (tests/fixtures/stack.py). A person's conversation is played: greet, ask to
extend a residence permit, answer every question, upload a PDF, confirm, download
the confirmation PDF. The driver answers whatever question the assistant asks
(matched on the question's wording), so the question order may change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from widget_helpers import HOST, bot_texts, open_widget, send, wait_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSPORT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass(frozen=True)
class Answer:
    """How to answer one question: type text, press a button (title pattern) or skip."""

    text: str | None = None
    button: str | None = None


@dataclass(frozen=True)
class Script:
    language: str
    greeting: str
    opener: str
    upload_hint: str  # words of the assistant's note that files can be attached
    accepted: str  # words of the acceptance message
    submitted: str  # words of the message with the case number
    download: str  # the widget's download link
    rules: list[tuple[str, Answer]]  # question pattern -> answer, first match wins


EXPIRY = date.today() + timedelta(days=40)

GERMAN = Script(
    language="de",
    greeting="Hallo",
    opener="Ich möchte meine Aufenthaltserlaubnis verlängern",
    upload_hint="Dokumente beifügen",
    accepted="angenommen",
    submitted="Vorgangsnummer lautet",
    download="Bestätigung herunterladen (PDF)",
    rules=[
        (r"Zu welchem Zweck", Answer(button=r".")),
        (r"Wie heißen Sie", Answer(text="Erika Musterfrau")),
        (r"Familienname \(Nachname\)", Answer(text="Musterfrau")),
        (r"Wann sind Sie geboren", Answer(text="03.03.1990")),
        (r"Wo sind Sie geboren", Answer(text="Ankara")),
        (r"Staatsangehörigkeit haben Sie", Answer(text="Türkei")),
        (r"E-Mail-Adresse", Answer(text="erika.musterfrau@example.org")),
        (r"Telefonnummer", Answer(button=r"^Überspringen$")),
        (r"Anschrift", Answer(text="Musterstraße 12, 10115 Berlin")),
        (r"Aktenzeichen oder eine Vorgangsnummer", Answer(button=r"^Überspringen$")),
        (r"Familienmitglied", Answer(button=r"^Überspringen$")),
        (r"Aufenthaltsdokument haben Sie", Answer(button=r"Aufenthaltserlaubnis")),
        (r"Seriennummer", Answer(button=r"^Überspringen$")),
        (r"Bis wann ist Ihr aktueller Titel gültig", Answer(text=EXPIRY.strftime("%d.%m.%Y"))),
        (r"beschreiben Sie Ihr Anliegen", Answer(text="Meine Aufenthaltserlaubnis läuft bald ab. Ich möchte sie verlängern.")),
        (r"Bitte prüfen Sie Ihre Angaben", Answer(button=r"^Ja, absenden$")),
    ],
)

ENGLISH = Script(
    language="en",
    greeting="Hello",
    opener="I want to extend my residence permit",
    upload_hint="attach documents",
    accepted="accepted",
    submitted="case number is",
    download="Download confirmation (PDF)",
    rules=[
        (r"For which purpose", Answer(button=r".")),
        (r"What is your name", Answer(text="John Smith")),
        (r"family name \(surname\)", Answer(text="Smith")),
        (r"date of birth", Answer(text="1990-03-03")),
        (r"Where were you born", Answer(text="Toronto")),
        (r"What is your nationality", Answer(text="Canada")),
        (r"e-mail address", Answer(text="john.smith@example.org")),
        (r"phone number", Answer(button=r"^Skip$")),
        (r"What is your address", Answer(text="Musterstraße 12, 10115 Berlin")),
        (r"file or case number", Answer(button=r"^Skip$")),
        (r"joining a family member", Answer(button=r"^Skip$")),
        (r"Which residence document", Answer(button=r"[Rr]esidence permit")),
        (r"serial number", Answer(button=r"^Skip$")),
        (r"Until when is your current title valid", Answer(text=EXPIRY.isoformat())),
        (r"describe your matter", Answer(text="My residence permit expires soon. I would like to extend it.")),
        (r"Please check your details", Answer(button=r"^Yes, send it$")),
    ],
)


def matching_rule(script: Script, texts: list[str]) -> tuple[str, Answer] | None:
    """The rule for the latest question among the given bot texts."""
    for text in reversed(texts):
        for pattern, answer in script.rules:
            if re.search(pattern, text):
                return pattern, answer
    return None


def press(page, pattern: str) -> None:
    """Press the answer button whose title matches."""
    buttons = page.locator(f"{HOST} .choice")
    titles = buttons.all_inner_texts()
    index = next((i for i, title in enumerate(titles) if re.search(pattern, title)), None)
    assert index is not None, f"no button {pattern!r} among {titles}"
    buttons.nth(index).click()


def upload_passport(page, script: Script) -> None:
    """Attach a PDF through the widget and wait for the scan result and the assistant's note."""
    before = len(bot_texts(page))
    page.locator(f"{HOST} input[type=file]").set_input_files(
        {"name": "passport.pdf", "mimeType": "application/pdf", "buffer": PASSPORT_PDF}
    )
    expect(page.locator(f"{HOST} .log .msg.upload .upload-state").last).to_have_text(re.compile("^✓"), timeout=60_000)
    wait_idle(page)
    new = bot_texts(page)[before:]
    assert any(script.accepted in text for text in new), new


def play(page, script: Script) -> None:
    """Greet, state the concern, answer each question, upload once, confirm."""
    send(page, script.greeting)
    wait_idle(page)
    send(page, script.opener)
    wait_idle(page)
    seen, uploaded, current, repeats = 0, False, None, 0
    for _ in range(40):
        texts = bot_texts(page)
        new, seen = texts[seen:], len(texts)
        transcript = "\n".join(texts)
        if any(script.submitted in text for text in new):
            return
        if not uploaded and any(script.upload_hint in text for text in texts):
            upload_passport(page, script)
            uploaded = True
            seen = len(bot_texts(page))
        rule = matching_rule(script, new) or current
        assert rule is not None, f"no known question in:\n{transcript}"
        repeats = repeats + 1 if rule == current else 0
        assert repeats < 3, f"the same question three times ({rule[0]}):\n{transcript}"
        current = rule
        answer = rule[1]
        if answer.button:
            press(page, answer.button)
        else:
            send(page, answer.text)
        wait_idle(page)
    pytest.fail("no case number after 40 turns:\n" + "\n".join(bot_texts(page)))


@pytest.mark.parametrize("script", [GERMAN, ENGLISH], ids=["de", "en"])
def test_full_enquiry_in_the_widget(stack, new_page, script):
    """A whole enquiry with an upload ends with a case number and a downloadable PDF."""
    page = new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{stack.gateway_url}/?lang={script.language}")
    open_widget(page)
    play(page, script)
    assert uploaded_ok(page)
    link = page.get_by_role("link", name=script.download)
    expect(link).to_be_visible(timeout=60_000)
    expect(page.locator(f"{HOST} .case-number")).to_contain_text(re.compile(r"\w"))
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    origin = stack.gateway_url.rstrip("/")
    outside = [url for url in page.watch.requests if not url.startswith((origin, "data:", "blob:"))]
    assert not outside, f"requests outside the gateway: {outside}"


def uploaded_ok(page) -> bool:
    """The upload bubble shows the file as accepted."""
    return page.locator(f"{HOST} .log .msg.upload .upload-state").first.inner_text().startswith("✓")
