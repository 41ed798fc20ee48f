"""Field parsers: what clients type, in German and English, and what we refuse."""

from datetime import date, timedelta

import pytest

from actions import fields as f


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3.3.1990", date(1990, 3, 3)),
        ("03.03.1990", date(1990, 3, 3)),
        ("1990-03-03", date(1990, 3, 3)),
        ("March 3, 1990", date(1990, 3, 3)),
        ("3 March 1990", date(1990, 3, 3)),
        ("3. März 1990", date(1990, 3, 3)),
        ("3 maerz 1990", date(1990, 3, 3)),
        ("geboren am 3.3.90", date(1990, 3, 3)),
        ("03/13/1990", date(1990, 3, 13)),  # month-first only when day-first is impossible
        ("13/03/1990", date(1990, 3, 13)),
    ],
)
def test_dates_of_birth_in_both_notations(text, expected):
    assert f.parse_date_of_birth(text) == f.Parsed(expected)


@pytest.mark.parametrize(
    "text, code",
    [("gestern", "format"), ("31.02.1990", "format"), ("4 March", "no_year"), ("1.1.1850", "range")],
)
def test_invalid_dates_of_birth(text, code):
    assert f.parse_date_of_birth(text).error == code


def test_future_birth_date_refused():
    tomorrow = f.today() + timedelta(days=1)
    assert f.parse_date_of_birth(tomorrow.isoformat()).error == "future"


def test_missing_year_taken_from_earlier_answer():
    assert f.parse_date_of_birth("4 March", default_year=1990).value == date(1990, 3, 4)


@pytest.mark.parametrize(
    "text, code",
    [
        ("Türkei", "TUR"), ("Turkey", "TUR"), ("türkisch", "TUR"), ("USA", "USA"), ("UK", "GBR"),
        ("Syrien", "SYR"), ("syrian", "SYR"), ("Vereinigte Staaten", "USA"), ("staatenlos", "XXA"),
        ("stateless", "XXA"), ("unbekannt", "XXX"), ("Tuerkei", "TUR"), ("Afganistan", "AFG"),
        ("Vietnam", "VNM"), ("ich bin aus Indien", "IND"), ("Russische Föderation", "RUS"),
    ],
)
def test_nationalities_names_aliases_and_typos(text, code):
    assert f.parse_nationality(text).value == code


def test_unknown_nationality_refused():
    assert f.parse_nationality("Atlantis").error == "unknown"


@pytest.mark.parametrize(
    "text, ok",
    [
        ("Nguyễn Thị Minh Khai", True), ("Çağrı Şahin Öztürk", True), ("Анна Иванова", True),
        ("رنا الحسن", True), ("O'Brien-Smith", True), ("Max2", False), ("R2D2", False), ("<script>", False),
    ],
)
def test_names_in_any_script_but_no_digits(text, ok):
    assert f.clean_name(text).ok is ok


def test_full_name_both_orders():
    assert f.parse_full_name("Max Mustermann").value == ("Max", "Mustermann")
    assert f.parse_full_name("Mustermann, Max Peter").value == ("Max Peter", "Mustermann")
    assert f.parse_full_name("my name is Anna Maria Schmidt").value == ("Anna Maria", "Schmidt")
    assert f.parse_full_name("Mustermann").value == ("Mustermann", None)


def test_email_and_phone():
    assert f.parse_email("max.mustermann@example.org").value == "max.mustermann@example.org"
    assert f.parse_email("meine mail ist a.b@example.de danke").value == "a.b@example.de"
    assert not f.parse_email("max at example dot org").ok
    assert f.parse_phone("0170 1234567").value == "+491701234567"
    assert f.parse_phone("+90 532 123 45 67").value == "+905321234567"
    assert not f.parse_phone("call me maybe").ok
    assert not f.parse_phone("+12").ok


def test_address_must_be_in_the_office_area():
    assert f.parse_address("Musterstraße 12, 10115 Berlin").value["postal_code"] == "10115"
    assert f.parse_address("Hauptstr. 1, 80331 München").error == "area"
    assert f.parse_address("Musterstraße 12 Berlin").error == "postal_code"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Aufenthaltserlaubnis", "residence_permit"), ("residence permit", "residence_permit"),
        ("Blaue Karte EU", "blue_card"), ("blue card", "blue_card"), ("D-Visum", "national_visa"),
        ("Schengen visa", "schengen_visa"), ("Touristenvisum", "schengen_visa"), ("Duldung", "toleration"),
        ("Niederlassungserlaubnis", "settlement_permit"), ("keinen", "none"),
    ],
)
def test_title_kinds(text, kind):
    assert f.parse_title_kind(text).value == kind


def test_plain_visa_asks_which_one():
    assert f.parse_title_kind("Visum").error == "which_visa"


def test_title_serial_and_expiry():
    assert f.parse_title_serial("y 1234 5678").value == "Y12345678"
    assert not f.parse_title_serial("12345").ok
    assert f.parse_title_expiry("31.12.2026").value == date(2026, 12, 31)
    assert f.parse_title_expiry("31.12.1999").error == "range"


def test_message_length_limit():
    assert f.parse_message("x" * 2001).error == "too_long"
    assert f.parse_message("Ich brauche einen Termin.").ok


def test_age_counts_birthday():
    assert f.age_on(date(2010, 3, 3), date(2026, 3, 2)) == 15
    assert f.age_on(date(2010, 3, 3), date(2026, 3, 3)) == 16
