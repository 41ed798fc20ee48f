"""First turns that name their topic in other words: the digital way to the office, what comes
back after sending, a purpose of a permit, a child turning 6, asking for an update, the papers
that allow a stay, what to prepare, and "how do I apply ... here" (answered, not started)."""

import pytest

from tests.dialogue.helpers import conversation


def said(outcome) -> str:
    return " ".join(r.text or "" for r in outcome.replies).lower()


def first(text: str, language: str):
    [outcome] = conversation([text], language)
    return outcome


@pytest.mark.parametrize("language, text", [
    ("de", "Kann ich das Amt auch online kontaktieren?"),
    ("en", "Is there a way to reach the office online?"),
])
def test_the_digital_way_is_the_contact_form(language, text):
    assert "kontaktformular" in said(first(text, language)) or "contact form" in said(first(text, language))


@pytest.mark.parametrize("language, text, word", [
    ("de", "Bekomme ich etwas zurück, nachdem ich mein Anliegen abgeschickt habe?", "bestätigung"),
    ("en", "Do I get something back once I have sent my enquiry?", "confirmation"),
])
def test_something_back_after_sending_is_the_confirmation(language, text, word):
    outcome = first(text, language)
    assert outcome.frame.topic == "confirmation" and word in said(outcome)


@pytest.mark.parametrize("language, text, word", [
    ("de", "Gibt es eine Aufenthaltserlaubnis, um hier eine Therapie zu machen?", "heilbehandlung"),
    ("en", "Is a residence permit possible for surgery in a German hospital?", "medical treatment"),
    ("de", "Kann ich eine Aufenthaltserlaubnis bekommen, um zu meiner Frau zu ziehen?", "nachzug"),
    ("en", "Can I get a residence permit to join my wife, she lives in Germany?", "family reunification"),
])
def test_a_purpose_the_seeds_name_gets_the_purpose_answer(language, text, word):
    outcome = first(text, language)
    assert outcome.frame.topic == "purposes" and word in said(outcome)


@pytest.mark.parametrize("language, texts", [
    ("en", ["What is the fee for an extension?", "and for my studies?"]),
    ("en", ["Can my brother collect my card?", "would that work for my daughter's card as well?"]),
    ("de", ["Kann meine Schwester meine Karte abholen?", "klappt das auch mit der Karte meiner Tochter zum Arbeiten?"]),
])
def test_a_purpose_word_after_another_topic_stays_no_purpose_question(language, texts):
    *_, follow = conversation(texts, language)
    assert follow.frame is None or follow.frame.topic != "purposes"


@pytest.mark.parametrize("language, text, words", [
    ("de", "Meine Tochter wird sechs, muss ich da etwas beachten?", ("fingerabdr", "persönlich")),
    ("en", "My son turns 6 next month, does anything change for his permit?", ("fingerprint", "in person")),
])
def test_a_child_turning_six_gives_fingerprints_and_in_person(language, text, words):
    text_said = said(first(text, language))
    assert any(w in text_said for w in words)


@pytest.mark.parametrize("language, text", [
    ("de", "Ich habe vor zwei Wochen geschrieben, kann ich nach dem Stand fragen?"),
    ("en", "I sent my enquiry last week, may I get an update?"),
])
def test_asking_for_an_update_is_the_status(language, text):
    assert first(text, language).frame.topic == "status"


@pytest.mark.parametrize("language, text, words", [
    ("de", "Welche Papiere berechtigen einen Ausländer zum Aufenthalt in Deutschland?", ("visum", "niederlassungserlaubnis")),
    ("en", "What papers entitle a non-EU citizen to stay in Germany?", ("visa", "settlement permit")),
])
def test_the_papers_that_allow_a_stay_are_the_titles(language, text, words):
    outcome = first(text, language)
    assert all(w in said(outcome) for w in words)


@pytest.mark.parametrize("language, text, word", [
    ("de", "Was muss ich für die Verlängerung meiner Blauen Karte vorbereiten?", "pass"),
    ("en", "What should I prepare for extending my residence permit?", "passport"),
])
def test_what_to_prepare_is_the_documents(language, text, word):
    outcome = first(text, language)
    assert outcome.frame.topic == "documents" and word in said(outcome)


@pytest.mark.parametrize("language, text", [
    ("de", "Wie beantrage ich hier eine Aufenthaltserlaubnis für eine Ausbildung?"),
    ("en", "How can I apply here for a residence permit to work?"),
])
def test_how_do_i_apply_here_is_answered_with_the_offer(language, text):
    from tests.dialogue.helpers import turn
    assert [t.split()[:2] for t in turn(text)] == [["ask", "process"]]   # answered (the offer follows), not started


@pytest.mark.parametrize("language, text", [
    ("en", "I want to apply for my extension, can we do it here now?"),
    ("de", "Ich möchte meine Aufenthaltserlaubnis verlängern, geht das gleich hier?"),
])
def test_a_wish_to_apply_here_still_starts(language, text):
    from tests.dialogue.helpers import turn
    assert turn(text)[-1].startswith("start ")
