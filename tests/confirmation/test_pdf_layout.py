"""Layout sanity: every block inside the printable area, no overlaps, blank margins on the raster."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image

from bot.confirmation.fiktion import FiktionDecision
from bot.confirmation.pdf import MARGIN, TOP, Layout, render_confirmation_with_layout
from tests.confirmation.helpers import make_data, sha

DPI = 50
EPS = 0.01  # mm; fpdf's widths carry float noise
FOOTER_TOP = 297 - 13  # the footer line starts 13 mm above the page's foot

LONG = dict(
    language="en",
    given_names="Maria-Alexandra Konstantina Elisabeth Johanna Theodora Wilhelmina " * 1 + "Ζωή",
    family_name="Papadopoulou-Vasilopoulou-Karamanlidou-Hadjigeorgiou-Christodoulopoulou",
    unit="B6 – Fachkräfte mit Berufsausbildung, Berufsausbildung, ICT-Karten (Nachnamen A–Z)",
    attachments=[(("Aufenthaltstitel_Verlaengerung_Unterlagen_" * 4)[:150] + f"_{i}.pdf", sha(str(i)))
                 for i in range(5)],
    verify_url="https://einwanderung.example.berlin.de/verify/" + "7KQ2M9XW4TPA" * 6,
)
VARIANTS = {
    "default": {},
    "long": LONG,
    "arabic": dict(given_names="رنا", family_name="الحسن", nationality="SYR", language="en"),
    "plain_receipt": dict(fiktion=FiktionDecision(False, "expired"), title_expiry=None),
}


def render(name: str) -> tuple[bytes, Layout]:
    return render_confirmation_with_layout(make_data(**VARIANTS[name]))


@pytest.mark.parametrize("name", VARIANTS)
def test_blocks_stay_in_the_printable_area(name):
    _, layout = render(name)
    assert layout.blocks
    for block in layout.blocks:
        assert block.left >= MARGIN - EPS, block
        assert block.right <= layout.page_w - MARGIN + EPS, block
        assert block.top >= TOP - EPS, block
        assert block.bottom <= layout.page_h - MARGIN + EPS, block
        assert block.bottom >= block.top, block


@pytest.mark.parametrize("name", VARIANTS)
def test_blocks_do_not_overlap(name):
    _, layout = render(name)
    blocks = layout.blocks
    for i, a in enumerate(blocks):
        for b in blocks[i + 1:]:
            if a.page != b.page:
                continue
            side_by_side = a.right <= b.left + EPS or b.right <= a.left + EPS
            stacked = a.bottom <= b.top + EPS or b.bottom <= a.top + EPS
            assert side_by_side or stacked, (a, b)


def test_short_case_fits_on_one_page_and_long_case_flows_on():
    assert {b.page for b in render("default")[1].blocks} == {1}
    assert max(b.page for b in render("long")[1].blocks) == 2


def rasterise(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    """Every page as a greyscale PNG at 50 dpi (poppler's pdftoppm)."""
    (tmp_path / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(tmp_path / "doc.pdf"), str(tmp_path / "page")],
                   check=True, timeout=60)
    return [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]


def inked(image: Image.Image, box_mm: tuple[float, float, float, float]) -> bool:
    """Whether any pixel in the box (left, top, right, bottom in mm) is not white."""
    px = [round(v * DPI / 25.4) for v in box_mm]
    region = image.crop((px[0], px[1], min(px[2], image.width), min(px[3], image.height)))
    return region.getextrema()[0] < 200


def margin_ink(image: Image.Image) -> list[str]:
    """Names of the margin strips that carry ink (the footer band is allowed)."""
    strips = {
        "left": (0, 0, MARGIN - 1, 297),
        "right": (210 - MARGIN + 1, 0, 210, 297),
        "top": (0, 0, 210, TOP - 1.5),
        "above footer": (0, 297 - MARGIN + 1, 210, FOOTER_TOP - 0.5),
        "below footer": (0, FOOTER_TOP + 5, 210, 297),
    }
    return [name for name, box in strips.items() if inked(image, box)]


@pytest.mark.parametrize("name", ["default", "long", "arabic"])
def test_margins_are_blank_on_every_page(name, tmp_path):
    pages = rasterise(render(name)[0], tmp_path)
    assert pages
    for number, page in enumerate(pages, start=1):
        width, height = page.size  # A4; pdftoppm rounds up
        assert abs(width - 210 * DPI / 25.4) < 1 and abs(height - 297 * DPI / 25.4) < 1
        assert margin_ink(page) == [], f"page {number}"
        assert inked(page, (MARGIN, TOP, 210 - MARGIN, 297 - MARGIN))  # and the page is not empty


def test_margin_check_sees_ink_where_it_should_not_be(tmp_path):
    """The check above can fail: text pushed into the right margin is found."""
    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.set_xy(196, 100)
    doc.cell(10, 5, "overflow")
    (page,) = rasterise(bytes(doc.output()), tmp_path)
    assert margin_ink(page) == ["right"]
