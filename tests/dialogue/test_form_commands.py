"""Inside the enquiry form each turn is a command of the model (skip, back, correct, cancel,
puzzled, a question, an implausible value, or the answer), and the executor turns a move
into replies and slot changes. No Rasa: the form's parsers are represented by FormReading."""

from __future__ import annotations

import pytest

from actions.dialogue.commands import (
    AskQuestion, CancelEnquiry, NotCovered, CorrectField, GoBack, Implausible, Puzzled, SetField, SkipField,
)
from actions.dialogue.executor import FormState, execute_in_form
from actions.dialogue.understand import Context, FormReading, Parse, interpret_in_form

CONCERN = "residence_permit_extension"
FIELDS = ("given_names", "family_name", "date_of_birth", "nationality", "email", "phone", "address", "postal_code")
LABELS = {f: f.replace("_", " ").title() for f in FIELDS}
GROUPS = {"given_names": ("given_names", "family_name"), "family_name": ("given_names", "family_name"),
          "address": ("address", "postal_code")}


def read(text: str, requested: str = "email", reading: FormReading | None = None, intent: str | None = None,
         confidence: float = 0.0) -> list:
    context = Context(requested=requested, concern=CONCERN, reading=reading)
    return interpret_in_form(Parse(text, intent, confidence), context)


def state(requested: str, values: dict | None = None, skipped: tuple[str, ...] = (),
          optional: frozenset[str] = frozenset({"phone"})) -> FormState:
    return FormState(requested=requested, fields=FIELDS, values=values or {}, labels=LABELS, optional=optional,
                     skipped=skipped, groups=GROUPS, store=lambda name, value: {name: str(value)})


def run(commands, form: FormState, language: str = "de"):
    return execute_in_form(commands, Context(language=language, requested=form.requested, concern=CONCERN), form)


# -- the model: which move a turn is -------------------------------------------------------

@pytest.mark.parametrize("text", ["zurück", "Zurueck bitte", "ok, zurück", "go back", "back please", "previous question",
                                  "zurükc", "einen Schritt zurück"])
def test_back_is_a_command(text):
    assert read(text, "email") == [GoBack()]


@pytest.mark.parametrize("requested", ["concern", "confirmed"])
def test_back_at_the_matter_or_the_summary_is_left_to_the_form(requested):
    assert read("zurück", requested) == [SetField(requested, "zurück")]


@pytest.mark.parametrize("text", ["hä?", "?", "what do you mean", "Wie bitte?", "was heißt das", "sorry?"])
def test_a_puzzled_client_gets_help(text):
    assert read(text, "date_of_birth") == [Puzzled()]


@pytest.mark.parametrize("text", ["ja", "ok", "nein"])
def test_short_answers_are_no_puzzlement(text):
    assert read(text, "pickup_by_proxy", FormReading(valid=True)) == [SetField("pickup_by_proxy", text)]


@pytest.mark.parametrize("text", ["abbrechen", "bitte abbrechen", "forget it", "Cancel please", "vergiss es"])
def test_cancel_words_are_a_command_even_without_the_nlu(text):
    assert read(text, "nationality") == [CancelEnquiry()]


def test_a_cancel_intent_on_a_valid_date_or_e_mail_is_the_answer():
    reading = FormReading(valid=True, structured=True)
    assert read("12.03.1990", "date_of_birth", reading, "cancel", 0.9) == [SetField("date_of_birth", "12.03.1990")]
    assert read("stop", "given_names", FormReading(), "cancel", 0.9) == [CancelEnquiry()]


def test_a_cancel_button_always_leaves():
    assert read("/cancel", "email", FormReading(valid=False), "cancel", 1.0) == [CancelEnquiry()]


@pytest.mark.parametrize("text, requested, asked", [
    ("hang on, what does this cost me?", "email", "fee extension"),
    ("kurze Frage: muss ich da persönlich hin?", "phone", "appearance extension"),
    ("and can my husband pick it up later", "address", "pickup extension relative"),
    ("wie oft muss ich zur Behörde?", "date_of_birth", "visits extension"),
])
def test_a_question_in_the_form_is_asked(text, requested, asked):
    [command] = read(text, requested)
    assert isinstance(command, AskQuestion)
    frame = command.frame
    assert " ".join(x for x in (frame.topic, frame.matter, frame.person) if x) == asked


def test_a_document_where_a_name_is_asked_is_implausible():
    assert read("Reisepass", "family_name") == [Implausible("family_name")]


def test_a_correction_read_by_the_form_is_a_command():
    reading = FormReading(correction=("date_of_birth", "1990-05-04"))
    assert read("nein, mein Geburtstag ist der 4.5.1990", "email", reading) == [
        CorrectField("date_of_birth", "1990-05-04", True)]
    assert read("change the e-mail", "phone", FormReading(correction=("email", None))) == [CorrectField("email", None, False)]


def test_a_correction_of_the_asked_field_is_the_answer():
    reading = FormReading(valid=True, structured=True, correction=("email", "a@b.de"))
    assert read("no, the e-mail is a@b.de", "email", reading) == [SetField("email", "no, the e-mail is a@b.de")]


def test_a_long_description_with_a_change_word_is_the_message():
    text = "Ich möchte meine Adresse ändern, weil ich umgezogen bin und mein Arbeitgeber jetzt in Berlin-Mitte sitzt, bitte."
    assert read(text, "message", FormReading(correction=("address", None))) == [SetField("message", text)]


@pytest.mark.parametrize("text, reading", [
    ("skip", FormReading(optional=True)), ("überspringen", FormReading(optional=True)),
    ("weiß nicht", FormReading(optional=True, declines=True)), ("next question", FormReading(optional=True)),
])
def test_skip_is_a_command(text, reading):
    assert read(text, "phone", reading) == [SkipField("phone")]


def test_a_no_that_is_a_valid_answer_of_a_required_field_is_no_skip():
    assert read("nein", "pickup_by_proxy", FormReading(valid=True, declines=True)) == [SetField("pickup_by_proxy", "nein")]


# -- the executor: replies and slot changes ------------------------------------------------

def test_back_clears_the_previous_answer_and_names_it():
    outcome = run([GoBack()], state("nationality", {"given_names": "Max", "family_name": "Muster",
                                                    "date_of_birth": "1990-01-01"}))
    assert outcome.updates == {"date_of_birth": None}
    assert outcome.replies[0].response == "utter_going_back"
    assert outcome.replies[0].values == {"field_label": "Date Of Birth"}


def test_back_to_the_name_clears_both_names_asked_in_one_question():
    outcome = run([GoBack()], state("date_of_birth", {"given_names": "Max", "family_name": "Muster"}))
    assert outcome.updates == {"given_names": None, "family_name": None}
    assert outcome.replies[0].values["field_label"] == "Given Names"


def test_back_to_a_skipped_field_asks_it_again():
    outcome = run([GoBack()], state("address", {"phone": "__skipped__", "email": "a@b.de"}, skipped=("phone",)))
    assert outcome.updates == {"phone": None, "skipped_fields": []}


def test_back_at_the_first_question_says_so():
    outcome = run([GoBack()], state("given_names"))
    assert outcome.updates == {} and outcome.replies[0].response == "utter_cannot_go_back"


def test_skip_of_an_optional_field_and_of_a_required_one():
    skipped = run([SkipField("phone")], state("phone", skipped=("title_serial",)))
    assert skipped.updates == {"phone": "__skipped__", "skipped_fields": ["title_serial", "phone"]}
    assert skipped.replies[0].response == "utter_field_skipped"
    refused = run([SkipField("email")], state("email"))
    assert refused.updates == {"email": None} and refused.replies[0].response == "utter_cannot_skip"


def test_a_correction_with_a_value_is_stored_and_the_summary_asked_again():
    outcome = run([CorrectField("date_of_birth", "1990-05-04", True)], state("email"))
    assert outcome.updates == {"date_of_birth": "1990-05-04", "confirmed": None}
    assert outcome.replies[0].response == "utter_field_corrected"


def test_a_correction_without_a_value_asks_the_field_again():
    outcome = run([CorrectField("address", None, False)], state("phone"))
    assert outcome.updates == {"address": None, "postal_code": None, "confirmed": None}
    assert outcome.replies[0].response == "utter_field_will_change"


def test_cancel_leaves_and_puzzled_helps():
    assert run([CancelEnquiry()], state("email")).leave
    assert run([Puzzled()], state("email")).replies[0].response == "utter_question_help"


def test_a_question_is_answered_and_the_same_field_stays_asked():
    [command] = read("was kostet das für mein Kind von 8?", "email")
    outcome = run([command], state("email"))
    assert outcome.moved and "48" in outcome.replies[0].text
    assert set(outcome.updates) == {"question_frame"}  # nothing else changes: the form asks for the e-mail again
    assert not any(r.buttons for r in outcome.replies)


def test_a_value_is_left_to_the_form():
    outcome = run([SetField("email", "a@b.de")], state("email"))
    assert not outcome.moved and not outcome.replies and not outcome.updates


@pytest.mark.parametrize("text, named, expected", [
    ("no, my birthday is 4.5.1990", ("date_of_birth", "1990-05-04"), CorrectField("date_of_birth", "1990-05-04", True)),
    ("Nein, die E-Mail ist max@example.org", ("email", "max@example.org"), CorrectField("email", "max@example.org", True)),
    ("oops, wrong birthday", ("date_of_birth", None), CorrectField("date_of_birth", None, False)),
    ("can I change my nationality?", ("nationality", None), CorrectField("nationality", None, False)),
])
def test_another_field_named_with_a_correcting_word_is_a_correction(text, named, expected):
    assert read(text, "phone", FormReading(named=named)) == [expected]


def test_another_field_named_without_a_correcting_word_is_no_correction():
    assert read("my birthday is 4.5.1990", "phone", FormReading(named=("date_of_birth", "1990-05-04"))) == [
        SetField("phone", "my birthday is 4.5.1990")]


def test_a_question_about_a_topic_beats_a_named_field():
    [command] = read("what does it cost to change my address?", "phone", FormReading(named=("address", None)))
    # (the published fees do not list a change of address: the honest answer)
    assert isinstance(command, NotCovered) and command.frame.topic == "fee" and command.frame.matter == "data_change"
