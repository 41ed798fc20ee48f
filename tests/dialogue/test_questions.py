"""Single questions: topic, matter, person and age are read from the words (no NLU needed)."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import turn

QUESTIONS = [
    # fees
    ("Was kostet eine Verlängerung?", ["ask fee extension"]),
    ("Wie hoch ist die Gebühr für die Erteilung?", ["ask fee issue"]),
    ("Welche Gebühren fallen an?", ["ask fee"]),
    ("Was muss ich für die Verlaengerung zahlen?", ["ask fee extension"]),
    ("Wie teuer ist die Visumverlängerung?", ["ask fee visa_extension"]),
    ("Kosten für die Verlängerung für mein Kind von 7 Jahren?", ["ask fee extension child 7"]),
    ("Was zahlt ein Kind für eine neue Aufenthaltserlaubnis?", ["ask fee issue child"]),
    ("Gebuehr Verlaengerung Sohn 16", ["ask fee extension child 16"]),
    ("What is the fee for renewing a permit?", ["ask fee extension"]),
    ("How much do I pay to renew?", ["ask fee extension"]),
    ("What are the fees?", ["ask fee"]),
    ("how much is a visa extention", ["ask fee visa_extension"]),
    ("What does a first residence permit cost for my daughter, 5?", ["ask fee issue child 5"]),
    ("Cost of extending a Blue Card?", ["ask fee extension blue_card"]),
    ("fee for kids?", ["ask fee child"]),
    # documents
    ("Welche Unterlagen muss ich mitnehmen?", ["ask documents"]),
    ("Was für Dokumente braucht ihr von mir?", ["ask documents"]),
    ("Brauche ich ein biometrisches Foto?", ["ask photo"]),
    ("Muss ich den Reisepass mitbringen?", ["ask documents"]),
    ("What paperwork should I bring along?", ["ask documents"]),
    ("Do I need a passport photo?", ["ask documents"]),
    ("which documents are required for my son?", ["ask documents child"]),
    # appearance
    ("Muss ich persönlich erscheinen?", ["ask appearance"]),
    ("Werden Fingerabdrücke genommen?", ["ask appearance"]),
    ("Muss meine Tochter (10) mitkommen?", ["ask appearance child 10"]),
    ("Do I have to show up in person?", ["ask appearance"]),
    ("Are fingerprints taken from children?", ["ask appearance child"]),
    # pick-up
    ("Kann meine Schwester die Karte abholen?", ["ask pickup relative"]),
    ("Wer darf den eAT abholen?", ["ask pickup"]),
    ("Can my wife collect the card?", ["ask pickup relative"]),
    ("Is a pickup by my friend possible?", ["ask pickup relative"]),
    # Fiktionswirkung
    ("Was heißt Fiktionswirkung?", ["ask fiktion"]),
    ("Fiktionswirkung bei Schengen?", ["ask fiktion schengen_visa"]),
    ("Fiktionswirkung beim Schengen-Visum?", ["ask fiktion visa_extension schengen_visa"]),
    ("Darf ich weiter arbeiten, wenn mein Titel ausläuft?", ["ask fiktion"]),
    ("What does Fiktionswirkung mean for me?", ["ask fiktion"]),
    ("Can I keep working after my permit expires?", ["ask fiktion"]),
    # eAT
    ("Was ist der eAT?", ["ask eat"]),
    ("Was speichert der Chip auf der Karte?", ["ask eat"]),
    ("What is the electronic residence card?", ["ask eat"]),
    # appointments
    ("Wie bekomme ich einen Termin?", ["ask appointments appointment"]),
    ("Unter welcher Telefonnummer mache ich einen Termin?", ["ask appointments appointment"]),
    ("How can I get an appointment?", ["ask appointments appointment"]),
    ("Which number do I call for appointments?", ["ask appointments appointment"]),
    # status
    ("Wie ist der Sachstand?", ["ask status"]),
    ("Wie lange dauert die Bearbeitung ungefähr?", ["not_covered"]),
    ("Any news about my case?", ["ask status"]),
    ("How long will processing take?", ["not_covered"]),
    ("Why does the electronic card store fingerprints?", ["ask appearance", "ask eat"]),
    # uploads
    ("Kann ich Dateien hochladen?", ["ask uploads"]),
    ("Can I upload a PDF here?", ["ask uploads"]),
    # process
    ("Wie läuft die Verlängerung ab?", ["ask process extension"]),
    ("How does the renewal work?", ["ask process extension"]),
    ("What is the procedure?", ["ask process"]),
]


@pytest.mark.parametrize("text, expected", QUESTIONS)
def test_question_is_read(text, expected):
    assert turn(text) == expected


# The NLU's intent names the topic when no word of content/questions.yml does.
INTENT_ONLY = [
    ("Welche Kosten kommen auf mich zu?", "faq_fees", ["ask fee"]),
    ("Ist das teuer?", "faq_fees", ["ask fee"]),
    ("Und was ist mit meinen Unterlagen", "faq_documents", ["ask documents"]),
    ("erzähl mir was über die Karte", "faq_eat", ["ask eat"]),
    ("tell me about the card", "faq_eat", ["ask eat"]),
    ("Ich will mit einem Menschen reden", "ask_human", ["ask human"]),
]


@pytest.mark.parametrize("text, intent, expected", INTENT_ONLY)
def test_intent_names_the_topic_when_the_words_do_not(text, intent, expected):
    assert turn(text, intent=intent) == expected


def test_a_weak_word_alone_is_no_question():
    """ "Was kostet ein Bahnticket?" is no fee question: no matter, no person, no office word."""
    assert turn("Was kostet ein Bahnticket nach München?") == ["unclear None"]
    assert turn("How much is a coffee?") == ["unclear None"]
    assert turn("How much is a coffee?", intent="out_of_scope") == ["out_of_scope"]


@pytest.mark.parametrize("language", ["de", "en"])
def test_out_of_scope_says_how_to_reach_the_office(language):
    """Issue 13: no information here, and the office's phone numbers from content/knowledge.yml."""
    from actions.dialogue.commands import OutOfScope
    from actions.dialogue.executor import execute
    from actions.dialogue.understand import Context

    (reply,) = execute([OutOfScope()], Context(language=language)).replies
    assert reply.response == "utter_out_of_scope"
    assert "99-2421" in reply.values["phone_numbers"] and "99-2422" in reply.values["phone_numbers"]
