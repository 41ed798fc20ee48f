"""The Fiktionswirkung decision: every branch, written out as a table, and the Berlin day edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.confirmation.fiktion import FiktionDecision, decide_fiktionswirkung
from bot.models import TitleKind

BERLIN = ZoneInfo("Europe/Berlin")
RECEIVED = datetime(2026, 6, 15, 10, 0, tzinfo=BERLIN)
DAY = RECEIVED.date()

# Expected reason per title kind for an eligible concern, by expiry relative to the day of
# receipt: -1 = the day before, 0 = that day, +1 = the day after, None = no expiry given.
ELIGIBLE_CONCERN = {
    TitleKind.residence_permit: {-1: "expired", 0: "applies", 1: "applies", None: "no_expiry_date"},
    TitleKind.blue_card: {-1: "expired", 0: "applies", 1: "applies", None: "no_expiry_date"},
    TitleKind.national_visa: {-1: "expired", 0: "applies", 1: "applies", None: "no_expiry_date"},
    TitleKind.schengen_visa: {-1: "schengen_visa", 0: "schengen_visa", 1: "schengen_visa", None: "schengen_visa"},
    TitleKind.settlement_permit: {d: "title_not_eligible" for d in (-1, 0, 1, None)},
    TitleKind.permission_to_reside: {d: "title_not_eligible" for d in (-1, 0, 1, None)},
    TitleKind.toleration: {d: "title_not_eligible" for d in (-1, 0, 1, None)},
    TitleKind.none: {d: "no_title" for d in (-1, 0, 1, None)},
    None: {d: "no_title" for d in (-1, 0, 1, None)},
}

CASES = [
    (eligible, kind, offset, reasons[offset] if eligible else "concern_not_eligible")
    for eligible in (True, False)
    for kind, reasons in ELIGIBLE_CONCERN.items()
    for offset in (-1, 0, 1, None)
]


def test_table_covers_every_title_kind():
    assert set(ELIGIBLE_CONCERN) == set(TitleKind) | {None}
    assert len(CASES) == 2 * (len(TitleKind) + 1) * 4


@pytest.mark.parametrize(("eligible", "kind", "offset", "reason"), CASES)
def test_decision_table(eligible, kind, offset, reason):
    expiry = None if offset is None else DAY + timedelta(days=offset)
    decision = decide_fiktionswirkung(eligible, kind, expiry, RECEIVED)
    assert decision == FiktionDecision(reason == "applies", reason)


@pytest.mark.parametrize(
    ("received_at", "expiry", "reason"),
    [
        # 23:30 UTC on 28 March 2026 is 00:30 on 29 March in Berlin (still CET, +1).
        (datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc), date(2026, 3, 28), "expired"),
        (datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc), date(2026, 3, 29), "applies"),
        (datetime(2026, 3, 28, 22, 59, tzinfo=timezone.utc), date(2026, 3, 28), "applies"),  # 23:59 CET
        # 29 March 2026: clocks go forward at 02:00; from then Berlin is UTC+2.
        (datetime(2026, 3, 29, 21, 59, tzinfo=timezone.utc), date(2026, 3, 29), "applies"),  # 23:59 CEST
        (datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc), date(2026, 3, 29), "expired"),  # 00:00 CEST 30th
        (datetime(2026, 3, 29, 0, 59, tzinfo=timezone.utc), date(2026, 3, 28), "expired"),  # 01:59 CET 29th
        # 25 October 2026: clocks go back at 03:00 CEST; from then Berlin is UTC+1.
        (datetime(2026, 10, 24, 21, 59, tzinfo=timezone.utc), date(2026, 10, 24), "applies"),  # 23:59 CEST
        (datetime(2026, 10, 24, 22, 0, tzinfo=timezone.utc), date(2026, 10, 24), "expired"),  # 00:00 CEST 25th
        (datetime(2026, 10, 25, 22, 59, tzinfo=timezone.utc), date(2026, 10, 25), "applies"),  # 23:59 CET
        (datetime(2026, 10, 25, 23, 0, tzinfo=timezone.utc), date(2026, 10, 25), "expired"),  # 00:00 CET 26th
        # Any aware zone is converted: 19:30 in New York (UTC-4 in March) is 00:30 Berlin.
        (datetime(2026, 3, 20, 19, 30, tzinfo=ZoneInfo("America/New_York")), date(2026, 3, 20), "expired"),
        (datetime(2026, 3, 20, 19, 30, tzinfo=ZoneInfo("America/New_York")), date(2026, 3, 21), "applies"),
        # ... and 06:30 in Tokyo on 1 April is 23:30 on 31 March in Berlin (UTC+2).
        (datetime(2026, 4, 1, 6, 30, tzinfo=ZoneInfo("Asia/Tokyo")), date(2026, 3, 31), "applies"),
    ],
)
def test_berlin_calendar_day_decides(received_at, expiry, reason):
    decision = decide_fiktionswirkung(True, TitleKind.residence_permit, expiry, received_at)
    assert decision.reason == reason
    assert decision.applies is (reason == "applies")


@pytest.mark.parametrize("eligible", [True, False])
def test_naive_received_at_is_refused(eligible):
    with pytest.raises(ValueError, match="timezone-aware"):
        decide_fiktionswirkung(eligible, TitleKind.blue_card, DAY, datetime(2026, 6, 15, 10, 0))


def test_title_kind_as_plain_string():
    """The backend stores the kind as text; the decision accepts the enum's value too."""
    assert decide_fiktionswirkung(True, "blue_card", DAY, RECEIVED).applies
    assert decide_fiktionswirkung(True, "schengen_visa", DAY, RECEIVED).reason == "schengen_visa"


def test_unknown_title_kind_is_an_error():
    with pytest.raises(ValueError):
        decide_fiktionswirkung(True, "passport", DAY, RECEIVED)


@settings(max_examples=200, deadline=None)
@given(
    instant=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(timezone.utc)),
    earlier_by=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=800)),
    expiry=st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 1, 1)),
)
def test_an_earlier_receipt_never_loses_the_effect(instant, earlier_by, expiry):
    """Monotonic in time: whatever applies at a moment also applies at every earlier moment."""
    later = decide_fiktionswirkung(True, TitleKind.national_visa, expiry, instant)
    earlier = decide_fiktionswirkung(True, TitleKind.national_visa, expiry, instant - earlier_by)
    assert not later.applies or earlier.applies
    # and the day that counts is the Berlin one, not the UTC one
    berlin_day = instant.astimezone(BERLIN).date()
    assert later.applies is (berlin_day <= expiry)
