"""A short follow-up right after an answer on a topic reads against that topic (its `after` and
`after_words` in content/questions.yml, or its `follow` words): "davor", "the second one", "cancel it"."""

import pytest

from tests.dialogue.helpers import conversation, said


@pytest.mark.parametrize("texts, lang, topic, expected", [
    (["Seit wann gibt es den eAT?", "Und was hatte man vorher?"], "de", "old_titles", "Klebeetikett"),
    (["What is the eAT card?", "and what did people get before that?"], "en", "old_titles", "sticker"),
    (["Was hat den Aufkleber im Pass ersetzt?", "Und wann wurde das umgestellt?"], "de", "eat", "2011"),
    (["What took the place of the passport sticker?", "when did they switch over?"], "en", "eat", "2011"),
    (["Wie oft muss ich für den eAT vorbeikommen?", "Und wozu das zweite Mal?"], "de", "pickup", "abholen"),
    (["How often do I need to come in for the eAT?", "and the second one, what is that for?"], "en", "pickup", "pick up"),
    (["Für welche Zwecke gibt es eine Aufenthaltserlaubnis?", "Und gilt die unbefristet?"], "de", "purposes", "befristet"),
    (["What purposes is a residence permit issued for?", "does it last forever then?"], "en", "purposes", "limited time"),
    (["Was muss ich beachten, wenn ich einen Termin habe?", "und wenn ich ihn absagen muss?"], "de", "missed_appointment", "99-2421"),
    (["What should I know about my appointment?", "what if I have to call it off?"], "en", "missed_appointment", "99-2421"),
    (["Ich möchte meine Aufenthaltserlaubnis verlängern, welche Unterlagen brauche ich?", "und wo erledige ich das?"], "de", "process", "Kontaktformular"),
    (["I'd like to extend my residence permit, which documents do I need?", "where do I do all that?"], "en", "process", "contact form"),
    (["Mein Titel läuft bald ab, darf ich weiter arbeiten?", "und wie beweise ich das meiner Chefin?"], "de", "confirmation", "Bestätigung"),
    (["My permit expires soon, may I keep working?", "and how can I show that to my employer?"], "en", "confirmation", "confirmation"),
    (["Was muss ich alles mitbringen?", "Und wenn die Behörde noch etwas anderes sehen will?"], "de", "documents_more", "Sachbearbeiter"),
])
def test_a_follow_up_reads_against_the_answer_before(texts, lang, topic, expected):
    outcomes = conversation(texts, lang)
    assert outcomes[-1].frame.topic == topic
    assert expected in said(outcomes[-1])
