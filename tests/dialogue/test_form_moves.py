"""Mid-enquiry: a question is answered (the form then asks again), an implausible value is refused."""

from __future__ import annotations

import pytest

from actions.dialogue.commands import SkipOptional
from actions.dialogue.executor import execute
from actions.dialogue.understand import Context, Parse, interpret_in_form
from tests.dialogue.helpers import form_turn

QUESTIONS_IN_THE_FORM = [
    ("Moment, brauche ich meinen Reisepass?", "given_names", ["ask documents extension"]),
    ("Was kostet das überhaupt?", "given_names", ["ask fee extension"]),
    ("was kostet das für mein Kind (10)?", "date_of_birth", ["ask fee extension child 10"]),
    ("Muss ich persönlich kommen?", "nationality", ["ask appearance extension"]),
    ("Was ist die Fiktionswirkung?", "place_of_birth", ["ask fiktion extension"]),
    ("hold on, how much is this going to cost?", "given_names", ["ask fee extension"]),
    ("wait, do I need a photo for this?", "family_name", ["ask photo extension"]),
    ("can my wife pick up the card later?", "email", ["ask pickup extension relative"]),
    ("any news on my status?", "address", ["ask status extension"]),
]


@pytest.mark.parametrize("text, requested, expected", QUESTIONS_IN_THE_FORM)
def test_a_question_in_the_form_is_a_question(text, requested, expected):
    assert form_turn(text, requested) == expected


def test_the_form_s_concern_is_the_matter_of_the_question():
    assert form_turn("was kostet das?", "given_names", concern="visa_extension") == ["ask fee visa_extension"]
    assert form_turn("was kostet das?", "given_names", concern="lost_card") == ["not_covered"]


IMPLAUSIBLE = [
    ("Reisepass", "given_names"), ("Kopie vom Pass", "given_names"), ("passport", "given_names"),
    ("copy of passport", "family_name"), ("Blaue Karte", "given_names"), ("Blue Card EU", "given_names"),
    ("biometrisches Foto", "family_name"), ("Verlängerung", "given_names"), ("visa extension", "given_names"),
    ("Termin", "place_of_birth"), ("Unterlagen", "nationality"),
]


@pytest.mark.parametrize("text, requested", IMPLAUSIBLE)
def test_a_document_or_matter_is_no_name_place_or_nationality(text, requested):
    assert form_turn(text, requested) == [f"implausible {requested}"]


PLAUSIBLE = [
    ("Max Mustermann", "given_names"), ("Ayşe Yılmaz", "given_names"), ("Passos", "family_name"),
    ("Paskal Termini", "given_names"), ("Izmir", "place_of_birth"), ("türkisch", "nationality"),
    ("03.03.1990", "date_of_birth"), ("max@example.org", "email"), ("Blaue Karte EU", "purpose"),
    ("Studentenvisum", "title_kind"), ("Ich brauche eine Verlängerung wegen meines Jobs", "message"),
]


@pytest.mark.parametrize("text, requested", PLAUSIBLE)
def test_an_answer_is_left_to_the_field_s_parser(text, requested):
    assert form_turn(text, requested) == [f"set {requested}"]


@pytest.mark.parametrize("requested", ["concern", "confirmed", "message"])
def test_summary_concern_and_message_are_left_to_the_form(requested):
    assert form_turn("Was kostet das?", requested) == [f"set {requested}"]


def test_answers_in_the_form_carry_no_offer():
    context = Context(language="de", requested="given_names", concern="residence_permit_extension")
    outcome = execute(interpret_in_form(Parse("Was kostet das?"), context), context, in_form=True)
    assert "96" in outcome.replies[0].text and not any(r.buttons for r in outcome.replies)


@pytest.mark.parametrize("text, field", [
    # A purpose or a kind of title typed where a name or place is asked is no answer.
    ("Studium", "given_names"), ("Forschung", "family_name"), ("Ausbildung", "place_of_birth"),
    ("research", "given_names"), ("self-employed", "family_name"), ("Duldung", "given_names"),
])
def test_a_purpose_or_title_word_is_no_name(text, field):
    assert form_turn(text, field) == [f"implausible {field}"]


@pytest.mark.parametrize("text, field", [
    # Regression: names that are also words for people, and ordinary names, are taken.
    ("Mann", "family_name"), ("Kind", "family_name"), ("Arbeitsmann", "family_name"), ("Studer", "family_name"),
    ("Schulz", "given_names"),
])
def test_names_that_look_like_words_are_still_names(text, field):
    assert form_turn(text, field) == [f"set {field}"]


@pytest.mark.parametrize("text", ["skip the rest", "Alle freiwilligen Angaben überspringen", "weiter ohne",
                                  "alle optionalen überspringen", "Skip all optional questions", "ok skip the rest"])
def test_skip_the_rest_is_one_move(text):
    commands = interpret_in_form(Parse(text, None, 0.0), Context(requested="phone", concern="residence_permit_extension"))
    assert commands == [SkipOptional()]


@pytest.mark.parametrize("text", ["skip", "überspringen", "weiter", "the rest is in my message"])
def test_a_plain_skip_or_an_answer_is_no_skip_of_the_rest(text):
    commands = interpret_in_form(Parse(text, None, 0.0), Context(requested="message", concern="residence_permit_extension"))
    assert SkipOptional() not in commands
