"""The DejaVu fonts the confirmation is set in, and what they can and cannot draw.

Scripts: DejaVu covers Latin (Turkish, Vietnamese), Cyrillic, Greek and Arabic. Arabic
is joined and ordered right-to-left only with uharfbuzz installed (fpdf2's shaping);
without it the letters print unjoined. Characters DejaVu lacks (Chinese, Japanese,
Korean, Indic scripts) print as U+XXXX codes rather than vanish.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian/Ubuntu fonts-dejavu-core
    Path("/usr/share/fonts/dejavu"),  # Fedora, Alpine
    Path("/usr/share/fonts/TTF"),  # Arch
)
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


class FontMissingError(RuntimeError):
    """A DejaVu font file is not installed where we look."""


@lru_cache
def find_font(filename: str) -> Path:
    """Path of a DejaVu TTF file; a clear error naming the package when it is missing."""
    for folder in FONT_DIRS:
        if (folder / filename).is_file():
            return folder / filename
    raise FontMissingError(
        f"Font {filename} not found in {', '.join(map(str, FONT_DIRS))}. "
        "Install the DejaVu fonts (Debian: apt-get install fonts-dejavu-core)."
    )


@lru_cache
def shaping_available() -> bool:
    """fpdf2 shapes Arabic and other complex scripts only with uharfbuzz installed."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache
def _drawable_codepoints() -> frozenset[int]:
    """Characters both DejaVu faces have a glyph for."""
    faces = [set(TTFont(find_font(name), lazy=True).getBestCmap()) for name in FONT_FILES.values()]
    return frozenset(set.intersection(*faces))


def drawable(value: str) -> str:
    """The value with characters the fonts lack (e.g. Chinese) spelled as U+XXXX, never silently dropped."""
    covered = _drawable_codepoints()
    return "".join(_drawable_char(ch, covered) for ch in value)


def _drawable_char(ch: str, covered: frozenset[int]) -> str:
    if ord(ch) in covered or ch in "\n\t ":
        return ch
    if unicodedata.category(ch) == "Cf":  # invisible format marks (ZWJ, bidi marks): nothing to draw
        return ""
    return f"U+{ord(ch):04X}"


def needs_shaping(body: str) -> bool:
    """True for right-to-left letters or combining marks: text fpdf2 only gets right when shaped."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL", "AN") or unicodedata.combining(ch) for ch in body)
