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
# The blind sets (issue 14), each written without looking at the model or the other sets, in the
# order they were written: name, minimum per language, minimum follow-ups per language.
# "dev" (2026-12-01) guides a session's work by its failure kinds; its wording is never copied.
# "sealed" (2026-12-01) was kept outside the repository until the work was done and played once.
# "dev2" and "sealed2" (2026-12-02): the same pair again, by two other writers; "sealed3" (2026-12-02,
# a third writer) kept outside the repository until that session's work had landed, played once;
# "sealed4" (2026-12-02, a fourth writer) the same, played once on main bd08e14.
BLIND = {"heldout": (30, 0), "fresh": (40, 12), "final": (40, 14), "dev": (55, 12), "sealed": (82, 18),
         "dev2": (85, 20), "sealed2": (85, 20),
         "sealed3": (85, 20), "sealed4": (85, 20), "dev6": (15, 0), "dev5": (12, 0),
         "dev3": (40, 40)}
# Sets of some kinds only: "dev6" (2026-12-02, branch colloq14) is colloquial first turns, typos, two
# questions and not covered, 15 per language; "dev5" (2026-12-02, branch midform14) is mid-enquiry
# moves, 12 per language; "dev3" (2026-12-02, branch follow14) is 40 follow-ups per language.
SOME_KINDS = {"dev6": ("colloquial", "typos", "two_questions", "not_covered"), "dev5": ("mid_form",),
              "dev3": ("follow_up",)}
SETS = {name: load_conversations(ROOT / "tests" / "evaluation" / name) for name in BLIND}
EVERY = CONVERSATIONS + [c for name in BLIND for c in SETS[name]]


def test_at_least_150_conversations_about_half_in_each_language():
    languages = Counter(c.language for c in CONVERSATIONS)
    assert len(CONVERSATIONS) >= 150
    assert set(languages) == {"de", "en"} and abs(languages["de"] - languages["en"]) <= 10


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_kind_is_covered_in_each_language(language):
    kinds = Counter(c.kind for c in CONVERSATIONS if c.language == language)
    assert all(kinds[kind] >= 5 for kind in KINDS), kinds


@pytest.mark.parametrize("name", BLIND)
def test_blind_set_is_balanced_and_covers_every_kind(name):
    per_language, follow_ups = BLIND[name]
    languages = Counter(c.language for c in SETS[name])
    assert set(languages) == {"de", "en"} and all(n >= per_language for n in languages.values()), languages
    for language in ("de", "en"):
        kinds = Counter(c.kind for c in SETS[name] if c.language == language)
        if name in SOME_KINDS:
            assert set(kinds) == set(SOME_KINDS[name]) and all(kinds[k] >= 2 for k in SOME_KINDS[name]), kinds
        else:
            assert all(kinds[kind] >= 2 for kind in KINDS), kinds
        assert kinds["follow_up"] >= follow_ups, kinds


def _earlier(name):
    """The sets written before `name`."""
    names = list(BLIND)
    return CONVERSATIONS + [c for earlier in names[:names.index(name)] for c in SETS[earlier]]


@pytest.mark.parametrize("name", BLIND)
def test_blind_ids_differ_from_the_earlier_sets(name):
    assert not {c.id for c in SETS[name]} & {c.id for c in _earlier(name)}


@pytest.mark.parametrize("name", [n for n in BLIND if n != "heldout"])
def test_blind_messages_are_not_copied_from_the_earlier_sets(name):
    """(Short form answers such as a purpose, a name or "cancel" are exempt.)"""
    others = {normalise(t.say) for c in _earlier(name) for t in c.turns}
    assert not [t.say for c in SETS[name] for t in c.turns if normalise(t.say) in others and len(t.say.split()) > 3]


def test_follow_ups_and_mid_form_conversations_have_several_turns():
    for c in EVERY:
        if c.kind in ("follow_up", "mid_form"):
            assert len(c.turns) >= 2, c.id


def test_every_conversation_checks_something():
    assert all(any(t.expect for t in c.turns) for c in EVERY)


def test_follow_ups_check_the_second_message():
    """A follow-up measures whether the context carries: its later turns must be checked."""
    for c in [c for name in BLIND if name != "heldout" for c in SETS[name]]:
        if c.kind == "follow_up":
            assert all(t.expect for t in c.turns[1:]), c.id


def test_no_evaluation_message_is_a_training_example():
    """(One- or two-word answers to the form's questions, such as "Studium" or "cancel", are exempt.)"""
    training = {normalise(text) for _, text in training_examples()}
    leaked = [t.say for c in EVERY for t in c.turns if normalise(t.say) in training and len(t.say.split()) > 3]
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
