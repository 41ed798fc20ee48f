"""First turns in slang, with typos or with two questions, and questions in the office's field the
published information does not answer (issue 14, the fourth blind set's kinds, fresh wordings).

Each message is tried without an intent and with intents the NLU may give such a message (an
unsure one, or one of a neighbouring topic): the words decide, not the NLU's guess; no stack."""

from __future__ import annotations

import pytest

from actions.dialogue.understand import Parse, answers_instead_of_adding
from actions.dialogue.understand import Context
from tests.dialogue.helpers import conversation, said, turn

WRONG_GUESSES = (None, "nlu_fallback", "faq_fees", "faq_titles", "inform", "affirm")


def _topics(text: str, intent: str | None) -> list[str]:
    return [" ".join(s.split()[:2]) for s in turn(text, intent=intent)]


# -- coming in person or sending it by post, in slang --------------------------------------------

@pytest.mark.parametrize("text", [
    "muss ich da echt selber antanzen?",
    "muss ich da höchstpersönlich hin oder geht das auch per Post?",
    "muss ich mich da blicken lassen oder reicht ein brief",
    "reicht es wenn ichs per post schicke?",
    "muss ich extra hinlatschen",
    "muss ich personlich vorbeikommen oder geht post",
    "kann ich das auch postalisch erledigen?",
    "do I actually have to turn up myself or can I post it?",
    "can I just send everything by post instead of coming in?",
    "is it ok to do the whole thing by post?",
    "do i have to go there myself",
    "can i mail my papers in rather than going there?",
    "muss ich da wirklich selbst auftauchen",
    "muss ich fürs verlängern extra aufm amt vorstellig werden?",
    "do I have to drag myself over there for this?",
    "would I need to make the trip down there myself",
    "muss ich da in echt hin, oder geht das online?",
    "kann ich die sachen nicht zuschicken anstatt hinzugehen",
    "could I save myself the trip and post everything?",
    "can I do the whole renewal remotely?",
    "kann ich das von zuhause aus erledigen oder muss ich hin?",
])
@pytest.mark.parametrize("intent", WRONG_GUESSES)
def test_coming_in_person_or_by_post_gets_the_in_person_answer(text, intent):
    assert "ask appearance" in _topics(text, intent), turn(text, intent=intent)


# -- dropping by without an appointment ----------------------------------------------------------

@pytest.mark.parametrize("text", [
    "kann ich morgen einfach vorbeischauen?",
    "geht das auch ohne Termin, einfach so reinschneien?",
    "ich würd einfach mal spontan vorbeigucken, passt das?",
    "kann ich unangemeldet kommen",
    "ohne termin hingehen geht das",
    "kann ich da einfach aufkreuzen und eine nummer ziehen?",
    "thinking of just popping in tomorrow morning, that ok?",
    "can I swing by without booking anything?",
    "planning on dropping by on monday, no problem right?",
    "do you take walk-ins?",
    "can I stop by without an appointment",
    "is it fine if i just drop in tmrw",
    "can I wander over without calling first?",
    "geht es auch einfach so, ohne vorher anzurufen, vorbeizukommen?",
    "ich schau einfach übermorgen mal vorbei, passt das?",
    "wir kommen dann spontan am montag vorbei, geht klar?",
])
@pytest.mark.parametrize("intent", WRONG_GUESSES)
def test_dropping_by_gets_the_appointment_answer(text, intent):
    topics = _topics(text, intent)
    assert "ask appointments" in topics or "ask appearance" in topics, turn(text, intent=intent)


def test_dropping_by_says_only_with_an_appointment_in_both_languages():
    (de,) = conversation(["kann ich morgen früh einfach so vorbeischauen?"], "de")
    (en,) = conversation(["thinking of just dropping by tomorrow, that's fine right?"], "en")
    assert "nur mit Termin" in said(de) and not de.start_enquiry
    assert "only" in said(en) and "appointment" in said(en) and not en.start_enquiry


# -- the fee in slang ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, matter", [
    ("how much cash am I looking at for my first residence permit?", "issue"),
    ("what kind of money are we talking for a first permit?", "issue"),
    ("how much dough do I need for the extension", "extension"),
    ("ballpark, what does a new residence permit cost me?", "issue"),
    ("wie viel Kohle muss ich für die erste Aufenthaltserlaubnis hinlegen?", "issue"),
    ("wie viel knete kostet die verlangerung", "extension"),
    ("mit wieviel muss ich rechnen fuer eine neue aufenthaltserlaubnis?", "issue"),
    ("mit welchen kosten muss ich bei der verlängerung rechnen", "extension"),
    ("how much should I put aside for the renewal?", "extension"),
    ("wie viel geld sollte ich für die verlängerung einplanen", "extension"),
    ("Wie teuer kommt mich die Erstausstellung?", "issue"),
    ("was zahl ich fürs erste mal ungefähr an gebühr", "issue"),
])
@pytest.mark.parametrize("intent", (None, "nlu_fallback", "enquiry_new_permit", "enquiry_extend_permit", "faq_not_covered"))
def test_the_fee_asked_in_slang_is_the_fee_of_the_matter(text, matter, intent):
    assert turn(text, intent=intent) == [f"ask fee {matter}"]


@pytest.mark.parametrize("text", [
    "Can I pay the fee in cash?",
    "do you take cash or only cards?",
    "kann ich die gebühr bar zahlen?",
])
def test_paying_in_cash_stays_not_covered(text):
    assert turn(text) == ["not_covered"]


# -- where my case is at, after having sent it --------------------------------------------------

@pytest.mark.parametrize("text", [
    "I sent the form two weeks ago, can someone check where my case is at?",
    "can somebody check on my request? submitted it last month",
    "any chance someone can see where my case stands",
    "what happened to my application? sent it in march",
    "ich hab das Formular abgeschickt, kann mal jemand nachschauen wie weit mein Fall ist?",
    "könnt ihr mal checken wo mein antrag gerade steht",
    "kann jemand gucken was aus meiner anfrage geworden ist",
    "konnen sie nachsehen wie weit mein antrag ist",
    "any progress on my application? sent it weeks ago",
    "could you chase up my request for me",
    "wird mein antrag schon bearbeitet?",
    "hab vor 2 wochen das kontaktformular abgeschickt, wie siehts aus?",
])
@pytest.mark.parametrize("intent", (None, "nlu_fallback", "faq_pickup_proxy", "add_to_case", "faq_contact_channels"))
def test_asking_where_a_case_is_gets_the_status_answer(text, intent):
    assert _topics(text, intent) == ["ask status"], turn(text, intent=intent)


@pytest.mark.parametrize("text", [
    "I sent the form two weeks ago, can someone check where my case is at?",
    "ich hab das Formular abgeschickt, kann mal jemand nachschauen wie weit mein Fall ist?",
    "can you check the status of my case please",
])
def test_a_status_question_naming_the_case_is_answered_not_added_to_it(text):
    assert answers_instead_of_adding(Parse(text, "add_to_case", 0.7), Context())


@pytest.mark.parametrize("text", [
    "I want to add a payslip to my case",
    "ich möchte zu meinem Vorgang noch eine Lohnabrechnung nachreichen",
    "please attach this document to my existing case",
])
def test_adding_to_a_case_stays_adding(text):
    assert not answers_instead_of_adding(Parse(text, "add_to_case", 0.7), Context())


# -- not covered: the way to the office, work with a permission to reside ------------------------

@pytest.mark.parametrize("text", [
    "wie komme ich am besten zu euch, welche U-Bahn fährt da?",
    "welche buslinie hält bei der ausländerbehörde",
    "gibt es bei euch parkplätze?",
    "wie komm ich vom hauptbahnhof zu ihnen",
    "which underground line do I take to get to you?",
    "how do I get to your building from the main station?",
    "is there parking near the office?",
    "what tube stop is closest to you guys",
    "darf ich mit meiner Aufenthaltsgestattung einen Minijob machen?",
    "mit aufenthaltsgestattung teilzeit arbeiten erlaubt?",
    "darf ich als asylbewerber arbeiten gehen?",
    "can I work part time while I only have an Aufenthaltsgestattung?",
    "as an asylum seeker am I allowed to work 20 hours a week?",
    "is a part-time job ok with a permission to reside?",
    "is the office accessible by wheelchair?",
    "gibt es bei ihnen im gebäude einen aufzug",
    "kann ich mit duldung eine ausbildung anfangen?",
    "can I do an internship while my asylum procedure is running?",
    "may I study while I hold a permission to reside?",
])
@pytest.mark.parametrize("intent", (None, "nlu_fallback", "faq_fees", "faq_titles", "faq_appointments", "insult",
                                    "faq_fiktionswirkung"))
def test_questions_in_the_field_the_sources_do_not_answer_are_not_covered(text, intent):
    assert turn(text, intent=intent) == ["not_covered"]


@pytest.mark.parametrize("language, text", [
    ("de", "welche u-bahn fährt zu euch?"),
    ("en", "can I work part-time with an Aufenthaltsgestattung?"),
])
def test_not_covered_says_so_with_the_phone_numbers(language, text):
    (outcome,) = conversation([text], language)
    assert "99-2421" in said(outcome) and not outcome.start_enquiry


@pytest.mark.parametrize("text, topic", [
    ("can I keep working part-time while I wait for my appointment?", "ask fiktion"),
    ("darf ich in Teilzeit weiterarbeiten, bis mein Termin ist?", "ask fiktion"),
])
def test_part_time_work_while_waiting_is_the_fiktionswirkung(text, topic):
    assert _topics(text, None) == [topic]


# -- typos in question words --------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("how mcuh is the extention of a residance permit", ["ask fee extension"]),
    ("hwo much for a new residence permit?", ["ask fee issue"]),
    ("how mnay times do I have to come in for the card", ["ask visits"]),
    ("wie veil kostet die verlängerung", ["ask fee extension"]),
    ("wie lagne dauert es bis die karte fertig ist", ["ask card_wait"]),
    ("how mutch is teh extenion for my son, he is 9", ["ask fee extension child 9"]),
    ("waht is the fee for a blu card extention", ["ask fee extension blue_card"]),
])
@pytest.mark.parametrize("intent", (None, "nlu_fallback", "enquiry_extend_permit", "faq_contact_channels"))
def test_question_words_with_a_slip_still_ask_their_question(text, expected, intent):
    assert turn(text, intent=intent) == expected


# -- two questions, the second with a hedge word ------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Do EU citizens need a residence title at all? And what exactly is the eAT?", ["ask titles", "ask eat"]),
    ("Brauchen EU-Bürger überhaupt einen Aufenthaltstitel? Und was genau ist eigentlich der eAT?",
     ["ask titles", "ask eat"]),
    ("how much is the extension? and what actually is the eat", ["ask fee extension", "ask eat extension"]),
    ("Was kostet die Verlängerung und was ist denn genau ein eAT?", ["ask fee extension", "ask eat extension"]),
    ("who needs a residence permit anyway, and what precisely is an eAT", ["ask titles", "ask eat"]),
])
@pytest.mark.parametrize("intent", (None, "faq_titles", "faq_fees", "faq_eat"))
def test_both_questions_are_answered(text, expected, intent):
    assert turn(text, intent=intent) == expected


# -- a question nobody can place: honest, not "did you mean" ------------------------------------

@pytest.mark.parametrize("text", [
    "wann fährt da eigentlich der letzte bus",
    "wie läuft das mit dem ganzen zeug da so bei euch",
    "what's the deal with the thing on the second floor?",
    "can my landlord make problems for me",
])
def test_an_unsure_question_in_words_gets_the_honest_answer(text):
    assert turn(text, intent="nlu_fallback", confidence=0.25) == ["out_of_scope"]


@pytest.mark.parametrize("text", ["asdfgh", "????", "jjjjkkkk lol", "ok cool", "hmm na gut", "the thing?"])
def test_fragments_and_nonsense_still_go_to_the_fallback(text):
    assert turn(text, intent="nlu_fallback", confidence=0.25) == ["unclear nlu_fallback"]


def test_the_honest_answer_has_the_phone_numbers():
    from actions.dialogue.executor import execute
    from actions.dialogue.understand import interpret

    outcome = execute(interpret(Parse("wann fährt da eigentlich der letzte bus", "nlu_fallback", 0.2), Context()), Context())
    assert outcome.replies[0].response == "utter_out_of_scope" and "99-2421" in outcome.replies[0].values["phone_numbers"]


@pytest.mark.parametrize("text", ["can I drop by without an appointment?", "what if I just drop in without an appointment"])
def test_dropping_by_without_an_appointment_is_no_cancelling(text):
    assert "ask missed_appointment" not in _topics(text, None)
    assert "ask appointments" in _topics(text, None)


def test_paying_in_slang_is_no_printing():
    assert turn("wie viel muss ich für die verlängerung abdrücken?") == ["ask fee extension"]
    assert "ask confirmation" in _topics("kann ich die bestätigung ausdrucken?", None)


@pytest.mark.parametrize("text, expected", [
    ("Muss mein Kind (4) mit zum Termin? Und was kostet es für sie?", "ask fee child 4"),
    ("Does my son (9) have to come to the appointment, and how much is it for him?", "ask fee child 9"),
])
def test_a_fee_asked_after_an_appointment_question_is_no_fee_of_the_appointment(text, expected):
    assert turn(text)[-1] == expected
