"""Mid-form moves said in longer or colloquial sentences (issue 14, the second blind set's failure
kinds): declining an optional field in several words skips it; cancel and back with a reason
beside them are moves, never a value; an earlier answer stated again corrects it; "the date was
wrong" re-asks the date answered before. Fresh wordings, German and English; no stack (the
form's validation action runs on slots, tests/actions/form_harness.py)."""

from __future__ import annotations

import pytest

from actions.common import SKIPPED
from tests.actions.form_harness import EXTENSION_DONE, run_form

BEFORE_NATIONALITY = {k: EXTENSION_DONE[k] for k in ("concern", "purpose", "given_names", "family_name",
                                                     "date_of_birth", "place_of_birth")}
LATER = ("existing_case_number", "address", "postal_code", "email", "phone", "message")
AT_CASE_NUMBER = {**EXTENSION_DONE, **{k: None for k in LATER}}
AT_EXPIRY = {**AT_CASE_NUMBER, "title_expiry": None}
LOST_CARD = {"concern": "lost_card", "given_names": "Ana", "family_name": "Lima", "date_of_birth": "1991-03-03",
             "place_of_birth": "Recife", "nationality": "BRA", "title_kind": "residence_permit",
             "title_serial": SKIPPED}


def asking(field: str, slots: dict) -> dict:
    return {**slots, field: None, "requested_slot": field}


def leaves(result) -> bool:
    return {"event": "followup", "timestamp": None, "name": "action_cancel_enquiry"} in result.events


# -- declining an optional field in several words ------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("nah, never had one", "en"),
    ("no, none so far", "en"),
    ("nope, I have not been given any", "en"),
    ("no case number yet, sorry", "en"),
    ("not that I know of", "en"),
    ("hmm no, I didn't get one", "en"),
    ("nö, hab noch keine", "de"),
    ("nein, bisher keins", "de"),
    ("leider noch keine Vorgangsnummer", "de"),
    ("sowas hab ich nie bekommen", "de"),
    ("gab es bei mir noch nicht", "de"),
    ("ne, hab ich noch nicht", "de"),
])
def test_declining_the_optional_case_number_in_several_words_skips_it(text, language):
    result = run_form(asking("existing_case_number", AT_CASE_NUMBER), text, confidence=0.4, language=language)
    assert result.responses == ["utter_field_skipped"]
    assert result.slots["existing_case_number"] == SKIPPED and result.requested == "address"


@pytest.mark.parametrize("text", ["LEA-2025-000123", "meine Nummer ist LEA-2025-000123"])
def test_a_case_number_is_still_taken(text):
    result = run_form(asking("existing_case_number", AT_CASE_NUMBER), text)
    assert result.slots["existing_case_number"] == "LEA-2025-000123"


@pytest.mark.parametrize("text, language", [("no, never had one", "en"), ("nee, hab ich keine", "de")])
def test_declining_a_required_field_in_several_words_is_explained(text, language):
    result = run_form(asking("email", {**EXTENSION_DONE, "phone": None, "message": None}), text, language=language)
    assert result.responses == ["utter_cannot_skip"] and result.requested == "email"


# -- cancel with a reason -------------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("my card turned up in my jacket, so cancel please", "en"),
    ("we can stop here, it sorted itself out", "en"),
    ("please just cancel the whole thing, I'll come back later", "en"),
    ("don't need this anymore, thanks", "en"),
    ("die Karte ist wieder aufgetaucht, bitte abbrechen", "de"),
    ("ach, hat sich geklärt, brauche das nicht mehr", "de"),
    ("lass gut sein, ich mach das ein andermal", "de"),
    ("ich höre hier auf, danke trotzdem", "de"),
])
def test_cancel_with_a_reason_leaves_and_is_no_value(text, language):
    result = run_form(asking("title_expiry", LOST_CARD), text, intent="inform", confidence=0.4, language=language)
    assert leaves(result)
    assert "utter_invalid_date" not in result.responses and result.slots.get("title_expiry") is None


@pytest.mark.parametrize("text", ["I need to cancel my appointment next week", "bitte meinen Termin stornieren"])
def test_cancelling_another_matter_does_not_leave_the_enquiry(text):
    assert not leaves(run_form(asking("title_expiry", AT_EXPIRY), text, intent="inform", confidence=0.4))


# -- back with a reason, and "the date was wrong" -------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("back please, I typed that wrong", "en"),
    ("go back, I messed that one up", "en"),
    ("einen Schritt zurück, da hab ich Mist geschrieben", "de"),
    ("zurück bitte, da hab ich mich verschrieben", "de"),
])
def test_back_with_a_reason_asks_the_previous_question(text, language):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, intent="inform", confidence=0.4,
                      language=language)
    assert result.responses == ["utter_going_back"] and result.requested == "place_of_birth"
    assert "utter_invalid_nationality" not in result.responses


@pytest.mark.parametrize("text, language", [
    ("hang on, that date I gave you is not right", "en"),
    ("sorry the date earlier was a typo", "en"),
    ("warte, das Datum stimmt nicht", "de"),
    ("moment, beim Datum hab ich mich vertippt", "de"),
])
def test_the_date_said_wrong_asks_the_date_answered_before(text, language):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, intent="inform", confidence=0.4,
                      language=language)
    assert result.responses == ["utter_field_will_change"] and result.requested == "date_of_birth"
    assert result.slots["date_of_birth"] is None


def test_the_date_asked_is_not_taken_for_an_earlier_one():
    """While the expiry date is asked, "das Datum weiß ich nicht" is about that date."""
    result = run_form(asking("title_expiry", AT_EXPIRY), "das Datum weiß ich nicht", confidence=0.4)
    assert "utter_field_will_change" not in result.responses and result.requested == "title_expiry"


# -- an earlier answer stated again corrects it ---------------------------------------------

@pytest.mark.parametrize("text, language, field, value", [
    ("hold on, I was born on 9 July 1994", "en", "date_of_birth", "1994-07-09"),
    ("sorry, the birthday is 02.02.1996 not the third", "en", "date_of_birth", "1996-02-02"),
    ("ach nee, ich bin am 14.11.1993 geboren", "de", "date_of_birth", "1993-11-14"),
    ("ich wurde übrigens in Izmir geboren, nicht in Ankara", "de", "place_of_birth", "Izmir"),
    ("I was born in Bursa actually", "en", "place_of_birth", "Bursa"),
])
def test_an_earlier_answer_stated_again_is_corrected(text, language, field, value):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, intent="inform", confidence=0.4,
                      language=language)
    assert result.responses == ["utter_field_corrected"] and result.slots[field] == value
    assert result.requested == "nationality"


def test_the_same_value_again_is_no_correction():
    result = run_form(asking("nationality", BEFORE_NATIONALITY), "ich bin am 3.3.1995 geboren", confidence=0.4)
    assert "utter_field_corrected" not in result.responses


# -- a question in the middle: answered, or the question explained; then asked again --------

@pytest.mark.parametrize("text, language, answered", [
    ("hold on, do I have to show up in person for this", "en", "utter_ask_nationality"),
    ("one sec - is this going to cost me anything", "en", "utter_ask_nationality"),
    ("warte mal, muss ich da persönlich hin", "de", "utter_ask_nationality"),
    ("kurze frage: kostet mich das was", "de", "utter_ask_nationality"),
])
def test_a_question_without_a_question_mark_is_answered_and_the_form_goes_on(text, language, answered):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, intent="inform", confidence=0.4,
                      language=language)
    assert result.slots.get("question_frame") and result.requested == "nationality"
    assert "utter_invalid_nationality" not in result.responses and result.slots.get("nationality") is None


@pytest.mark.parametrize("field, slots, text, language", [
    ("nationality", BEFORE_NATIONALITY, "what do you need that for", "en"),
    ("nationality", BEFORE_NATIONALITY, "wofür brauchen Sie das denn?", "de"),
    ("existing_case_number", AT_CASE_NUMBER, "what is a case number supposed to be", "en"),
    ("existing_case_number", AT_CASE_NUMBER, "was bedeutet Vorgangsnummer?", "de"),
])
def test_a_question_about_the_question_explains_it_and_asks_again(field, slots, text, language):
    result = run_form(asking(field, slots), text, intent="inform", confidence=0.4, language=language)
    assert result.responses == ["utter_question_help"] and result.requested == field
    assert result.slots.get(field) is None


def test_a_general_question_with_what_is_is_still_answered():
    result = run_form(asking("nationality", BEFORE_NATIONALITY), "what is the fee for this?", confidence=0.4,
                      language="en")
    assert result.slots["question_frame"]["topic"] == "fee"


AT_PHONE = {**EXTENSION_DONE, "phone": None, "message": None}
AT_MESSAGE = {**EXTENSION_DONE, "message": None}
AT_SERIAL = {**BEFORE_NATIONALITY, "nationality": "TUR", "title_kind": "residence_permit", "title_expiry": None,
             **{k: None for k in LATER}}


@pytest.mark.parametrize("field, slots, text, language", [
    ("phone", AT_PHONE, "nah, my email will do", "en"),
    ("phone", AT_PHONE, "no, writing to my e-mail is enough", "en"),
    ("phone", AT_PHONE, "nicht nötig, die Mail-Adresse reicht", "de"),
    ("message", AT_MESSAGE, "no, nothing more to add", "en"),
    ("message", AT_MESSAGE, "nee, das war's schon", "de"),
    ("existing_case_number", AT_CASE_NUMBER, "I'm applying for the first time", "en"),
    ("existing_case_number", AT_CASE_NUMBER, "das ist mein erster Antrag hier", "de"),
    ("title_serial", AT_SERIAL, "the card is at home right now, can't check", "en"),
    ("title_serial", AT_SERIAL, "hab die Karte gerade nicht da, liegt zu Hause", "de"),
])
def test_declining_an_optional_field_with_a_reason_skips_it_and_corrects_nothing(field, slots, text, language):
    result = run_form(asking(field, slots), text, confidence=0.4, language=language)
    assert result.responses == ["utter_field_skipped"] and result.slots[field] == SKIPPED
    assert "utter_field_will_change" not in result.responses


@pytest.mark.parametrize("text, language", [
    ("hmm, I changed my mind", "en"), ("na gut, hab's mir anders überlegt", "de"),
])
def test_a_change_of_mind_leaves_and_is_no_name(text, language):
    result = run_form(asking("given_names", {"concern": "residence_permit_extension", "purpose": "study"}), text,
                      confidence=0.4, language=language)
    assert leaves(result) and result.slots.get("given_names") is None


@pytest.mark.parametrize("text, language", [
    ("nein, mein Geburtsort ist falsch", "de"), ("the place of birth is wrong", "en"),
])
def test_saying_a_field_is_wrong_asks_it_again_and_keeps_no_word_as_value(text, language):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, confidence=0.4, language=language)
    assert result.responses == ["utter_field_will_change"] and result.requested == "place_of_birth"
    assert result.slots["place_of_birth"] is None


@pytest.mark.parametrize("text, language", [
    ("stopp", "de"), ("hör bitte auf", "de"), ("quit", "en"), ("I would like to stop the request here", "en"),
    ("das Anliegen bitte doch nicht abschicken", "de"),
])
def test_stop_words_leave(text, language):
    assert leaves(run_form(asking("nationality", BEFORE_NATIONALITY), text, confidence=0.3, language=language))


def test_a_cancel_word_in_the_message_is_the_message():
    result = run_form(asking("message", {**EXTENSION_DONE, "message": None}), "Studium beenden", confidence=0.3)
    assert not leaves(result) and result.slots["message"] == "Studium beenden"


@pytest.mark.parametrize("text, language, field", [
    ("bitte wieder zurück zum Geburtsort", "de", "place_of_birth"),
    ("can we go back to the place of birth", "en", "place_of_birth"),
    ("my family name is misspelt", "en", "given_names"),
    ("der Nachname ist falsch geschrieben", "de", "given_names"),
])
def test_back_to_a_named_field_or_a_misspelling_asks_that_field_again(text, language, field):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, confidence=0.3, language=language)
    assert result.responses == ["utter_field_will_change"] and result.requested == field


@pytest.mark.parametrize("text, language, field", [
    ("hmm, the town I wrote is not right", "en", "place_of_birth"),
    ("bei der Stadt hab ich mich vertippt", "de", "place_of_birth"),
    ("I mistyped my first name", "en", "given_names"),
])
def test_a_field_named_by_its_kind_or_a_typo_is_asked_again(text, language, field):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, confidence=0.3, language=language)
    assert result.responses == ["utter_field_will_change"] and result.requested == field


@pytest.mark.parametrize("text, language", [
    ("can you repeat the question please", "en"), ("sorry, what was the question again?", "en"),
    ("wie war nochmal die Frage?", "de"), ("können Sie die Frage wiederholen", "de"),
])
def test_asking_for_the_question_again_explains_and_asks_it(text, language):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, confidence=0.3, language=language)
    assert result.responses == ["utter_question_help"] and result.requested == "nationality"
