"""Real sample files for the scanning tests: clean PDF/JPEG/PNG, EICAR in many wrappings."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from fpdf import FPDF
from PIL import Image

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
CLAMAV_TESTFILES = Path("/usr/share/clamav-testfiles")
# The smallest ELF header clamd and `file` recognise: a Linux program, whatever it is named.
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + os.urandom(200)


def pdf(
    text: str = "Antrag auf Verlängerung", *, attachment: bytes | None = None, mime: str = "text/plain", pad: int = 0
) -> bytes:
    """A real one-page PDF; optionally with an embedded file and random padding for uniqueness."""
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text=text.encode("latin-1", "replace").decode("latin-1"))
    document.cell(text=os.urandom(8).hex())  # unique content: clamd caches clean results
    if attachment is not None:
        document.embed_file(bytes=attachment, basename="anlage.bin", compress=True, mime_type=mime)
    if pad:
        document.embed_file(bytes=os.urandom(pad), basename="scan.bin", compress=False, mime_type="image/png")
    return bytes(document.output())


def image(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """A real JPEG or PNG of random pixels."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, format=fmt)
    return buffer.getvalue()


def zipped(member: bytes, name: str = "anlage.txt", *, depth: int = 1) -> bytes:
    """member inside depth levels of zip archives."""
    data = member
    for level in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(name if level == 0 else f"level{level}.zip", data)
        data = buffer.getvalue()
    return data


def zip_with_many_members(count: int) -> bytes:
    """A small zip with count tiny members (over clamd's MaxFiles)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(count):
            archive.writestr(f"f{i}.txt", b"x%d" % i)
    return buffer.getvalue()


def random_bytes(size: int, prefix: bytes = b"") -> bytes:
    """Unique content of the given size starting with prefix."""
    return prefix + os.urandom(size - len(prefix))
