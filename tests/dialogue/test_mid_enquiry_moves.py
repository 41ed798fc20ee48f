"""Mid-enquiry moves as clients type them (issue 14, a blind set of outsider conversations):
a wish to apply now starts the form; a refusal or "don't know" skips an optional field and is
explained on a required one; back and cancel said with fillers or a reason are moves; a value
after "ok"/"hallo" is taken; the kind of document comes before its serial number. Fresh
wordings, both languages, colloquial and with typos; no stack (the form's validation action
runs on slots, tests/actions/form_harness.py)."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import SKIPPED
from actions.conversation import ActionCancelEnquiry
from actions.dialogue.commands import CancelEnquiry, GoBack, SetField, SkipField
from actions.dialogue.understand import Context, FormReading, Parse, interpret_in_form
from actions.fields import parse_nationality
from bot import knowledge as kb
from tests.actions.form_harness import EXTENSION_DONE, response_text, run_form
from tests.dialogue.helpers import turn

BEFORE_NATIONALITY = {k: EXTENSION_DONE[k] for k in ("concern", "purpose", "given_names", "family_name",
                                                     "date_of_birth", "place_of_birth")}
AT_SERIAL = {**BEFORE_NATIONALITY, "nationality": "IND", "title_kind": "residence_permit"}
AT_PHONE = {**EXTENSION_DONE, "phone": None, "message": None}


def asking(field: str, slots: dict) -> dict:
    return {**slots, field: None, "requested_slot": field}


def read(text: str, requested: str, intent: str | None = None, confidence: float = 0.0,
         reading: FormReading | None = None) -> list:
    context = Context(requested=requested, concern="residence_permit_extension", reading=reading)
    return interpret_in_form(Parse(text, intent, confidence), context)


# -- 1. a wish to apply now starts the form --------------------------------------------------

@pytest.mark.parametrize("text, intent, concern", [
    ("I want to apply for my extension, can we do it right now?", "enquiry_extend_permit", "residence_permit_extension"),
    ("i wanna extnd my permit, can we do it right now", "enquiry_extend_permit", "residence_permit_extension"),
    ("will meine blaue karte verlängern, können wir das gleich jetzt machen?", "enquiry_extend_permit",
     "residence_permit_extension"),
    ("Ich möchte die Verlängerung beantragen. Geht das jetzt sofort hier?", "nlu_fallback", "residence_permit_extension"),
    ("Hab meine Karte verloren und will das melden, geht das hier gleich?", "enquiry_lost_card", "lost_card"),
    ("Hallo, ich möchte meine Aufenthaltserlaubnis verlängern. Können wir direkt anfangen?", "enquiry_extend_permit",
     "residence_permit_extension"),
])
def test_a_wish_to_apply_now_starts_the_form(text, intent, concern):
    assert turn(text, intent=intent, confidence=0.85) == [f"start {concern}"]


@pytest.mark.parametrize("text, intent, asked", [
    ("what does the extension cost, can I pay right away?", "faq_fees", "ask fee extension"),
    ("I want to extend my permit, do I need an appointment right now?", "faq_appointments", "ask appointments extension"),
    ("Ich möchte verlängern. Was kostet das sofort?", "faq_fees", "ask fee extension"),
    ("Ich möchte meine Aufenthaltserlaubnis verlängern. Was muss ich tun?", "enquiry_extend_permit",
     "ask process extension"),
])
def test_another_question_beside_now_is_answered_not_started(text, intent, asked):
    commands = turn(text, intent=intent, confidence=0.85)
    assert asked in commands and not any(c.startswith("start") for c in commands)


# -- 2. refusing or not knowing: skip when optional, explained when required -----------------

@pytest.mark.parametrize("text, language", [
    ("no idea tbh, I lost the card", "en"),
    ("dunno, card got stolen", "en"),
    ("keine ahnug, die karte ist geklaut", "de"),
    ("weiß ich nicht, hab die Karte nicht dabei", "de"),
])
def test_not_knowing_the_optional_serial_number_skips_it(text, language):
    result = run_form(asking("title_serial", AT_SERIAL), text, intent="enquiry_lost_card", language=language)
    assert result.responses == ["utter_field_skipped"]
    assert result.slots["title_serial"] == SKIPPED and "title_serial" in result.slots["skipped_fields"]
    assert result.requested == "title_expiry"


@pytest.mark.parametrize("text, language", [
    ("I'd rather not give my number", "en"),
    ("would prefer not to share my phone", "en"),
    ("meine Nummer geb ich nicht raus", "de"),
    ("möchte ich lieber nicht angeben", "de"),
    ("don't wanna give my phone number", "en"),
    ("I prefer e-mail only", "en"),
    ("lieber ohne Telefon", "de"),
])
def test_refusing_the_optional_phone_skips_it(text, language):
    result = run_form(asking("phone", AT_PHONE), text, intent="deny", language=language)
    assert result.responses == ["utter_field_skipped"] and result.slots["phone"] == SKIPPED
    assert result.requested == "message"


@pytest.mark.parametrize("field, text, language", [
    ("date_of_birth", "weiß ich nicht so genau", "de"),
    ("email", "I'd rather not give my email", "en"),
    ("nationality", "keine ahnung, will ich nicht sagen", "de"),
])
def test_refusing_a_required_field_explains_it_is_needed(field, text, language):
    slots = asking(field, AT_PHONE if field == "email" else BEFORE_NATIONALITY)
    result = run_form(slots, text, language=language)
    assert result.responses == ["utter_cannot_skip"] and result.requested == field
    assert result.slots.get(field) is None
    # Said in both languages, and the client's words are not repeated.
    for lang in ("de", "en"):
        assert response_text("utter_cannot_skip", lang) and text not in response_text("utter_cannot_skip", lang)


def test_a_number_given_with_a_refusal_is_the_answer():
    result = run_form(asking("phone", AT_PHONE), "no landline, but my mobile is 0176 12345678", language="en")
    assert result.slots.get("phone") not in (None, SKIPPED)


# -- 3. back with fillers --------------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("wait, go one step back please", "en"),
    ("hold on, can we go back one step", "en"),
    ("oops, previous question pls", "en"),
    ("Moment, einen Schritt zurück bitte", "de"),
    ("halt, nochmal zurück", "de"),
    ("ups zurück zur vorherigen frage", "de"),
    ("wart mal, kannst du einen schritt zurück gehen?", "de"),
    ("geh bitte eins zurück", "de"),
    ("zurück bitte, da war was falsch", "de"),
])
def test_back_said_with_fillers_asks_the_previous_question(text, language):
    assert read(text, "nationality", "ask_human", 0.35) == [GoBack()]
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text, intent="ask_human", confidence=0.35,
                      language=language)
    assert result.responses == ["utter_going_back"] and result.requested == "place_of_birth"
    assert "utter_invalid_nationality" not in result.responses


@pytest.mark.parametrize("text, requested", [
    ("I want to go back to Turkey next year", "message"),
    ("zurück nach Ghana", "nationality"),
])
def test_back_inside_other_words_is_no_move(text, requested):
    assert GoBack() not in read(text, requested)


# -- 4. cancel with a reason -----------------------------------------------------------------

@pytest.mark.parametrize("text, language", [
    ("forget it, I'll just call you", "en"),
    ("never mind, i'd rather call", "en"),
    ("vergiss es, ich ruf einfach an", "de"),
    ("ach lass mal, ich ruf lieber an", "de"),
    ("nee, dann ruf ich lieber an", "de"),
    ("das ist mir zu kompliziert, ich rufe an", "de"),
    ("I'll call the office instead", "en"),
    ("cancel, I'll phone tomorrow", "en"),
])
def test_leaving_to_call_cancels_and_is_no_correction(text, language):
    assert read(text, "phone", "ask_human", 0.3) == [CancelEnquiry(call=True)]
    result = run_form(asking("phone", AT_PHONE), text, intent="ask_human", confidence=0.3, language=language)
    # No rule reads this as a cancel: the form ends and the cancel action follows.
    assert {"event": "followup", "timestamp": None, "name": "action_cancel_enquiry"} in result.events
    assert "utter_field_will_change" not in result.responses and "utter_invalid_phone" not in result.responses


def test_leaving_with_the_cancel_intent_is_left_to_its_rule():
    assert run_form(asking("phone", AT_PHONE), "forget it, I'll just call you", intent="cancel").events == []


@pytest.mark.parametrize("text", ["call me at 0176 12345678", "ruf mich an unter 0176 12345678"])
def test_a_number_to_call_is_the_phone_not_a_cancel(text):
    result = run_form(asking("phone", AT_PHONE), text)
    assert result.slots.get("phone") not in (None, SKIPPED)


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_cancel_gives_the_phone_numbers_to_a_client_who_will_call(language):
    def cancel(text: str) -> list[str]:
        tracker = Tracker("unit-test", {"language": language, "concern": "residence_permit_extension"},
                          {"text": text, "intent": {"name": "cancel", "confidence": 0.9}}, [], False, None,
                          {"name": "enquiry_form"}, "action_listen")
        dispatcher = CollectingDispatcher()
        asyncio.run(ActionCancelEnquiry().run(dispatcher, tracker, {}))
        return [m.get("response") or m.get("text") for m in dispatcher.messages]

    phone = kb.sentence("phone", language)
    assert cancel("vergiss es, ich ruf einfach an" if language == "de" else "forget it, I'll just call you") == [
        "utter_cancelled", phone]
    assert cancel("abbrechen" if language == "de" else "cancel") == ["utter_cancelled"]
    assert "99-2421" in phone


# -- 5. a value after a filler or greeting ---------------------------------------------------

@pytest.mark.parametrize("text, code", [
    ("ok, Turkey", "TUR"), ("ok, Indian", "IND"), ("ok Brazilian", "BRA"), ("also, türkisch", "TUR"),
    ("ähm indisch", "IND"), ("jo Ghanaer", "GHA"), ("hi, algerian", "DZA"), ("okay venezolanisch", "VEN"),
])
def test_a_nationality_after_a_filler_is_taken(text, code):
    result = run_form(asking("nationality", BEFORE_NATIONALITY), text)
    assert result.slots["nationality"] == code and result.requested == "title_kind"


@pytest.mark.parametrize("text, given, family, language", [
    ("hello, Ana Souza", "Ana", "Souza", "en"),
    ("hallo Tomasz Nowak", "Tomasz", "Nowak", "de"),
    ("hi, I'm Kwame Mensah", "Kwame", "Mensah", "en"),
    ("So Yeon Kim", "So Yeon", "Kim", "en"),   # a name that starts like a filler stays whole
])
def test_a_name_after_a_greeting_is_taken_not_the_menu(text, given, family, language):
    slots = {"concern": "residence_permit_extension", "purpose": "study", "requested_slot": "given_names"}
    result = run_form(slots, text, intent="greet", confidence=0.92, language=language)
    assert (result.slots.get("given_names"), result.slots.get("family_name")) == (given, family)
    assert "utter_menu" not in result.responses


@pytest.mark.parametrize("word, code", [
    ("brasilianerin", "BRA"), ("kanadier", "CAN"), ("azerbaijani", "AZE"), ("libysch", "LBY"), ("kubanisch", "CUB"),
    ("Eritrean", "ERI"), ("senegalese", "SEN"), ("jemenitisch", "YEM"),
])
def test_demonyms_come_from_the_content(word, code):
    assert parse_nationality(word).value == code


def test_a_yes_is_still_the_answer_to_a_yes_no_question():
    slots = {"concern": "card_pickup", "given_names": "A", "family_name": "B", "date_of_birth": "1990-01-01",
             "nationality": "TUR", "requested_slot": "pickup_by_proxy"}
    assert run_form(slots, "ok").slots["pickup_by_proxy"] == "yes"


# -- 6. the kind of document before its serial number ----------------------------------------

@pytest.mark.parametrize("concern", ["residence_permit_extension", "lost_card", "data_change"])
def test_the_kind_of_document_is_asked_before_its_serial_number(concern):
    slots = {**BEFORE_NATIONALITY, "concern": concern, "requested_slot": "nationality"}
    after_nationality = run_form(slots, "Indien")
    assert after_nationality.requested == "title_kind"
    after_title = run_form({**slots, "nationality": "IND", "requested_slot": "title_kind"}, "Aufenthaltserlaubnis")
    assert after_title.requested == "title_serial"


def test_a_document_named_in_the_first_message_is_not_asked_again():
    # "Ich möchte meine Aufenthaltserlaubnis verlängern" already said which document the client holds.
    slots = {**BEFORE_NATIONALITY, "title_kind": "residence_permit", "requested_slot": "nationality"}
    assert run_form(slots, "Ghana").requested == "title_serial"


def test_a_skip_is_still_a_skip_command():
    assert read("bitte überspringen", "phone", reading=FormReading(optional=True)) == [SkipField("phone")]
    assert read("Ghana", "nationality", reading=FormReading(valid=True)) == [SetField("nationality", "Ghana")]
