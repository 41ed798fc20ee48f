"""Whether an application has Fiktionswirkung: the one place this is decided.

Seed 000: an application for issue or extension of a residence permit or Blue Card
received on time through the contact form keeps the client's residence permit, Blue
Card or national (D) visa lawful until the interview. §81(4) AufenthG: never for a
Schengen (C) visa, not for an application received after the title expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.models import TitleKind

OFFICE_TZ = ZoneInfo("Europe/Berlin")

# Titles whose on-time renewal keeps them lawful (seed 000: "Aufenthaltserlaubnis,
# Blaue Karte oder Visum für einen längerfristigen Aufenthalt").
ELIGIBLE_TITLES = frozenset({TitleKind.residence_permit, TitleKind.blue_card, TitleKind.national_visa})

REASONS = (
    "applies", "concern_not_eligible", "schengen_visa", "title_not_eligible",
    "no_title", "expired", "no_expiry_date",
)


@dataclass(frozen=True)
class FiktionDecision:
    applies: bool
    reason: str  # one of REASONS


def receipt_date(received_at: datetime) -> date:
    """The office's calendar day (Europe/Berlin) on which an aware timestamp falls."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    return received_at.astimezone(OFFICE_TZ).date()


def decide_fiktionswirkung(
    concern_eligible: bool,
    title_kind: TitleKind | None,
    title_expiry: date | None,
    received_at: datetime,
) -> FiktionDecision:
    """Decide Fiktionswirkung; a title is valid through its expiry day (Berlin time)."""
    received_on = receipt_date(received_at)  # validates awareness before any early return
    if not concern_eligible:
        return FiktionDecision(False, "concern_not_eligible")
    kind = TitleKind(title_kind) if title_kind is not None else TitleKind.none
    if kind is TitleKind.schengen_visa:
        return FiktionDecision(False, "schengen_visa")
    if kind is TitleKind.none:
        return FiktionDecision(False, "no_title")
    if kind not in ELIGIBLE_TITLES:
        return FiktionDecision(False, "title_not_eligible")
    if title_expiry is None:
        return FiktionDecision(False, "no_expiry_date")
    if isinstance(title_expiry, datetime):  # a datetime is a date too; only its day counts
        title_expiry = title_expiry.date()
    if received_on > title_expiry:
        return FiktionDecision(False, "expired")
    return FiktionDecision(True, "applies")
