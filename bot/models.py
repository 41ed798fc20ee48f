"""Models exchanged between the services (action server, gateway, backend, channels).

The single definition of what a case looks like on the wire: ``CaseSubmission`` is built
from the `case` columns of content/fields.yml. The action server validates each field with
the helpers in ``actions/fields.py`` before it builds a ``CaseSubmission``; the backend
validates the submission again on receipt.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field, create_model

from bot.catalogue import load_catalogue
from bot.fields import CaseColumn, load_registry


class Language(str, Enum):
    de = "de"
    en = "en"


def _title_kinds() -> type[Enum]:
    """Kind of the client's current document (drives Fiktionswirkung and routing): one member
    per entry of `title_kinds` in content/concerns.yml, the one place they are defined (their
    labels, whether they expire; content/fiktion.yml decides each of them)."""
    kinds = Enum("TitleKind", [(kind, kind) for kind in load_catalogue().title_kinds],  # type: ignore[misc]
                 type=str, module=__name__, qualname="TitleKind")
    kinds.__doc__ = _title_kinds.__doc__
    if "none" not in kinds.__members__:
        raise RuntimeError("content/concerns.yml: title_kinds needs 'none' (the client holds no document)")
    return kinds


TitleKind = _title_kinds()


class ScanVerdict(BaseModel):
    clean: bool
    signature: str | None = None  # name of the finding when not clean
    engine: str = "clamd"
    scanned_at: datetime


class UploadRecord(BaseModel):
    """An accepted (scanned, clean) file, bound to one conversation."""

    model_config = ConfigDict(from_attributes=True)

    upload_id: str
    conversation_id: str
    filename: str
    content_type: str  # application/pdf, image/jpeg or image/png (sniffed)
    size: int
    sha256: str
    verdict: ScanVerdict


class _CaseBase(BaseModel):
    """What every case carries besides its fields: who sent it, how, and when."""

    model_config = ConfigDict(str_strip_whitespace=True)

    idempotency_key: str = Field(min_length=8, max_length=128)
    conversation_id: str = Field(min_length=1, max_length=200)
    channel: str = Field("rest", max_length=20)
    language: Language = Language.de

    concern: str = Field(min_length=1, max_length=60)  # id in content/concerns.yml
    upload_ids: list[str] = Field(default_factory=list, max_length=5)

    # When the client confirmed the summary to the assistant (aware, UTC): the moment of
    # receipt (issue 13). The backend bounds it (never in the future, never older than
    # the outbox's maximum age), so a caller cannot backdate a case.
    confirmed_at: datetime | None = None


# The wire type of each `case: {type: ...}` in content/fields.yml.
_CASE_TYPES: dict[str, Any] = {"text": str, "date": date, "email": EmailStr, "country": str, "title_kind": TitleKind}


def _case_field(column: CaseColumn) -> tuple[Any, Any]:
    """(annotation, pydantic Field) of one case column."""
    kind = _CASE_TYPES[column.type]
    limits: dict[str, Any] = {}
    if column.type == "country":
        limits = {"min_length": 3, "max_length": 3}  # ISO 3166 alpha-3; XXA stateless, XXX unknown
    elif kind is str:
        limits = {"min_length": 1} if column.required else {}
        if column.max_length:
            limits["max_length"] = column.max_length
    if column.required:
        return kind, Field(..., **limits)
    return kind | None, Field(None, **limits)


def _case_submission() -> type[BaseModel]:
    columns = load_registry().case_columns()
    return create_model("CaseSubmission", __base__=_CaseBase, __module__=__name__,
                        __doc__="Everything the assistant gathered, as the backend receives it: the "
                                "fields are the `case` columns of content/fields.yml.",
                        **{name: _case_field(column) for name, column in columns.items()})


CaseSubmission = _case_submission()


class CaseReceipt(BaseModel):
    """The backend's answer to a submission, committed before it is sent."""

    case_number: str
    # "created" | "existing" (idempotent retry) | "follow_up" (same conversation, same person and concern)
    status: str
    unit: str  # unit id (staff); clients see unit_names
    unit_names: dict[str, str] = Field(default_factory=dict)  # language -> readable name (content/routing.yml)
    rule: str
    received_at: datetime
    verification_code: str
    fiktionswirkung: bool
    fiktion_note: str | None = None  # the neutral receipt's note (content/fiktion.yml), if any
    download_token: str  # for GET /downloads/<token> on the gateway
    download_expires_at: datetime
    # Only for the conversation that opened the case (like the download token): what lets the
    # client add to it from another conversation. Shown in the chat, never on the PDF.
    follow_up_key: str | None = None


class CaseFollowUp(BaseModel):
    """A client adding to their own case: from the conversation that opened it (its
    identity), or from any other with the case number and the follow-up key shown to
    them in that chat. The verification code printed on the confirmation only verifies:
    anyone shown the PDF (an employer) has it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    idempotency_key: str = Field(min_length=8, max_length=128)
    conversation_id: str = Field(min_length=1, max_length=200)
    channel: str = Field("rest", max_length=20)
    case_number: str = Field(min_length=1, max_length=40)
    follow_up_key: str = Field("", max_length=40)  # empty: only the opening conversation may add
    message: str | None = Field(None, max_length=2000)
    upload_ids: list[str] = Field(default_factory=list, max_length=5)
    check_only: bool = False  # check the key (counts as an attempt), add nothing
    # Keyed hash of the client's address, from the gateway (bot/gateway/chat.py): wrong keys are
    # counted per conversation and per source (bot/backend/follow_ups.py). Empty: Telegram, tests.
    source: str = Field("", max_length=64)


class FollowUpReceipt(BaseModel):
    """The backend's answer to an accepted follow-up: no personal data, no PDF."""

    status: str  # "added" | "existing" (idempotent retry) | "verified" (check_only)
    case_number: str
    received_at: datetime
