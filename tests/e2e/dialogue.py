"""Drives an enquiry through the public chat API: answers each question by its wording."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Union

from tests.e2e.chat import Chat


@dataclass(frozen=True)
class Press:
    """Press the button whose title matches this pattern (as the widget would)."""

    title: str


Reply = Union[str, Press]

# The assistant's questions, by language: pattern of the question -> field id.
QUESTIONS = {
    "de": [
        (r"Zu welchem Zweck", "purpose"), (r"Wie heißen Sie", "given_names"),
        (r"Familienname \(Nachname\)", "family_name"), (r"Wann sind Sie geboren", "date_of_birth"),
        (r"Wo sind Sie geboren", "place_of_birth"), (r"Welche Staatsangehörigkeit", "nationality"),
        (r"Welches Aufenthaltsdokument", "title_kind"), (r"Seriennummer Ihres Dokuments", "title_serial"),
        (r"Bis wann ist Ihr aktueller Titel", "title_expiry"),
        (r"Aktenzeichen oder eine Vorgangsnummer", "existing_case_number"),
        (r"Familienmitglied", "principal_case_number"), (r"Anschrift in", "address"),
        (r"E-Mail-Adresse", "email"), (r"Telefonnummer", "phone"),
        (r"bevollmächtigte Person abholen", "pickup_by_proxy"), (r"beschreiben Sie Ihr Anliegen", "message"),
        (r"Worum geht es", "concern"),
    ],
    "en": [
        (r"For which purpose", "purpose"), (r"What is your name", "given_names"),
        (r"family name \(surname\)", "family_name"), (r"What is your date of birth", "date_of_birth"),
        (r"Where were you born", "place_of_birth"), (r"What is your nationality", "nationality"),
        (r"Which residence document", "title_kind"), (r"serial number of your document", "title_serial"),
        (r"Until when is your current title", "title_expiry"), (r"file or case number", "existing_case_number"),
        (r"joining a family member", "principal_case_number"), (r"What is your address", "address"),
        (r"Which e-mail address", "email"), (r"Which phone number", "phone"),
        (r"authorised person to pick up", "pickup_by_proxy"), (r"describe your matter", "message"),
        (r"What is your matter about", "concern"),
    ],
}
SUMMARY = {"de": r"Bitte prüfen Sie Ihre Angaben", "en": r"Please check your details"}


def last_question(chat: Chat) -> str:
    """The text of the last message that has text (the question the form just asked)."""
    texts = [m["text"] for m in chat.last if m.get("text")]
    return texts[-1] if texts else ""


def asked_field(chat: Chat, language: str) -> str | None:
    """Which field the assistant asks for now; 'confirmed' at the summary; None if unclear."""
    text = last_question(chat)
    if re.search(SUMMARY[language], text):
        return "confirmed"
    for pattern, field in QUESTIONS[language]:
        if re.search(pattern, text):
            return field
    return None


def reply(chat: Chat, answer: Reply) -> None:
    if isinstance(answer, Press):
        for button in chat.buttons:
            if re.search(answer.title, button["title"]):
                chat.say(button["payload"])
                return
        raise AssertionError(f"no button {answer.title!r} in {[b['title'] for b in chat.buttons]}")
    chat.say(answer)


def answer_until_summary(chat: Chat, language: str, answers: dict[str, Reply], limit: int = 25) -> list[str]:
    """Answer every question from `answers` until the summary; returns the fields asked, in order."""
    asked: list[str] = []
    for _ in range(limit):
        field = asked_field(chat, language)
        if field == "confirmed":
            return asked
        assert field is not None, f"no question recognised in: {chat.text!r}"
        assert field in answers, f"unexpected question {field}: {chat.text!r}"
        assert asked.count(field) < 2, f"{field} asked again: {chat.text!r}"
        asked.append(field)
        reply(chat, answers[field])
    raise AssertionError(f"the enquiry never reached the summary; asked {asked}")


def confirmation_of(var_dir, case_number: str) -> dict:
    """The backend's confirmation record of a case (fiktion_applies, reason)."""
    conn = sqlite3.connect(var_dir / "backend.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        row = conn.execute(
            "SELECT c.case_number, f.fiktion_applies, f.fiktion_reason FROM confirmations f "
            "JOIN cases c ON c.id = f.case_id WHERE c.case_number = ?", (case_number,)
        ).fetchone()
        return dict(row) if row else {}
    finally:
        conn.close()
