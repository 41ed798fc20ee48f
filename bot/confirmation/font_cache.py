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
  last prefix (``_MeasuredFont``);
- the embedded subsets themselves: what fpdf2 embeds depends only on the face, the set of
  glyphs the document used and fpdf2's subset options, yet cutting and writing it was 40 %
  of a render (27 of 63 ms: fontTools decompiling and recompiling every glyph). Each
  document's font is handed to fpdf2's output as a ``_PreparedFont`` that its subsetter
  (``_Subsetter``, put into fpdf2's output module) cuts from a cache keyed by exactly that:
  a miss cuts the reduced face as fpdf2 would and keeps the bytes, a hit only copies them.
  Confirmations share most glyphs (the pdf module also puts digits and capitals into
  every document, so random case numbers and codes do not make each set new).

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
from dataclasses import dataclass, field
from pathlib import Path

import fpdf.output
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
SUBSET_CACHE_SIZE = 256  # embedded subsets kept per face (glyph set and options -> ~20-40 KiB each)


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
    # (glyph names, fpdf2's subset options) -> (the embedded subset's bytes, glyph name -> id) (LRU)
    subsets: OrderedDict[tuple[frozenset[str], str], tuple[bytes, dict[str, int]]] = field(default_factory=OrderedDict)


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
    """Before ``pdf.output()``: give each cached font the face fpdf2 cuts its subset from:
    the cached subset for this glyph set, else the reduced face holding the used glyphs."""
    for fontkey, face in getattr(pdf, "_cached_font_faces", {}).items():
        font = pdf.fonts[fontkey]
        font.ttfont.close()
        font.ttfont = _PreparedFont(face) if _SUBSETS_INSTALLED else _reduced_font(face, font.subset.get_all_glyph_names())


def _reduced_font(face: _Face, glyph_names) -> ttLib.TTFont:
    """The reduced face holding ``glyph_names`` (what fpdf2 subsets without the subset cache)."""
    extra = frozenset(glyph_names) - face.base_glyphs
    return ttLib.TTFont(io.BytesIO(_reduced(face, extra)), recalcTimestamp=False, lazy=True)


class _PreparedFont:
    """Stands in for a document's fontTools font in fpdf2's output (fpdf/output.py, _add_fonts),
    which does exactly: ``Subsetter(options).populate(glyphs=used)``, ``.subset(font)``,
    ``font.getGlyphID(name)`` per used glyph, ``font.save(stream)``. ``_Subsetter.subset``
    cuts it through the face's subset cache; the rest answers from the cut subset."""

    def __init__(self, face: _Face) -> None:
        self.face = face
        self.data: bytes | None = None
        self.glyph_ids: dict[str, int] = {}

    def cut(self, glyph_names: frozenset[str], options: ftsubset.Options) -> None:
        key = (glyph_names, repr(sorted(vars(options).items())))
        face = self.face
        with _LOCK:
            found = face.subsets.get(key)
            if found is not None:
                face.subsets.move_to_end(key)
        if found is None:  # as fpdf2 does it: its options, the reduced face, the used glyphs
            font = _reduced_font(face, glyph_names)
            subsetter = _ORIGINAL_SUBSETTER(options)
            subsetter.populate(glyphs=sorted(glyph_names))
            subsetter.subset(font)
            buffer = io.BytesIO()
            font.save(buffer)
            found = (buffer.getvalue(), {name: number for number, name in enumerate(font.getGlyphOrder())})
            with _LOCK:
                face.subsets[key] = found
                while len(face.subsets) > SUBSET_CACHE_SIZE:
                    face.subsets.popitem(last=False)
        self.data, self.glyph_ids = found

    def getGlyphID(self, glyph_name: str) -> int:  # noqa: N802 - fontTools' name
        return self.glyph_ids[glyph_name]

    def save(self, stream) -> None:
        if self.data is None:
            raise RuntimeError("the prepared font was written before it was cut")
        stream.write(self.data)

    def __contains__(self, tag: str) -> bool:  # fpdf2 asks for "CFF " only of CFF fonts; these are TrueType
        return False

    def close(self) -> None:
        pass


_ORIGINAL_SUBSETTER = ftsubset.Subsetter


class _Subsetter(ftsubset.Subsetter):
    """fontTools' subsetter, cutting a ``_PreparedFont`` through its face's subset cache."""

    def subset(self, font) -> None:
        if isinstance(font, _PreparedFont):
            font.cut(frozenset(self.glyph_names_requested), self.options)
            return
        super().subset(font)


def _install_subsetter() -> bool:
    """fpdf2's output module subsets with ``_Subsetter`` (only it: fontTools itself is untouched).
    False, and the reduced face as before, when fpdf2 no longer subsets that way."""
    module = getattr(fpdf.output, "ftsubset", None)
    if module is None or getattr(module, "Subsetter", None) is not _ORIGINAL_SUBSETTER:
        return getattr(module, "Subsetter", None) is _Subsetter
    fpdf.output.ftsubset = type(ftsubset)("fontTools.subset (cached for confirmations)")
    fpdf.output.ftsubset.__dict__.update(vars(ftsubset))
    fpdf.output.ftsubset.Subsetter = _Subsetter
    return True


_SUBSETS_INSTALLED = _install_subsetter()


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
