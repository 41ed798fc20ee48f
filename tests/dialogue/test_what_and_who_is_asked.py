"""What a question asks and for whom, in clients' own words: a person brought along, someone
going in the client's place, an EU nationality after the question who needs a title, the
requirements of a matter, money, and a country that is no language switch."""

from __future__ import annotations

import pytest

from actions.dialogue.frame import QuestionFrame
from actions.dialogue.understand import Context
from tests.dialogue.helpers import conversation, said, turn

PHONE = "99-2421"


@pytest.mark.parametrize("text, expected", [
    ("Muss ich meine Tochter zum Termin mitbringen?", "ask appearance appointment child"),
    ("soll ich meinen Sohn (9) mitnehmen oder reicht es, wenn ich allein komme?", "ask appearance child 9"),
    ("Do I have to bring my little boy along to the office?", "ask appearance child"),
    ("should we take our kids along, they are 4 and 10?", "ask appearance child"),
    ("Muss mein Junge wirklich mit aufs Amt?", "ask appearance child"),
    ("muss die Kleine auch auf die Behörde?", "ask appearance child"),
])
def test_a_person_brought_along_asks_whether_they_must_come(text, expected):
    commands = turn(text)
    assert commands and all(c.startswith(expected) for c in commands), commands  # one per child when ages are listed


@pytest.mark.parametrize("text", [
    # Regression: what a person brings, or their papers, are documents.
    "Was muss meine Tochter mitbringen?", "Soll ich die Pässe meiner Kinder mitbringen?",
    "What does my son have to bring?", "Do I need to bring anything for my daughter?",
])
def test_what_a_person_brings_is_still_the_documents(text):
    assert turn(text)[0].startswith("ask documents")


def test_a_child_brought_along_gets_the_fingerprint_age():
    [outcome] = conversation(["Muss ich meinen Sohn mitbringen? Er ist 8."], "de")
    assert "6" in said(outcome) and "Fingerabdr" in said(outcome)


@pytest.mark.parametrize("text, language", [
    ("Darf meine Frau an meiner Statt hingehen?", "de"),
    ("Kann meine Schwester für mich hingehen, wenn die Karte fertig ist?", "de"),
    ("Could my partner go instead of me when the card is ready?", "en"),
    ("can my dad go in my place for the second appointment?", "en"),
])
def test_someone_going_in_the_client_s_place_is_the_pick_up(text, language):
    assert any(c.startswith("ask pickup") for c in turn(text)), turn(text)
    [outcome] = conversation([text], language)
    assert "16" in said(outcome)


def test_someone_coming_along_is_still_the_appearance():
    assert turn("Muss meine Frau mitkommen?") == ["ask appearance relative"]


@pytest.mark.parametrize("first, second, language, words", [
    ("Wer braucht überhaupt einen Aufenthaltstitel?", "Meine Frau ist Französin, braucht sie einen?", "de", ["EU"]),
    ("Wer braucht überhaupt einen Aufenthaltstitel?", "und als Österreicher?", "de", ["EU"]),
    ("Who needs a residence permit at all?", "what if I'm Dutch?", "en", ["EU"]),
    ("Who needs a residence permit at all?", "my husband is Greek, does he?", "en", ["EU"]),
])
def test_an_eu_nationality_after_who_needs_a_title_asks_on_about_it(first, second, language, words):
    _, follow = conversation([first, second], language)
    assert follow.frame.topic == "titles"
    for word in words:
        assert word in said(follow)


def test_a_nationality_after_another_question_is_no_titles_question():
    # Regression: only right after the titles question.
    context = Context(frame=QuestionFrame(topic="fee", matter="extension"))
    assert not any(c.startswith("ask titles") for c in turn("ich bin Spanier, was kostet die Verlängerung?", context))


@pytest.mark.parametrize("text, language, answer", [
    ("Welche Voraussetzungen muss ich für eine Niederlassungserlaubnis erfüllen?", "de", "Niederlassungserlaubnis"),
    ("am I eligible for permanent residency after eight years?", "en", "settlement permit"),
    ("Welche Voraussetzungen gelten für die Verlängerung?", "de", PHONE),
    ("what are the requirements for a first residence permit?", "en", PHONE),
])
def test_requirements_are_answered_for_the_settlement_permit_and_honestly_otherwise(text, language, answer):
    [outcome] = conversation([text], language)
    assert answer in said(outcome), said(outcome)
    assert "nicht zuständig" not in said(outcome) and "not responsible" not in said(outcome)


@pytest.mark.parametrize("text, language, words", [
    ("how much money is a brand new permit?", "en", ["100"]),
    ("wie viel Geld muss ich für die Verlängerung einplanen?", "de", ["96"]),
])
def test_money_asks_the_fee(text, language, words):
    [outcome] = conversation([text], language)
    for word in words:
        assert word in said(outcome)


@pytest.mark.parametrize("text, switched", [
    ("what does it cost to extend my visa in Germany?", False),
    ("Wie lange darf ich in Germany bleiben?", False),
    ("in German please", True),
    ("can we continue in english?", True),
])
def test_a_country_is_no_language_switch(text, switched):
    assert any(c.startswith("switch") for c in turn(text)) == switched


@pytest.mark.parametrize("text, language", [
    ("Muss ich beim Antrag selbst erscheinen?", "de"), ("Muss ich da selber hin?", "de"),
    ("do I have to turn up myself?", "en"), ("Must I be present when they take the application?", "en"),
])
def test_being_there_oneself_is_the_appearance(text, language):
    assert turn(text)[0].startswith("ask appearance")


@pytest.mark.parametrize("first, second, language, asked, words", [
    ("Was kostet die Erteilung?", "super, und für meine Nichte, sie ist 9?", "de", "ask fee issue relative 9", ["50"]),
    ("Was kostet die Erteilung?", "prima. und für meinen Enkel (12)?", "de", "ask fee issue relative 12", ["50"]),
    ("What does an extension cost?", "great, and for my nephew aged 14?", "en", "ask fee extension relative 14", ["48"]),
    ("What does an extension cost?", "cool and for my stepdaughter?", "en", "ask fee extension child", ["48"]),
])
def test_more_relatives_and_a_word_of_thanks_before_the_follow_up(first, second, language, asked, words):
    from actions.dialogue.commands import AskQuestion
    from tests.dialogue.helpers import summary

    _, follow = conversation([first, second], language)
    assert summary(AskQuestion(follow.frame)) == asked
    for word in words:
        assert word in said(follow), said(follow)


@pytest.mark.parametrize("text, expected", [
    # "also" inside a question is no second question; after a comma it starts one.
    ("Does the Fiktionswirkung also apply to a Blue Card?", ["ask fiktion blue_card"]),
    ("Kann ich also meine Karte abholen lassen?", ["ask pickup"]),
    ("How much is the first permit, also do I need an appointment?", ["ask fee issue", "ask appointments appointment"]),
])
def test_also_inside_a_question_does_not_split_it(text, expected):
    assert turn(text) == expected


@pytest.mark.parametrize("text, language, words", [
    ("Was würde es kosten, meinen Mann nachzuholen?", "de", ["100"]),
    ("how much is it to bring my parents over to Berlin?", "en", ["100"]),
])
def test_bringing_family_over_is_family_reunification_with_its_offer(text, language, words):
    [outcome] = conversation([text], language)
    for word in words:
        assert word in said(outcome)
    assert [b["payload"] for b in outcome.replies[-1].buttons] == ["/enquiry_new_permit"]


@pytest.mark.parametrize("text", [
    "Wer braucht eigentlich einen Aufenthaltstitel?", "who even needs a permit here?",
])
def test_who_needs_a_title_in_other_words(text):
    assert turn(text) == ["ask titles"]


@pytest.mark.parametrize("text", [
    "Geht auch Kartenzahlung bei der Gebühr?", "Can I settle the fee with a debit card?",
    "Nehmen Sie PayPal?", "do you take payment by credit card at the counter?",
])
def test_paying_by_card_is_honestly_not_published(text):
    assert turn(text) == ["not_covered"]


@pytest.mark.parametrize("text, expected", [
    # Regression: the card's format is the eAT, a file format the uploads.
    ("Hat der eAT wirklich das Format einer Kreditkarte?", ["ask eat"]),
    ("is the new card in credit card format?", ["ask eat"]),
    ("In welchem Format soll ich die Scans schicken?", ["ask uploads"]),
])
def test_the_card_s_format_is_no_file_format(text, expected):
    assert turn(text, intent="faq_eat" if "eAT" in text else None) == expected


@pytest.mark.parametrize("text, language", [
    ("Darf ich die Unterlagen auch online einreichen?", "de"), ("Geht das mit den Papieren hier im Chat?", "de"),
    ("can I submit the papers online?", "en"), ("is it ok to send my docs via the chat?", "en"),
])
def test_sending_documents_through_the_chat_gets_the_upload_answer(text, language):
    [outcome] = conversation([text], language)
    assert "PDF" in said(outcome)


def test_what_to_bring_is_still_only_the_documents():
    assert turn("Was muss ich zum Termin mitbringen?") == ["ask documents appointment"]
