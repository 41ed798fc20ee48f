"""What the confirmation PDF says: every field, every hash, the statement exactly when it applies."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pypdf
import pytest
import segno

from bot.confirmation import fonts
from bot.confirmation.fiktion import FiktionDecision
from bot.confirmation.fonts import FontMissingError, find_font
from bot.confirmation.pdf import render_confirmation
from tests.confirmation.helpers import make_data, pdftotext, pypdf_text, sha, squash

# Phrases of the Fiktionswirkung statement as seed 000 words them.
STATEMENT_DE = ("mitsamt den Nebenbestimmungen im Bundesgebiet bis zur Vorsprache im LEA als rechtmäßig",
                "weiter im bisherigen Umfang arbeiten oder studieren")
STATEMENT_EN = ("is deemed lawful within German federal territory until you have your interview",
                "continue to work or study to the same extent as before")
# A neutral receipt: it does not certify a Fiktionswirkung and the unit decides (issue 13);
# it never claims that none exists.
RECEIPT_ONLY_DE = "Eine Fiktionswirkung bescheinigt sie nicht; über Ihr Anliegen entscheidet das zuständige Referat."
RECEIPT_ONLY_EN = "It does not certify a temporary permit (“Fiktionswirkung”); the responsible unit decides on your matter."
NEVER = ("nicht verbunden", "not connected", "does not serve as")
# The note of the decision table's row, per reason (content/confirmation.yml notes).
NOTE_PHRASES = {
    "late_application": ("Nach Ihren Angaben war Ihr Aufenthaltstitel (Blaue Karte EU, gültig bis 28.03.2026) beim Eingang",
                         "As stated by you, your residence title (EU Blue Card, valid until 28 March 2026) had already expired"),
    "expiry_unknown": ("Sie haben nicht angegeben, bis wann Ihr Aufenthaltstitel (Blaue Karte EU) gültig ist.",
                       "You did not state until when your residence title (EU Blue Card) is valid."),
    "settlement_on_time": ("Ob er bis zur Entscheidung fortgilt (§ 81 Abs. 4 AufenthG), entscheidet das zuständige Referat.",
                           "The responsible unit decides whether it continues to apply until the decision"),
    "schengen_visa": ("Für ein Schengen-Visum (Typ C) gilt die Fiktionswirkung nach § 81 Abs. 4 AufenthG nicht.",
                      "does not apply to a Schengen visa (type C)."),
    "fiktionsbescheinigung": ("Nach Ihren Angaben haben Sie eine Fiktionsbescheinigung.",
                              "does not certify a new “Fiktionswirkung”."),
    "visa_free": ("gilt § 81 Abs. 3 AufenthG, nicht die Fiktionswirkung nach § 81 Abs. 4.",
                  "falls under section 81 (3) Residence Act"),
}
SAVE_DE = "Bitte speichern Sie sich dieses Dokument ab und drucken es zudem auch nach Möglichkeit aus."
SAVE_EN = "Please save this document and print a copy if possible."

_rendered: dict[str, bytes] = {}


def rendered(key: str, **overrides: object) -> bytes:
    """Render once per key (a render costs a few hundred ms)."""
    if key not in _rendered:
        _rendered[key] = render_confirmation(make_data(**overrides))
    return _rendered[key]


@pytest.mark.parametrize("extract", [pypdf_text, pdftotext], ids=["pypdf", "pdftotext"])
def test_every_field_is_printed(extract):
    text = extract(rendered("default"))
    for expected in (
        "Landesamt für Einwanderung", "Immigration Office",
        "Eingangsbestätigung", "Confirmation of receipt",
        "LEA-2026-7KQM-XR4W", "E5 – Europa",
        "29.03.2026, 00:30 Uhr (Berliner Zeit)",  # 23:30 UTC on the 28th, in Berlin time
        "Kowalczyk", "Marta", "03.11.1988",
        "Ukraine (UKR)",
        "Verlängerung einer Aufenthaltserlaubnis oder Blauen Karte",
        "Extension of a residence permit or Blue Card",
        "reisepass.pdf", "arbeitsvertrag.jpg",
        "7KQ2-M9XW-4TPA",
        "Blaue Karte EU, gültig bis 30.04.2026", "EU Blue Card, valid until 30 April 2026",
        SAVE_DE, SAVE_EN,
    ):
        assert expected in text, expected
    flat = squash(text)
    for digest in (sha("passport"), sha("contract")):
        assert digest in flat  # the full 64 hex digits, possibly wrapped
    assert "http://127.0.0.1:8300/verify/7KQ2-M9XW-4TPA" in flat


@pytest.mark.parametrize("extract", [pypdf_text, pdftotext], ids=["pypdf", "pdftotext"])
def test_statement_when_it_applies_in_both_languages(extract):
    text = extract(rendered("default"))
    for phrase in STATEMENT_DE + STATEMENT_EN:
        assert phrase in text, phrase
    # the client's own answers are marked as such (issue 13)
    assert "Aufenthaltstitel – nach Ihren Angaben Blaue Karte EU, gültig bis 30.04.2026 – gilt" in text
    assert "residence title – as stated by you, EU Blue Card, valid until 30 April 2026 – together" in text
    assert "(nach Ihren Angaben)" in text and "(as stated by you)" in text
    assert RECEIPT_ONLY_DE not in text and RECEIPT_ONLY_EN not in text


NOT_APPLYING = [
    ("title_not_covered", None, dict(title_kind="toleration")),
    ("not_an_application", None, dict(concern_label_de="Terminanfrage", concern_label_en="Request for an appointment")),
    ("expired", "late_application", dict(title_expiry=date(2026, 3, 28))),
    ("no_expiry_date", "expiry_unknown", dict(title_expiry=None)),
    ("settlement_on_time", "settlement_on_time", dict(concern_label_de="Niederlassungserlaubnis",
                                                      concern_label_en="Settlement permit")),
    ("schengen_visa", "schengen_visa", dict(title_kind="schengen_visa")),
    ("fiktionsbescheinigung", "fiktionsbescheinigung", dict(title_kind="fiktionsbescheinigung", title_expiry=None)),
    ("visa_free", "visa_free", dict(title_kind="visa_free", title_expiry=None)),
    ("title_not_covered", None, dict(title_kind="none", title_expiry=None)),
]


@pytest.mark.parametrize(("reason", "note", "overrides"), NOT_APPLYING, ids=[f"{r}-{n}" for r, n, _ in NOT_APPLYING])
def test_neutral_receipt_when_it_does_not_apply(reason, note, overrides):
    pdf = rendered(f"not:{reason}:{note}:{sorted(overrides)}", fiktion=FiktionDecision(False, reason, note), **overrides)
    text = pypdf_text(pdf)
    for phrase in STATEMENT_DE + STATEMENT_EN:
        assert phrase not in text, phrase
    assert RECEIPT_ONLY_DE in text and RECEIPT_ONLY_EN in text
    for key, phrases in NOTE_PHRASES.items():
        for phrase in phrases:
            assert (phrase in text) is (key == note), (key, phrase)
    for phrase in NEVER:
        assert phrase not in text
    if note == "fiktionsbescheinigung":  # never "your title had expired"
        assert "abgelaufen" not in text and "expired" not in text
    assert SAVE_DE in text and SAVE_EN in text
    assert sha("passport") in squash(text)


def test_conversation_language_comes_first():
    german_first = pypdf_text(rendered("default"))
    english_first = pypdf_text(rendered("en", language="en"))
    assert german_first.index("Eingangsbestätigung") < german_first.index("Confirmation of receipt")
    assert english_first.index("Confirmation of receipt") < english_first.index("Eingangsbestätigung")
    assert english_first.index(STATEMENT_EN[0]) < english_first.index(STATEMENT_DE[0])
    assert german_first.index(STATEMENT_DE[0]) < german_first.index(STATEMENT_EN[0])
    assert english_first.index(SAVE_EN) < english_first.index(SAVE_DE)
    assert "29 March 2026, 00:30 (Berlin time)" in english_first


@pytest.mark.parametrize(
    ("code", "expected"),
    [("XXA", "staatenlos / stateless (XXA)"), ("XXX", "ungeklärt / unknown (XXX)"),
     ("SYR", "Syrien / Syria (SYR)"), ("XKX", "Kosovo (XKX)"), ("DEU", "Deutschland / Germany (DEU)")],
)
def test_nationality_in_both_languages(code, expected):
    assert expected in pypdf_text(render_confirmation(make_data(nationality=code, attachments=[])))


def test_no_attachments_says_so():
    text = pypdf_text(rendered("none", attachments=[]))
    assert "Anlagen / Attachments keine / none" in text


@pytest.mark.parametrize(
    ("given", "family"),
    [("رنا", "الحسن"), ("Анна", "Иванова"), ("Thị Minh Khai", "Nguyễn"), ("Çağrı Şahin", "Öztürk")],
    ids=["arabic", "cyrillic", "vietnamese", "turkish"],
)
def test_names_in_other_scripts(given, family):
    pdf = render_confirmation(make_data(given_names=given, family_name=family))
    for extract in (pypdf_text, pdftotext):
        text = extract(pdf)
        assert given in text and family in text


def test_qr_code_encodes_the_verify_url():
    """The embedded image is the QR code of verify_url, module by module."""
    data = make_data()
    page = pypdf.PdfReader(io.BytesIO(rendered("default"))).pages[0]
    images = list(page.images)
    assert len(images) == 1
    image = images[0].image.convert("L")
    matrix = segno.make(data.verify_url, error="m").matrix
    size = len(matrix)
    assert image.width == image.height and image.width % size == 0
    scale = image.width // size
    decoded = [[image.getpixel((c * scale + scale // 2, r * scale + scale // 2)) < 128 for c in range(size)]
               for r in range(size)]
    assert decoded == [[bool(v) for v in row] for row in matrix]


def test_same_input_same_bytes_and_dated_by_receipt():
    first = rendered("default")
    assert render_confirmation(make_data()) == first
    meta = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert meta.creation_date.astimezone(timezone.utc) == datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc)
    # no personal data in the metadata, which file managers show and index
    assert "Kowalczyk" not in str(dict(meta)) and "Marta" not in str(dict(meta))


def test_statement_without_title_is_refused():
    with pytest.raises(ValueError, match="title"):
        render_confirmation(make_data(title_expiry=None))


def test_naive_receipt_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        render_confirmation(make_data(received_at=datetime(2026, 3, 28, 23, 30)))


def test_missing_font_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path,))
    find_font.cache_clear()
    try:
        with pytest.raises(FontMissingError, match="fonts-dejavu-core"):
            find_font("DejaVuSans.ttf")
    finally:
        find_font.cache_clear()


def test_arabic_renders_without_harfbuzz_too(monkeypatch):
    """Without uharfbuzz nothing fails or vanishes; letters stay unjoined, stored in visual (reversed) order."""
    monkeypatch.setattr(fonts, "shaping_available", lambda: False)
    text = pypdf_text(render_confirmation(make_data(given_names="رنا", family_name="الحسن")))
    assert "رنا"[::-1] in text and "الحسن"[::-1] in text


def test_characters_the_font_lacks_are_spelled_out_not_dropped():
    text = pypdf_text(render_confirmation(make_data(given_names="伟", family_name="王 Wang", attachments=[])))
    assert "U+738B Wang" in text and "U+4F1F" in text
