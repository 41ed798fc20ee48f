"""Reading a case number and a verification code out of a client's message (actions/follow_up.py)."""

from __future__ import annotations

import pytest

from actions.follow_up import has_reference, parse_reference


@pytest.mark.parametrize("text, number, code, message", [
    ("LEA-2026-000042 ABCD-EFGH-JKMN Neuer Arbeitsvertrag anbei", "LEA-2026-000042", "ABCDEFGHJKMN",
     "Neuer Arbeitsvertrag anbei"),
    ("lea 2026 000042, code abcd efgh jkmn", "LEA-2026-000042", "ABCDEFGHJKMN", ""),
    ("Vorgangsnummer LEA-2026-000777, Prüfcode MM4T-8B2C-QZ7E, Nachtrag zum Antrag", "LEA-2026-000777",
     "MM4T8B2CQZ7E", "Nachtrag zum Antrag"),
    ("my case LEA-2026-000042 code 7K2M9QXRT4PA: payslips", "LEA-2026-000042", "7K2M9QXRT4PA", "my payslips"),
    # A twelve-letter word is no code (a code without dashes needs a digit).
    ("LEA-2026-000042 Arbeitgebers Schreiben", "LEA-2026-000042", None, "Arbeitgebers Schreiben"),
    ("I want to add to my case", None, None, "I want to add to my case"),
])
def test_number_code_and_message_are_told_apart(text, number, code, message):
    reference = parse_reference(text)
    assert (reference.case_number, reference.code, reference.message) == (number, code, message)


def test_only_a_number_together_with_a_code_counts_as_a_follow_up():
    assert has_reference("LEA-2026-000042 ABCD-EFGH-JKMN")
    assert not has_reference("meine vorgangsnummer ist LEA-2026-000987")
    assert not has_reference("ABCD-EFGH-JKMN")


@pytest.mark.parametrize("text, number, key, message", [
    ("LEA-2026-000042 ABCD-EFGH-JKMN-PQ7S Neuer Arbeitsvertrag anbei", "LEA-2026-000042", "ABCDEFGHJKMNPQ7S",
     "Neuer Arbeitsvertrag anbei"),
    ("lea 2026 000042, schlüssel abcd efgh jkm2 pqrs", "LEA-2026-000042", "ABCDEFGHJKM2PQRS", ""),
    ("case LEA-2026-004711 key 7K2M9QXRT4PAW3CD: payslips", "LEA-2026-004711", "7K2M9QXRT4PAW3CD", "payslips"),
    ("LEA-2026-000042 ABCD-EFGH-JKMN-PQRS", "LEA-2026-000042", "ABCDEFGHJKMNPQRS", ""),  # capitals as shown
    # Four four-letter words are words, not a key.
    ("LEA-2026-000042 also send this form", "LEA-2026-000042", None, "also send this form"),
])
def test_the_follow_up_key_is_told_apart_from_the_verification_code(text, number, key, message):
    reference = parse_reference(text)
    assert (reference.case_number, reference.key, reference.code, reference.message) == (number, key, None, message)


def test_the_verification_code_is_recognised_as_such_and_not_as_a_key():
    reference = parse_reference("LEA-2026-000042 ABCD-EFGH-JKMN please add my payslip")
    assert (reference.key, reference.code) == (None, "ABCDEFGHJKMN")
    assert has_reference("LEA-2026-000042 ABCD-EFGH-JKMN-PQRS")


@pytest.mark.parametrize("text, number, key, message", [
    ("LEA-2026-7KQM-XR4W ABCD-EFGH-JKMN-PQ7S Neuer Arbeitsvertrag anbei", "LEA-2026-7KQM-XR4W", "ABCDEFGHJKMNPQ7S",
     "Neuer Arbeitsvertrag anbei"),
    ("Vorgangsnummer: lea 2026 7kqm xr4w, schlüssel abcd efgh jkm2 pqrs", "LEA-2026-7KQM-XR4W", "ABCDEFGHJKM2PQRS", ""),
    ("case LEA20267KQMXR4W key 7K2M9QXRT4PAW3CD: payslips", "LEA-2026-7KQM-XR4W", "7K2M9QXRT4PAW3CD", "payslips"),
])
def test_the_random_shape_is_read_like_the_old_one(text, number, key, message):
    reference = parse_reference(text)
    assert (reference.case_number, reference.key, reference.message, reference.number_typo) == (
        number, key, message, False)


@pytest.mark.parametrize("text", [
    "LEA-2026-7KQM-XR4V ABCD-EFGH-JKMN-PQ7S payslip",   # last character mistyped
    "LEA-2026-7KMQ-XR4W ABCD-EFGH-JKMN-PQ7S payslip",   # a swapped pair
    "LEA-2027-7KQM-XR4W ABCD-EFGH-JKMN-PQ7S payslip",   # the year mistyped
    "LEA-2026-7KQM-XR4 ABCD-EFGH-JKMN-PQ7S payslip",    # a character short
    "LEA-2026-00042 ABCD-EFGH-JKMN-PQ7S payslip",       # an older number a digit short
])
def test_a_mistyped_case_number_is_a_typo_not_a_number(text):
    reference = parse_reference(text)
    assert reference.case_number is None and reference.number_typo
    assert has_reference(text)  # answered as a follow-up attempt: with the typo notice


def test_words_after_lea_and_a_year_are_no_case_number():
    reference = parse_reference("Ich war 2026 beim LEA 2026 Terminen wegen")
    assert reference.case_number is None and not reference.number_typo
