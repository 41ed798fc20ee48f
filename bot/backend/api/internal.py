"""Internal API for the gateway and the action server (X-Internal-Token)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from bot.backend import cases, confirmations, follow_ups, uploads, verification
from bot.backend.api.deps import Ctx, require_internal
from bot.models import CaseFollowUp, CaseReceipt, CaseSubmission, FollowUpReceipt, UploadRecord
from bot.ops.metrics import CASES as CASES_STORED

router = APIRouter(prefix="/internal", tags=["internal"], dependencies=[Depends(require_internal)])
ConversationId = Annotated[str, Query(min_length=1, max_length=200)]


@router.post("/uploads", status_code=201, response_model=UploadRecord)
def post_upload(
    ctx: Ctx,
    conversation_id: Annotated[str, Form(min_length=1, max_length=200)],
    filename: Annotated[str, Form(min_length=1, max_length=500)],
    content_type: Annotated[str, Form(max_length=100)],
    sha256: Annotated[str, Form(pattern=r"^[0-9a-fA-F]{64}$")],
    scanned_at: Annotated[str, Form(max_length=40)],
    file: Annotated[UploadFile, File()],
    scan_signature: Annotated[str, Form(max_length=200)] = "",
):
    """Store a scanned, clean file for a conversation (200 when the same file is already there)."""
    incoming = uploads.IncomingFile(
        conversation_id=conversation_id, filename=filename, content_type=content_type, sha256=sha256,
        scan_signature=scan_signature, scanned_at=scanned_at, data=file.file.read(),
    )
    record, created = uploads.store(ctx, incoming)
    return JSONResponse(record.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/uploads", response_model=list[UploadRecord])
def list_uploads(ctx: Ctx, conversation_id: ConversationId) -> list[UploadRecord]:
    """Uploads of the conversation that no case has claimed yet."""
    return uploads.pending_uploads(ctx, conversation_id)


@router.delete("/uploads/{upload_id}", status_code=204)
def delete_upload(ctx: Ctx, upload_id: str, conversation_id: ConversationId) -> Response:
    """Remove a not-yet-submitted upload of the conversation."""
    uploads.delete_pending(ctx, upload_id, conversation_id)
    return Response(status_code=204)


@router.post("/cases", status_code=201, response_model=CaseReceipt,
             responses={200: {"model": CaseReceipt, "description": "idempotent retry or follow-up"}})
def post_case(ctx: Ctx, submission: CaseSubmission):
    """Route and store a case (201), or answer a retry / follow-up of an open case (200)."""
    receipt = cases.submit(ctx, submission)
    CASES_STORED.labels(receipt.status if receipt.status in ("created", "existing", "follow_up") else "other").inc()
    return JSONResponse(receipt.model_dump(mode="json"), status_code=201 if receipt.status == "created" else 200)


@router.post("/cases/follow-ups", status_code=201, response_model=FollowUpReceipt,
             responses={200: {"model": FollowUpReceipt, "description": "idempotent retry, or check_only"},
                        404: {"description": "follow_up_refused: unknown number, wrong or missing key, "
                                              "or locked (alike)"},
                        409: {"description": "case_closed (only with the right key or conversation)"}})
def post_follow_up(ctx: Ctx, follow_up: CaseFollowUp):
    """Add to a case from its own conversation, or from any other with its follow-up key."""
    receipt = follow_ups.add_follow_up(ctx, follow_up)
    return JSONResponse(receipt.model_dump(mode="json"), status_code=201 if receipt.status == "added" else 200)


@router.get("/cases/by-conversation/{conversation_id}", response_model=list[CaseReceipt])
def cases_of_conversation(ctx: Ctx, conversation_id: str) -> list[CaseReceipt]:
    """Receipts of this conversation's cases, oldest first (latest last), each with a fresh download token."""
    return cases.receipts_for_conversation(ctx, conversation_id)


@router.get("/confirmations/{download_token}", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}, 404: {}, 410: {}})
def get_confirmation(ctx: Ctx, download_token: str, conversation_id: ConversationId) -> Response:
    """The confirmation PDF for a download token of this conversation."""
    case_number, pdf = confirmations.confirmation_for_token(ctx, download_token, conversation_id)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{case_number}.pdf"', "Cache-Control": "no-store"})


@router.get("/verify/{code}", responses={404: {"description": "no confirmation with this code"}})
def verify_confirmation(ctx: Ctx, code: str) -> dict:
    """The checkable particulars of a confirmation, for the gateway's public verification page."""
    return verification.verify(ctx, code)
