"""Playing a whole enquiry in any channel: recognise what the assistant said, know what to answer.

The channel tests (web widget, Telegram) read each message of the assistant and find the
response of domain/*.yml it was rendered from (``utter_ask_email``, ``utter_upload_accepted``
...), matching the whole text with the placeholders as wildcards. So a changed question
wording needs no change here; a new question the answer book does not know fails loudly.

    texts = ResponseTexts.load("de")
    texts.identify("Wie lautet Ihr Familienname (Nachname)?")  # -> "utter_ask_family_name"
"""

from __future__ import annotations

import secrets

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import yaml
from fpdf import FPDF

from bot.catalogue import load_catalogue
from bot.config import PROJECT_ROOT

# The EICAR test string: harmless, detected by every scanner (here by clamav/signatures/).
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
ASK_PREFIX = "utter_ask_"


def _squeezed(text: str) -> str:
    """Whitespace collapsed to single spaces (channels render line breaks differently)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Template:
    """One response variant as a pattern; literal_chars ranks it against looser ones."""

    name: str
    text: str  # as written in domain/
    pattern: re.Pattern[str]
    literal_chars: int


def _template(name: str, text: str) -> Template:
    """A full-match pattern for a response text, each {placeholder} matching any text."""
    parts = PLACEHOLDER.split(_squeezed(text))
    literals, regex = parts[0::2], []
    for index, part in enumerate(parts):
        regex.append(re.escape(part) if index % 2 == 0 else r".+?")
    return Template(name, text, re.compile("".join(regex), re.DOTALL), sum(len(p.strip()) for p in literals))


@dataclass(frozen=True)
class ResponseTexts:
    """The assistant's responses in one language, as loaded from domain/*.yml at test time."""

    language: str
    templates: tuple[Template, ...]

    @classmethod
    def load(cls, language: str) -> ResponseTexts:
        """Every response variant conditioned on this language."""
        templates = []
        for path in sorted((PROJECT_ROOT / "domain").glob("*.yml")):
            responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
            for name, variants in responses.items():
                for variant in variants:
                    condition = variant.get("condition") or []
                    if any(c.get("name") == "language" and c.get("value") == language for c in condition):
                        templates.append(_template(name, variant["text"]))
        assert templates, f"no responses for language {language!r} in domain/"
        return cls(language, tuple(templates))

    def identify(self, text: str) -> str | None:
        """The name of the response this message was rendered from, or None."""
        squeezed = _squeezed(text)
        matches = [t for t in self.templates if t.pattern.fullmatch(squeezed)]
        return max(matches, key=lambda t: t.literal_chars).name if matches else None

    def names(self, texts: list[str]) -> list[str | None]:
        """identify() for each message."""
        return [self.identify(text) for text in texts]

    def asked_field(self, text: str) -> str | None:
        """The form field a message asks for (utter_ask_<field>), or None."""
        name = self.identify(text)
        return name.removeprefix(ASK_PREFIX) if name and name.startswith(ASK_PREFIX) else None


@dataclass(frozen=True)
class Reply:
    """How a person answers one question: type a text, or press the button with a payload."""

    text: str | None = None
    payload: str | None = None


SKIP = Reply(payload="/skip")
SUBMIT = Reply(payload="/affirm")


@dataclass(frozen=True)
class Person:
    """A client and every answer they give, with what the backend must store from them."""

    language: str
    opener: str  # the first message: states the concern
    replies: dict[str, Reply]
    stored: dict[str, Any]  # column of the backend's cases table -> expected value

    def reply_to(self, field: str, transcript: str) -> Reply:
        """The answer to a question; an unknown question fails with the transcript."""
        assert field in self.replies, f"the assistant asked an unknown field {field!r}:\n{transcript}"
        return self.replies[field]


def unique_birth_date() -> date:
    """A birth date no other test uses, so the same name never makes a follow-up."""
    return date(1960, 1, 1) + timedelta(days=secrets.randbelow(14_000))


def _expiry() -> date:
    """A title expiring in 40 days: inside the 8-week window, not yet expired."""
    return date.today() + timedelta(days=40)


def german_person(given: str = "Erika", family: str = "Musterfrau", born: date | None = None) -> Person:
    """A Turkish student in Berlin extending her residence permit, in German.

    Each test uses its own name: the backend files a second enquiry of the same person and
    concern as a follow-up of the first case, which would hide the new conversation's case.
    """
    born = born or unique_birth_date()
    catalogue = load_catalogue()
    email = f"{given}.{family}@example.org".lower()
    return Person(
        language="de",
        opener="Ich möchte meine Aufenthaltserlaubnis verlängern",
        replies={
            "purpose": Reply(payload=catalogue.purpose_label("study", "de")),
            "given_names": Reply(text=f"{given} {family}"),
            "family_name": Reply(text=family),
            "date_of_birth": Reply(text=born.strftime("%d.%m.%Y")),
            "place_of_birth": Reply(text="Ankara"),
            "nationality": Reply(text="Türkei"),
            "title_kind": Reply(payload=catalogue.title_label("residence_permit", "de")),
            "title_serial": SKIP,
            "title_expiry": Reply(text=_expiry().strftime("%d.%m.%Y")),
            "existing_case_number": SKIP,
            "principal_case_number": SKIP,
            "address": Reply(text="Musterstraße 12, 10115 Berlin"),
            "email": Reply(text=email),
            "phone": SKIP,
            "message": Reply(text="Meine Aufenthaltserlaubnis läuft bald ab. Ich möchte sie verlängern."),
            "confirmed": SUBMIT,
        },
        stored={
            "concern": "residence_permit_extension", "purpose": "study", "given_names": given,
            "family_name": family, "date_of_birth": born.isoformat(), "nationality": "TUR",
            "email": email, "phone": None, "language": "de",
        },
    )


def english_person(given: str = "John", family: str = "Smith", born: date | None = None) -> Person:
    """A Canadian skilled worker in Berlin extending his residence permit, in English."""
    born = born or unique_birth_date()
    catalogue = load_catalogue()
    email = f"{given}.{family}@example.org".lower()
    return Person(
        language="en",
        opener="I want to extend my residence permit",
        replies={
            "purpose": Reply(payload=catalogue.purpose_label("employment", "en")),
            "given_names": Reply(text=f"{given} {family}"),
            "family_name": Reply(text=family),
            "date_of_birth": Reply(text=born.isoformat()),
            "place_of_birth": Reply(text="Toronto"),
            "nationality": Reply(text="Canada"),
            "title_kind": Reply(payload=catalogue.title_label("residence_permit", "en")),
            "title_serial": SKIP,
            "title_expiry": Reply(text=_expiry().isoformat()),
            "existing_case_number": SKIP,
            "principal_case_number": SKIP,
            "address": Reply(text="Alt-Moabit 1, 10557 Berlin"),
            "email": Reply(text=email),
            "phone": SKIP,
            "message": Reply(text="My residence permit expires soon. I would like to extend it."),
            "confirmed": SUBMIT,
        },
        stored={
            "concern": "residence_permit_extension", "purpose": "employment", "given_names": given,
            "family_name": family, "date_of_birth": born.isoformat(), "nationality": "CAN",
            "email": email, "phone": None, "language": "en",
        },
    )


def stored_uploads(var_dir, conversation_id: str) -> list[dict[str, Any]]:
    """The files the backend stored for a conversation (name, type, case)."""
    conn = sqlite3.connect(var_dir / "backend.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        query = "SELECT filename, content_type, size, case_id FROM uploads WHERE conversation_id = ? ORDER BY created_at"
        return [dict(r) for r in conn.execute(query, (conversation_id,))]
    finally:
        conn.close()


def stored_case(var_dir, conversation_id: str) -> dict[str, Any]:
    """The one case the backend stored for a conversation (internal id), with its attached uploads' names."""
    conn = sqlite3.connect(var_dir / "backend.sqlite3")
    conn.row_factory = sqlite3.Row
    try:
        cases = [dict(r) for r in conn.execute("SELECT * FROM cases WHERE conversation_id = ?", (conversation_id,))]
        assert len(cases) == 1, f"expected one case for the conversation, found {len(cases)}"
        [case] = cases
        rows = conn.execute("SELECT filename FROM uploads WHERE case_id = ? ORDER BY created_at", (case["id"],))
        case["attached"] = [r["filename"] for r in rows]
        return case
    finally:
        conn.close()


def assert_stored(case: dict[str, Any], person: Person) -> None:
    """The backend stored what the person answered."""
    wrong = {k: (case.get(k), v) for k, v in person.stored.items() if case.get(k) != v}
    assert not wrong, f"stored (got, expected): {wrong}"


def small_pdf(attachment: bytes | None = None) -> bytes:
    """A real one-page PDF, unique (clamd caches clean results), optionally carrying a file."""
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=14)
    document.cell(text=f"Reisepass (Testkopie) {os.urandom(6).hex()}")
    if attachment is not None:
        document.embed_file(bytes=attachment, basename="anlage.txt", compress=True, mime_type="text/plain")
    return bytes(document.output())


def eicar_pdf() -> bytes:
    """A valid PDF with EICAR in a compressed embedded file: passes the type check, fails the scan."""
    return small_pdf(attachment=EICAR)
