"""Several questions in one message, a language switch with a question, asking vs applying."""

from __future__ import annotations

import pytest

from actions.dialogue.understand import Context
from tests.dialogue.helpers import conversation, said, turn

SEVERAL = [
    ("Was kostet die Verlängerung und welche Unterlagen brauche ich?", ["ask fee extension", "ask documents extension"]),
    ("Brauche ich einen Termin? Und was kostet die Erteilung?", ["ask appointments appointment", "ask fee issue"]),
    ("Was ist der eAT und muss mein Kind (9) persönlich kommen?", ["ask eat", "ask appearance child 9"]),
    ("Kann ich Dateien hochladen und wie lange dauert die Bearbeitung?", ["ask uploads", "not_covered"]),
    ("Was kostet die Erteilung und was die Verlängerung?", ["ask fee issue", "ask fee extension"]),
    ("Was ist die Fiktionswirkung; brauche ich ein Foto?", ["ask fiktion", "ask photo"]),
    ("How much is a renewal and which documents do I need?", ["ask fee extension", "ask documents extension"]),
    ("Do I need an appointment? What does a new permit cost?", ["ask appointments appointment", "ask fee issue"]),
    ("What is the eAT, and who may collect it?", ["ask eat", "ask pickup"]),
    ("Can I upload files here? Also how long does processing take?", ["ask uploads", "not_covered"]),
    ("What's the fee for kids and do they need to come in person?", ["ask fee child", "ask appearance child"]),
]


@pytest.mark.parametrize("text, expected", SEVERAL)
def test_every_question_of_a_message_is_asked_in_order(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, language, rest", [
    ("Können wir Englisch sprechen? Was kostet die Verlängerung?", "en", ["ask fee extension"]),
    ("switch to english please, what documents do I need?", "en", ["ask documents"]),
    ("Auf Deutsch bitte. Wie viel kostet ein Visum?", "de", ["ask fee visa_extension"]),
    ("can we speak English? how much is a new permit", "en", ["ask fee issue"]),
    ("in German please", "de", []),
])
def test_language_switch_and_question_both_happen(text, language, rest):
    assert turn(text) == [f"switch {language}"] + rest


def test_switch_then_answer_in_the_new_language():
    [outcome] = conversation(["Can we speak English? How much is a renewal?"], "de")
    assert outcome.replies[0].response == "utter_language_switched"
    assert "EUR 96" in said(outcome)


ASKING = [
    ("Was brauche ich, um meine Aufenthaltserlaubnis zu verlängern?", "enquiry_extend_permit"),
    ("Was kostet es, meine Blaue Karte zu verlängern?", "enquiry_extend_permit"),
    ("Wie läuft die Verlängerung meines Visums ab?", "enquiry_extend_visa"),
    ("Welche Unterlagen brauche ich für die Erteilung?", "enquiry_new_permit"),
    ("Was kostet die Erteilung für meinen Sohn (4)?", "enquiry_new_permit"),
    ("What do I need for my renewal?", "enquiry_extend_permit"),
    ("How much will extending my visa cost me?", "enquiry_extend_visa"),
    ("Do I need to come in person to renew my Blue Card?", "enquiry_extend_permit"),
    ("What documents for a new residence permit?", "enquiry_new_permit"),
    ("How do I report a stolen card?", "enquiry_lost_card"),
]


@pytest.mark.parametrize("text, offered", ASKING)
def test_a_question_about_a_matter_is_answered_and_the_enquiry_offered(text, offered):
    for intent in (None, "enquiry_extend_permit"):  # even when the NLU reads it as the concern
        commands = turn(text, intent=intent)
        assert commands and not any(c.startswith("start") for c in commands), commands
    [outcome] = conversation([text])
    assert not outcome.start_enquiry
    assert [b["payload"] for b in outcome.replies[-1].buttons] == [f"/{offered}"]
    assert "?" in outcome.replies[-1].text  # "Möchten Sie ... senden?": a "ja" then starts it


APPLYING = [
    ("Ich möchte meine Aufenthaltserlaubnis verlängern lassen", None, "start residence_permit_extension"),
    ("Ich will mein Visum verlängern", None, "start visa_extension"),
    ("Bitte einen Termin vereinbaren", None, "start appointment"),
    ("Ich möchte einen Antrag auf Erteilung stellen", None, "start residence_permit_issue"),
    ("Meine Karte wurde gestohlen.", None, "start lost_card"),
    ("I would like to renew my permit", None, "start residence_permit_extension"),
    ("I want to apply for a settlement permit", None, "start settlement_permit"),
    ("I moved to a new address", None, "start data_change"),
    ("Please extend my visa", None, "start visa_extension"),
    ("Verlängerung Aufenthaltserlaubnis", "enquiry_extend_permit", "start residence_permit_extension"),
    ("extend blue card", "enquiry_extend_permit", "start residence_permit_extension"),
    ("my card is lost", "enquiry_lost_card", "start lost_card"),
]


@pytest.mark.parametrize("text, intent, expected", APPLYING)
def test_a_request_starts_the_enquiry(text, intent, expected):
    assert turn(text, intent=intent) == [expected]


@pytest.mark.parametrize("text", ["ja, bitte aufnehmen", "yes please start the enquiry", "ja bitte, Anliegen aufnehmen"])
def test_accepting_the_offer_starts_the_offered_enquiry(text):
    assert turn(text, Context(offered="visa_extension"), intent="affirm") == ["start visa_extension"]


def test_a_button_is_left_to_its_intent():
    assert turn("/enquiry_extend_visa", intent="enquiry_extend_visa") == ["unclear enquiry_extend_visa"]


def _first_messages_of_the_stack_tests():
    from tests.e2e.test_every_concern import ROWS

    return [(row.id, row.start, row.concern) for row in ROWS if isinstance(row.start, str)]


@pytest.mark.parametrize("row, text, concern", _first_messages_of_the_stack_tests())
def test_every_opening_of_the_stack_tests_starts_its_enquiry(row, text, concern):
    """The first messages tests/e2e/test_every_concern.py types (seconds here, minutes there)."""
    from bot.catalogue import load_catalogue

    intent = load_catalogue().concerns[concern].intent
    commands = turn(text, intent=intent)
    # (a national visa's extension becomes the issue of a permit in the form: content/concerns.yml)
    assert commands[-1].startswith("start"), (row, commands)


@pytest.mark.parametrize("text", [
    "Ich bin mit einem Deutschen verheiratet und brauche eine Aufenthaltserlaubnis",
    "ich wohne hier seit 2019 und muss meinen Titel verlängern",
    "I need a residence permit for my new job",
])
def test_a_statement_with_a_verb_first_after_und_is_no_question(text):
    assert turn(text, intent="enquiry_new_permit")[-1].startswith("start")


@pytest.mark.parametrize("text, intent, expected", [
    # A topic whose answer offers an enquiry names that enquiry when the client applies.
    ("Ich möchte die Abholung meiner Karte durch meine Schwester anmelden.", None, ["start card_pickup"]),
    ("Bitte nehmen Sie meine Anfrage zur Abholung auf, mein Mann holt die Karte.", "enquiry_card_pickup", ["start card_pickup"]),
    ("please start the form so my colleague can collect my card", "start_enquiry", ["start card_pickup"]),
    ("I'd like to submit the collection of my residence card by a friend", None, ["start card_pickup"]),
    # A request in statement form with "hiermit"/"möchte ... beantragen".
    ("Hiermit beantrage ich die Verlängerung meiner Aufenthaltserlaubnis.", "inform", ["start residence_permit_extension"]),
    ("Mein Name ist Jana Novak und möchte die Verlängerung meines Visums beantragen.", "inform", ["start visa_extension"]),
])
def test_applying_for_a_topic_s_enquiry_starts_it(text, intent, expected):
    assert turn(text, intent=intent, confidence=0.5) == expected


@pytest.mark.parametrize("text", [
    # Regression: asking about the same topics is still answered.
    "Ich möchte wissen, wer meine Karte abholen darf.",
    "I'd like to know who can pick up my card for me.",
    "Wer darf meine Karte abholen?",
])
def test_asking_about_a_topic_with_an_enquiry_is_answered(text):
    assert turn(text) == ["ask pickup"]


@pytest.mark.parametrize("text", [
    "gut, dann schicken Sie das bitte ab", "Passt, bitte so weiterleiten",
    "great, go ahead and send it", "alright, please submit that for me",
])
def test_saying_send_it_after_an_offer_starts_the_offered_enquiry(text):
    assert turn(text, Context(offered="residence_permit_extension"), intent="nlu_fallback", confidence=0.3) == [
        "start residence_permit_extension"]


@pytest.mark.parametrize("text, context", [
    # Regression: no offer, a "not yet", or a question: nothing starts.
    ("bitte schicken Sie mir die Infos", Context()),
    ("nein, noch nicht absenden", Context(offered="residence_permit_extension")),
    ("not yet, don't send it", Context(offered="residence_permit_extension")),
    ("send it, and what does it cost for my son?", Context(offered="residence_permit_extension")),
])
def test_send_words_without_an_offer_or_with_a_no_start_nothing(text, context):
    assert not any(c.startswith("start") for c in turn(text, context, intent="nlu_fallback", confidence=0.3))


@pytest.mark.parametrize("text, expected", [
    # A person "doing that" after a question with an occasion does the occasion (the pick-up).
    ("Brauche ich zur Abholung einen Termin, und kann das meine Nichte (19) erledigen?",
     ["ask appointments appointment", "ask pickup appointment relative 19"]),
    ("Is an appointment needed for the pick-up and could my husband take care of it?",
     ["ask appointments appointment", "ask pickup appointment relative"]),
    # Regression: without a doing word the person follows up the question itself.
    ("Brauche ich zur Abholung einen Termin, und mein Mann auch?",
     ["ask appointments appointment", "ask appointments appointment relative"]),
])
def test_a_person_doing_that_does_what_the_question_was_for(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, intent, language, offered", [
    # A question about a matter with no topic word: how it goes, and the enquiry offered; never the form.
    ("Ich bin letzten Monat umgezogen. Muss ich Ihnen das mitteilen?", "enquiry_change_data", "de", "enquiry_change_data"),
    ("Kann ich meine Blaue Karte hier verlängern?", "enquiry_extend_permit", "de", "enquiry_extend_permit"),
    ("We moved flats last week, should we let you know?", "enquiry_change_data", "en", "enquiry_change_data"),
    ("Is it possible to extend my visa here in Berlin?", "enquiry_extend_visa", "en", "enquiry_extend_visa"),
])
def test_a_question_about_a_matter_without_a_topic_is_answered_with_the_offer(text, intent, language, offered):
    from actions.dialogue.executor import execute
    from actions.dialogue.understand import Parse, interpret

    context = Context(language=language)
    commands = interpret(Parse(text, intent, 0.8), context)
    assert [c.frame.topic for c in commands] == ["process"], commands
    outcome = execute(commands, context)
    assert not outcome.start_enquiry
    assert [b["payload"] for b in outcome.replies[-1].buttons] == [f"/{offered}"]


@pytest.mark.parametrize("text, intent, expected", [
    # Regression: requests still start the form.
    ("Ich bin umgezogen und möchte die neue Adresse melden.", "enquiry_change_data", ["start data_change"]),
    ("Please extend my visa, it runs out next month.", "enquiry_extend_visa", ["start visa_extension"]),
])
def test_a_request_about_a_matter_still_starts_it(text, intent, expected):
    assert turn(text, intent=intent) == expected


@pytest.mark.parametrize("text", ["Was kostet die Erteilung für meinen Sohn (4) und muss er mit?",
                                  "How much is a first permit for my son, 4, and does he have to come?"])
def test_must_he_come_along_is_the_appearance(text):
    assert turn(text) == ["ask fee issue child 4", "ask appearance issue child 4"]


@pytest.mark.parametrize("text, expected", [
    # "need" beside another topic's word is the client's statement, not a second question.
    ("Ich brauche eine Verlängerung meiner Aufenthaltserlaubnis, wie viel kostet das?", ["ask fee extension"]),
    ("I need to renew my permit, how much will it be?", ["ask fee extension"]),
    # Regression: "need" alone still asks for the documents.
    ("what do I need for my renewal?", ["ask documents extension"]),
])
def test_need_beside_another_topic_is_no_second_question(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, language", [
    ("Ich habe geheiratet und mein Nachname wurde geändert, was nun?", "de"),
    ("my name has changed after the wedding, what do I do?", "en"),
])
def test_a_name_change_is_the_data_change_with_its_offer(text, language):
    [outcome] = conversation([text], language)
    assert [b["payload"] for b in outcome.replies[-1].buttons] == ["/enquiry_change_data"]


@pytest.mark.parametrize("text, expected", [
    # Questions listed with commas, each starting with a question word, are each asked.
    ("Wie teuer ist die Erteilung, muss ich persönlich kommen und brauche ich einen Termin?",
     ["ask fee issue", "ask appearance issue", "ask appointments appointment"]),
    ("How much is a renewal, can my wife pick up the card?", ["ask fee extension", "ask pickup extension relative"]),
    # Regression: a statement before a comma stays with its question.
    ("Mein Sohn ist 9, was kostet seine Verlängerung?", ["ask fee extension child 9"]),
    ("I need to renew my permit, how much will it be?", ["ask fee extension"]),
])
def test_questions_listed_with_commas_are_each_asked(text, expected):
    assert turn(text) == expected
