"""Errors the backend answers with: a stable code and a message in German and English."""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "unauthorized": ("Anmeldung fehlt oder ist ungültig.", "Missing or invalid credentials."),
    "not_found": ("Nicht gefunden.", "Not found."),
    "method_not_allowed": ("Diese Methode ist hier nicht erlaubt.", "Method not allowed here."),
    "malformed_json": ("Der Inhalt ist kein gültiges JSON.", "The body is not valid JSON."),
    "invalid_request": ("Die Angaben sind unvollständig oder ungültig.", "The request is incomplete or invalid."),
    "body_too_large": ("Die Anfrage ist zu groß.", "The request is too large."),
    "unknown_concern": ("Dieses Anliegen ist nicht bekannt.", "This concern is not known."),
    "unknown_purpose": ("Dieser Aufenthaltszweck passt nicht zum Anliegen.", "This purpose does not belong to the concern."),
    "purpose_required": (
        "Mit diesem Dokument ist das ein Antrag auf einen Aufenthaltstitel: Bitte geben Sie den Aufenthaltszweck an.",
        "With this document this is an application for a residence title: please state the purpose of stay.",
    ),
    "unknown_nationality": ("Diese Staatsangehörigkeit ist nicht bekannt.", "This nationality is not known."),
    "idempotency_conflict": ("Dieser Schlüssel gehört zu einem anderen Gespräch.", "This idempotency key belongs to another conversation."),
    "upload_not_available": (
        "Mindestens eine Datei gehört nicht zu diesem Gespräch oder ist schon einem Vorgang zugeordnet.",
        "At least one file does not belong to this conversation or is already attached to a case.",
    ),
    "duplicate_upload_ids": ("Eine Datei ist doppelt angegeben.", "A file is listed twice."),
    "not_clean": ("Die Datei wurde nicht als virenfrei geprüft.", "The file was not scanned as clean."),
    "sha256_mismatch": ("Die Prüfsumme stimmt nicht mit der Datei überein.", "The checksum does not match the file."),
    "invalid_scanned_at": ("Der Prüfzeitpunkt ist kein gültiges Datum.", "The scan time is not a valid date."),
    "unsupported_type": ("Nur PDF, JPG und PNG werden angenommen.", "Only PDF, JPG and PNG are accepted."),
    "content_type_mismatch": ("Der Dateiinhalt passt nicht zum angegebenen Typ.", "The file content does not match its type."),
    "empty_file": ("Die Datei ist leer.", "The file is empty."),
    "file_too_large": ("Die Datei ist größer als erlaubt.", "The file is larger than allowed."),
    "total_too_large": ("Alle Dateien zusammen sind größer als erlaubt.", "All files together are larger than allowed."),
    "too_many_files": ("Es sind schon so viele Dateien hochgeladen wie erlaubt.", "The maximum number of files is already uploaded."),
    "link_expired": ("Dieser Link ist abgelaufen. Bitte fordern Sie einen neuen an.", "This link has expired. Please ask for a new one."),
    "follow_up_refused": (
        "Mit dieser Vorgangsnummer und diesem Schlüssel kann nichts hinzugefügt werden.",
        "Nothing can be added with this case number and key.",
    ),
    "case_closed": ("Dieser Vorgang ist abgeschlossen.", "This case is closed."),
    "storage_full": (
        "Dateien können gerade nicht angenommen werden. Bitte versuchen Sie es später erneut.",
        "Files cannot be accepted right now. Please try again later.",
    ),
    "pdf_pending": (
        "Die Bestätigung wird gerade erstellt. Bitte versuchen Sie es in wenigen Sekunden erneut.",
        "The confirmation is being prepared. Please try again in a few seconds.",
    ),
    "busy": ("Der Dienst ist gerade ausgelastet. Bitte erneut versuchen.", "The service is busy. Please try again."),
}


class BackendError(Exception):
    """A refusal with an HTTP status and a code from ``MESSAGES``."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None, **extra: object) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.headers = headers
        self.extra = extra


def error_body(code: str, **extra: object) -> dict:
    """JSON body of an error: code, German and English message, extra facts."""
    de, en = MESSAGES.get(code, MESSAGES["invalid_request"])
    return {"error": code, "message": {"de": de, "en": en}, **extra}


def error_code(response: Any) -> str | None:
    """The code of an error body in this shape ({"error": <code>, ...}) from an HTTP response
    (httpx), None when the body is not one. The gateway answers in the same shape, so its
    clients (the Telegram bridge) read it with this too."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None
