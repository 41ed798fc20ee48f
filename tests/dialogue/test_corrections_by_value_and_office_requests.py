"""Mid-enquiry moves (issue 14, the fourth blind set's failure kinds), no stack:

1. A correction of an earlier answer given by its new value while another field is asked
   ("ich meinte Studium, nicht Ausbildung" while the name is asked) corrects that answer, says
   the new value, and asks the same field again; a name field refuses text that holds words of
   other fields' vocabularies, correction words or too many words (asked again, no echo).
2. A request to the office to register a matter for the client ("please register that for
   me", "tragen Sie das bitte ein") starts that matter's enquiry; a question about it is answered.
Fresh wordings in German and English; the form's validation action runs on slots
(tests/actions/form_harness.py), the model on its own (tests/dialogue/helpers.py)."""

from __future__ import annotations

import pytest

from tests.actions.form_harness import EXTENSION_DONE, response_text, run_form
from tests.dialogue.helpers import form_turn, turn

AT_NAME = {"concern": "residence_permit_extension", "purpose": "vocational_training", "requested_slot": "given_names"}
AT_NATIONALITY = {**{k: EXTENSION_DONE[k] for k in ("concern", "purpose", "given_names", "family_name",
                                                     "date_of_birth", "place_of_birth")},
                  "requested_slot": "nationality"}
AT_TITLE = {**AT_NATIONALITY, "nationality": "TUR", "requested_slot": "title_kind"}


def said(result, language: str) -> str:
    texts = []
    for message in result.messages:
        if message.get("response"):
            text = response_text(message["response"], language)
            for key, value in message.items():
                if key not in ("response", "template", "buttons", "text", "elements", "custom", "image", "attachment"):
                    text = text.replace("{" + key + "}", str(value))
            texts.append(text)
        elif message.get("text"):
            texts.append(message["text"])
    return " ".join(texts)


# -- 1a. an earlier answer corrected by its new value ----------------------------------------

@pytest.mark.parametrize("slots, text, language, field, value, shown", [
    (AT_NAME, "oh nein, falsch gewählt – ich meinte Forschung, nicht Ausbildung", "de", "purpose", "research", "Forschung"),
    (AT_NAME, "Moment, nicht Ausbildung sondern Studium", "de", "purpose", "study", "Studium"),
    (AT_NAME, "sorry, verklickt: eigentlich Studium", "de", "purpose", "study", "Studium"),
    (AT_NAME, "Mist, das war der falsche Knopf, es geht um meine Arbeit", "de", "purpose", "employment", "Beschäftigung"),
    (AT_NAME, "whoops, picked the wrong one - it should be research, not vocational training", "en", "purpose",
     "research", "research"),
    (AT_NAME, "sorry I meant study not training", "en", "purpose", "study", "stud"),
    (AT_NAME, "actually it's study, not vocational training", "en", "purpose", "study", "stud"),
    (AT_NAME, "my bad, wrong button: Blue Card, not vocational training", "en", "purpose", "blue_card", "Blue Card"),
    (AT_TITLE, "ich meinte übrigens syrisch, nicht türkisch", "de", "nationality", "SYR", "Syrien"),
    (AT_TITLE, "oops, my nationality: I meant Iranian, not Turkish", "en", "nationality", "IRN", "Iran"),
    (AT_NATIONALITY, "sorry, ich meinte den 12.05.1991, nicht 1995", "de", "date_of_birth", "1991-05-12", "1991"),
    (AT_NATIONALITY, "I meant 7 June 1994, not the 3rd of March", "en", "date_of_birth", "1994-06-07", "1994"),
])
def test_an_earlier_answer_given_by_its_new_value_is_corrected(slots, text, language, field, value, shown):
    result = run_form(slots, text, confidence=0.4, language=language)
    assert result.slots[field] == value
    assert result.requested == slots["requested_slot"]
    assert shown.lower() in said(result, language).lower()
    assert result.slots.get(slots["requested_slot"]) is None


@pytest.mark.parametrize("text, language, concern", [
    ("oh, ich meinte eigentlich die Abholung meiner Karte, nicht die Verlängerung", "de", "card_pickup"),
    ("sorry, wrong one: I meant the pick-up of my card, not an extension", "en", "card_pickup"),
])
def test_the_matter_corrected_by_its_new_value_changes_the_enquiry(text, language, concern):
    result = run_form({"concern": "residence_permit_extension", "purpose": "study", "requested_slot": "given_names"},
                      text, confidence=0.4, language=language)
    assert result.slots["concern"] == concern and result.requested == "given_names"
    assert result.slots.get("given_names") is None


@pytest.mark.parametrize("text, language", [("Studium", "de"), ("ich meinte Studium", "de"), ("study", "en")])
def test_the_same_value_again_corrects_nothing(text, language):
    result = run_form({**AT_NAME, "purpose": "study"}, text, confidence=0.4, language=language)
    assert result.slots.get("purpose") is None and result.slots.get("given_names") is None
    assert result.requested == "given_names"


@pytest.mark.parametrize("text, language, given, family", [
    ("Ana Souza", "en", "Ana", "Souza"), ("sorry, Ana Souza", "en", "Ana", "Souza"),
    ("Maria del Carmen García López", "de", "Maria del Carmen García", "López"),
    ("Nguyen Thi Minh Khai", "en", "Nguyen Thi Minh", "Khai"),
    ("Studer, Jonas", "de", "Jonas", "Studer"),
])
def test_names_are_still_names(text, language, given, family):
    result = run_form(AT_NAME, text, confidence=0.4, language=language)
    assert (result.slots["given_names"], result.slots["family_name"]) == (given, family)


# -- 1b. a name field refuses what cannot be a name -----------------------------------------

NOT_NAMES = [
    "ich meinte doch was ganz anderes", "ups falsch geklickt", "für mein Studium an der Uni",
    "wegen der Ausbildung im Betrieb", "nein das war falsch gewählt",
    "ich habe keine Ahnung was genau Sie hier von mir hören wollen",
    "oops wrong button sorry", "for my studies at the university", "I meant something else",
    "not that one", "because of my apprenticeship", "I really do not understand what you would like me to type here",
]


@pytest.mark.parametrize("text", NOT_NAMES)
@pytest.mark.parametrize("field", ["given_names", "family_name"])
def test_a_name_field_refuses_other_fields_words_corrections_and_long_text(text, field):
    assert form_turn(text, field) == [f"implausible {field}"]


@pytest.mark.parametrize("text, language", [("ups falsch geklickt", "de"), ("I meant something else", "en"),
                                            ("for my studies at the university", "en")])
def test_a_refused_name_is_asked_again_in_the_client_s_language_without_echo(text, language):
    result = run_form(AT_NAME, text, confidence=0.4, language=language)
    assert result.requested == "given_names" and result.slots.get("given_names") is None
    reply = said(result, language)
    assert reply and text.lower() not in reply.lower()
    assert ("Namen" in reply) if language == "de" else ("name" in reply)


# -- 2. a request to the office to register a matter starts its enquiry ----------------------

REQUESTS = [
    "my husband will fetch my ready residence card, could you please arrange that for me",
    "I want my daughter (she's 19) to collect my eAT. Please note that down for me.",
    "My card is ready and my brother will collect it - kindly set that up for me",
    "please book that for me: my sister collects my finished card",
    "Meine Schwester soll meinen fertigen Aufenthaltstitel abholen – tragen Sie das bitte für mich ein.",
    "Mein Vater holt die fertige Karte für mich ab. Können Sie das für mich anmelden?",
    "Meine Tochter (18) soll meine Karte abholen, können Sie das bitte veranlassen?",
    "Bitte für mich vormerken: mein Bruder holt meine fertige Karte ab.",
]


@pytest.mark.parametrize("text", REQUESTS)
@pytest.mark.parametrize("intent", [None, "faq_pickup_proxy", "enquiry_card_pickup"])
def test_a_request_to_register_the_pick_up_starts_its_enquiry(text, intent):
    assert turn(text, intent=intent) == ["start card_pickup"]


@pytest.mark.parametrize("text", [
    "Can my wife collect my finished card for me?",
    "Darf mein Mann meine fertige Karte abholen?",
    "Could you tell me whether my son may pick up my card?",
    "Können Sie mir sagen, ob meine Frau die Karte abholen darf?",
])
@pytest.mark.parametrize("intent", [None, "faq_pickup_proxy"])
def test_a_question_about_the_pick_up_is_answered(text, intent):
    assert turn(text, intent=intent)[0].startswith("ask pickup")


@pytest.mark.parametrize("text, language, field, value", [
    ("oh, ich meinte Forschung, nicht Studium", "de", "purpose", "research"),
    ("sorry, I meant Syrian, not Turkish", "en", "nationality", "SYR"),
])
def test_at_the_summary_an_answer_given_by_its_new_value_is_corrected(text, language, field, value):
    result = run_form({**EXTENSION_DONE, "requested_slot": "confirmed"}, text, confidence=0.4, language=language)
    assert result.slots[field] == value and result.responses[0] == "utter_field_corrected"
    assert result.requested == "confirmed" and result.slots.get("confirmed") is None


@pytest.mark.parametrize("text, language", [("nein, ich habe eine Blaue Karte", "de"), ("no, a Blue Card", "en")])
def test_a_value_of_the_asked_field_is_its_answer_not_a_correction(text, language):
    slots = {**AT_TITLE, "purpose": "employment"}
    result = run_form(slots, text, confidence=0.4, language=language)
    assert result.slots.get("title_kind") == "blue_card" and result.slots.get("purpose") is None


@pytest.mark.parametrize("text, language", [("keine Ahnung", "de"), ("I would rather not say", "en"), ("skip", "en"),
                                            ("lieber nicht angeben", "de")])
def test_declining_the_name_is_explained_not_taken_as_a_name(text, language):
    result = run_form(AT_NAME, text, confidence=0.4, language=language)
    assert result.responses == ["utter_cannot_skip"] and result.requested == "given_names"
    assert result.slots.get("given_names") is None


@pytest.mark.parametrize("text, language, value", [
    ("sorry, ich meinte Izmir, nicht Ankara", "de", "Izmir"), ("oops I meant Bursa not Ankara", "en", "Bursa"),
])
def test_a_town_is_corrected_by_its_new_value_beside_the_old_one(text, language, value):
    result = run_form(AT_NATIONALITY, text, confidence=0.4, language=language)
    assert result.slots["place_of_birth"] == value and result.requested == "nationality"


@pytest.mark.parametrize("text, language", [("Izmir", "de"), ("ups, Türkei", "de"), ("sorry, Turkish", "en")])
def test_a_town_or_an_answer_alone_changes_no_town(text, language):
    result = run_form(AT_NATIONALITY, text, confidence=0.4, language=language)
    assert "place_of_birth" not in result.slots or result.slots["place_of_birth"] == "Ankara"


@pytest.mark.parametrize("text, concern", [
    ("Meine Adresse hat sich geändert, tragen Sie das bitte ein", "data_change"),
    ("I've moved to a new flat, please update that for me", "data_change"),
    ("my permit runs out in May, please arrange the extension for me", "residence_permit_extension"),
    ("Mein Visum läuft bald ab, können Sie die Verlängerung für mich veranlassen?", "visa_extension"),
    ("I lost my residence card, please note that down for me", "lost_card"),
])
def test_a_request_to_register_another_matter_starts_its_enquiry(text, concern):
    assert turn(text) == [f"start {concern}"]


@pytest.mark.parametrize("text", ["please tell me whether my wife can collect my card",
                                  "Bitte sagen Sie mir, ob meine Frau die Karte abholen kann"])
def test_please_tell_me_is_a_question(text):
    assert turn(text)[0].startswith("ask pickup")
