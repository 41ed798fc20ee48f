"""A question about doing a matter is answered with how it goes for that matter and the enquiry
offered (never the form), whatever the NLU read; a specific question the process does not answer
stays honestly not covered (issue 14, matter questions; our own wording)."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said


def _buttons(outcome) -> list[str]:
    return [b["payload"] for r in outcome.replies for b in r.buttons]


@pytest.mark.parametrize("text, language, topic, matter, offer", [
    ("Meine Karte wurde geklaut, was nun?", "de", "process", "lost_card", "/enquiry_lost_card"),
    ("Wie beantrage ich eine Blaue Karte?", "de", "process", "issue", "/enquiry_new_permit"),
    ("Can I extend my tourist visa here?", "en", "process", "visa_extension", "/enquiry_extend_visa"),
    ("Kann ich die Verlängerung auch online machen?", "de", "process", "extension", "/enquiry_extend_permit"),
    ("is it possible to renew my permit without going there?", "en", "process", "extension", "/enquiry_extend_permit"),
    ("I have a new passport, do I need to tell you?", "en", "process", "data_change", "/enquiry_change_data"),
    ("Wie lange vorher sollte ich die Verlängerung beantragen?", "de", "apply_when", "extension", "/enquiry_extend_permit"),
    ("when should I apply to renew my blue card?", "en", "apply_when", "extension", "/enquiry_extend_permit"),
])
def test_a_question_about_doing_a_matter_is_answered_and_offered(text, language, topic, matter, offer):
    [outcome] = conversation([text], language)
    assert not outcome.start_enquiry
    assert outcome.frame.topic == topic and outcome.frame.matter == matter, outcome.frame
    assert offer in _buttons(outcome)


@pytest.mark.parametrize("text, language, words", [
    ("Wie lange vorher sollte ich die Verlängerung beantragen?", "de", ["Frist nennen die veröffentlichten Informationen nicht", "rechtzeitig", "99-2421"]),
    ("how far in advance do I have to apply for the extension?", "en", ["no particular deadline", "on time", "99-2421"]),
])
def test_when_to_apply_is_on_time_and_no_deadline_is_published(text, language, words):
    [outcome] = conversation([text], language)
    for word in words:
        assert word in said(outcome), (word, said(outcome))


@pytest.mark.parametrize("text, language", [
    ("Mein Kind ist 10, braucht es einen eigenen Aufenthaltstitel?", "de"),
    ("does my baby get her own residence card?", "en"),
])
def test_every_person_gets_their_own_card(text, language):
    [outcome] = conversation([text], language)
    assert outcome.frame.topic == "eat"
    assert ("jede Person bekommt eine eigene Karte" if language == "de" else "every person gets their own card") in said(outcome)


@pytest.mark.parametrize("text, language", [
    ("How many years does a residence permit usually last before I have to renew it?", "en"),
    ("Für wie viele Jahre wird die Aufenthaltserlaubnis normalerweise verlängert?", "de"),
])
def test_a_specific_question_about_a_matter_stays_honestly_not_covered(text, language):
    [outcome] = conversation([text], language)
    assert outcome.frame.topic == "not_covered", outcome.frame
    assert "99-2421" in said(outcome)


def test_a_visa_alone_is_no_visa_extension():
    [outcome] = conversation(["can my parents get a visa to visit me here?"], "en")
    assert outcome.frame is None or outcome.frame.matter != "visa_extension" or outcome.frame.topic != "process"
