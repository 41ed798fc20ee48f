"""Several questions in one message are all answered, in order, however they are joined: "und",
"and", a question mark, a comma, "plus", "außerdem", "und noch was", "one more thing"
(content/questions.yml `separators` and `fillers`); a list of topics shares what the message
says after it; a statement about the person after the questions completes each of them."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said, turn


@pytest.mark.parametrize("text, expected", [
    # joined by a conjunction
    ("Was muss ich für die Verlängerung zahlen und muss ich dafür vorbeikommen?",
     ["ask fee extension", "ask appearance extension"]),
    ("what would renewing cost and do I need an appointment first?",
     ["ask fee extension", "ask appointments appointment"]),
    # "plus", "außerdem", "zudem", "und noch was", "one more thing", "another question"
    ("How much is it to extend my permit, plus do I need a photo?", ["ask fee extension", "ask photo extension"]),
    ("Wie teuer ist die Verlängerung außerdem würde ich gern wissen welche Papiere ich brauche",
     ["ask fee extension", "ask documents extension"]),
    ("Was zahle ich für die Verlängerung? Zudem: welche Papiere brauche ich?",
     ["ask fee extension", "ask documents extension"]),
    ("Kostet die Verlängerung was? Und noch was, darf mein Bruder meine Karte abholen?",
     ["ask fee extension", "ask pickup extension relative"]),
    ("what's the price of a renewal, oh and one more thing, do children have to show up?",
     ["ask fee extension", "ask appearance extension child"]),
    ("another question: may my cousin collect my card for me, and what is the fee to renew?",
     ["ask pickup relative", "ask fee extension relative"]),
    # three questions
    ("was zahlt man fürs verlängern und welche papiere muss ich mitnehmen und brauch ich nen termin",
     ["ask fee extension", "ask documents extension", "ask appointments appointment"]),
])
def test_every_question_is_answered_in_order(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text", [
    "Kosten und Unterlagen für eine Verlängerung?",
    "fee and paperwork to renew?",
    "Gebühr sowie Papiere für die Verlängerung bitte",
])
def test_a_list_of_topics_shares_the_matter_named_after_it(text):
    assert turn(text) == ["ask fee extension", "ask documents extension"]


@pytest.mark.parametrize("text, expected", [
    # a weak fee word beside another question of the office
    ("Was kostet das und wann ist meine Karte fertig?", ["ask fee", "ask card_wait"]),
    ("what does it cost and how long until the card is ready", ["ask fee", "ask card_wait"]),
])
def test_a_weak_word_beside_another_office_question_is_asked(text, expected):
    assert turn(text) == expected


def test_a_weak_word_alone_stays_no_question_of_the_office():
    assert turn("Was kostet das und wann fährt der Bus?") == ["unclear None"]  # no office word: the NLU's intent decides


@pytest.mark.parametrize("text, expected", [
    ("What does renewing cost and what should I bring along? It's for my daughter, she is 11.",
     ["ask fee extension child 11", "ask documents extension child 11"]),
    ("Was kostet die Verlängerung für meinen Sohn und muss er mitkommen? Er ist 5.",
     ["ask fee extension child 5", "ask appearance extension child 5"]),
])
def test_a_statement_after_the_questions_completes_each_of_them(text, expected):
    assert turn(text) == expected


def test_a_statement_about_another_person_completes_only_that_persons_question():
    # The fee is the client's own; the statement is about the son asked about second.
    assert turn("Was kostet meine Verlängerung und muss mein Sohn mitkommen? Er ist 4.") == [
        "ask fee extension", "ask appearance extension child 4"]


def test_the_answers_carry_the_statement():
    [outcome] = conversation(["What does renewing cost and what should I bring along? It's for my daughter, she is 11."],
                             language="en")
    text = said(outcome)
    assert "EUR 48" in text and "passport" in text


@pytest.mark.parametrize("language, text, words", [
    ("en", "how many times do I have to go there and how do I get the appointments", ["twice", "99-2421"]),
    ("de", "wie oft muss ich hin und wie mache ich die Termine aus?", ["zwei", "99-2421"]),
])
def test_booking_the_appointments_the_visits_named(language, text, words):
    [outcome] = conversation([text], language=language)
    assert turn(text)[1].startswith("ask appointments")
    assert all(w in said(outcome) for w in words), said(outcome)


@pytest.mark.parametrize("text, occasion", [
    # colloquial German without the article and without umlauts: "fur" names what it is for
    ("muss ich fur abholung nen termin machen", "pickup"),
    ("brauch ich nen termin fur die abholung vom ausweis", "pickup"),
])
def test_for_without_an_article_names_the_occasion(text, occasion):
    [outcome] = conversation([text])
    assert outcome.frame.topic == "appointments" and outcome.frame.occasion == occasion
    assert "99-2421" in said(outcome) and "Vollmacht" not in said(outcome)
