"""Which messages switch the conversation's language, and what else they ask.

A language spoken somewhere else (at the appointment, by someone at the office) is a question,
not a request to write in it; a request together with a question switches and answers it; the
words deciding this are content (content/questions.yml language_topic, language_elsewhere,
language_request), read the same way by the action server and by Rasa's language policy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.language import (
    QUESTIONS_PATH, choose_language, language_after_message, language_as_topic, language_words, requested_language,
)
from tests.dialogue.helpers import conversation, said, turn

ROOT = Path(__file__).resolve().parents[2]
PHONES = "99-2421"


@pytest.mark.parametrize("language, text", [
    ("en", "Will I be able to talk English during the appointment?"),
    ("en", "could we use English at the office, or do I need to bring a translator?"),
    ("en", "does anybody there speak English?"),
    ("en", "is there staff who speak german and english"),
    ("de", "Kann ich mich beim Termin auf Englisch unterhalten?"),
    ("de", "spricht bei euch vor ort jemand englisch"),
    ("de", "Gibt es auf dem Amt jemanden, der Englisch spricht?"),
])
def test_a_language_spoken_elsewhere_is_no_switch_and_honestly_not_published(language, text):
    assert language_as_topic(text) and requested_language(text) is None
    # The conversation keeps the language it is in (an English message in a German one moves it by
    # the words it is written in, never by the language it names).
    assert choose_language(text, language, None) == language
    for intent in (None, "switch_language"):
        assert turn(text, intent=intent) == ["not_covered"]
    [outcome] = conversation([text], language=language)
    assert PHONES in said(outcome) and "utter_language_switched" not in said(outcome)
    assert ("keine verlässliche Auskunft" in said(outcome)) == (language == "de")


@pytest.mark.parametrize("text, language, expected", [
    ("could you switch to English please, and what's the fee for a Blue Card", "en", ["switch en", "ask fee blue_card"]),
    ("in English pls. Which papers do I bring for renewing?", "en", ["switch en", "ask documents extension"]),
    ("Bitte auf Deutsch weiter. Wie teuer ist die Verlängerung für mein Kind?", "de",
     ["switch de", "ask fee extension child"]),
    ("auf deutsch bitte und muss ich persönlich kommen", "de", ["switch de", "ask appearance"]),
    ("switch to german and do I need an appointment", "de", ["switch de", "ask appointments appointment"]),
])
def test_a_request_and_a_question_switch_and_answer(text, language, expected):
    assert requested_language(text) == language
    assert turn(text) == expected
    assert turn(text, intent="switch_language") == expected
    other = "de" if language == "en" else "en"
    [outcome] = conversation([text], language=other)
    assert outcome.replies[0].response == "utter_language_switched"
    assert len(outcome.replies) >= 2 and outcome.replies[1].text  # the answer follows, in the new language


def test_the_answer_after_the_switch_is_in_the_new_language():
    [outcome] = conversation(["could you switch to English please, and what's the fee for a Blue Card"], language="de")
    assert "EUR 96" in said(outcome) and "Euro" not in said(outcome)


@pytest.mark.parametrize("text", ["English please", "auf Deutsch bitte", "can we speak English?"])
def test_a_request_alone_only_switches(text):
    assert turn(text) == [f"switch {requested_language(text)}"]


@pytest.mark.parametrize("text", [
    "brauch ich nen termin fur die abholung vom ausweis",
    "wieviel kostet verlangerung fur mein sohn",
    "muss ich fur die karte personlich hin",
    "was brauch ich fur unterlagen",
])
def test_colloquial_german_without_umlauts_stays_german(text):
    assert choose_language(text, "de", None) == "de"
    assert language_after_message(text, "de", "en", answered_before=False) == "de"  # a page preset in English
    assert choose_language(text, "en", None) == "de"  # written in German in an English conversation


# -- the words are content -------------------------------------------------------------------------

def _words_with(tmp_path: Path, changes: dict[str, tuple[list[str], list[str]]]):
    """content/questions.yml with words added to and removed from the language lists."""
    data = yaml.safe_load(QUESTIONS_PATH.read_text(encoding="utf-8"))
    for key, (added, removed) in changes.items():
        data[key] = [w for w in data[key] if w not in removed] + added
    path = tmp_path / "questions.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return language_words(path)


def test_a_word_added_to_content_changes_the_decision(tmp_path):
    text = "Kann ich im Wartezimmer Englisch sprechen?"
    assert requested_language(text) == "en"
    words = _words_with(tmp_path, {"language_elsewhere": (["im wartezimmer"], [])})
    assert language_as_topic(text, words) and requested_language(text, words) is None


def test_a_word_removed_from_content_changes_the_decision(tmp_path):
    text = "Spricht dort jemand Englisch?"
    assert language_as_topic(text)
    words = _words_with(tmp_path, {"language_topic": ([], ["jemand"])})
    assert not language_as_topic(text, words)


def test_a_request_word_in_content_outweighs_a_topic_word(tmp_path):
    text = "muss ich Englisch schreiben, gerne"
    assert requested_language(text) is None  # "muss": an obligation to write it
    words = _words_with(tmp_path, {"language_request": (["gerne"], [])})
    assert requested_language(text, words) == "en"


def test_content_words_match_folded_with_endings_and_gaps(tmp_path):
    words = _words_with(tmp_path, {"language_elsewhere": (["in der ... schlange", "warteraum*"], [])})
    assert language_as_topic("Kann ich in der langen Schlange Englisch reden?", words)
    assert language_as_topic("geht Englisch im Warteraumbereich?", words)
    assert not language_as_topic("Kann ich in der Schule Englisch reden?", words)


@pytest.mark.skipif(not (ROOT / ".venv-rasa" / "bin" / "python").exists(), reason="Rasa's environment is not installed")
def test_rasa_side_reads_the_same_content():
    """bot/language.py in Rasa's own environment (Python 3.10, the language policy) reads the words
    from content/questions.yml too: no library of the action server is needed there."""
    script = ("from bot.language import language_after_message as f; "
              "print(f('Spricht da jemand Englisch?', 'de', None, True), "
              "f('Can I use English at the appointment?', 'en', None, True), "
              "f('switch to german and do I need an appointment', 'en', None, True))")
    result = subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "python"), "-c", script], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["de", "en", "de"]


def test_one_matcher_for_the_model_and_the_language_policy():
    """The conversation model's word lists and the language lists match with the same code
    (bot/folding.py Words): the language lists without typos, a "*" word also inside a phrase."""
    from actions.dialogue.vocabulary import Words as ModelWords
    from bot.folding import Words

    words = language_words()
    assert ModelWords is Words and all(isinstance(w, Words) for w in (words.topic, words.elsewhere, words.request))
    assert words.request.any("antwortest mir auf englisch", typos=False)   # "antworte* mir auf"
    assert not words.request.any("antwort auf englisch", typos=False)          # "antworte*" needs its stem
    assert not Words.of(["kenntnisse"]).any("kentnisse", typos=False) and Words.of(["kenntnisse"]).any("kentnisse")


def test_a_language_name_added_to_content_is_read(tmp_path):
    """The names, wishes and detector words are content too (content/questions.yml language_*)."""
    data = yaml.safe_load(QUESTIONS_PATH.read_text(encoding="utf-8"))
    assert requested_language("inglisch bitte") is None
    data["language_names"]["en"].append("inglisch")
    path = tmp_path / "questions.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert requested_language("inglisch bitte", language_words(path)) == "en"
