"""Test data and text extraction for the confirmation PDF tests."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from datetime import date, datetime, timezone

import pypdf

from bot.confirmation.fiktion import FiktionDecision
from bot.confirmation.pdf import ConfirmationData, particulars_apart

BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def make_data(**overrides: object) -> ConfirmationData:
    """A confirmation with Fiktionswirkung, in German first, two attachments."""
    values: dict = dict(
        case_number="LEA-2026-7KQM-XR4W", unit="E5 – Europa", language="de",
        received_at=datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc),  # 00:30 on 29 March in Berlin
        given_names="Marta", family_name="Kowalczyk", date_of_birth=date(1988, 11, 3), nationality="UKR",
        concern_label_de="Verlängerung einer Aufenthaltserlaubnis oder Blauen Karte",
        concern_label_en="Extension of a residence permit or Blue Card",
        attachments=[("reisepass.pdf", sha("passport")), ("arbeitsvertrag.jpg", sha("contract"))],
        verification_code="7KQ2-M9XW-4TPA", verify_url="http://127.0.0.1:8300/verify/7KQ2-M9XW-4TPA",
        fiktion=FiktionDecision(True, "applies"), title_kind="blue_card", title_expiry=date(2026, 4, 30),
    )
    values.update(overrides)
    return ConfirmationData(**particulars_apart(values))


def pypdf_text(pdf: bytes) -> str:
    """All pages' text (pypdf), whitespace collapsed."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return normalise("\n".join(page.extract_text() for page in reader.pages))


def pdftotext(pdf: bytes) -> str:
    """All pages' text (poppler's pdftotext), whitespace collapsed."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True,
                         check=True, timeout=30).stdout.decode()
    return normalise(out)


def normalise(text: str) -> str:
    return " ".join(BIDI_CONTROLS.sub("", text).split())


def squash(text: str) -> str:
    """Without any whitespace: long hashes and URLs may wrap over lines."""
    return re.sub(r"\s+", "", text)
