"""What the confirmation states about Fiktionswirkung: the one place this is decided.

The decision is data: content/fiktion.yml maps matter × document held × validity on the
day of receipt to an outcome (the seed's statement, a neutral receipt, or a neutral
receipt with a note), each row with its legal source. This module reads the table,
checks that every combination has a row, and looks decisions up.

Validity: a title is valid through its expiry day, on the office's calendar
(Europe/Berlin), whatever zone the moment of receipt is given in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.config import CONTENT_DIR
from bot.models import TitleKind

OFFICE_TZ = ZoneInfo("Europe/Berlin")
TABLE_FILE = CONTENT_DIR / "fiktion.yml"
OUTCOMES = ("statement", "receipt", "receipt_note")
VALIDITIES = ("valid", "expired", "unknown")


class FiktionTableError(ValueError):
    """content/fiktion.yml is malformed or leaves a combination open."""


@dataclass(frozen=True)
class FiktionDecision:
    applies: bool  # the statement is printed
    reason: str  # id of the table row that decided (stored for staff)
    note: str | None = None  # key under `notes:` in content/confirmation.yml
    source: str = ""


@dataclass(frozen=True)
class Row:
    id: str
    matters: frozenset[str]
    documents: frozenset[str] | None  # None = any
    validities: frozenset[str] | None
    outcome: str
    note: str | None
    source: str

    def matches(self, matter: str, document: str, validity: str) -> bool:
        return (matter in self.matters and (self.documents is None or document in self.documents)
                and (self.validities is None or validity in self.validities))


@dataclass(frozen=True)
class FiktionTable:
    matter_of: dict[str, str]  # concern id -> matter
    rows: tuple[Row, ...]

    def row_for(self, concern: str, document: str, validity: str) -> Row:
        matter = self.matter_of.get(concern)
        if matter is None:
            raise ValueError(f"unknown concern {concern!r}")
        for row in self.rows:
            if row.matches(matter, document, validity):
                return row
        raise FiktionTableError(f"no row for {matter} × {document} × {validity}")  # excluded by check_complete

    def note_of(self, row_id: str) -> str | None:
        """The note of a row (stored decisions keep only the row id)."""
        return next((r.note for r in self.rows if r.id == row_id), None)

    def can_apply(self, concern: str) -> bool:
        """Whether any document could get the statement for this concern."""
        matter = self.matter_of.get(concern)
        return any(r.outcome == "statement" and matter in r.matters for r in self.rows)


def receipt_date(received_at: datetime) -> date:
    """The office's calendar day (Europe/Berlin) on which an aware timestamp falls."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    return received_at.astimezone(OFFICE_TZ).date()


def validity_on(received_on: date, expiry: date | None) -> str:
    """valid | expired | unknown, for a title expiring at the end of ``expiry`` (Berlin)."""
    if expiry is None:
        return "unknown"
    if isinstance(expiry, datetime):  # a datetime is a date too; only its day counts
        expiry = expiry.date()
    return "valid" if received_on <= expiry else "expired"


def decide_fiktionswirkung(concern: str, title_kind: TitleKind | str | None, title_expiry: date | None,
                           received_at: datetime, table: FiktionTable | None = None) -> FiktionDecision:
    """The table's outcome for this concern, document and its validity at ``received_at``."""
    received_on = receipt_date(received_at)  # validates awareness before anything else
    document = TitleKind(title_kind).value if title_kind is not None else TitleKind.none.value
    row = (table or load_table()).row_for(concern, document, validity_on(received_on, title_expiry))
    return FiktionDecision(row.outcome == "statement", row.id, row.note, row.source)


# --- the table -------------------------------------------------------------------------

def _names(value: object, known: set[str], where: str) -> frozenset[str]:
    items = value if isinstance(value, list) else [value]
    for item in items:
        if item not in known:
            raise FiktionTableError(f"{where}: unknown value {item!r}; known: {', '.join(sorted(known))}")
    return frozenset(items)


def parse_table(data: dict, concerns: set[str], notes: set[str], source: str = "fiktion.yml") -> FiktionTable:
    """Build the table and check it: every concern in one matter, every combination decided."""
    matter_of: dict[str, str] = {}
    for matter, ids in (data.get("matters") or {}).items():
        for cid in _names(ids, concerns, f"{source}, matter '{matter}'"):
            if cid in matter_of:
                raise FiktionTableError(f"{source}: concern '{cid}' is in two matters")
            matter_of[cid] = matter
    if missing := concerns - set(matter_of):
        raise FiktionTableError(f"{source}: concern(s) {sorted(missing)} belong to no matter")
    documents = {k.value for k in TitleKind}
    rows = []
    for raw in data.get("rows") or []:
        where = f"{source}, row '{raw.get('id')}'"
        outcome = raw.get("outcome")
        if outcome not in OUTCOMES:
            raise FiktionTableError(f"{where}: outcome must be one of {', '.join(OUTCOMES)}")
        note = raw.get("note")
        if (outcome == "receipt_note") != (note is not None) or (note is not None and note not in notes):
            raise FiktionTableError(f"{where}: receipt_note needs a note of content/confirmation.yml (and only it)")
        if not raw.get("source"):
            raise FiktionTableError(f"{where}: every row names its legal source")
        rows.append(Row(
            id=str(raw["id"]), matters=_names(raw.get("matter"), set(matter_of.values()), where),
            documents=_names(raw["document"], documents, where) if "document" in raw else None,
            validities=_names(raw["validity"], set(VALIDITIES), where) if "validity" in raw else None,
            outcome=outcome, note=note, source=" ".join(str(raw["source"]).split()),
        ))
    table = FiktionTable(matter_of=matter_of, rows=tuple(rows))
    check_complete(table, source)
    return table


def check_complete(table: FiktionTable, source: str = "fiktion.yml") -> None:
    """Every matter × document × validity must reach a row."""
    for matter in set(table.matter_of.values()):
        for document in (k.value for k in TitleKind):
            for validity in VALIDITIES:
                if not any(r.matches(matter, document, validity) for r in table.rows):
                    raise FiktionTableError(f"{source}: no row decides {matter} × {document} × {validity}")


@lru_cache
def load_table(path: Path = TABLE_FILE) -> FiktionTable:
    """The checked table (cached; staff edits take effect on restart)."""
    from bot.catalogue import load_catalogue
    from bot.confirmation.texts import note_keys

    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return parse_table(data, set(load_catalogue().concerns), note_keys(), source=path.name)
