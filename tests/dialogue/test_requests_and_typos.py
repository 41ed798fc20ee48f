"""A wish to apply phrased as a request starts the form; a question with typos is answered, not
taken for a wish to apply (issue 14, the second blind set's failure kinds). Fresh wordings in
German and English, with the NLU intents such messages may get; no stack."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said, turn


# -- a request for the enquiry itself --------------------------------------------------------

@pytest.mark.parametrize("language, first, wish, intent, concern", [
    ("en", "what does it cost to extend a visa here?", "could you take down my application then?", None,
     "visa_extension"),
    ("en", "I moved last month, what do I have to do?", "ok can you open the request for me", "faq_contact_channels",
     "data_change"),
    ("en", "what do I need for a settlement permit?", "alright, let's fill in the application", "start_enquiry",
     "settlement_permit"),
    ("en", "how much is the renewal of a blue card?", "can we go through the form now?", "faq_fees",
     "residence_permit_extension"),
    ("de", "Was kostet die Verlängerung eines Visums?", "Könnten Sie meinen Antrag dann bitte aufnehmen?", None,
     "visa_extension"),
    ("de", "Ich bin umgezogen, was muss ich machen?", "ok, können wir das Formular ausfüllen?", "faq_documents",
     "data_change"),
    ("de", "Welche Unterlagen brauche ich für die Niederlassungserlaubnis?", "lass uns den Antrag gleich stellen",
     "start_enquiry", "settlement_permit"),
    ("de", "Was kostet eine Verlängerung der Blauen Karte?", "kann ich den Antrag hier einreichen?", "faq_fees",
     "residence_permit_extension"),
])
def test_a_request_for_the_enquiry_starts_it_for_the_matter_asked_before(language, first, wish, intent, concern):
    asked, requested = conversation([first, wish], language, [None, intent])
    assert not asked.start_enquiry and asked.replies
    assert requested.start_enquiry and requested.concern == concern and not requested.replies


@pytest.mark.parametrize("language, text", [
    ("en", "could you please take my request"), ("en", "let's do the paperwork form"),
    ("de", "Können Sie meine Anfrage aufnehmen?"), ("de", "wollen wir das Formular starten"),
])
def test_a_request_without_a_matter_starts_the_form_which_asks_for_it(language, text):
    (outcome,) = conversation([text], language)
    assert outcome.start_enquiry and outcome.concern is None


@pytest.mark.parametrize("language, text", [
    ("en", "how do I hand in my application?"),
    ("en", "do I have to fill in a form for the pick-up?"),
    ("en", "can you tell me how to fill out the form?"),
    ("de", "Wie reiche ich meinen Antrag ein?"),
    ("de", "Muss ich für die Abholung ein Formular ausfüllen?"),
    ("de", "Können Sie mir erklären, wie ich den Antrag stelle?"),
])
def test_a_question_about_applying_is_no_request(language, text):
    (outcome,) = conversation([text], language)
    assert not outcome.start_enquiry


def test_a_question_about_a_matter_still_gets_the_answer_and_the_offer():
    (outcome,) = conversation(["what do I need to renew my blue card?"], "en")
    assert not outcome.start_enquiry and "passport" in said(outcome)
    assert any(b["payload"] == "/enquiry_extend_permit" for r in outcome.replies for b in r.buttons or ())


# -- typos: a question stays a question ------------------------------------------------------

@pytest.mark.parametrize("text, intent, asked", [
    ("whcih papers should i take to the apointment", "enquiry_appointment", "ask documents"),
    ("wher do i pick up my new card", "enquiry_card_pickup", "ask pickup"),
    ("shoud i bring a foto to my appointmnt", "enquiry_appointment", "ask photo"),
    ("my residense permit expiers in three weeks can i keep my job", "enquiry_extend_permit", "ask fiktion"),
    ("blue card runs out soon am i alowed to keep workng", "enquiry_extend_permit", "ask fiktion"),
    ("welsche unterlagen brauch ich zum termin", "enquiry_appointment", "ask documents"),
    ("mein aufenthaltstitel leuft nächste woche ab darf ich weiter arbeiten", "enquiry_extend_permit", "ask fiktion"),
    ("meine erlaubnis lauft bald ab kann ich noch studiern", "enquiry_extend_permit", "ask fiktion"),
])
def test_a_question_with_typos_is_answered_not_started(text, intent, asked):
    commands = turn(text, intent=intent, confidence=0.85)
    assert any(c.startswith(asked) for c in commands), commands
    assert not any(c.startswith("start") for c in commands)


@pytest.mark.parametrize("text, intent, concern", [
    ("i wanna extnd my residense permit, it expiers next month", "enquiry_extend_permit", "residence_permit_extension"),
    ("ich will meine aufenthaltserlaubnis verlängern, die leuft bald ab", "enquiry_extend_permit",
     "residence_permit_extension"),
    ("went to the office and lost my card on the way, want to report it", "enquiry_lost_card", "lost_card"),
])
def test_a_wish_to_apply_with_typos_still_starts_the_form(text, intent, concern):
    assert turn(text, intent=intent, confidence=0.85) == [f"start {concern}"]


@pytest.mark.parametrize("language, text, intent, concern", [
    ("en", "could you please record my change of address?", "enquiry_data_change", "data_change"),
    ("en", "would you renew my residence permit for me", "enquiry_extend_permit", "residence_permit_extension"),
    ("en", "can I submit the extension of my visa here?", "enquiry_extend_visa", "visa_extension"),
    ("de", "Könnten Sie meine Adressänderung eintragen?", "enquiry_data_change", "data_change"),
    ("de", "kannst du meinen Verlust bitte aufnehmen", "enquiry_lost_card", "lost_card"),
])
def test_a_request_to_the_office_with_an_enquiry_intent_starts_it(language, text, intent, concern):
    (outcome,) = conversation([text], language, [intent])
    assert outcome.start_enquiry and outcome.concern == concern


@pytest.mark.parametrize("language, text, intent", [
    ("en", "could you explain how the renewal works?", "enquiry_extend_permit"),
    ("en", "can you tell me what the renewal costs?", "enquiry_extend_permit"),
    ("de", "Können Sie mir sagen, was ich für die Verlängerung brauche?", "enquiry_extend_permit"),
])
def test_a_question_to_the_office_with_an_enquiry_intent_is_answered(language, text, intent):
    (outcome,) = conversation([text], language, [intent])
    assert not outcome.start_enquiry and outcome.replies


@pytest.mark.parametrize("text, intent, asked", [
    ("wan bekomme ich die neue karte", "enquiry_card_pickup", "ask card_wait"),
    ("wen will my new card be redy", "enquiry_card_pickup", "ask card_wait"),
    ("mein aufenthaltstitel leuft nächsten monat ab was mus ich machen", "enquiry_extend_permit", "ask process"),
])
def test_a_short_question_word_with_a_slip_still_asks(text, intent, asked):
    commands = turn(text, intent=intent, confidence=0.85)
    assert any(c.startswith(asked) for c in commands), commands
    assert not any(c.startswith("start") for c in commands)


@pytest.mark.parametrize("text, language", [
    ("my residence card got lost at the airport, what do I do now", "en"),
    ("hab meine karte verlorn, was soll ich jetzt machen", "de"),
])
def test_a_lost_card_said_before_what_to_do_starts_the_report(text, language):
    (outcome,) = conversation([text], language, ["enquiry_lost_card"])
    assert outcome.start_enquiry and outcome.concern == "lost_card"
