"""The knowledge file: every answer renders in both languages, and broken data is refused."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from bot import knowledge
from bot.config import get_settings
from bot.knowledge import KNOWLEDGE_PATH, KnowledgeError, answer, load_knowledge, parse_knowledge

FAQ_INTENTS = ["faq_fees", "faq_documents", "faq_eat", "faq_pickup_proxy", "faq_appointments",
               "faq_status", "faq_fiktionswirkung", "faq_contact_channels", "faq_uploads",
               "faq_titles", "faq_settlement_info", "faq_not_covered"]


@pytest.fixture
def raw() -> dict:
    """The real knowledge file as parsed YAML, to break in tests."""
    return yaml.safe_load(KNOWLEDGE_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("intent", FAQ_INTENTS + ["ask_human"])
def test_every_answer_renders_without_placeholders(intent: str, language: str) -> None:
    text = answer(intent, language)
    assert text and len(text) > 40
    assert not re.search(r"[{}]", text), text


def test_unknown_intent_has_no_answer() -> None:
    assert answer("faq_nonexistent", "de") is None


def test_unsupported_language_falls_back_to_german() -> None:
    assert answer("faq_fees", "tr") == answer("faq_fees", "de")


def test_money_is_formatted_per_language() -> None:
    assert "100 Euro" in answer("faq_fees", "de")
    assert "96 Euro" in answer("faq_fees", "de")
    assert "EUR 100" in answer("faq_fees", "en")
    assert "EUR 25 to EUR 60" in answer("faq_fees", "en")
    assert "Euro" not in answer("faq_fees", "en").replace("EUR", "")


def test_dates_and_lists_are_formatted_per_language() -> None:
    assert "01.09.2011" in answer("faq_eat", "de")
    assert "1 September 2011" in answer("faq_eat", "en")
    assert "99-2421, 99-2230, 99-2024, 99-2195 oder 99-2422" in answer("faq_appointments", "de")
    assert "99-2195 or 99-2422" in answer("faq_appointments", "en")


def test_seed_facts_are_the_published_ones() -> None:
    facts = load_knowledge().facts
    assert (facts["fee_issue_eur"], facts["fee_extension_eur"]) == (100, 96)
    assert (facts["fee_visa_extension_min_eur"], facts["fee_visa_extension_max_eur"]) == (25, 60)
    assert facts["minor_fee_factor"] == 0.5
    assert facts["pickup_proxy_min_age"] == 16 and facts["fingerprints_from_age"] == 6


def test_upload_limits_stated_match_the_limits_enforced() -> None:
    facts, settings = load_knowledge().facts, get_settings()
    assert facts["upload_max_files"] == settings.upload_max_files
    assert facts["upload_max_file_mb"] * 1024 * 1024 == settings.upload_max_file_bytes
    assert facts["upload_max_total_mb"] * 1024 * 1024 == settings.upload_max_total_bytes


def test_every_answer_names_a_source() -> None:
    for intent in FAQ_INTENTS:
        assert knowledge.sources(intent), intent


def test_fiktionswirkung_answer_is_careful() -> None:
    de, en = answer("faq_fiktionswirkung", "de"), answer("faq_fiktionswirkung", "en")
    assert "Schengen" in de and "Schengen" in en
    assert "rechtzeitig" in de and "on time" in en
    assert "speichern" in de and "print" in en


def test_missing_english_text_is_refused_with_the_entry_named(raw: dict) -> None:
    del raw["answers"]["faq_eat"]["en"]
    with pytest.raises(KnowledgeError, match=r"answer 'faq_eat'.*English \(en\)"):
        parse_knowledge(raw)


def test_unknown_placeholder_is_refused(raw: dict) -> None:
    raw["answers"]["faq_fees"]["de"] += " {fee_unknown_eur}"
    with pytest.raises(KnowledgeError, match=r"answer 'faq_fees' \(de\).*\{fee_unknown_eur\}"):
        parse_knowledge(raw)


def test_broken_placeholder_is_refused(raw: dict) -> None:
    raw["answers"]["faq_status"]["en"] += " {oops"
    with pytest.raises(KnowledgeError, match=r"answer 'faq_status' \(en\).*broken placeholder"):
        parse_knowledge(raw)


def test_answer_without_source_is_refused(raw: dict) -> None:
    raw["answers"]["faq_documents"]["sources"] = []
    with pytest.raises(KnowledgeError, match=r"answer 'faq_documents'.*sources"):
        parse_knowledge(raw)


def test_fact_without_source_is_refused(raw: dict) -> None:
    del raw["facts"]["fee_issue_eur"]["source"]
    with pytest.raises(KnowledgeError, match=r"fact 'fee_issue_eur'.*source"):
        parse_knowledge(raw)


def test_amount_that_is_not_a_number_is_refused(raw: dict) -> None:
    raw["facts"]["fee_extension_eur"]["value"] = "96 Euro"
    with pytest.raises(KnowledgeError, match=r"fact 'fee_extension_eur'.*number"):
        parse_knowledge(raw)


def test_missing_fee_fact_is_refused(raw: dict) -> None:
    del raw["facts"]["minor_fee_factor"]
    with pytest.raises(KnowledgeError, match="minor_fee_factor"):
        parse_knowledge(raw)


def test_fee_template_with_unknown_variable_is_refused(raw: dict) -> None:
    raw["fee_quotes"]["templates"]["minor_age"]["en"] = "For {case}: {price}"
    with pytest.raises(KnowledgeError, match=r"fee_quotes.templates 'minor_age' \(en\).*\{price\}"):
        parse_knowledge(raw)


def test_missing_fee_template_is_refused(raw: dict) -> None:
    del raw["fee_quotes"]["templates"]["minor_all"]
    with pytest.raises(KnowledgeError, match="minor_all"):
        parse_knowledge(raw)


def test_invalid_yaml_is_refused_with_a_clear_message(tmp_path) -> None:
    broken = tmp_path / "knowledge.yml"
    broken.write_text("facts: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        load_knowledge.__wrapped__(broken)


def test_edited_fact_changes_the_answer(raw: dict) -> None:
    edited = copy.deepcopy(raw)
    edited["facts"]["fee_issue_eur"]["value"] = 110
    assert "110 Euro" in answer("faq_fees", "de", parse_knowledge(edited))


def test_concerns_named_in_answers_exist_in_the_catalogue() -> None:
    """An answer saying 'choose "X"' must name a concern the menu really shows."""
    from bot.catalogue import load_catalogue

    names = {c.label(lang) for c in load_catalogue().concerns.values() for lang in ("de", "en")}
    quoted = []
    for intent in FAQ_INTENTS + ["ask_human"]:
        quoted += re.findall(r"[Ww]ählen Sie[^„]*„([^“]+)“", answer(intent, "de"))
        quoted += re.findall(r'choose "([^"]+)"', answer(intent, "en"))
    assert quoted and set(quoted) <= names, set(quoted) - names


def test_offers_name_concerns_of_the_catalogue() -> None:
    """An offered button must start an enquiry the menu also offers."""
    from bot.catalogue import load_catalogue

    concern_intents = {c.intent for c in load_catalogue().concerns.values()}
    offers = load_knowledge().offers
    assert offers and set(offers.values()) <= concern_intents
    assert knowledge.offer("faq_not_covered") == "enquiry_other"
    assert knowledge.offer("faq_fees") is None


def test_offer_that_is_not_a_concern_is_refused(raw: dict) -> None:
    raw["answers"]["faq_status"]["offer"] = "utter_greet"
    with pytest.raises(KnowledgeError, match=r"answer 'faq_status'.*'offer:'"):
        parse_knowledge(raw)


@pytest.mark.parametrize("language", ["de", "en"])
def test_not_covered_answer_states_no_fact_but_the_way_to_staff(language: str) -> None:
    text = answer("faq_not_covered", language)
    assert {"de": "keine verlässliche Auskunft", "en": "no reliable information"}[language] in text
    # Only the phone numbers are figures: no durations, amounts or dates.
    assert not re.search(r"\d", re.sub(r"99-\d{4}", "", text)), text
