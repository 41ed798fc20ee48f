"""Read the NLU training and held-out files (Rasa 3 YAML) into plain (intent, text) pairs."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TRAINING_DIR = PROJECT_ROOT / "data" / "nlu"
HELD_OUT_DIR = Path(__file__).resolve().parent
LANGUAGES = ("de", "en")

INTENTS = {
    "general": ["greet", "goodbye", "thank", "affirm", "deny", "cancel", "start_over", "show_menu",
                "bot_challenge", "ask_human", "insult", "switch_language"],
    "enquiries": ["enquiry_new_permit", "enquiry_extend_permit", "enquiry_settlement_permit",
                  "enquiry_extend_visa", "enquiry_card_pickup", "enquiry_change_data",
                  "enquiry_lost_card", "enquiry_appointment", "enquiry_other", "start_enquiry"],
    "faq": ["faq_fees", "faq_documents", "faq_eat", "faq_pickup_proxy", "faq_appointments",
            "faq_status", "faq_fiktionswirkung", "faq_contact_channels", "faq_uploads",
            "faq_titles", "faq_settlement_info", "faq_not_covered"],
    "form": ["inform", "correct_field", "skip", "request_confirmation", "upload_received"],
    "out_of_scope": ["out_of_scope"],
}
ALL_INTENTS = [name for names in INTENTS.values() for name in names]
# Intents kept in other engineers' files under data/nlu (file stem -> intents); only checked for clashes.
OTHER_INTENTS = {"uploads": ["upload_refused"], "follow_up": ["add_to_case"]}


def normalise(text: str) -> str:
    """Lowercase and strip punctuation at the ends, the way duplicates look to a classifier."""
    return re.sub(r"\s+", " ", text.strip().lower()).strip(" .!?,")


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, text) pairs of one Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if str(data.get("version")) != "3.1":
        raise ValueError(f"{path}: version must be \"3.1\"")
    pairs = []
    for block in data.get("nlu") or []:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line:
                if not line.startswith("- "):
                    raise ValueError(f"{path}: example line without '- ': {line!r}")
                pairs.append((block["intent"], line[2:].strip()))
    return pairs


def training_examples(language: str | None = None) -> list[tuple[str, str]]:
    """All training pairs, optionally of one language."""
    langs = [language] if language else LANGUAGES
    return [pair for lang in langs for path in sorted((TRAINING_DIR / lang).glob("*.yml"))
            for pair in read_examples(path)]


def by_intent(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Texts grouped by intent."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for intent, text in pairs:
        grouped[intent].append(text)
    return grouped
