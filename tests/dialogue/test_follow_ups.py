"""Follow-ups fill only what they change; the answer is composed for the new frame."""

from __future__ import annotations

import pytest

from tests.dialogue.helpers import conversation, said, summary

FOLLOW_UPS = [
    # (first question, follow-up, what the follow-up asks, words the answer must contain)
    ("Was kostet eine Verlängerung?", "Und für ein Kind von 9?", "ask fee extension child 9", ["48"]),
    ("Was kostet eine Verlängerung?", "und für meinen Sohn?", "ask fee extension child", ["48"]),
    ("Was kostet eine Verlängerung?", "und bei einer Erteilung?", "ask fee issue", ["100"]),
    ("Was kostet eine Verlängerung?", "Und das Visum?", "ask fee visa_extension", ["25", "60"]),
    ("Was kostet eine Verlängerung?", "und mit 17?", "ask fee extension child 17", ["48"]),
    ("Was kostet die Erteilung für mein Kind (3)?", "und wenn es 18 ist?", "ask fee issue child 18", ["100"]),
    ("Was kostet die Erteilung für ein Kind?", "und für Erwachsene mit 30?", "ask fee issue child 30", ["100"]),
    ("Was kostet ein Visum zu verlängern?", "Und für Kinder?", "ask fee visa_extension child", ["12,50", "30"]),
    ("Wie teuer ist die Erteilung?", "und für meine Tochter, 2 Jahre alt?", "ask fee issue child 2", ["50"]),
    ("What does a renewal cost?", "and for a kid of 11?", "ask fee extension child 11", ["48"]),
    ("What does a renewal cost?", "and for my daughter?", "ask fee extension child", ["48"]),
    ("What does a renewal cost?", "and a new permit?", "ask fee issue", ["100"]),
    ("What does a renewal cost?", "what about a visa?", "ask fee visa_extension", ["25", "60"]),
    ("What's the fee for a new permit for my son aged 8?", "and at 21?", "ask fee issue child 21", ["100"]),
    ("How much is extending a visa?", "and for children?", "ask fee visa_extension child", ["12.50", "30"]),
    # documents
    ("Welche Unterlagen brauche ich?", "und für meine Tochter?", "ask documents child", ["Pass", "Kind"]),
    ("What documents should I bring?", "and for my son?", "ask documents child", ["passport", "child"]),
    # appearance
    ("Muss ich persönlich kommen?", "und mein Sohn, er ist 8?", "ask appearance child 8", ["8", "6"]),
    ("Muss ich persönlich kommen?", "und mein Baby mit 1?", "ask appearance child 1", ["6", "99-2421"]),
    ("Do I have to come in person?", "and my daughter who is 3?", "ask appearance child 3", ["6", "99-2421"]),
    ("Do I have to come in person?", "and my 12 year old?", "ask appearance child 12", ["12", "6"]),
    # pick-up
    ("Kann jemand meine Karte abholen?", "und für mein Kind mit 10?", "ask pickup child 10", ["16", "99-2421"]),
    ("Can someone pick up my card?", "and for my son, 13?", "ask pickup child 13", ["16", "99-2421"]),
    ("Can someone pick up my card?", "and if he is 17?", "ask pickup child 17", ["16", "form"]),
    # Fiktionswirkung
    ("Was ist die Fiktionswirkung?", "und bei einem Touristenvisum?", "ask fiktion schengen_visa", ["Schengen", "nicht"]),
    ("Was ist die Fiktionswirkung?", "und beim Studentenvisum?", "ask fiktion national_visa", ["nationales Visum"]),
    ("What is the Fiktionswirkung?", "and for a Schengen visa?", "ask fiktion visa_extension schengen_visa", ["does not apply"]),
    ("What is the Fiktionswirkung?", "and with a national visa?", "ask fiktion visa_extension national_visa", ["national visa"]),
    ("What is the Fiktionswirkung?", "and with my Blue Card?", "ask fiktion blue_card", ["on time"]),
]


@pytest.mark.parametrize("first, second, asked, words", FOLLOW_UPS)
def test_follow_up_keeps_the_topic_and_changes_only_what_it_says(first, second, asked, words):
    language = "de" if any(w in first for w in ("Was", "Welche", "Muss", "Kann", "Wie")) else "en"
    _, follow = conversation([first, second], language)
    assert follow.frame is not None and summary_of(follow) == asked
    for word in words:
        assert word in said(follow), (word, said(follow))


def summary_of(outcome) -> str:
    from actions.dialogue.commands import AskQuestion

    return summary(AskQuestion(outcome.frame))


@pytest.mark.parametrize("first, second", [
    ("Was kostet eine Verlängerung?", "danke"),
    ("Was kostet eine Verlängerung?", "ok"),
    ("What does a renewal cost?", "thanks a lot"),
    ("What does a renewal cost?", "hello"),
])
def test_small_talk_after_a_question_is_no_follow_up(first, second):
    _, reply = conversation([first, second])
    assert not reply.answered and reply.unclear


def test_a_follow_up_without_a_previous_question_is_not_guessed():
    [reply] = conversation(["und für mein Kind?"])
    assert not reply.answered


def test_three_turns_each_change_one_thing():
    first, second, third = conversation(["Was kostet die Erteilung?", "und die Verlängerung?", "für mein Kind von 4"])
    assert "100" in said(first) and "96" in said(second) and "48" in said(third)


@pytest.mark.parametrize("first, second, language, asked, words", [
    # A filler before "and" is no clause of its own: the follow-up keeps the previous topic.
    ("Was kostet die Verlängerung?", "ok und für meinen Mann auch?", "de", "ask fee extension relative", ["96"]),
    ("Was kostet die Verlängerung?", "alles klar, und für meine Tochter mit 7?", "de", "ask fee extension child 7", ["48"]),
    ("What is the fee for a first permit?", "right, and my husband's?", "en", "ask fee issue relative", ["100"]),
    ("What is the fee for a first permit?", "okay and for our son, 4?", "en", "ask fee issue child 4", ["50"]),
])
def test_a_filler_before_and_keeps_the_follow_up(first, second, language, asked, words):
    _, follow = conversation([first, second], language)
    assert summary_of(follow) == asked
    for word in words:
        assert word in said(follow), said(follow)


def test_a_filler_alone_is_still_small_talk():
    _, reply = conversation(["Was kostet die Verlängerung?", "ok"])
    assert not reply.answered
