"""Short follow-ups on the answer before that name no topic of their own (issue 14, dev3's kinds).

What such a turn asks is its aspect (content/questions.yml `follow_ups`: until, where, who, how
long, faster ...): the answer before is given again when its topic `states` that aspect, otherwise
the assistant says honestly that it has no reliable information and how to reach the office. Never
the menu, a goodbye, a cancel or the form (an `Unclear` hands the turn to the NLU's rules).
"""

import pytest

from actions.dialogue.commands import AskQuestion, NotCovered, StartEnquiry, Unclear
from actions.dialogue.frame import QuestionFrame
from actions.dialogue.understand import Context, Parse, interpret
from tests.dialogue.helpers import conversation, said

PHONES = "99-2421"
HONEST = ("keine verlässliche", "no reliable")


def _honest(outcome) -> bool:
    text = said(outcome)
    return PHONES in text and any(h in text for h in HONEST)


@pytest.mark.parametrize("texts, lang, topic, expected", [
    # The answer before states the aspect: it is given again (with the fact asked for).
    (["Erklären Sie mir bitte die Fiktionswirkung.", "und bis wann gilt das dann?"], "de", "fiktion", "Termin"),
    (["Tell me about the Fiktionswirkung", "till when, exactly?"], "en", "fiktion", "appointment"),
    (["Kann ich Dateien im Chat mitschicken?", "wer bekommt die denn zu sehen?"], "de", "uploads", "zuständige Stelle"),
    (["can I attach files in this chat?", "who will look at them?"], "en", "uploads", "responsible unit"),
    (["Was war früher statt dem eAT?", "ist meiner von damals noch gut?"], "de", "old_titles", "2021"),
    (["what was there before the eAT card?", "is my old one still valid?"], "en", "old_titles", "2021"),
    (["Krieg ich eine Bestätigung fürs Absenden?", "und was mach ich dann damit?"], "de", "confirmation", "speichern"),
    (["Do I get some kind of confirmation when I submit?", "what do I do with that then?"], "en", "confirmation", "save"),
    (["Warum keine E-Mails mehr an die Behörde?", "gibt es da keinen anderen weg?"], "de", "contact", "Kontaktformular"),
])
def test_an_aspect_the_answer_states_gets_that_answer_again(texts, lang, topic, expected):
    outcome = conversation(texts, lang)[-1]
    assert outcome.frame.topic == topic, outcome.frame
    assert expected in said(outcome)


@pytest.mark.parametrize("texts, lang", [
    # The sources are silent on what is asked: honestly not covered, with the office's numbers.
    (["Wie lange dauert es, bis der eAT fertig ist?", "kann man das irgendwie beschleunigen?"], "de"),
    (["how long does it take for the card to be made?", "can it go any faster?"], "en"),
    (["Was kostet die Verlängerung der Aufenthaltserlaubnis?", "wo zahle ich das denn?"], "de"),
    (["what is the fee to extend my permit?", "where would I pay it?"], "en"),
    (["Wie bekomme ich einen Termin?", "und wer ist da mein ansprechpartner?"], "de"),
    (["What do I need to bring along?", "who checks them?"], "en"),
    (["How much is the extension?", "when do I pay?"], "en"),
    (["Kann meine Freundin die Karte für mich abholen?", "und wo muss sie dann hin?"], "de"),
])
def test_an_aspect_the_sources_do_not_state_is_answered_honestly(texts, lang):
    outcomes = conversation(texts, lang)
    assert not outcomes[-1].unclear and not outcomes[-1].start_enquiry
    assert _honest(outcomes[-1]), said(outcomes[-1])
    assert outcomes[-1].frame == outcomes[0].frame  # the question stays, so the next follow-up still reads against it


def test_the_answer_before_outweighs_the_nlus_guess_for_the_words_alone():
    context = Context(language="en", frame=QuestionFrame(topic="confirmation"))
    commands = interpret(Parse("what should I do with it now?", "faq_not_covered", 0.9), context)
    assert commands == [AskQuestion(QuestionFrame(topic="confirmation"))]


@pytest.mark.parametrize("text, intent", [
    ("are you a real person?", "bot_challenge"),
    ("what can you do?", "show_menu"),
    ("ok?", None),
    ("danke, tschüss", "goodbye"),
])
def test_no_follow_up_for_a_social_turn_or_a_lone_word(text, intent):
    context = Context(language="en", frame=QuestionFrame(topic="fee"))
    commands = interpret(Parse(text, intent, 0.9 if intent else 0.0), context)
    assert not any(isinstance(c, (AskQuestion, NotCovered)) for c in commands), commands


def test_no_follow_up_without_an_answer_before():
    commands = interpret(Parse("und wer sieht die dann?"), Context(language="de"))
    assert all(isinstance(c, Unclear) for c in commands), commands


@pytest.mark.parametrize("texts, lang, expected", [
    # Right after an answer, a short statement that the title expires soon objects to it: what applies
    # then (apply on time, the Fiktionswirkung) and the extension offered, not the form.
    (["Wie ist denn der Stand bei meinem Antrag?", "aber mein titel endet doch nächste woche"], "de", "rechtzeitig"),
    (["any news on my application?", "but my residence permit expires next month!"], "en", "on time"),
    (["Wie ist denn der Stand bei meinem Antrag?", "Mein Visum ist aber schon abgelaufen!"], "de", "bereits abgelaufen|schon abgelaufen"),
])
def test_an_expiry_stated_after_an_answer_is_answered(texts, lang, expected):
    outcome = conversation(texts, lang, intents=[None, "enquiry_extend_permit"])[-1]
    assert not outcome.start_enquiry
    assert any(e in said(outcome) for e in expected.split("|")), said(outcome)


def test_an_expiry_with_a_wish_to_apply_still_starts_the_form():
    context = Context(language="de", frame=QuestionFrame(topic="status"))
    commands = interpret(Parse("mein Titel läuft nächste Woche ab, ich möchte verlängern", "enquiry_extend_permit", 0.9),
                         context)
    assert any(isinstance(c, StartEnquiry) for c in commands), commands


@pytest.mark.parametrize("texts, lang, topic, expected", [
    # Follow words of a topic that another topic's words would otherwise take.
    (["Wie lade ich Unterlagen hoch?", "nimmt das System auch docx?"], "de", "uploads", "PDF"),
    (["how can I send you my documents?", "how big can one file be?"], "en", "uploads", "10 MB"),
    (["Welche Aufenthaltstitel gibt es eigentlich alle?", "welche davon sind dauerhaft?"], "de", "titles", "unbefristet"),
    (["Aus welchen Gründen bekommt man eine Aufenthaltserlaubnis?", "wie lange gilt sowas?"], "de", "purposes", "befristet"),
    (["Welches Foto brauche ich?", "und wo lass ich so eins machen?"], "de", "photo", PHONES),
    (["Kann ich mit dem eAT meine Identität online nachweisen?", "und digital signieren?"], "de", "eat", "Signatur"),
    (["Wie komme ich an einen Termin?", "meldet ihr euch nicht von selber bei mir?"], "de", "invitation", "anzuschreiben"),
])
def test_follow_words_of_the_answer_before(texts, lang, topic, expected):
    outcome = conversation(texts, lang)[-1]
    assert outcome.frame.topic == topic, outcome.frame
    assert expected in said(outcome)


@pytest.mark.parametrize("texts, lang", [
    (["Ich hab meinen Termin verpasst, was jetzt?", "kostet mich das extra?"], "de"),
    (["I missed my appointment, what now?", "will that cost extra?"], "en"),
])
def test_a_charge_on_top_is_not_published(texts, lang):
    assert _honest(conversation(texts, lang)[-1])
