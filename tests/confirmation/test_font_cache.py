"""Fonts parsed once per process (bot/confirmation/font_cache.py): same PDF bytes, fewer parses."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.confirmation import font_cache, pdf as pdf_module
from bot.confirmation.pdf import render_confirmation
from tests.confirmation.helpers import make_data, pypdf_text

SAMPLES = {
    "latin": make_data(),
    "cyrillic": make_data(given_names="Ольга", family_name="Ковальчук"),
    "vietnamese_polish": make_data(given_names="Łucja Thị", family_name="Nguyễn"),
    "arabic_cjk": make_data(given_names="王小明", family_name="محمد", language="en"),
}


def _fpdf2_own_fonts(pdf, family: str, style: str, path) -> None:
    pdf.add_font(family, style, str(path))  # fpdf2 parses the file for this document


@pytest.fixture()
def uncached(monkeypatch):
    """Render as before the cache: fpdf2's own add_font, its own subset of the whole face."""

    def render(data):
        with monkeypatch.context() as patch:
            patch.setattr(pdf_module, "add_cached_font", _fpdf2_own_fonts)
            patch.setattr(pdf_module, "reduce_fonts_for_output", lambda _pdf: None)
            return render_confirmation(data)

    return render


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_cached_fonts_give_the_same_bytes_as_fpdf2s_own(name, uncached):
    data = SAMPLES[name]
    assert render_confirmation(data) == uncached(data)


def test_each_face_is_parsed_once_per_process(monkeypatch):
    monkeypatch.setattr(font_cache, "_FACES", {})
    loads = []
    original = font_cache._load_face
    monkeypatch.setattr(font_cache, "_load_face", lambda *args: loads.append(args) or original(*args))
    for data in SAMPLES.values():
        render_confirmation(data)
    assert len(loads) == 2  # regular and bold, once each


def test_a_document_with_unusual_letters_does_not_change_the_next_one():
    """The per-document state (glyph subset, reduced face) never leaks into another PDF."""
    plain = render_confirmation(SAMPLES["latin"])
    render_confirmation(SAMPLES["arabic_cjk"])
    assert render_confirmation(SAMPLES["latin"]) == plain
    assert "Ковальчук" in pypdf_text(render_confirmation(SAMPLES["cyrillic"]))


def test_concurrent_renders_in_threads_match_serial_ones(monkeypatch):
    monkeypatch.setattr(font_cache, "_FACES", {})  # the faces are built while the threads race
    serial = {name: render_confirmation(data) for name, data in SAMPLES.items()}
    monkeypatch.setattr(font_cache, "_FACES", {})
    names = sorted(SAMPLES) * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: render_confirmation(SAMPLES[n]), names))
    assert results == [serial[n] for n in names]


def test_the_reduced_face_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(font_cache, "REDUCED_CACHE_SIZE", 2)
    monkeypatch.setattr(font_cache, "_FACES", {})
    for data in SAMPLES.values():
        render_confirmation(data)
    assert all(len(face.reduced) <= 2 for face in font_cache._FACES.values())


def test_line_widths_are_measured_from_their_prefix(monkeypatch):
    """fpdf2 measures each growing line again per character; the memo makes that one addition."""
    sums = []
    original = font_cache.TTFFont.get_text_width
    monkeypatch.setattr(font_cache.TTFFont, "get_text_width",
                        lambda self, *args: sums.append(args[0]) or original(self, *args))
    render_confirmation(SAMPLES["latin"])
    memoised = len(sums)
    monkeypatch.setattr(font_cache, "MEMO_MAX_CHARS", -1)  # every text measured by fpdf2's own sum
    sums.clear()
    render_confirmation(SAMPLES["latin"])
    assert memoised * 20 < len(sums)  # nearly every measurement is a prefix plus one character


def _cuts(monkeypatch) -> list:
    """Every embedded subset cut for real (a miss of the subset cache)."""
    cuts: list = []
    original = font_cache._reduced_font
    monkeypatch.setattr(font_cache, "_reduced_font", lambda face, names: cuts.append(face) or original(face, names))
    return cuts


def test_embedded_subsets_are_cut_once_per_glyph_set(monkeypatch):
    """fpdf2's subset of a face depends only on the glyphs used: a second document with the
    same glyphs gets the cached bytes, and they are the bytes fpdf2 writes itself."""
    assert font_cache._SUBSETS_INSTALLED  # fpdf2's output subsets through font_cache._Subsetter
    monkeypatch.setattr(font_cache, "_FACES", {})
    cuts = _cuts(monkeypatch)
    first = render_confirmation(SAMPLES["latin"])
    assert len(cuts) == 2  # regular and bold
    assert render_confirmation(SAMPLES["latin"]) == first and len(cuts) == 2
    render_confirmation(SAMPLES["cyrillic"])  # other letters (the name, printed bold): a bold subset of its own
    assert len(cuts) == 3


def test_random_case_numbers_and_codes_share_the_cached_subsets(monkeypatch, uncached):
    """Digits and capitals are in every confirmation's fonts, so the random characters of case
    numbers and verification codes (printed bold) do not make every glyph set new."""
    monkeypatch.setattr(font_cache, "_FACES", {})
    cuts = _cuts(monkeypatch)
    documents = [make_data(case_number=number, verification_code=code, verify_url=f"http://127.0.0.1:8300/verify/{code}")
                 for number, code in (("LEA-2026-7KQM-XR4W", "7KQ2-M9XW-4TPA"), ("LEA-2026-BCDE-FGH2", "ZZZZ-YYYY-JJJJ"),
                                      ("LEA-2026-9999-3333", "0000-8888-5555"))]
    pdfs = [render_confirmation(document) for document in documents]
    assert len(cuts) == 2
    assert pdfs[1] == uncached(documents[1])
    assert "ZZZZ-YYYY-JJJJ" in pypdf_text(pdfs[1])


def test_the_subset_cache_is_bounded_and_keyed_by_fpdf2s_options(monkeypatch):
    monkeypatch.setattr(font_cache, "SUBSET_CACHE_SIZE", 1)
    monkeypatch.setattr(font_cache, "_FACES", {})
    for data in SAMPLES.values():
        render_confirmation(data)
    assert all(len(face.subsets) == 1 for face in font_cache._FACES.values())
    face = next(iter(font_cache._FACES.values()))
    names = frozenset(next(iter(face.subsets))[0])
    other = font_cache._subset_options(keep_glyph_names=True)  # not fpdf2's options: not the cached cut
    prepared = font_cache._PreparedFont(face)
    prepared.cut(names, other)
    assert (names, repr(sorted(vars(other).items()))) in face.subsets


def test_without_the_subsetter_fpdf2_cuts_the_reduced_face_as_before(monkeypatch, uncached):
    monkeypatch.setattr(font_cache, "_SUBSETS_INSTALLED", False)  # e.g. a later fpdf2 subsets otherwise
    for name in ("latin", "cyrillic"):
        assert render_confirmation(SAMPLES[name]) == uncached(SAMPLES[name])
