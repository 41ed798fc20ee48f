"""Fee quotes worked out from a client's own words (typos, missing umlauts, both languages)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.knowledge import compute_fee, format_money

D = Decimal

# message, language, case, minor, age, payable low, payable high
CASES = [
    ("Mein Sohn ist 12, was kostet die Verlängerung?", "de", "extension", True, 12, D(48), D(48)),
    ("verlaengerung kind 12", "de", "extension", True, 12, D(48), D(48)),
    ("verlangerung fur meine tochter (9)", "de", "extension", True, 9, D(48), D(48)),
    ("Was kostet die Erteilung für ein Kind von 7 Jahren?", "de", "issue", True, 7, D(50), D(50)),
    ("Erteilung Aufenthaltserlaubnis, minderjährig", "de", "issue", True, None, D(50), D(50)),
    ("Was kostet die Erteilung einer Aufenthaltserlaubnis?", "de", "issue", False, None, D(100), D(100)),
    ("kosten verlängerung", "de", "extension", False, None, D(96), D(96)),
    ("Visum verlängern, was kostet das?", "de", "visa_extension", False, None, D(25), D(60)),
    ("visumverlaengerung fuer mein 10-jähriges kind", "de", "visa_extension", True, 10, D("12.5"), D(30)),
    ("Ich bin 17 Jahre alt, Verlängerung kosten?", "de", "extension", True, 17, D(48), D(48)),
    ("ich bin 18, verlängerung", "de", "extension", False, 18, D(96), D(96)),
    ("Verlängerung für 2 Jahre, was kostet das?", "de", "extension", False, None, D(96), D(96)),
    ("Ich lebe seit 5 Jahren hier, was kostet die Verlängerung?", "de", "extension", False, None, D(96), D(96)),
    ("Termin am 3. März, was kostet die Verlängerung?", "de", "extension", False, None, D(96), D(96)),
    ("kid 15 extension", "en", "extension", True, 15, D(48), D(48)),
    ("how much to extend the permit for my son (12)", "en", "extension", True, 12, D(48), D(48)),
    ("extention fee for a 16 year old", "en", "extension", True, 16, D(48), D(48)),
    ("new residence permit for my daughter aged 4", "en", "issue", True, 4, D(50), D(50)),
    ("18 years, how much is the extension", "en", "extension", False, 18, D(96), D(96)),
    ("schengen visa extension cost", "en", "visa_extension", False, None, D(25), D(60)),
    ("how much is the renewal, it costs 96 euro right?", "en", "extension", False, None, D(96), D(96)),
    ("I'm an adult, apply for a residence permit", "en", "issue", False, None, D(100), D(100)),
    ("whats the price for a new permit for my daugter shes 10", "en", "issue", True, 10, D(50), D(50)),
    ("extending for my doughter, she is 17", "en", "extension", True, 17, D(48), D(48)),
    ("was kostet die verlängerung für meinen sohn, er ist 12", "de", "extension", True, 12, D(48), D(48)),
    ("verlängerung für meine tocher 5 jahre alt", "de", "extension", True, 5, D(48), D(48)),
]


@pytest.mark.parametrize("text,language,case,minor,age,low,high", CASES)
def test_fee_is_computed_from_the_message(text, language, case, minor, age, low, high) -> None:
    quote = compute_fee(text, language)
    assert quote is not None, text
    assert (quote.case, quote.minor, quote.age) == (case, minor, age)
    assert (quote.low_eur, quote.high_eur) == (low, high)
    assert format_money(low, language) in quote.text


@pytest.mark.parametrize("text", [
    "Was kostet das?",                        # nothing to compute: the general answer lists all fees
    "how much is it",
    "Was kostet die Niederlassungserlaubnis?",  # not in the sources: staff are asked
    "settlement permit fee",
    "blue card extend pls",                    # Blue Card fee is not stated in the sources
    "Was kostet ein neuer Pass?",
])
def test_no_quote_when_the_message_names_no_computable_fee(text: str) -> None:
    assert compute_fee(text, "de") is None


def test_child_quote_in_german_names_the_age_and_the_full_fee() -> None:
    quote = compute_fee("Verlängerung für ein Kind von 12 Jahren", "de")
    assert quote.text == ("Für die Verlängerung einer Aufenthaltserlaubnis für ein Kind von 12 Jahren: "
                          "48 Euro (die Hälfte von 96 Euro).")


def test_child_quote_in_english_uses_english_money_format() -> None:
    quote = compute_fee("extension for my kid, she is 12", "en")
    assert quote.text == "For the extension of a residence permit for a child aged 12: EUR 48 (half of EUR 96)."


def test_visa_range_for_a_minor_is_halved_with_cents() -> None:
    quote = compute_fee("Schengen-Visum verlängern für meinen Sohn, 14", "de")
    assert "12,50 Euro bis 30 Euro" in quote.text
    assert "25 Euro bis 60 Euro" in quote.text


def test_minor_without_a_matter_gets_every_fee_halved() -> None:
    quote = compute_fee("Zahlen Kinder weniger?", "de")
    assert quote.case is None and quote.minor
    for amount in ("50 Euro", "48 Euro", "12,50 Euro", "30 Euro"):
        assert amount in quote.text


def test_adult_age_without_a_matter_gets_the_full_fees() -> None:
    quote = compute_fee("18 years", "en")
    assert quote.case is None and not quote.minor and quote.age == 18
    assert "EUR 100" in quote.text and "EUR 96" in quote.text


@pytest.mark.parametrize("amount,language,expected", [
    (100, "de", "100 Euro"), (D("12.5"), "de", "12,50 Euro"),
    (100, "en", "EUR 100"), (D("12.5"), "en", "EUR 12.50"),
])
def test_money_format(amount, language, expected) -> None:
    assert format_money(amount, language) == expected
