"""Which of the allowed file types an upload is, judged by its first bytes only.

The file name and the type the client declares are never trusted: a program named
``passport.pdf`` is refused here before it reaches anyone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    magic: bytes


PDF = FileType("application/pdf", ".pdf", b"%PDF-")
JPEG = FileType("image/jpeg", ".jpg", b"\xff\xd8\xff")
PNG = FileType("image/png", ".png", b"\x89PNG\r\n\x1a\n")
ALLOWED: tuple[FileType, ...] = (PDF, JPEG, PNG)


def sniff(data: bytes) -> FileType | None:
    """The allowed type whose signature starts the content, or None."""
    # Offset 0 only: PDF readers tolerate leading junk, but accepting it would let
    # polyglot files (e.g. an executable with a PDF header further in) through.
    for file_type in ALLOWED:
        if data.startswith(file_type.magic):
            return file_type
    return None
