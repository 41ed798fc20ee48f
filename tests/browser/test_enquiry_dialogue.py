"""The channel tests' recogniser: every question of domain/ is found from its rendered text."""

from __future__ import annotations

import pytest

from enquiry_dialogue import PLACEHOLDER, ResponseTexts, english_person, german_person


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_question_is_recognised_with_its_placeholders_filled(language):
    """Each utter_ask_* variant, rendered with values and other line breaks, maps back to its field."""
    texts = ResponseTexts.load(language)
    questions = [t for t in texts.templates if t.name.startswith("utter_ask_")]
    assert len(questions) >= 15
    for template in questions:
        sample = PLACEHOLDER.sub("Berlin\n• Feld: Wert", template.text).replace(" ", "\n", 1)
        assert texts.asked_field(sample) == template.name.removeprefix("utter_ask_"), sample


def test_summary_is_the_confirmation_question_not_a_field_it_lists():
    """The summary names many fields; it is still recognised as the confirmation question."""
    texts = ResponseTexts.load("de")
    summary = ("Bitte prüfen Sie Ihre Angaben:\n• Anschrift: Musterstraße 12, 10115 Berlin\n"
               "• E-Mail: a@example.org\nSoll ich das Anliegen so an die zuständige Stelle senden?")
    assert texts.asked_field(summary) == "confirmed"
    assert texts.identify("Something the assistant never says.") is None


@pytest.mark.parametrize("person", [german_person(), english_person()], ids=["de", "en"])
def test_the_answer_books_cover_every_question_of_the_extension(person):
    """Every field the extension concern may ask has an answer (optional ones are skipped)."""
    from bot.catalogue import load_catalogue

    concern = load_catalogue().concerns["residence_permit_extension"]
    missing = set(concern.field_ids()) - set(person.replies)
    assert not missing and "confirmed" in person.replies
