"""A topic's `follow` words (content/questions.yml) ask on about it right after a question on
it: work or study after the Fiktionswirkung, signing or the online ID after the eAT. After
another question the same words ask nothing of that topic."""

from __future__ import annotations

import pytest

from actions.dialogue.frame import QuestionFrame
from actions.dialogue.understand import Context
from tests.dialogue.helpers import conversation, said, turn


@pytest.mark.parametrize("first, second, language, words", [
    ("Was heißt Fiktionswirkung?", "kann ich also meine Stelle behalten und arbeiten gehen?", "de", ["arbeiten"]),
    ("Was heißt Fiktionswirkung?", "und mein Studium an der Uni, läuft das weiter?", "de", ["studieren"]),
    ("Mein Titel läuft bald ab, gibt es da eine Fiktionswirkung?", "bin ich dann noch legal hier?", "de", ["rechtmäßig"]),
    ("what does Fiktionswirkung mean?", "so my job is safe in the meantime?", "en", ["working"]),
    ("what does Fiktionswirkung mean?", "and can I stay enrolled at university?", "en", ["studying"]),
    ("what does Fiktionswirkung mean?", "does that mean I'm still legal?", "en", ["lawful"]),
])
def test_work_or_study_after_the_fiktionswirkung_asks_on_about_it(first, second, language, words):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == "fiktion", follow.frame
    for word in words:
        assert word in said(follow), said(follow)


@pytest.mark.parametrize("first, second, language", [
    ("Was ist der eAT?", "kann man damit auch etwas digital signieren?", "de"),
    ("Was ist der eAT?", "und was wird auf der Karte gespeichert?", "de"),
    ("What is the eAT?", "can I sign contracts with it too?", "en"),
    ("What is the eAT?", "and does it work as an ID online?", "en"),
])
def test_signing_or_the_online_id_after_the_eat_asks_on_about_it(first, second, language):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == "eat"
    assert "Signatur" in said(follow) or "signature" in said(follow)


@pytest.mark.parametrize("text, language", [
    ("Ab wann gibt es die Aufenthaltserlaubnis als Chipkarte?", "de"),
    ("since when is the residence permit a plastic card?", "en"),
])
def test_the_card_in_other_words_is_the_eat(text, language):
    [outcome] = conversation([text], language)
    assert outcome.frame.topic == "eat" and "2011" in said(outcome)


@pytest.mark.parametrize("previous, text", [
    # Regression: after another question the same words ask nothing of the Fiktionswirkung.
    (QuestionFrame(topic="fee", matter="extension"), "und für meinen Job, was muss ich mitbringen?"),
    (QuestionFrame(topic="documents"), "what do I need if I study?"),
    (QuestionFrame(topic="appointments"), "can I sign up online?"),
])
def test_follow_words_count_only_after_their_own_topic(previous, text):
    commands = turn(text, Context(frame=previous))
    assert not any(c.startswith(("ask fiktion", "ask eat")) for c in commands), commands


@pytest.mark.parametrize("first, second, language, words", [
    # After the pick-up: the authorisation in the client's words.
    ("Kann mein Cousin meine Karte abholen?", "reicht da ein Zettel mit meiner Unterschrift?", "de", ["Formular"]),
    ("Can a colleague pick up my card?", "would a signed note from me be enough?", "en", ["form"]),
    # After an appointment question: how to get one.
    ("Brauche ich für die Erteilung einen Termin?", "und wie kann ich einen vereinbaren?", "de", ["99-2421"]),
    ("Is an appointment needed to extend?", "ok, how do I book one?", "en", ["99-2421"]),
])
def test_pick_up_and_appointment_follow_ups_in_the_client_s_words(first, second, language, words):
    _, follow = conversation([first, second], language)
    for word in words:
        assert word in said(follow), said(follow)


def test_inside_the_pick_up_enquiry_a_question_asks_on_about_the_pick_up():
    from tests.dialogue.helpers import form_turn

    assert form_turn("braucht meine Tochter dafür ein spezielles Formular?", "date_of_birth", concern="card_pickup") == [
        "ask pickup child"]
    assert form_turn("does the person need a form for that?", "place_of_birth", concern="card_pickup") == ["ask pickup"]
    # Regression: the answer to the field is still the answer.
    assert form_turn("4.7.1992", "date_of_birth", concern="card_pickup") == ["set date_of_birth"]


@pytest.mark.parametrize("first, second, language, topic", [
    # Right after the uploads, photos from the phone or scans are files, not the biometric photo.
    ("Kann ich meine Unterlagen hier hochladen?", "gehen auch Bilder vom Smartphone?", "de", "uploads"),
    ("Can I upload my papers here?", "what about scanned pictures?", "en", "uploads"),
    # Regression: a photo question after the uploads is the biometric photo.
    ("Kann ich meine Unterlagen hier hochladen?", "und muss das Passfoto biometrisch sein?", "de", "photo"),
    # Regression: the phone words mean nothing after another question.
    ("Was ist der eAT?", "darf das Foto vom Handy sein?", "de", "photo"),
])
def test_photos_right_after_the_uploads_are_files(first, second, language, topic):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == topic


@pytest.mark.parametrize("first, second, language", [
    ("Welche Telefonnummer hat die Ausländerbehörde?", "und kann ich auch per Mail schreiben?", "de"),
    ("What number can I call?", "could I send an email instead?", "en"),
])
def test_writing_an_email_is_the_contact_channels(first, second, language):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == "contact"
    assert ("Kontaktformular" if language == "de" else "contact form") in said(follow)


@pytest.mark.parametrize("first, second, language, word", [
    ("Kann ich Dateien hier hochladen?", "und ist das auch sicher?", "de", "Viren"),
    ("Can I upload files here?", "is that secure?", "en", "virus"),
])
def test_safety_right_after_the_uploads_gets_the_virus_scan(first, second, language, word):
    _, follow = conversation([first, second], language)
    assert word in said(follow)
