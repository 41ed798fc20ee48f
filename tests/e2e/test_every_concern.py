"""Every concern of content/concerns.yml completed in German and English through the public chat API.

Table-driven: each row starts the enquiry as a client would (free text or the menu), answers
each question by its wording (typed, with extra words, or by button), confirms at the
summary and checks the case the backend stored: concern, purpose, unit, fields.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date

import httpx
import pytest

from bot.catalogue import load_catalogue
from tests.e2e.chat import Chat, stored_cases
from tests.e2e.dialogue import Press, Reply, answer_until_summary, confirmation_of, reply

pytestmark = pytest.mark.slow

NEXT_YEAR = date.today().year + 1

BASE: dict[str, dict[str, Reply]] = {
    "de": {
        "date_of_birth": "3.3.1990", "place_of_birth": "Ich bin in Ankara geboren", "nationality": "Türkei",
        "title_kind": Press(r"^Aufenthaltserlaubnis$"), "title_serial": Press(r"^Überspringen$"),
        "title_expiry": f"30.06.{NEXT_YEAR}", "existing_case_number": "weiß nicht",
        "principal_case_number": Press(r"^Überspringen$"), "address": "Musterstraße 12, 10115 Berlin",
        "phone": "0170 1234567", "pickup_by_proxy": "Nein", "message": "Ich bitte um Bearbeitung meines Anliegens.",
    },
    "en": {
        "date_of_birth": "March 3, 1990", "place_of_birth": "I was born in Mumbai", "nationality": "Indian",
        "title_kind": Press(r"^Residence permit$"), "title_serial": "Y12345678",
        "title_expiry": f"31 December {NEXT_YEAR}", "existing_case_number": Press(r"^Skip$"),
        "principal_case_number": "no", "address": "Invalidenstraße 5, 10115 Berlin",
        "phone": Press(r"^Skip$"), "pickup_by_proxy": "no, I will come myself",
        "message": "Please handle my matter.",
    },
}


@dataclass
class Row:
    id: str
    language: str
    start: Reply  # first message, or a menu button after "Menü"/"menu"
    concern: str
    purpose: str | None
    name: str  # typed at "What is your name?"
    email: str
    unit_letter: str
    answers: dict[str, Reply] = field(default_factory=dict)
    stored: dict[str, object] = field(default_factory=dict)


ROWS = [
    # Issue of a residence permit, one row per purpose, alternating languages.
    Row("issue-employment-de", "de", "Ich möchte eine Aufenthaltserlaubnis zum Arbeiten beantragen",
        "residence_permit_issue", "employment", "mehmet demir", "mehmet@example.org", "B",
        {"title_kind": Press(r"^Kein Aufenthaltstitel$")},
        {"given_names": "Mehmet", "family_name": "Demir", "title_kind": "none", "phone": "+491701234567"}),
    Row("issue-skilled-en", "en", "I want to apply for a residence permit as a skilled worker with vocational training",
        "residence_permit_issue", "skilled_worker_vocational", "Priya Sharma", "priya@example.org", "B",
        {"title_kind": "national visa type D"}, {"title_kind": "national_visa", "title_serial": "Y12345678"}),
    Row("issue-bluecard-en", "en", Press(r"^Issue of a residence permit$"), "residence_permit_issue", "blue_card",
        "Kim, Min-jun", "minjun@example.org", "B",
        {"purpose": Press(r"^EU Blue Card$"), "nationality": "South Korea"},
        {"given_names": "Min-jun", "family_name": "Kim", "nationality": "KOR"}),
    Row("issue-study-de", "de", Press(r"^Erteilung einer Aufenthaltserlaubnis$"), "residence_permit_issue", "study",
        "Ana López", "ana@example.org", "B", {"purpose": Press(r"^Studium$"), "nationality": "kolumbianisch"},
        {"nationality": "COL"}),
    Row("issue-training-de", "de", "Ich brauche eine Aufenthaltserlaubnis für meine Ausbildung",
        "residence_permit_issue", "vocational_training", "Nguyen Van An", "an@example.org", "B",
        {"nationality": "Vietnam"}, {"nationality": "VNM"}),
    Row("issue-spouse-de", "de", "Ich bin mit einem Deutschen verheiratet und brauche eine Aufenthaltserlaubnis",
        "residence_permit_issue", "family_spouse", "Olena Kovalenko", "olena@example.org", "E",
        {"nationality": "Ukraine", "title_kind": "Schengen-Visum", "purpose": Press(r"Ehegatt")}, {"nationality": "UKR"}),
    Row("issue-child-en", "en", "I want to apply for a residence permit to join my parents, I am their child",
        "residence_permit_issue", "family_child", "Amina Yusuf", "amina@example.org", "E",
        {"nationality": "Nigeria", "purpose": Press(r"child")}, {"nationality": "NGA"}),
    Row("issue-parent-de", "de", Press(r"^Erteilung einer Aufenthaltserlaubnis$"), "residence_permit_issue",
        "family_parent", "Fatma Öztürk", "fatma@example.org", "E",
        {"purpose": Press(r"Elternteil"), "principal_case_number": "LEA-2025-000042"},
        {"principal_case_number": "LEA-2025-000042"}),
    Row("issue-humanitarian-en", "en", "I need a residence permit for humanitarian reasons",
        "residence_permit_issue", "humanitarian", "Ahmad Karimi", "ahmad@example.org", "A",
        {"nationality": "Afghanistan", "title_kind": Press(r"Permission to reside"), "purpose": Press(r"Humanitarian")},
        {"title_kind": "permission_to_reside"}),
    Row("issue-medical-en", "en", "I would like to apply for a residence permit for medical treatment",
        "residence_permit_issue", "medical_treatment", "Layla Haddad", "layla@example.org", "E",
        {"nationality": "Lebanon", "title_kind": Press(r"^Schengen visa"), "purpose": Press(r"Medical")},
        {"title_kind": "schengen_visa"}),
    # Extension of a residence permit or Blue Card.
    Row("extend-bluecard-de", "de", "Ich möchte meine Blaue Karte verlängern", "residence_permit_extension",
        "blue_card", "Ravi Kumar", "ravi@example.org", "B", {"nationality": "Indien"},
        {"title_kind": "blue_card", "nationality": "IND"}),
    Row("extend-permit-en", "en", "I would like to extend my residence permit", "residence_permit_extension",
        "employment", "John Smith", "john@example.org", "B",
        {"purpose": "I work as an engineer", "nationality": "Canada"}, {"nationality": "CAN"}),
    # Settlement permit.
    Row("settlement-de", "de", "Ich möchte eine Niederlassungserlaubnis beantragen", "settlement_permit", None,
        "Zeynep Aydın", "zeynep@example.org", "E", {}, {}),
    Row("settlement-en", "en", "I want to apply for a settlement permit", "settlement_permit", None,
        "Wei Zhang", "wei@example.org", "E", {"nationality": "China"}, {"nationality": "CHN"}),
    # "Extend the visa": the document held decides (issue 13). A national D visa holder applies
    # for a residence permit (§ 81 Abs. 4 S. 1 AufenthG) and goes to the unit of the purpose,
    # never to the Schengen unit B5; a Schengen C visa holder stays with B5, without statement.
    Row("visa-national-de", "de", "Ich möchte mein nationales Visum verlängern, es läuft in 3 Wochen ab",
        "residence_permit_issue", "study", "Luis Fernández", "luis@example.org", "B",
        {"purpose": Press(r"^Studium$"), "nationality": "Mexiko"},
        {"title_kind": "national_visa", "nationality": "MEX"}),
    Row("visa-schengen-de", "de", "Ich möchte mein Schengen-Visum verlängern", "visa_extension", None,
        "Dilnoza Karimova", "dilnoza@example.org", "B", {"title_kind": Press(r"^Schengen-Visum"), "nationality": "Usbekistan"},
        {"title_kind": "schengen_visa", "unit": "B5"}),
    Row("visa-schengen-en", "en", "I need to extend my Schengen visa", "visa_extension", None,
        "Arjun Mehta", "arjun@example.org", "B", {"title_kind": Press(r"^Schengen visa")},
        {"title_kind": "schengen_visa", "unit": "B5"}),
    # A Fiktionsbescheinigung holder: a neutral receipt, never "your title had expired".
    Row("extend-fiktionsbescheinigung-de", "de", Press(r"^Verlängerung einer Aufenthaltserlaubnis"),
        "residence_permit_extension", "employment", "Samira Benali", "samira@example.org", "B",
        {"title_kind": Press(r"^Fiktionsbescheinigung$"), "purpose": Press(r"akademische"), "nationality": "Marokko"},
        {"title_kind": "fiktionsbescheinigung", "title_expiry": None}),
    # Pick-up of the eAT.
    Row("pickup-proxy-de", "de", "Meine Karte ist fertig, ich möchte sie abholen lassen", "card_pickup", None,
        "Sara Haile", "sara@example.org", "E", {"pickup_by_proxy": "ja, mein Bruder holt sie ab", "nationality": "Eritrea"},
        {"nationality": "ERI"}),
    Row("pickup-en", "en", "I want to pick up my residence card", "card_pickup", None,
        "Tomás Silva", "tomas@example.org", "E", {"nationality": "Brazil"}, {"nationality": "BRA"}),
    # Change of passport, name or address.
    Row("change-de", "de", "Ich habe einen neuen Pass bekommen", "data_change", None,
        "Aleksandar Petrović", "aleks@example.org", "E", {"nationality": "Serbien"}, {"nationality": "SRB"}),
    Row("change-en", "en", "I moved and have a new address", "data_change", None,
        "Maria Santos", "maria@example.org", "E", {"nationality": "Philippines"}, {"nationality": "PHL"}),
    # Lost or stolen card.
    Row("lost-de", "de", "Ich habe meinen Aufenthaltstitel verloren", "lost_card", None,
        "Omar Haddad", "omar@example.org", "E", {"nationality": "Syrien"}, {"nationality": "SYR"}),
    Row("lost-en", "en", "My residence card was stolen", "lost_card", None,
        "Grace Mensah", "grace@example.org", "E", {"nationality": "Ghana"}, {"nationality": "GHA"}),
    # Appointment.
    Row("appointment-de", "de", "Ich brauche einen Termin", "appointment", None,
        "Irina Popescu", "irina@example.org", "E", {"nationality": "Moldau"}, {"nationality": "MDA"}),
    Row("appointment-en", "en", "I need an appointment", "appointment", None,
        "Hiroshi Tanaka", "hiroshi@example.org", "E", {"nationality": "Japan"}, {"nationality": "JPN"}),
    # Other question.
    Row("other-de", "de", Press(r"^Sonstige Frage"), "other", None,
        "Pedro Alves", "pedro@example.org", "E", {"nationality": "Brasilien"}, {"nationality": "BRA"}),
    Row("other-en", "en", "I have another question for the responsible unit", "other", None,
        "Emily Brown", "emily@example.org", "E", {"nationality": "USA", "message": "Can my employer see my file?"},
        {"nationality": "USA"}),
]

CASE_NUMBER = {"de": r"Vorgangsnummer lautet (\S+?);", "en": r"case number is (\S+?);"}


def start(chat: Chat, row: Row) -> None:
    if isinstance(row.start, Press):
        chat.say("Menü" if row.language == "de" else "menu")
        reply(chat, row.start)
    else:
        chat.say(row.start)


def test_the_table_covers_every_concern_and_purpose_in_both_languages():
    catalogue = load_catalogue()
    for language in ("de", "en"):
        assert {r.concern for r in ROWS if r.language == language} == set(catalogue.concerns), language
    wanted = {"employment", "skilled_worker_vocational", "blue_card", "study", "vocational_training",
              "family_spouse", "family_child", "family_parent", "humanitarian", "medical_treatment"}
    assert wanted <= {r.purpose for r in ROWS if r.concern == "residence_permit_issue"}


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_enquiry_is_completed_and_stored(stack, row: Row):
    chat = Chat(stack.gateway_url, language=row.language)
    start(chat, row)
    concern = load_catalogue().concerns[row.concern]
    assert concern.label(row.language) in chat.text, chat.text
    answers = {**BASE[row.language], "given_names": row.name, "email": row.email,
               "family_name": row.name.split()[-1], "purpose": Press("."), **row.answers}
    answer_until_summary(chat, row.language, answers)
    reply(chat, Press(r"^(Ja, absenden|Yes, send it)$"))
    match = re.search(CASE_NUMBER[row.language], chat.text)
    assert match, chat.text
    assert any(c.get("type") == "confirmation_pdf" for c in chat.custom)

    [case] = stored_cases(stack.var_dir, chat.sender)
    assert case["case_number"] == match.group(1)
    assert case["concern"] == row.concern
    assert case["purpose"] == row.purpose
    assert case["unit"].startswith(row.unit_letter), case["unit"]
    assert case["email"] == row.email
    assert case["language"] == row.language
    for key, value in row.stored.items():
        assert case[key] == value, (key, case[key])
    check_fiktionswirkung(stack, chat, row, case)


def pdf_text(stack, chat: Chat) -> str:
    from pypdf import PdfReader

    [payload] = [c for c in chat.custom if c.get("type") == "confirmation_pdf"]
    response = httpx.get(f"{stack.gateway_url}{payload['url']}", headers={"X-Conversation": chat.sender}, timeout=30)
    assert response.status_code == 200
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(response.content)).pages)


STATEMENT = ("gilt dadurch mitsamt", "is deemed lawful")
NEUTRAL = ("Eine Fiktionswirkung bescheinigt sie nicht", "It does not certify a temporary permit")
CARRIERS = {"residence_permit", "blue_card", "national_visa"}  # seed 000's titles kept lawful


def check_fiktionswirkung(stack, chat: Chat, row: Row, case: dict) -> None:
    """The document held decides (content/fiktion.yml): an application on a valid residence
    permit, Blue Card or national visa has the statement (said and in the PDF); a Schengen
    visa or a Fiktionsbescheinigung gets a neutral receipt with its note."""
    record = confirmation_of(stack.var_dir, case["case_number"])
    applying = row.concern in ("residence_permit_issue", "residence_permit_extension", "visa_extension")
    if applying and case["title_kind"] in CARRIERS:
        assert record["fiktion_applies"] == 1
        assert "grundsätzlich sogenannte Fiktionswirkung" in chat.text or "generally serves as a temporary permit" in chat.text
    if case["title_kind"] in ("schengen_visa", "fiktionsbescheinigung"):
        assert record["fiktion_applies"] == 0
        text = re.sub(r"\s+", " ", pdf_text(stack, chat))
        assert not any(phrase in text for phrase in STATEMENT), text[:600]
        assert all(phrase in text for phrase in NEUTRAL), text[:900]
        if case["title_kind"] == "schengen_visa":
            assert any("Schengen" in t and ("Hinweis" in t or "note" in t) for t in chat.transcript)  # the note
            assert "§ 81 Abs. 4 AufenthG" in text
        else:
            assert "Nach Ihren Angaben haben Sie eine Fiktionsbescheinigung." in text
            assert "abgelaufen" not in text and "expired" not in text
    assert "E-ZENTRAL" not in " ".join(chat.transcript)  # clients read unit names, never codes
