"""A fee question naming a visa title (Schengen, national visa) and an extension is the visa's
extension fee (25 to 60 EUR, seed 002), not the residence permit's (96 EUR): content/questions.yml
matter `visa_extension` `titles`."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said, turn

VISA = {"de": ["25 Euro bis 60 Euro"], "en": ["EUR 25 to EUR 60"]}


@pytest.mark.parametrize("language, text", [
    # the title first, the extension in a later clause
    ("de", "Mein Touristenvisum läuft nächste Woche ab und ich möchte es hier verlängern lassen. Wie viel kostet das?"),
    ("en", "My tourist visa expires next week and I'd like to extend it here. How much is that?"),
    ("de", "Ich bin mit einem Schengen-Visum hier, ich will verlängern. Was muss ich zahlen?"),
    ("en", "I'm here on a Schengen visa, I want to renew it. What are the fees?"),
    ("de", "Ich habe ein nationales Visum. Was kostet die Verlängerung?"),
    ("en", "I hold a student visa. What's the fee for extending?"),
    # the title in a later clause
    ("de", "Was kostet die Verlängerung, ich habe ein Besuchervisum?"),
    ("en", "How much is an extension? It's a Schengen visa."),
])
def test_a_visa_title_with_the_extension_is_the_visa_fee(language, text):
    answer = said(conversation([text], language)[-1])
    for word in VISA[language]:
        assert word in answer, answer
    assert "96" not in answer


@pytest.mark.parametrize("first, follow_up, language", [
    ("Was kostet die Verlängerung?", "und wenn es ein Schengen-Visum ist?", "de"),
    ("Wie teuer ist eine Verlängerung?", "und mit einem Touristenvisum?", "de"),
    ("What does an extension cost?", "and if it's a Schengen visa?", "en"),
    ("How much is it to renew?", "what about a national visa?", "en"),
])
def test_a_visa_title_after_an_extension_fee_question_is_the_visa_fee(first, follow_up, language):
    before, after = conversation([first, follow_up], language)
    assert "96" in said(before)
    assert after.frame.matter == "visa_extension"
    assert all(word in said(after) for word in VISA[language]), said(after)


def test_the_reported_messages():
    assert turn("Mein Schengen-Visum läuft bald ab und ich will es hier verlängern. Was kostet mich das?") \
        == ["ask fee visa_extension schengen_visa"]
    assert turn("My Schengen visa runs out soon and I want to extend it here. What does that cost?") \
        == ["ask fee visa_extension schengen_visa"]


@pytest.mark.parametrize("language, text, fee", [
    ("en", "How much is it to extend my Blue Card?", "96"),
    ("de", "Meine Blaue Karte läuft ab, ich will sie verlängern. Was kostet das?", "96"),
    ("de", "Was kostet die Erteilung einer Aufenthaltserlaubnis?", "100"),
])
def test_other_titles_and_matters_keep_their_fee(language, text, fee):
    answer = said(conversation([text], language)[-1])
    assert fee in answer and "25" not in answer, answer


def test_a_title_from_an_earlier_turn_does_not_make_the_next_extension_the_visa():
    first, second = conversation(["Was kostet die Verlängerung meines Schengen-Visums?",
                                  "und die Verlängerung der Aufenthaltserlaubnis?"])
    assert "25" in said(first)
    assert "96" in said(second) and "25" not in said(second)


@pytest.mark.parametrize("language, text", [
    ("en", "I have a national visa and want a residence permit, what does it cost?"),
    ("de", "Ich habe ein nationales Visum und möchte eine Aufenthaltserlaubnis, was kostet das?"),
    ("en", "I'm here on a student visa. I would like a residence permit now, how much is it?"),
    ("de", "Ich bin mit einem Arbeitsvisum hier und will jetzt eine Aufenthaltserlaubnis. Wie viel kostet das?"),
])
def test_a_residence_permit_wanted_with_a_visa_is_its_issue(language, text):
    """The visa is not extended: the permit is issued (100 EUR)."""
    answer = said(conversation([text], language)[-1])
    assert "100" in answer and "25" not in answer and "96" not in answer, answer


# -- the title is applied where each frame is built (understand._titled, beside _keeps) ---------

@pytest.mark.parametrize("text, expected", [
    # a statement after the question completes it
    ("Wie teuer wird die Verlängerung? Es geht um ein Touristenvisum.", ["ask fee visa_extension schengen_visa"]),
    ("What will extending cost me? I came on a visitor visa.", ["ask fee visa_extension schengen_visa"]),
    # two questions after the title: both about the visa
    ("Ich möchte mein Besuchervisum verlängern. Was kostet das und welche Unterlagen brauche ich?",
     ["ask fee visa_extension schengen_visa", "ask documents visa_extension schengen_visa"]),
    # a question the published information does not answer beside it stays honest
    ("My national visa is running out and I want to extend it: what's the fee, and can I pay by card?",
     ["ask fee visa_extension national_visa", "not_covered"]),
])
def test_the_title_reaches_every_frame_of_the_message(text, expected):
    assert turn(text) == expected


def test_a_title_named_in_a_follow_up_turn_frames_its_questions():
    before, after = conversation(["Was kostet die Verlängerung?", "Ich habe ein D-Visum. Und was muss ich mitbringen?"])
    assert before.frame.matter == "extension"
    assert after.frame.matter == "visa_extension" and after.frame.topic == "documents"
    assert "25 Euro bis 60 Euro" in said(after)
