"""Questions about a process are answered, never turned into the form; short follow-ups that
name only a person or a condition keep the previous topic; facts the published information
holds are answered from it, and what it does not say is said honestly (with the phone numbers)."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said, turn

# (message, the NLU's (wrong) enquiry intent, what the turn must be)
ASKED_NOT_APPLIED = [
    ("Darf mein Mann meinen Ausweis für mich holen", "enquiry_change_data", ["ask pickup relative"]),
    ("Kann meine Schwester die Karte an meiner Stelle entgegennehmen", "enquiry_change_data", ["ask pickup relative"]),
    ("may my brother collect my new card on my behalf", "enquiry_change_data", ["ask pickup relative"]),
    ("what do I have to cough up for an extension", "enquiry_extend_permit", ["ask fee extension"]),
    ("wie viel muss ich für die Verlängerung berappen", "enquiry_extend_permit", ["ask fee extension"]),
    ("how much do I fork out to extend my permit", "enquiry_extend_permit", ["ask fee extension"]),
]


@pytest.mark.parametrize("text, intent, expected", ASKED_NOT_APPLIED)
def test_asking_about_a_matter_is_answered_not_started(text, intent, expected):
    assert turn(text, intent=intent, confidence=0.95) == expected


@pytest.mark.parametrize("text, intent, concern", [
    ("Ich möchte meine Aufenthaltserlaubnis verlängern", "enquiry_extend_permit", "residence_permit_extension"),
    ("I would like to extend my residence permit", "enquiry_extend_permit", "residence_permit_extension"),
])
def test_a_clear_request_still_starts_the_form(text, intent, concern):
    assert turn(text, intent=intent, confidence=0.95)[-1] == f"start {concern}"


# (language, first question, follow-up, words the follow-up's answer must contain, words it must not)
INHERITED = [
    ("de", "Muss ich persönlich vorbeikommen?", "auch mein Kleiner?", ["6", "Fingerabdrücke"], []),
    ("en", "Do I have to show up in person?", "even my baby?", ["6", "fingerprints"], []),
    ("en", "How much is an extension of my residence permit?", "and my wife's too?", ["96"], ["48"]),
    ("de", "Was kostet die Verlängerung?", "und für meinen Mann auch?", ["96"], ["48"]),
    ("en", "Can somebody else pick up my card?", "what does she need for that then?", ["form", "authorisation"], []),
    ("de", "Kann jemand anderes meine Karte abholen?", "was braucht er dafür?", ["Formular", "Vollmacht"], []),
    ("en", "Can somebody else pick up my card?", "my daughter is 14, can the neighbour pick hers up?", ["16", "14", "99-2421"], []),
    ("de", "Kann jemand anderes meine Karte abholen?", "meine Tochter ist 14, darf die Nachbarin ihre holen?", ["16", "14", "99-2421"], []),
    ("de", "Was kostet eine Verlängerung?", "und wo ruf ich da an?", ["99-2421", "99-2422"], ["96"]),
    ("de", "Muss ich persönlich kommen?", "und wen ruf ich an?", ["99-2421", "99-2422"], []),
    ("en", "What does a renewal cost?", "and where do I call?", ["99-2421", "99-2422"], ["96"]),
    ("en", "How much is an extension?", "what's the number?", ["99-2421", "99-2422"], ["96"]),
    ("de", "Muss ich persönlich kommen?", "und wie erreiche ich euch?", ["99-2421", "99-2422"], []),
    ("de", "Was ist die Fiktionswirkung?", "darf ich dann weiterarbeiten?", ["weiter", "arbeiten"], []),
    ("en", "What is the Fiktionswirkung?", "so I can keep working?", ["keep working"], []),
    ("en", "What is the Fiktionswirkung?", "do I get something in writing?", ["confirmation", "save"], []),
    ("de", "Was ist die Fiktionswirkung?", "krieg ich das schriftlich?", ["Bestätigung", "speichern"], []),
]


@pytest.mark.parametrize("language, first, follow_up, present, absent", INHERITED)
def test_a_short_follow_up_keeps_the_previous_topic(language, first, follow_up, present, absent):
    answer = said(conversation([first, follow_up], language)[-1])
    for word in present:
        assert word in answer, (word, answer)
    for word in absent:
        assert word not in answer, (word, answer)


# (language, question, words the answer must contain)
FACTS = [
    ("de", "Seit wann gibt es den eAT?", ["01.09.2011"]),
    ("en", "Since when does the eAT exist?", ["1 September 2011"]),
    ("de", "Wer braucht überhaupt einen Aufenthaltstitel?", ["EU"]),
    ("en", "Who needs a residence title at all?", ["EU citizen"]),
    ("en", "Do EU citizens need a residence permit?", ["EU citizen"]),
    ("en", "I'm on a visa, what do I have to cough up to extend it?", ["25", "60"]),
    ("de", "Ich hab ein Visum, was kostet die Verlängerung?", ["25", "60"]),
    ("en", "I'm here on a visa. How much is the extension?", ["25", "60"]),
    ("de", "Ich bin mit einem Visum hier. Was kostet die Verlängerung?", ["25", "60"]),
    ("de", "Seit wann gibt es diese Karte?", ["01.09.2011"]),
    ("en", "Since when is there this card?", ["1 September 2011"]),
]


def test_a_visa_named_earlier_keeps_only_within_the_message():
    """The next turn's "extension of my residence permit" is that extension again, not the visa's."""
    first, second = conversation(["Was kostet ein Visum zu verlängern?", "und die Verlängerung der Aufenthaltserlaubnis?"])
    assert "25" in said(first)
    assert "96" in said(second) and "25" not in said(second)


@pytest.mark.parametrize("language, text, present", FACTS)
def test_the_published_fact_is_answered(language, text, present):
    answer = said(conversation([text], language)[-1])
    for word in present:
        assert word in answer, (word, answer)


@pytest.mark.parametrize("language, text", [
    ("de", "Welche Größe muss das Foto haben?"),
    ("de", "Wie groß muss das Passbild sein?"),
    ("en", "What size should the photo be?"),
    ("en", "how big does the picture have to be"),
])
def test_photo_size_is_not_published_so_said_honestly(language, text):
    answer = said(conversation([text], language)[-1])
    assert "99-2421" in answer
    assert ("keine verlässliche Auskunft" if language == "de" else "no reliable information") in answer
    assert "Nationalpass" not in answer and "national passport" not in answer


@pytest.mark.parametrize("language, first, condition", [
    ("de", "Muss ich persönlich kommen?", "auch wenn ich krank bin?"),
    ("en", "Do I have to come in person?", "even if I am ill?"),
    # A condition that names the previous topic again, or runs over two clauses.
    ("de", "Was kostet eine Verlängerung?", "und falls ich die Gebühr gerade nicht zahlen kann?"),
    ("en", "How much is a first permit?", "what if paying that is too much for me right now?"),
    ("de", "Muss ich persönlich erscheinen?", "auch wenn ich im Ausland bin und nicht vorbeikommen kann?"),
    ("en", "Must I come in person?", "even if I live far away and can't come in?"),
    ("de", "Was kostet die Verlängerung?", "und wenn sie schon abgelaufen ist?"),   # an expired title: no fee published
    ("en", "How much is the extension?", "what if it already expired?"),
])
def test_a_condition_the_information_does_not_cover_is_said_honestly(language, first, condition):
    """No exception is published: the previous answer is not repeated as if it settled the condition."""
    answer = said(conversation([first, condition], language)[-1])
    assert ("keine verlässliche Auskunft" if language == "de" else "no reliable information") in answer
    assert "99-2421" in answer


@pytest.mark.parametrize("language, first, follow_up, present", [
    ("en", "What is the Fiktionswirkung?", "will I get a paper?", "confirmation"),
    ("de", "Was ist die Fiktionswirkung?", "also kann ich weiter zur Uni?", "studieren"),
    ("en", "What is the Fiktionswirkung?", "so I can keep studying?", "studying"),
])
def test_fiktion_follow_ups(language, first, follow_up, present):
    assert present in said(conversation([first, follow_up], language)[-1])


@pytest.mark.parametrize("text, intent, concern", [
    ("Kann ich bitte einen Antrag auf Verlängerung stellen?", "enquiry_extend_permit", "residence_permit_extension"),
    ("Can I please apply for an extension?", "enquiry_extend_permit", "residence_permit_extension"),
])
def test_a_request_in_a_questions_words_still_starts_the_form(text, intent, concern):
    assert turn(text, intent=intent, confidence=0.95)[-1] == f"start {concern}"


@pytest.mark.parametrize("text", [
    "mein Mann holt meine Karte für mich ab, ist das erlaubt",
    "my neighbour would collect my card for me, is that ok",
])
def test_a_question_tail_makes_a_statement_a_question(text):
    assert turn(text, intent="enquiry_change_data", confidence=0.95) == ["ask pickup relative"]


@pytest.mark.parametrize("text", ["kann jemand anderes meinen eat holen gehen", "kann meine frau meinen aufenthaltstitel holen"])
def test_someone_else_fetching_the_card_is_the_pick_up_not_coming_in_person(text):
    # "gehen" alone leans to coming in person; "… eat holen" names the pick-up (CI: the
    # appearance paragraph instead of the authorisation facts)
    assert turn(text, intent="nlu_fallback", confidence=0.6)[0].startswith("ask pickup")


@pytest.mark.parametrize("language, first, follow_up, words", [
    # Regression: a condition with new details is a follow-up and answered.
    ("de", "Was kostet eine Verlängerung?", "und wenn ich erst 16 bin?", ["48"]),
    ("en", "How much is a first permit?", "what if it's for my daughter, she's 4?", ["50"]),
    ("de", "Wer braucht überhaupt einen Aufenthaltstitel?", "und wenn ich Belgier bin?", ["EU"]),
])
def test_a_condition_with_new_details_is_answered(language, first, follow_up, words):
    answer = said(conversation([first, follow_up], language)[-1])
    for word in words:
        assert word in answer, answer


@pytest.mark.parametrize("language, first, group", [
    # A group the published fees state no exception for: said honestly, not the fee again.
    ("de", "Was kostet die Erteilung?", "und für Rentner?"),
    ("de", "Was kostet die Verlängerung?", "gibt es da was günstiger für Azubis?"),
    ("en", "What does a first permit cost?", "what about refugees?"),
    ("en", "What does an extension cost?", "any discount for pensioners?"),
])
def test_a_group_without_a_published_exception_is_said_honestly(language, first, group):
    answer = said(conversation([first, group], language)[-1])
    assert ("keine verlässliche Auskunft" if language == "de" else "no reliable information") in answer
    assert "99-2421" in answer


def test_a_statement_about_oneself_before_a_new_question_is_answered():
    # Regression: "Ich bin Student" with a question about another matter is that question.
    assert "100" in said(conversation(["Was kostet die Verlängerung?", "Ich bin Studentin, was kostet die Erteilung?"])[-1])


@pytest.mark.parametrize("language, first, state", [
    # A state of health after the in-person answer: no exception is published, said honestly.
    ("de", "Muss meine Oma persönlich erscheinen?", "sie sitzt im Rollstuhl"),
    ("de", "Muss ich zum Termin selbst kommen?", "ich bin aber gerade schwanger"),
    ("en", "Does my grandmother have to come in person?", "she's bedridden"),
    ("en", "Do I have to attend in person?", "I'm in hospital at the moment"),
])
def test_a_state_of_health_after_the_in_person_answer_is_said_honestly(language, first, state):
    answer = said(conversation([first, state], language)[-1])
    assert ("keine verlässliche Auskunft" if language == "de" else "no reliable information") in answer
    assert "99-2421" in answer


def test_walking_in_is_still_the_in_person_answer():
    # Regression: "walk in" is no state of health.
    assert "persönlich" in said(conversation(["Muss ich persönlich kommen?", "kann ich einfach so vorbeikommen?"])[-1])
    assert "in person" in said(conversation(["Do I have to come in person?", "can I just walk in?"], "en")[-1])
