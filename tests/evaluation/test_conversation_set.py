"""The conversation evaluation set is well formed, balanced and never used for training."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.staffcheck.conversations import KINDS, form_markers, judge_turn, load_conversations
from bot.staffcheck.project import Project
from tests.nlu.nlu_data import normalise, training_examples

ROOT = Path(__file__).resolve().parents[2]
CONVERSATIONS = load_conversations(ROOT / "tests" / "evaluation" / "conversations")
# The blind held-out set (written without looking at the model): same rules, smaller.
HELDOUT = load_conversations(ROOT / "tests" / "evaluation" / "heldout")
# The fresh blind set (issue 14; written without looking at the model or the other sets).
FRESH = load_conversations(ROOT / "tests" / "evaluation" / "fresh")
# The final blind set (issue 14; written without looking at the model or the other sets, played
# once at the end of a session's work).
FINAL = load_conversations(ROOT / "tests" / "evaluation" / "final")


def test_at_least_150_conversations_about_half_in_each_language():
    languages = Counter(c.language for c in CONVERSATIONS)
    assert len(CONVERSATIONS) >= 150
    assert set(languages) == {"de", "en"} and abs(languages["de"] - languages["en"]) <= 10


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_kind_is_covered_in_each_language(language):
    kinds = Counter(c.kind for c in CONVERSATIONS if c.language == language)
    assert all(kinds[kind] >= 5 for kind in KINDS), kinds


def test_heldout_set_has_30_per_language_covering_every_kind():
    assert Counter(c.language for c in HELDOUT) == {"de": 30, "en": 30}
    for language in ("de", "en"):
        kinds = Counter(c.kind for c in HELDOUT if c.language == language)
        assert all(kinds[kind] >= 2 for kind in KINDS), kinds


def test_heldout_ids_differ_from_the_main_set():
    assert not {c.id for c in HELDOUT} & {c.id for c in CONVERSATIONS}


def test_fresh_set_has_40_per_language_every_kind_and_12_follow_ups():
    languages = Counter(c.language for c in FRESH)
    assert set(languages) == {"de", "en"} and all(n >= 40 for n in languages.values()), languages
    for language in ("de", "en"):
        kinds = Counter(c.kind for c in FRESH if c.language == language)
        assert all(kinds[kind] >= 2 for kind in KINDS), kinds
        assert kinds["follow_up"] >= 12, kinds


def test_fresh_ids_differ_from_the_other_sets():
    assert not {c.id for c in FRESH} & {c.id for c in CONVERSATIONS + HELDOUT}


def test_fresh_messages_are_not_copied_from_the_other_sets():
    """(Short form answers such as a purpose or "cancel" are exempt.)"""
    others = {normalise(t.say) for c in CONVERSATIONS + HELDOUT for t in c.turns}
    assert not [t.say for c in FRESH for t in c.turns if normalise(t.say) in others and len(t.say.split()) > 3]


def test_final_set_has_40_per_language_every_kind_and_14_follow_ups():
    languages = Counter(c.language for c in FINAL)
    assert set(languages) == {"de", "en"} and all(n >= 40 for n in languages.values()), languages
    for language in ("de", "en"):
        kinds = Counter(c.kind for c in FINAL if c.language == language)
        assert all(kinds[kind] >= 2 for kind in KINDS), kinds
        assert kinds["follow_up"] >= 14, kinds


def test_final_ids_differ_from_the_other_sets():
    assert not {c.id for c in FINAL} & {c.id for c in CONVERSATIONS + HELDOUT + FRESH}


def test_final_messages_are_not_copied_from_the_other_sets():
    """(Short form answers such as a purpose or a name are exempt.)"""
    others = {normalise(t.say) for c in CONVERSATIONS + HELDOUT + FRESH for t in c.turns}
    assert not [t.say for c in FINAL for t in c.turns if normalise(t.say) in others and len(t.say.split()) > 3]


def test_follow_ups_and_mid_form_conversations_have_several_turns():
    for c in CONVERSATIONS + HELDOUT + FRESH + FINAL:
        if c.kind in ("follow_up", "mid_form"):
            assert len(c.turns) >= 2, c.id


def test_every_conversation_checks_something():
    assert all(any(t.expect for t in c.turns) for c in CONVERSATIONS + HELDOUT + FRESH + FINAL)


def test_follow_ups_check_the_second_message():
    """A follow-up measures whether the context carries: its later turns must be checked."""
    for c in FRESH + FINAL:
        if c.kind == "follow_up":
            assert all(t.expect for t in c.turns[1:]), c.id


def test_no_evaluation_message_is_a_training_example():
    """(One- or two-word answers to the form's questions, such as "Studium" or "cancel", are exempt.)"""
    training = {normalise(text) for _, text in training_examples()}
    leaked = [t.say for c in CONVERSATIONS + HELDOUT + FRESH + FINAL for t in c.turns
              if normalise(t.say) in training and len(t.say.split()) > 3]
    assert not leaked


def _markers():
    responses = {name: r.variations for name, r in Project(ROOT).domain.responses.items()}
    return form_markers(responses)


def test_judge_recognises_form_start_questions_offers_and_honest_answers():
    asks, start = _markers()
    opening = [{"text": "Gern nehme ich Ihr Anliegen auf: „X“. Ich stelle Ihnen einige Fragen."},
               {"text": "Wie heißen Sie? Bitte Vorname(n) und Familienname"}]
    assert judge_turn({"form": True, "asks": "given_names"}, opening, asks, start) == []
    assert judge_turn({"form": False}, opening, asks, start)
    answer = [{"text": "Die Gebühr beträgt 96 Euro.", "buttons": [{"title": "x", "payload": "/enquiry_extend_permit"}]}]
    assert judge_turn({"all": ["96"], "form": False, "offer": True}, answer, asks, start) == []
    assert judge_turn({"all": ["48"]}, answer, asks, start) == ["missing '48'"]
    assert judge_turn({"offer": True}, [{"text": "96 Euro"}], asks, start) == ["no enquiry offered"]
    honest = [{"text": "Dazu habe ich leider keine verlässliche Auskunft. Telefon: 99-2421, 99-2230."}]
    assert judge_turn({"no_info": True}, honest, asks, start) == []
    assert judge_turn({"no_info": True}, [{"text": "Dafür sind wir nicht zuständig."}], asks, start)
