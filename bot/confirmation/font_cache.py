"""The confirmation's fonts parsed once per process, not once per PDF.

fpdf2 parses the whole TrueType file (6000 glyphs: glyph table, metrics, character map,
glyph names) twice per document: in ``add_font`` for the metrics, and again when it
writes the PDF and cuts the font down to the glyphs the document uses (the subset is made
in place, so the parsed font cannot be shared). Together that was about half of a
confirmation's render time. Both results depend only on the font file and on the set of
glyphs used, so each process keeps:

- one parsed prototype per face (metrics, character map, descriptor), which every
  document gets a shallow copy of, with its own per-document state (glyph subset, font
  number, ``fontTools`` font);
- reduced fonts: the face cut down to the Latin, punctuation and currency glyphs every
  confirmation uses, plus whatever else a document needs (a Cyrillic name), cached by
  that extra set. Before the PDF is written, each document's font is swapped for the
  reduced one; fpdf2 then subsets 600 glyphs instead of 6000, and the embedded subset
  is the same (same glyphs, same options);
- per document, the width of every measured text, so fpdf2's line breaking (which
  measures the whole line again for each character it adds) measures a line from its
  last prefix (``_MeasuredFont``).

The PDF bytes are exactly those fpdf2 writes on its own (tests/confirmation/test_font_cache.py).

During layout a document's ``fontTools`` font is the full face opened lazily from bytes in
memory (only shaping reads it, for glyph names). Shaping itself (uharfbuzz) reads the
font file.

Thread-safe: prototypes, font bytes and reduced fonts are built under a lock and only read
afterwards; everything a document changes is its own copy. Per process: fonts are not
shared between render processes.
"""

from __future__ import annotations

import copy
import io
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

# Tables fpdf2's output drops from every embedded subset (fpdf/output.py, _add_fonts).
DROPPED_BY_FPDF = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT", "CBLC",
                   "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR")
# Characters nearly every confirmation prints: Latin with Latin-1 and Extended-A (German,
# Turkish, Polish, ... names), general punctuation, the euro sign.
BASE_CHARACTERS = frozenset([*range(0x20, 0x250), *range(0x2000, 0x2070), 0x20AC])
MEMO_MAX_CHARS = 400  # longer texts (never a line) are measured the usual way, not remembered
REDUCED_CACHE_SIZE = 64  # distinct extra glyph sets kept per face (a few hundred KiB each at most)


class _MeasuredFont(TTFFont):
    """fpdf2's TrueType font, measuring a line from the width of its last measured prefix.

    fpdf2's line breaking measures the whole line again for every character it adds (a
    Python sum over the line each time): about a third of a confirmation's render. The
    widths are integers in font units, so ``prefix + last character`` is exactly the sum
    fpdf2 computes; same floats, same PDF. Each document has its own memo (``_widths``).
    """

    def get_text_width(self, text: str, font_size_pt: float, text_shaping_params) -> tuple[int, float]:
        widths = getattr(self, "_widths", None)
        if text_shaping_params or widths is None or len(text) > MEMO_MAX_CHARS:
            return super().get_text_width(text, font_size_pt, text_shaping_params)
        if font_size_pt > self.biggest_size_pt:
            self.biggest_size_pt = font_size_pt
        units = widths.get(text)
        if units is None:
            prefix = widths.get(text[:-1])
            units = (prefix + self.cw[ord(text[-1])] if prefix is not None and text
                     else sum(self.cw[ord(c)] for c in text))
            widths[text] = units
        return len(text), units * font_size_pt * 0.001


@dataclass
class _Face:
    prototype: TTFFont  # parsed metrics, character map, descriptor: read only
    font_bytes: bytes  # the whole face without the tables fpdf2 drops anyway
    base_glyphs: frozenset[str]  # glyph names of BASE_CHARACTERS
    reduced: OrderedDict[frozenset[str], bytes]  # extra glyph names -> reduced font (LRU)


_FACES: dict[tuple[str, str], _Face] = {}
_LOCK = threading.Lock()


def _subset_options(keep_glyph_names: bool) -> ftsubset.Options:
    """fpdf2's subset options (fpdf/output.py); the reduced font keeps glyph names for fpdf2's own pass."""
    options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True)
    options.drop_tables += list(DROPPED_BY_FPDF)
    options.glyph_names = keep_glyph_names
    return options


def _load_face(path: Path, style: str) -> _Face:
    """Parse the font file once; refuses what this cache does not handle (colour, CFF fonts)."""
    prototype = _MeasuredFont(FPDF(), path, f"prototype{style}", style)
    if prototype.color_font is not None or prototype.is_cff or prototype.is_symbol:
        raise ValueError(f"{path.name}: only plain TrueType fonts are cached")
    stripped = ttLib.TTFont(str(path), recalcTimestamp=False, lazy=True)
    if "GPOS" in stripped and "kern" in stripped:
        del stripped["kern"]  # fontTools' subsetter drops the legacy kern table beside a GPOS table
    for tag in DROPPED_BY_FPDF:
        if tag in stripped:
            del stripped[tag]
    buffer = io.BytesIO()
    stripped.save(buffer)
    base = frozenset(name for code, name in prototype.cmap.items() if code in BASE_CHARACTERS)
    return _Face(prototype, buffer.getvalue(), base, OrderedDict())


def _face(path: Path, style: str) -> _Face:
    key = (str(path), style)
    face = _FACES.get(key)
    if face is None:
        with _LOCK:
            face = _FACES.get(key)
            if face is None:
                face = _FACES[key] = _load_face(path, style)
    return face


def add_cached_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """``pdf.add_font(family, style, path)`` without parsing the file again."""
    fontkey = f"{family.lower()}{style}"
    if fontkey in pdf.fonts:
        raise ValueError(f"font {fontkey} added twice")
    face = _face(path, style)
    font = copy.copy(face.prototype)
    font.i = len(pdf.fonts) + 1
    font.fontkey = fontkey
    font.ttfont = ttLib.TTFont(io.BytesIO(face.font_bytes), recalcTimestamp=False, lazy=True)
    font.cw = copy.copy(face.prototype.cw)  # a defaultdict: a lookup of a missing character writes to it
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # noqa: SLF001 - created per document from the font file when shaping
    font.subset = SubsetMap(font)
    font.color_font = None
    font._widths = {}  # noqa: SLF001 - this document's line widths (_MeasuredFont)
    pdf.fonts[fontkey] = font
    pdf._cached_font_faces = {**getattr(pdf, "_cached_font_faces", {}), fontkey: face}  # noqa: SLF001


def reduce_fonts_for_output(pdf: FPDF) -> None:
    """Before ``pdf.output()``: give each cached font the reduced face holding its used glyphs."""
    for fontkey, face in getattr(pdf, "_cached_font_faces", {}).items():
        font = pdf.fonts[fontkey]
        extra = frozenset(font.subset.get_all_glyph_names()) - face.base_glyphs
        font.ttfont.close()
        font.ttfont = ttLib.TTFont(io.BytesIO(_reduced(face, extra)), recalcTimestamp=False, lazy=True)


def _reduced(face: _Face, extra: frozenset[str]) -> bytes:
    """The face cut down to its base glyphs plus ``extra`` (cached, least recently used dropped)."""
    with _LOCK:
        found = face.reduced.get(extra)
        if found is not None:
            face.reduced.move_to_end(extra)
            return found
    font = ttLib.TTFont(io.BytesIO(face.font_bytes), recalcTimestamp=False, lazy=True)
    subsetter = ftsubset.Subsetter(_subset_options(keep_glyph_names=True))
    subsetter.populate(glyphs=sorted(face.base_glyphs | extra))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    with _LOCK:
        face.reduced[extra] = buffer.getvalue()
        while len(face.reduced) > REDUCED_CACHE_SIZE:
            face.reduced.popitem(last=False)
    return buffer.getvalue()
