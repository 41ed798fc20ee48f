"""The Fiktionswirkung decision (content/fiktion.yml): every concern × document × validity
written out here by hand from the law and the seeds, plus the Berlin day edges (midnight,
DST) and the outbox path (confirmed before midnight, delivered after)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalogue import load_catalogue
from bot.confirmation.fiktion import (
    TABLE_FILE, FiktionTableError, decide_fiktionswirkung, load_table, parse_table,
)
from bot.confirmation.texts import load_texts, note_keys
from bot.models import TitleKind

BERLIN = ZoneInfo("Europe/Berlin")
RECEIVED = datetime(2026, 6, 15, 10, 0, tzinfo=BERLIN)
DAY = RECEIVED.date()
EXPIRY = {"valid": DAY, "expired": DAY - timedelta(days=1), "unknown": None}

TITLE_APPLICATIONS = ("residence_permit_issue", "residence_permit_extension", "visa_extension")
OTHER_MATTERS = ("card_pickup", "data_change", "lost_card", "appointment", "other")
CARRIERS = ("residence_permit", "blue_card", "national_visa")  # seed 000's list of titles kept lawful


def expected(concern: str, document: str, validity: str) -> tuple[str, str | None]:
    """(outcome, note) as the law and the seeds say, independently of the YAML."""
    if concern in OTHER_MATTERS:
        return "receipt", None  # not an application for a title
    settlement = concern == "settlement_permit"
    if document in CARRIERS:
        if validity == "expired":
            return "receipt_note", "late_application"  # § 81 Abs. 4: only before expiry
        if validity == "unknown":
            return "receipt_note", "expiry_unknown"
        # § 81 Abs. 4 S. 1 "oder die Erteilung eines anderen Aufenthaltstitels"; the seed's
        # statement covers residence permit / Blue Card only, not the settlement permit.
        return ("receipt_note", "settlement_on_time") if settlement else ("statement", None)
    special = {"schengen_visa": "schengen_visa",  # § 81 Abs. 4 S. 2
               "fiktionsbescheinigung": "fiktionsbescheinigung",  # § 81 Abs. 5: no new statement
               "visa_free": "visa_free"}  # § 81 Abs. 3, not Abs. 4
    if document in special:
        return "receipt_note", special[document]
    return "receipt", None  # settlement permit, Gestattung, Duldung, EU card, none


COMBINATIONS = [
    (concern, document, validity)
    for concern in sorted(load_catalogue().concerns)
    for document in [k.value for k in TitleKind]
    for validity in ("valid", "expired", "unknown")
]


def test_every_combination_is_listed():
    assert set(TITLE_APPLICATIONS) | set(OTHER_MATTERS) | {"settlement_permit"} == set(load_catalogue().concerns)
    assert len(COMBINATIONS) == len(load_catalogue().concerns) * len(TitleKind) * 3
    assert {"fiktionsbescheinigung", "visa_free", "eu_family_card", "permission_to_reside", "toleration",
            "settlement_permit", "schengen_visa", "national_visa", "blue_card", "residence_permit",
            "none"} == {k.value for k in TitleKind}


@pytest.mark.parametrize(("concern", "document", "validity"), COMBINATIONS)
def test_decision_table(concern, document, validity):
    decision = decide_fiktionswirkung(concern, document, EXPIRY[validity], RECEIVED)
    outcome, note = expected(concern, document, validity)
    assert decision.applies is (outcome == "statement")
    assert decision.note == note
    assert decision.source  # every row names its legal source


def test_a_missing_document_counts_as_none():
    decision = decide_fiktionswirkung("residence_permit_extension", None, DAY, RECEIVED)
    assert not decision.applies and decision.note is None and decision.reason == "title_not_covered"


def test_every_note_has_texts_in_both_languages_and_every_row_a_source():
    notes = load_texts()["notes"]
    for key in note_keys():
        assert notes[key]["de"] and notes[key]["en"] and notes[key]["source"]
    raw = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))
    assert all(row["source"].strip() for row in raw["rows"])


def test_a_gap_in_the_table_is_refused_at_load():
    raw = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))
    raw["rows"] = [r for r in raw["rows"] if r["id"] != "visa_free"]
    with pytest.raises(FiktionTableError, match="visa_free"):
        parse_table(raw, set(load_catalogue().concerns), note_keys())


def test_a_concern_without_matter_is_refused():
    raw = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))
    raw["matters"]["no_application"].remove("other")
    with pytest.raises(FiktionTableError, match="other"):
        parse_table(raw, set(load_catalogue().concerns), note_keys())


def test_a_row_without_source_is_refused():
    raw = yaml.safe_load(TABLE_FILE.read_text(encoding="utf-8"))
    raw["rows"][0]["source"] = ""
    with pytest.raises(FiktionTableError, match="source"):
        parse_table(raw, set(load_catalogue().concerns), note_keys())


@pytest.mark.parametrize(
    ("received_at", "expiry", "applies"),
    [
        # midnight: valid through the whole expiry day, Berlin time
        (datetime(2026, 6, 15, 23, 59, 59, tzinfo=BERLIN), date(2026, 6, 15), True),
        (datetime(2026, 6, 16, 0, 0, 0, tzinfo=BERLIN), date(2026, 6, 15), False),
        # 23:30 UTC on 28 March 2026 is 00:30 on 29 March in Berlin (still CET, +1).
        (datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc), date(2026, 3, 28), False),
        (datetime(2026, 3, 28, 22, 59, tzinfo=timezone.utc), date(2026, 3, 28), True),  # 23:59 CET
        # 29 March 2026: clocks go forward at 02:00; from then Berlin is UTC+2.
        (datetime(2026, 3, 29, 21, 59, tzinfo=timezone.utc), date(2026, 3, 29), True),  # 23:59 CEST
        (datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc), date(2026, 3, 29), False),  # 00:00 CEST 30th
        (datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc), date(2026, 3, 28), False),  # 01:59 CET 29th
        # 25 October 2026: clocks go back at 03:00 CEST; from then Berlin is UTC+1.
        (datetime(2026, 10, 24, 21, 59, tzinfo=timezone.utc), date(2026, 10, 24), True),  # 23:59 CEST
        (datetime(2026, 10, 24, 22, 0, tzinfo=timezone.utc), date(2026, 10, 24), False),  # 00:00 CEST 25th
        (datetime(2026, 10, 25, 22, 59, tzinfo=timezone.utc), date(2026, 10, 25), True),  # 23:59 CET
        (datetime(2026, 10, 25, 23, 0, tzinfo=timezone.utc), date(2026, 10, 25), False),  # 00:00 CET 26th
        # Any aware zone is converted: 19:30 in New York (UTC-4 in March) is 00:30 Berlin.
        (datetime(2026, 3, 20, 19, 30, tzinfo=ZoneInfo("America/New_York")), date(2026, 3, 20), False),
        (datetime(2026, 4, 1, 6, 30, tzinfo=ZoneInfo("Asia/Tokyo")), date(2026, 3, 31), True),
    ],
)
@pytest.mark.parametrize("document", CARRIERS)
def test_berlin_calendar_day_decides(received_at, expiry, applies, document):
    decision = decide_fiktionswirkung("visa_extension", document, expiry, received_at)
    assert decision.applies is applies
    assert decision.note == (None if applies else "late_application")


def test_naive_received_at_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        decide_fiktionswirkung("residence_permit_extension", TitleKind.blue_card, DAY, datetime(2026, 6, 15, 10))


def test_unknown_title_kind_or_concern_is_an_error():
    with pytest.raises(ValueError):
        decide_fiktionswirkung("residence_permit_extension", "passport", DAY, RECEIVED)
    with pytest.raises(ValueError):
        decide_fiktionswirkung("naturalisation", "blue_card", DAY, RECEIVED)


def test_the_table_is_loaded_once():
    assert load_table() is load_table()


@settings(max_examples=200, deadline=None)
@given(
    instant=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(timezone.utc)),
    earlier_by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)),
    expiry=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)),
)
def test_an_earlier_receipt_never_loses_the_effect(instant, earlier_by, expiry):
    """Monotonic in time: whatever applies at a moment also applies at every earlier moment."""
    later = decide_fiktionswirkung("residence_permit_issue", TitleKind.national_visa, expiry, instant)
    earlier = decide_fiktionswirkung("residence_permit_issue", TitleKind.national_visa, expiry, instant - earlier_by)
    assert not later.applies or earlier.applies
    assert later.applies is (instant.astimezone(BERLIN).date() <= expiry)
