"""ORM tables of the backend: uploads, cases, their entries, confirmations, tokens, audit."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from bot.fields import CaseColumn, load_registry


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both databases (SQLite keeps no time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class Upload(Base):
    __tablename__ = "uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    scan_engine: Mapped[str] = mapped_column(String(20))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    storage_path: Mapped[str] = mapped_column(String(300))  # relative to var_dir
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("case_entries.id", ondelete="CASCADE"))


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(10), index=True)  # open | done
    # Hash of person + concern while the case is open, NULL once done: the unique
    # constraint makes "one open case per person and concern" hold under concurrency.
    open_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The same hash, kept on every case (also on possible duplicates, which hold no
    # open_key): finds a conversation's own open case when it submits again.
    match_key: Mapped[str | None] = mapped_column(String(64), index=True)
    # Set when this case matched the open case of ANOTHER conversation: a possible
    # duplicate, unverified, for the unit to decide (the client is never told).
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    unit: Mapped[str] = mapped_column(String(20), index=True)
    rule: Mapped[str] = mapped_column(String(60))
    concern: Mapped[str] = mapped_column(String(60))
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    # The enquiry's fields (given_names, nationality, ...) are columns too: one per `case:
    # {column}` of content/fields.yml, added below from the registry (FIELD_COLUMNS).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    entries: Mapped[list[CaseEntry]] = relationship(
        back_populates="case", order_by="CaseEntry.id", cascade="all, delete-orphan", passive_deletes=True
    )
    uploads: Mapped[list[Upload]] = relationship(order_by="Upload.created_at", passive_deletes=True)
    confirmation: Mapped[Confirmation | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", passive_deletes=True
    )
    duplicate_of: Mapped[Case | None] = relationship(
        remote_side=[id], foreign_keys=[duplicate_of_id], back_populates="possible_duplicates")
    possible_duplicates: Mapped[list[Case]] = relationship(
        foreign_keys=[duplicate_of_id], back_populates="duplicate_of", order_by="Case.id", passive_deletes=True)


# The case column that is no column of the case table: each submission's message is kept
# in its entry (CaseEntry.message), the first one and every follow-up.
ENTRY_COLUMN = "message"
# How a case type of content/fields.yml is stored: a fixed length per type, else the field's
# max_length (Text without one).
TYPE_LENGTHS = {"email": 320, "country": 3, "title_kind": 30}


def field_column_type(column: CaseColumn) -> TypeEngine:
    """The SQL type of a case column of content/fields.yml."""
    if column.type == "date":
        return Date()
    length = TYPE_LENGTHS.get(column.type) or column.max_length
    return String(length) if length else Text()


# The case table's field columns: one per `case: {column}` of content/fields.yml (and a kind's
# extra column, the postal code), NOT NULL when the field is `required`. A new one needs its
# migration (bot/backend/migrations/versions): the staff check `fields` names the column until
# the migrations create it, and tests/backend/test_migrations.py fails until they match.
FIELD_COLUMNS: dict[str, CaseColumn] = {
    name: column for name, column in load_registry().case_columns().items() if name != ENTRY_COLUMN}
for _name, _column in FIELD_COLUMNS.items():
    # Declarative adds a column assigned to a mapped class to its table and its mapper.
    setattr(Case, _name, mapped_column(_name, field_column_type(_column), nullable=not _column.required))
del _name, _column


class CaseEntry(Base):
    """One submission into a case: the first one or a follow-up; keyed by idempotency key."""

    __tablename__ = "case_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    conversation_id: Mapped[str] = mapped_column(String(200), index=True)
    # initial | follow_up (same conversation) | by_key (case number + follow-up key) |
    # by_code (before the follow-up key: case number + the PDF's verification code; no longer accepted)
    kind: Mapped[str] = mapped_column(String(10))
    message: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="entries")


class Confirmation(Base):
    """The receipt document, stored in the same transaction as the case."""

    __tablename__ = "confirmations"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    verification_code: Mapped[str] = mapped_column(String(14), unique=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fiktion_applies: Mapped[bool] = mapped_column(Boolean)
    fiktion_reason: Mapped[str] = mapped_column(String(200))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)

    case: Mapped[Case] = relationship(back_populates="confirmation")


class DownloadToken(Base):
    __tablename__ = "download_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class CaseCounter(Base):
    """Last sequential case number issued per year (LEA-2026-000042). No longer counted up:
    numbers are random since migration 0003 (bot/case_numbers.py); kept as a record."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class FollowUpThrottle(Base):
    """Wrong follow-up keys of one source (a conversation, a client address) or one case
    (bot/backend/follow_ups.py). ``key`` is a keyed hash: no conversation id, address or
    case number is stored here. Rows are only useful for minutes; stale ones are reused."""

    __tablename__ = "follow_up_throttles"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    backoffs: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class AuditEntry(Base):
    """Who (unit) did what to which case, when. No personal data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    unit: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    case_number: Mapped[str | None] = mapped_column(String(20))
    ok: Mapped[bool] = mapped_column(Boolean)
