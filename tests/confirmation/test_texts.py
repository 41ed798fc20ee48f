"""content/confirmation.yml: complete in both languages, true to the seed, checked on load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.confirmation.texts import TEXTS_PATH, ConfirmationTextError, country_name, load_texts, text

SEED = Path("/work/shared/seeds/000_2734fd280de77d96.txt")

# Sentences and phrases the office published in seed 000 that the document repeats.
SEED_PHRASES = {
    ("fiktion_applies", "de"): [
        "mitsamt den Nebenbestimmungen im Bundesgebiet bis zur Vorsprache im LEA als rechtmäßig",
        "weiter im bisherigen Umfang arbeiten oder studieren, auch wenn",
    ],
    ("fiktion_applies", "en"): [
        "together with the ancillary provisions, is deemed lawful within German federal territory until you "
        "have your interview at the Immigration Office",
        "even if your residence title expires you can continue to work or study to the same extent as before",
    ],
    ("save_and_print", "de"): ["Bitte speichern Sie sich dieses Dokument ab und drucken es zudem auch nach Möglichkeit aus."],
    ("save_and_print", "en"): ["Please save this document and print a copy if possible."],
    ("no_status_enquiries", "de"): ["Sehen Sie bitte von Sachstandsanfragen ab."],
}


def leaves(node, path=()):
    """(dotted key, entry) of every de/en pair in the table."""
    if isinstance(node, dict) and ("de" in node or "en" in node):
        yield ".".join(path), node
    elif isinstance(node, dict):
        for key, sub in node.items():
            yield from leaves(sub, (*path, key))


def test_every_text_in_german_and_english():
    pairs = list(leaves(load_texts()))
    assert len(pairs) > 25
    for key, entry in pairs:
        assert entry.get("de") and entry.get("en"), key


@pytest.mark.parametrize(("key", "lang"), list(SEED_PHRASES))
def test_statements_quote_the_seed(key, lang):
    body = text(key, lang, title="X", expiry="Y") if key == "fiktion_applies" else text(key, lang)
    for phrase in SEED_PHRASES[(key, lang)]:
        assert phrase in body
    assert load_texts()[key].get("source", "").startswith("seed 000")


@pytest.mark.skipif(not SEED.exists(), reason="seed texts not on this machine")
def test_the_quoted_phrases_are_in_the_seed():
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    for phrases in SEED_PHRASES.values():
        for phrase in phrases:
            assert phrase in seed, phrase


def test_placeholders_must_match(tmp_path):
    broken = yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))
    broken["fiktion_applies"]["en"] = broken["fiktion_applies"]["en"].replace("{expiry}", "soon")
    path = tmp_path / "confirmation.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfirmationTextError, match="fiktion_applies.*placeholders"):
        load_texts(path)


def test_missing_language_is_named(tmp_path):
    broken = yaml.safe_load(TEXTS_PATH.read_text(encoding="utf-8"))
    del broken["fields"]["unit"]["en"]
    path = tmp_path / "confirmation.yml"
    path.write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfirmationTextError, match=r"fields\.unit.*en"):
        load_texts(path)


@pytest.mark.parametrize(
    ("code", "de", "en"),
    [("TUR", "Türkei", "Türkiye"), ("KOR", "Südkorea", "South Korea"), ("XXA", "staatenlos", "stateless"),
     ("xkx", "Kosovo", "Kosovo"), ("QQQ", "QQQ", "QQQ")],
)
def test_country_names(code, de, en):
    assert (country_name(code, "de"), country_name(code, "en")) == (de, en)
