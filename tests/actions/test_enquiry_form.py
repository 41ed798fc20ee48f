"""The form logic turn by turn: answers, invalid values, skips, corrections, questions, the summary."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from actions import extraction
from actions.common import SKIPPED, label
from actions.enquiry_form import FORM_SLOTS, required_fields
from actions.fields import today
from tests.actions.form_harness import EXTENSION_DONE, response_text, run_form

ASKING = {k: v for k, v in EXTENSION_DONE.items()}


def asking(field: str, **extra) -> dict:
    """The finished extension enquiry with one field still open and being asked."""
    slots = {**ASKING, **extra, "requested_slot": field}
    slots[field] = None
    if field == "address":
        slots["postal_code"] = None
    return slots


# One invalid answer per validated field, and the response that must explain it.
INVALID = [
    ("given_names", "R2D2", "utter_invalid_name_digits"),
    ("date_of_birth", "gestern", "utter_invalid_date"),
    ("date_of_birth", "4. März", "utter_invalid_date_no_year"),
    ("date_of_birth", (date.today() + timedelta(days=3)).strftime("%d.%m.%Y"), "utter_invalid_date_of_birth_future"),
    ("place_of_birth", "12345", "utter_invalid_place"),
    ("nationality", "Atlantis", "utter_invalid_nationality"),
    ("email", "max at web", "utter_invalid_email"),
    ("email", "max@web", "utter_invalid_email"),
    ("phone", "ruf mich an", "utter_invalid_phone"),
    ("address", "Musterstraße 12, Berlin", "utter_invalid_address_postal_code"),
    ("address", "Marienplatz 1, 80331 München", "utter_invalid_address_area"),
    ("existing_case_number", "abc", "utter_invalid_case_number"),
    ("title_kind", "ein rotes", "utter_invalid_title_kind"),
    ("title_kind", "Visum", "utter_invalid_title_kind_which_visa"),
    ("title_serial", "123", "utter_invalid_title_serial"),
    ("title_expiry", "irgendwann", "utter_invalid_date"),
    ("title_expiry", "31.12.2090", "utter_invalid_title_expiry_range"),
    ("purpose", "Urlaub", "utter_invalid_purpose"),
    ("message", "x", "utter_invalid_message_too_short"),
]


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("field, text, response", INVALID)
def test_invalid_answer_is_re_asked_with_reason_and_example(field, text, response, language):
    turn = run_form(asking(field), text, language=language)
    assert turn.responses == [response]
    assert turn.requested == field and turn.slots[field] is None
    explanation = response_text(response, language)
    # Every explanation shows an example (quoted) or names the choices, in the client's language.
    shows_example = re.search(r"[„“”]", explanation) or re.search(r"\((Typ|type) D\)", explanation)
    assert shows_example or response == "utter_invalid_address_area", explanation


def test_pickup_yes_no_refused_with_example():
    slots = {"concern": "card_pickup", "given_names": "A", "family_name": "B", "date_of_birth": "1990-01-01",
             "nationality": "TUR", "requested_slot": "pickup_by_proxy"}
    assert run_form(slots, "vielleicht").responses == ["utter_invalid_yes_no"]
    assert run_form(slots, "Nein, ich komme selbst").slots["pickup_by_proxy"] == "no"
    assert run_form(slots, "ja, meine Schwester holt sie ab").slots["pickup_by_proxy"] == "yes"


def test_third_failure_offers_skip_for_an_optional_field_and_cancel():
    turn = run_form(asking("phone", failed_attempts={"phone": 2}), "blau und grün")  # no number (a refusal skips it)
    assert "utter_repeated_failure" in turn.responses
    payloads = [b["payload"] for b in turn.buttons()]
    assert "/skip" in payloads and "/cancel" in payloads
    assert turn.slots["failed_attempts"]["phone"] == 0


def test_third_failure_of_a_required_field_offers_no_skip():
    turn = run_form(asking("email", failed_attempts={"email": 2}), "blau und grün")
    payloads = [b["payload"] for b in turn.buttons()]
    assert "/skip" not in payloads and "/cancel" in payloads


@pytest.mark.parametrize("text", ["weiss nicht", "Nein", "hab ich nicht", "keine", "I don't have one", "skip", "no idea"])
def test_declining_an_optional_field_skips_it(text):
    turn = run_form(asking("existing_case_number"), text)
    assert turn.slots["existing_case_number"] == SKIPPED
    assert turn.responses == ["utter_field_skipped"]


def test_weiss_nicht_for_nationality_is_unknown_not_a_skip():
    assert run_form(asking("nationality"), "weiß nicht").slots["nationality"] == "XXX"


def test_required_field_cannot_be_skipped():
    turn = run_form(asking("email"), "/skip", intent="skip", confidence=1.0)
    assert turn.responses == ["utter_cannot_skip"] and turn.requested == "email"


@pytest.mark.parametrize(
    "field, text, slot, value",
    [
        ("email", "ja klar, das ist max@web.de", "email", "max@web.de"),
        ("given_names", "max mustermann", "family_name", "Mustermann"),
        ("given_names", "Ja, ich heiße Ayşe Yılmaz", "given_names", "Ayşe"),
        ("place_of_birth", "Ich bin in Ankara geboren", "place_of_birth", "Ankara"),
        ("place_of_birth", "I was born in Mumbai", "place_of_birth", "Mumbai"),
        ("nationality", "ich habe die türkische Staatsangehörigkeit", "nationality", "TUR"),
        ("nationality", "Indian citizen", "nationality", "IND"),
        ("phone", "meine Nummer ist 0170 1234567", "phone", "+491701234567"),
        ("date_of_birth", "am 3. März 90", "date_of_birth", "1990-03-03"),
        ("title_kind", "ich hab ne blaue karte", "title_kind", "blue_card"),
        ("purpose", "Ich studiere an der TU", "purpose", "study"),
        ("purpose", "Blaue Karte EU", "purpose", "blue_card"),
    ],
)
def test_answers_with_extra_words(field, text, slot, value):
    turn = run_form(asking(field), text)
    assert turn.slots.get(slot) == value, turn.slots


def test_correction_of_an_earlier_field_keeps_the_question():
    turn = run_form(asking("email"), "Moment, mein Geburtsdatum ist eigentlich der 4. März")
    assert turn.slots["date_of_birth"] == "1995-03-04"
    assert turn.requested == "email"
    assert turn.responses == ["utter_field_corrected"]


def test_correction_without_value_asks_that_field_again():
    turn = run_form(asking("phone"), "Moment, meine E-Mail ist falsch")
    assert turn.slots["email"] is None and turn.requested == "email"


def test_long_message_with_the_word_falsch_is_the_message():
    text = "In meinem Bescheid ist die Adresse falsch geschrieben, bitte korrigieren Sie die Hausnummer und die Straße."
    turn = run_form(asking("message"), text)
    assert turn.slots["message"] == text


def test_question_in_a_free_text_field_is_answered_not_stored():
    turn = run_form(asking("place_of_birth"), "Was kostet die Verlängerung?", intent="faq_fees", confidence=0.7)
    assert "place_of_birth" not in turn.slots or turn.slots["place_of_birth"] is None
    assert turn.requested == "place_of_birth"
    assert turn.messages and turn.responses != ["utter_invalid_place"]


def test_question_in_a_strict_field_is_answered_and_nothing_lost():
    turn = run_form(asking("email"), "Welche Unterlagen brauche ich?", intent="faq_documents", confidence=0.9)
    assert turn.requested == "email"
    assert all(v is not None for k, v in turn.slots.items() if k in ("given_names", "date_of_birth"))
    assert "utter_invalid_email" not in turn.responses


def test_concern_chosen_by_button_while_asked():
    turn = run_form({"requested_slot": "concern"}, "/enquiry_lost_card", intent="enquiry_lost_card", confidence=1.0)
    assert turn.slots["concern"] == "lost_card"
    assert turn.requested == "given_names"


# -- the summary ---------------------------------------------------------------------

SUMMARY = {**EXTENSION_DONE, "requested_slot": "confirmed"}


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_change_button_maps_back_to_its_field(language):
    for field in required_fields(SUMMARY):
        if field in ("concern", "confirmed"):
            continue
        text = f"{label('buttons', 'change', language)}: {label('fields', field, language)}"
        correction = extraction.find_correction(text, SUMMARY, None)
        assert correction and correction[0] == field and correction[1] is None, (text, correction)
    for field in ("principal_case_number", "pickup_by_proxy"):
        text = f"{label('buttons', 'change', language)}: {label('fields', field, language)}"
        assert extraction.find_correction(text, SUMMARY, None)[0] == field, text


def test_change_button_at_summary_asks_the_field_again():
    turn = run_form(SUMMARY, "Etwas ändern: Staatsangehörigkeit")
    assert turn.slots["nationality"] is None and turn.requested == "nationality"


def test_correction_with_value_at_summary_shows_summary_again():
    turn = run_form(SUMMARY, "my date of birth is actually 4 March", language="en")
    assert turn.slots["date_of_birth"] == "1995-03-04" and turn.requested == "confirmed"


def test_only_an_explicit_yes_submits():
    assert run_form(SUMMARY, "/affirm", intent="affirm", confidence=1.0).slots["confirmed"] == "yes"
    assert run_form(SUMMARY, "ja, passt", intent="affirm", confidence=0.4).slots["confirmed"] == "yes"
    assert run_form(SUMMARY, "ok, was kostet das?", intent="faq_fees", confidence=0.8).slots.get("confirmed") is None
    assert run_form(SUMMARY, "Hallo?", intent="affirm", confidence=0.3).slots.get("confirmed") is None
    change = run_form(SUMMARY, "/correct_field", intent="correct_field", confidence=1.0)
    assert change.slots.get("confirmed") is None and change.responses == ["utter_what_to_change"]
    denied = run_form(SUMMARY, "nein", intent="deny", confidence=0.9)
    assert denied.slots.get("confirmed") is None and denied.responses == ["utter_what_to_change"]


# -- notes -----------------------------------------------------------------------------

def test_expired_title_gets_a_note():
    expired = (today() - timedelta(days=10)).strftime("%d.%m.%Y")
    turn = run_form(asking("title_expiry"), expired)
    assert "utter_title_expired_note" in turn.responses


def test_schengen_visa_gets_a_note():
    slots = {"concern": "visa_extension", "given_names": "A", "family_name": "B", "date_of_birth": "1990-01-01",
             "place_of_birth": "X", "nationality": "IND", "requested_slot": "title_kind"}
    turn = run_form(slots, "Schengen-Visum (Typ C)")
    assert turn.slots["title_kind"] == "schengen_visa" and "utter_schengen_note" in turn.responses


def test_minor_cannot_send_an_authorised_person():
    born = today().replace(year=today().year - 12).isoformat()
    slots = {"concern": "card_pickup", "given_names": "A", "family_name": "B", "date_of_birth": born,
             "nationality": "TUR", "requested_slot": "pickup_by_proxy"}
    turn = run_form(slots, "Ja")
    assert "utter_pickup_proxy_too_young" in turn.responses
    assert turn.slots["pickup_by_proxy"] == "no"
    adult = run_form({**slots, "date_of_birth": "1990-01-01"}, "Ja")
    assert "utter_pickup_proxy_info" in adult.responses and adult.slots["pickup_by_proxy"] == "yes"


def test_a_valid_email_is_the_answer_even_if_the_nlu_reads_start_over():
    """'restart' inside an address once scored 0.90 as start_over and wiped the enquiry."""
    slots = {"concern": "other", "given_names": "Zofia", "family_name": "Nowak", "date_of_birth": "1990-01-01",
             "nationality": "POL", "existing_case_number": "__skipped__", "requested_slot": "email"}
    turn = run_form(slots, "zofia.restartactions@example.net", intent="start_over", confidence=0.9)
    assert turn.slots["email"] == "zofia.restartactions@example.net"


def test_cancel_words_still_leave_the_form():
    slots = {"concern": "other", "requested_slot": "email"}
    assert run_form(slots, "abbrechen bitte", intent="cancel", confidence=0.9).events == []


# -- a case number with a key inside an enquiry (issue 12), the document decides (issue 13) ---------


def _no_backend(monkeypatch) -> list:
    """The backend client replaced: no uploads; follow-ups are recorded and accepted."""
    from datetime import UTC, datetime

    from actions import backend_client
    from bot.models import FollowUpReceipt

    sent: list = []

    async def uploads(_conversation_id):
        return []

    async def add(request):
        sent.append(request)
        return FollowUpReceipt(status="added", case_number=request.case_number, received_at=datetime.now(UTC))

    monkeypatch.setattr(backend_client, "conversation_uploads", uploads)
    monkeypatch.setattr(backend_client, "add_to_case", add)
    return sent


@pytest.mark.parametrize("requested", ["given_names", "existing_case_number", "message", "confirmed"])
def test_a_case_number_with_a_key_inside_an_enquiry_is_a_follow_up_never_a_field_value(monkeypatch, requested):
    sent = _no_backend(monkeypatch)
    known = {k: v for k, v in EXTENSION_DONE.items() if k != requested}
    typed = "LEA-2026-000042 ABCD-EFGH-JKM2-PQRS neuer Arbeitsvertrag"
    turn = run_form({**known, "requested_slot": requested}, typed, intent="add_to_case")
    assert turn.responses == ["utter_follow_up_in_enquiry", "utter_follow_up_added"], turn.responses
    assert [(r.case_number, r.follow_up_key, r.message) for r in sent] == [
        ("LEA-2026-000042", "ABCDEFGHJKM2PQRS", "neuer Arbeitsvertrag")]
    stored = {name: value for name, value in turn.slots.items() if name in FORM_SLOTS and value}
    assert not any("LEA" in str(v) or "PQRS" in str(v) for v in stored.values()), stored
    assert turn.requested in (None, requested)  # the same question comes again


def test_the_pdfs_verification_code_inside_an_enquiry_is_explained_and_sent_nowhere(monkeypatch):
    sent = _no_backend(monkeypatch)
    known = {k: v for k, v in EXTENSION_DONE.items() if k != "existing_case_number"}
    turn = run_form({**known, "requested_slot": "existing_case_number"}, "LEA-2026-000042 ABCD-EFGH-JKMN")
    assert turn.responses == ["utter_follow_up_in_enquiry", "utter_follow_up_code_only_verifies"]
    assert sent == [] and "existing_case_number" not in turn.slots


def test_a_bare_case_number_is_still_the_answer_to_the_case_number_question(monkeypatch):
    sent = _no_backend(monkeypatch)
    known = {k: v for k, v in EXTENSION_DONE.items() if k != "existing_case_number"}
    turn = run_form({**known, "requested_slot": "existing_case_number"}, "LEA-2026-000042")
    assert sent == [] and turn.slots.get("existing_case_number") == "LEA-2026-000042", turn.slots


def test_a_new_case_number_with_a_key_is_a_follow_up_and_a_mistyped_one_is_answered_without_a_lookup(monkeypatch):
    sent = _no_backend(monkeypatch)
    known = {k: v for k, v in EXTENSION_DONE.items() if k != "message"}
    turn = run_form({**known, "requested_slot": "message"}, "lea 2026 7kqm xr4w ABCD-EFGH-JKM2-PQRS Lohnzettel",
                    intent="add_to_case")
    assert turn.responses == ["utter_follow_up_in_enquiry", "utter_follow_up_added"], turn.responses
    assert [(r.case_number, r.follow_up_key) for r in sent] == [("LEA-2026-7KQM-XR4W", "ABCDEFGHJKM2PQRS")]
    # Two characters swapped ("XR4W" -> "RX4W"): the check character catches it, nothing is sent.
    turn = run_form({**known, "requested_slot": "message"}, "LEA-2026-7KQM-RX4W ABCD-EFGH-JKM2-PQRS Lohnzettel",
                    intent="add_to_case")
    assert turn.responses == ["utter_follow_up_in_enquiry", "utter_follow_up_number_typo"], turn.responses
    assert len(sent) == 1


@pytest.mark.parametrize("typed, slot, response", [
    ("LEA-2026-7KQM-XR4W", "LEA-2026-7KQM-XR4W", None),
    ("lea 2026 7KQM XR4W", "LEA-2026-7KQM-XR4W", None),
    ("LEA-2026-7KQN-XR4W", None, "utter_invalid_case_number_check"),  # one character mistyped
    ("LEA-2026-K7QM-XR4W", None, "utter_invalid_case_number_check"),  # a swapped pair
    ("LEA-2025-000123", "LEA-2025-000123", None),  # the older shape stays valid
])
def test_the_case_number_question_checks_the_check_character(monkeypatch, typed, slot, response):
    sent = _no_backend(monkeypatch)
    known = {k: v for k, v in EXTENSION_DONE.items() if k != "existing_case_number"}
    turn = run_form({**known, "requested_slot": "existing_case_number"}, typed)
    assert sent == [] and turn.slots.get("existing_case_number") == slot, (turn.slots, turn.responses)
    if response:
        assert response in turn.responses, turn.responses


VISA = {"concern": "visa_extension", "given_names": "Lin", "family_name": "Wang", "date_of_birth": "1999-01-02",
        "place_of_birth": "Shanghai", "nationality": "CHN"}


def test_a_d_visa_holder_who_corrects_the_document_to_a_schengen_visa_extends_a_visa_again():
    d_visa = run_form({**VISA, "requested_slot": "title_kind"}, "nationales Visum (D)")
    assert d_visa.slots["concern"] == "residence_permit_issue" and d_visa.slots["concern_named"] == "visa_extension"
    assert "utter_concern_follows_title" in d_visa.responses
    after = {**VISA, **{k: v for k, v in d_visa.slots.items() if k != "requested_slot"}}
    corrected = run_form({**after, "requested_slot": "title_kind"}, "Schengen-Visum (C)")
    assert corrected.slots["title_kind"] == "schengen_visa"
    assert corrected.slots["concern"] == "visa_extension" and corrected.slots["concern_named"] is None
    assert "utter_concern_back_to_named" in corrected.responses
    # And back to a residence permit: decided from the named concern again.
    again = {**after, **{k: v for k, v in corrected.slots.items() if k != "requested_slot"}}
    permit = run_form({**again, "requested_slot": "title_kind"}, "Aufenthaltserlaubnis")
    assert permit.slots["concern"] == "residence_permit_extension" and permit.slots["concern_named"] == "visa_extension"


def test_a_client_who_asked_for_a_residence_permit_keeps_it_whatever_the_document():
    slots = {**VISA, "concern": "residence_permit_issue", "purpose": "study", "requested_slot": "title_kind"}
    turn = run_form(slots, "Schengen-Visum (C)")
    assert turn.slots.get("concern") in (None, "residence_permit_issue") and not turn.slots.get("concern_named")
