"""The confirmation of receipt as a bilingual A4 PDF (fpdf2, DejaVu fonts, QR code).

Every text comes from content/confirmation.yml (``texts.py``); this module only lays
them out. Both languages are on the same page, the conversation's language first.
Which scripts print how: see ``fonts.py``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timezone
from typing import Any

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, WrapMode, XPos, YPos

from bot.catalogue import load_catalogue
from bot.confirmation import fonts
from bot.confirmation.fiktion import OFFICE_TZ, FiktionDecision
from bot.confirmation.font_cache import add_cached_font, reduce_fonts_for_output
from bot.confirmation.fonts import FONT_FILES, drawable, find_font, needs_shaping
from bot.confirmation.texts import LANGUAGES, country_name, format_date, text
from bot.fields import KINDS, FieldSpec, load_registry

MARGIN = 20.0  # mm, left/right/bottom
TOP = 16.0
LABEL_W = 58.0
LABEL_H, VALUE_H, ROW_GAP = 3.5, 4.6, 1.6  # line heights (mm) in the table of particulars
STATEMENT_H = 4.4
QR_SIZE = 32.0
BODY_PT, STATEMENT_PT, SMALL_PT, TITLE_PT = 10.0, 9.5, 8.0, 17.0
HEADING_RGB, LABEL_RGB, TEXT_RGB = (0, 51, 102), (85, 85, 85), (0, 0, 0)
# Embedded in both faces of every confirmation, used or not: the random case numbers and
# verification codes (bold) otherwise made nearly every document's glyph set new, and the
# embedded font subsets are cached by that set (font_cache.py). A few KiB per PDF.
ALWAYS_EMBEDDED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class ConfirmationData:
    case_number: str
    unit: str
    received_at: datetime  # timezone-aware
    language: str  # "de" | "en": the conversation's language, printed first
    # The values of the fields printed (content/fields.yml `confirmation:`) by field id, as
    # their case columns hold them (a nationality as ISO 3166 alpha-3; XXA stateless, XXX unknown).
    particulars: dict[str, Any]
    concern_label_de: str
    concern_label_en: str
    attachments: list[tuple[str, str]]  # (filename, sha256)
    verification_code: str
    verify_url: str  # the QR code's target
    fiktion: FiktionDecision
    title_kind: str | None = None
    title_expiry: date | None = None


def particulars_apart(values: dict[str, Any]) -> dict[str, Any]:
    """ConfirmationData's keywords with the fields' values (given_names=...) gathered into
    ``particulars`` (sample data and tests written field by field)."""
    own = {f.name for f in fields(ConfirmationData)}  # the title held and its expiry: the statement's facts
    ids = {spec.id for spec in load_registry().fields} - own
    rest = {key: value for key, value in values.items() if key not in ids}
    return {**rest, "particulars": {**rest.get("particulars", {}),
                                    **{key: value for key, value in values.items() if key in ids}}}


@dataclass(frozen=True)
class Block:
    """Where one laid-out element ended up (mm, page 1-based): for layout tests."""

    name: str
    page: int
    left: float
    top: float
    right: float
    bottom: float


@dataclass
class Layout:
    page_w: float
    page_h: float
    margin: float
    blocks: list[Block] = field(default_factory=list)


class _ConfirmationPDF(FPDF):
    """FPDF with our footer and a record of where every block was placed."""

    def __init__(self, languages: tuple[str, str], case_number: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.languages = languages
        self.case_number = case_number
        self.layout = Layout(self.w, self.h, MARGIN)

    def footer(self) -> None:
        """Page x of y in both languages, with the case number so loose pages stay together."""
        self.set_y(-13)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(*LABEL_RGB)
        pages = " / ".join(text("page_number", lang, page=self.page_no(), pages="{nb}") for lang in self.languages)
        self.cell(0, 4, f"{self.case_number} · {pages}", align="C")

    def record(self, name: str, page: int, left: float, top: float, right: float) -> None:
        """Note a block that started at (page, top) and ends at the current position."""
        self.layout.blocks.append(Block(name, page, left, top, right, self.get_y()))


def _both(key: str, languages: tuple[str, str], sep: str = " / ", **values: object) -> str:
    """A text in both languages, the first language first; once when they are equal."""
    first, second = (text(key, lang, **values) for lang in languages)
    return first if first == second else f"{first}{sep}{second}"


def _kind_value(kind: object) -> str | None:
    """A TitleKind or its plain string value."""
    return getattr(kind, "value", kind) if kind is not None else None


def _title_with_expiry(data: ConfirmationData, lang: str) -> str | None:
    """'Aufenthaltserlaubnis, gültig bis 30.04.2026' or just the title, or None without a title."""
    kind = _kind_value(data.title_kind)
    if not kind or kind == "none":
        return None
    title = load_catalogue().title_label(kind, lang)
    if data.title_expiry is not None:
        title = text("values.title_with_expiry", lang, title=title, expiry=format_date(data.title_expiry, lang))
    return text("values.as_stated", lang, value=title)


def _check(data: ConfirmationData) -> None:
    """Refuse data that would print a wrong or misleading document."""
    if data.received_at.tzinfo is None or data.received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    if data.fiktion.applies and (not _kind_value(data.title_kind) or data.title_expiry is None):
        raise ValueError("a Fiktionswirkung statement needs the title kind and its expiry date")


class _Renderer:
    """Lays out one confirmation; one method per section."""

    def __init__(self, data: ConfirmationData) -> None:
        _check(data)
        self.data = data
        primary = data.language if data.language in LANGUAGES else "de"
        self.langs: tuple[str, str] = (primary, "en" if primary == "de" else "de")
        self.pdf = _ConfirmationPDF(self.langs, data.case_number)

    @property
    def content_w(self) -> float:
        return self.pdf.w - 2 * MARGIN

    def render(self) -> tuple[bytes, Layout]:
        """The PDF bytes and where each block went."""
        self._setup()
        self._header()
        self._fields()
        self._attachments()
        self._statement()
        self._verification()
        self._save_request()
        reduce_fonts_for_output(self.pdf)  # fpdf2 subsets the cached reduced face, not all 6000 glyphs
        return bytes(self.pdf.output()), self.pdf.layout

    # --- document --------------------------------------------------------------------

    def _setup(self) -> None:
        pdf, (first, _) = self.pdf, self.langs
        for style in ("", "B"):  # parsed once per process (font_cache.py), not per document
            add_cached_font(pdf, "DejaVu", style, find_font(FONT_FILES[style]))
        for font in pdf.fonts.values():
            for character in ALWAYS_EMBEDDED:
                font.subset.pick(ord(character))
        pdf.set_margins(MARGIN, TOP, MARGIN)
        pdf.set_auto_page_break(True, margin=MARGIN)
        pdf.set_creation_date(self.data.received_at.astimezone(timezone.utc))  # same input, same bytes
        pdf.set_title(_both("document_title", self.langs) + f" {self.data.case_number}")
        pdf.set_author(_both("office", self.langs))
        pdf.set_lang(first)
        pdf.add_page()

    def _font(self, size: float, bold: bool = False, rgb: tuple[int, int, int] = TEXT_RGB) -> None:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        self.pdf.set_text_color(*rgb)

    def _para(self, name: str, body: str, w: float | None = None, h: float = 5.0,
              wrap: WrapMode = WrapMode.WORD, align: str = "L") -> None:
        """A wrapped paragraph at the current position, recorded for layout checks."""
        pdf = self.pdf
        w = w or (pdf.w - pdf.r_margin - pdf.get_x())
        page, x, y = pdf.page_no(), pdf.get_x(), pdf.get_y()
        with self._shaped(body):
            pdf.multi_cell(w, h, body, align=align, wrapmode=wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        top = y if pdf.page_no() == page else pdf.t_margin
        pdf.record(name, pdf.page_no(), x, top, x + w)

    @contextmanager
    def _shaped(self, body: str) -> Iterator[None]:
        """Shape (Arabic joining, right-to-left order) only the text that needs it: shaping is slow."""
        shape = fonts.shaping_available() and needs_shaping(body)
        if shape:
            self.pdf.set_text_shaping(True)
        try:
            yield
        finally:
            if shape:
                self.pdf.set_text_shaping(False)

    def _rule(self) -> None:
        y = self.pdf.get_y() + 1.5
        self.pdf.set_draw_color(*HEADING_RGB)
        self.pdf.set_line_width(0.3)
        self.pdf.line(MARGIN, y, self.pdf.w - MARGIN, y)
        self.pdf.set_y(y + 3)

    def _heading(self, name: str, body: str) -> None:
        self._keep_space(18)  # never a heading alone at the foot of a page
        self._font(11, bold=True, rgb=HEADING_RGB)
        self._para(name, body, h=6)
        self.pdf.ln(1)

    def _keep_space(self, needed: float) -> None:
        """Start a new page when less than ``needed`` mm remain above the bottom margin."""
        if self.pdf.get_y() + needed > self.pdf.page_break_trigger:
            self.pdf.add_page()

    # --- sections --------------------------------------------------------------------

    def _header(self) -> None:
        self._font(11, bold=True, rgb=HEADING_RGB)
        self._para("office", _both("office", self.langs, sep=" · "), h=6)
        self._rule()
        self._font(TITLE_PT, bold=True)
        self._para("title", _both("document_title", self.langs), h=9)
        self.pdf.ln(3)

    def _field_rows(self) -> list[tuple[str, str, bool]]:
        """(label key, value, bold) for the table of particulars."""
        d, (first, second) = self.data, self.langs
        local = d.received_at.astimezone(OFFICE_TZ)
        received = text("values.received_at", first, date=format_date(local.date(), first),
                        time=local.strftime("%H:%M"))
        concern = {"de": drawable(d.concern_label_de), "en": drawable(d.concern_label_en)}
        rows = [
            ("case_number", d.case_number, True),
            ("unit", drawable(d.unit), False),
            ("received_at", received, False),
        ]
        for spec in load_registry().on_confirmation():  # content/fields.yml `confirmation:`
            value = d.particulars.get(spec.id)
            if value not in (None, ""):
                rows.append((spec.id, self._particular(spec, value), KINDS[spec.kind].person_name))
        rows.append(("concern", "\n".join(_unique_list(concern[first], concern[second])), False))
        titles = [t for t in (_title_with_expiry(d, lang) for lang in self.langs) if t]
        if titles:
            rows.append(("title", "\n".join(_unique_list(*titles)), False))
        return rows

    def _particular(self, spec: FieldSpec, value: Any) -> str:
        """A field's value as printed, by its case type (content/fields.yml `case: {type}`)."""
        first, second = self.langs
        kind = spec.case.type
        if kind == "date":
            return format_date(value if isinstance(value, date) else date.fromisoformat(str(value)), first)
        if kind == "country":
            return f"{_unique(country_name(value, first), country_name(value, second))} ({str(value).upper()})"
        if kind == "title_kind":
            titles = (load_catalogue().title_label(str(_kind_value(value)), lang) for lang in self.langs)
            return "\n".join(_unique_list(*titles))
        return drawable(str(value))

    def _fields(self) -> None:
        pdf = self.pdf
        value_w = self.content_w - LABEL_W
        for key, value, bold in self._field_rows():
            label = "\n".join(text(f"fields.{key}", lang) for lang in self.langs)
            label = _unique_label(label)
            self._font(SMALL_PT, rgb=LABEL_RGB)
            label_h = pdf.multi_cell(LABEL_W, LABEL_H, label, dry_run=True, output=MethodReturnValue.HEIGHT)
            self._font(BODY_PT, bold=bold)
            with self._shaped(value):
                value_h = pdf.multi_cell(value_w, VALUE_H, value, dry_run=True, output=MethodReturnValue.HEIGHT)
            self._keep_space(max(label_h, value_h) + ROW_GAP)
            top = pdf.get_y()
            self._font(SMALL_PT, rgb=LABEL_RGB)
            self._para(f"label:{key}", label, w=LABEL_W, h=LABEL_H)
            pdf.set_xy(MARGIN + LABEL_W, top)
            self._font(BODY_PT, bold=bold)
            self._para(f"value:{key}", value, w=value_w, h=VALUE_H)  # breaks at spaces, inside a word only when it must
            pdf.set_y(top + max(label_h, value_h) + ROW_GAP)

    def _attachments(self) -> None:
        pdf = self.pdf
        pdf.ln(2)
        self._heading("attachments", _both("fields.attachments", self.langs))
        if not self.data.attachments:
            self._font(BODY_PT)
            self._para("attachments:none", _both("values.no_attachments", self.langs))
            return
        hash_label = _both("values.attachment_hash", self.langs)
        for number, (filename, sha256) in enumerate(self.data.attachments, start=1):
            self._keep_space(16)
            self._font(BODY_PT, bold=True)
            self._para(f"attachment:{number}", f"{number}. {drawable(filename)}", wrap=WrapMode.CHAR)
            self._font(SMALL_PT, rgb=LABEL_RGB)
            pdf.set_x(MARGIN + 5)
            self._para(f"attachment_hash:{number}", f"{hash_label}: {sha256}", h=4, wrap=WrapMode.CHAR)
            pdf.ln(1.5)

    def _statement(self) -> None:
        """The Fiktionswirkung statement, or a polite plain receipt, in both languages."""
        fiktion = self.data.fiktion
        self.pdf.ln(2)
        for lang in self.langs:
            heading, body = self._statement_text(lang)
            self._font(STATEMENT_PT)
            height = self.pdf.multi_cell(self.content_w, STATEMENT_H, body, dry_run=True,
                                         output=MethodReturnValue.HEIGHT)
            self._keep_space(height + 8)  # heading and its paragraph on one page
            self._heading(f"statement_heading:{lang}", heading)
            self._font(STATEMENT_PT)
            self._para(f"statement:{lang}", body, h=STATEMENT_H)
            self.pdf.ln(2)

    def _statement_text(self, lang: str) -> tuple[str, str]:
        """(heading, paragraph) of the statement in one language (content/fiktion.yml decided which)."""
        d = self.data
        kind = _kind_value(d.title_kind)
        values = {
            "title": load_catalogue().title_label(kind, lang) if kind else "–",
            "expiry": format_date(d.title_expiry, lang) if d.title_expiry else "–",
        }
        if d.fiktion.applies:
            body = text("fiktion_applies", lang, **values)
            heading = text("fiktion_heading", lang)
        else:
            body = text("receipt_only", lang)
            if d.fiktion.note:
                body += " " + text(f"notes.{d.fiktion.note}", lang, **values)
            heading = text("receipt_heading", lang)
        return heading, body + " " + text("no_status_enquiries", lang)

    def _verification(self) -> None:
        pdf, d = self.pdf, self.data
        self._keep_space(QR_SIZE + 14)
        self._heading("verification_heading", _both("verification_heading", self.langs))
        top, page = pdf.get_y(), pdf.page_no()
        pdf.image(_qr_png(d.verify_url), x=MARGIN, y=top, w=QR_SIZE, h=QR_SIZE)
        pdf.layout.blocks.append(Block("qr", page, MARGIN, top, MARGIN + QR_SIZE, top + QR_SIZE))
        text_x = MARGIN + QR_SIZE + 6
        text_w = pdf.w - MARGIN - text_x
        pdf.set_xy(text_x, top)
        self._font(BODY_PT, bold=True)
        self._para("verification_code", f"{_both('verification_code', self.langs)}: {d.verification_code}",
                   w=text_w)
        for lang in self.langs:
            pdf.set_x(text_x)
            self._font(SMALL_PT)
            self._para(f"verification_hint:{lang}", text("verification_hint", lang), w=text_w, h=4)
        pdf.set_x(text_x)
        self._font(SMALL_PT, bold=True)
        self._para("verify_url", d.verify_url, w=text_w, h=4, wrap=WrapMode.CHAR)
        pdf.set_y(max(pdf.get_y(), top + QR_SIZE) + 4)

    def _save_request(self) -> None:
        self._keep_space(14)
        self._font(BODY_PT, bold=True)
        for lang in self.langs:
            self._para(f"save_and_print:{lang}", text("save_and_print", lang))


def _unique(first: str, second: str) -> str:
    return first if first == second else f"{first} / {second}"


def _unique_list(*items: str) -> list[str]:
    """The items without repeats, order kept."""
    return list(dict.fromkeys(items))


def _unique_label(label: str) -> str:
    return "\n".join(_unique_list(*label.split("\n")))


def _qr_png(url: str) -> io.BytesIO:
    """The verify URL as a QR code PNG in memory."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=0)
    buffer.seek(0)
    return buffer


def render_confirmation_with_layout(data: ConfirmationData) -> tuple[bytes, Layout]:
    """The PDF and the position of every block (for layout tests)."""
    return _Renderer(data).render()


def render_confirmation(data: ConfirmationData) -> bytes:
    """The confirmation of receipt as PDF bytes."""
    return render_confirmation_with_layout(data)[0]


def bench_render(n: int = 50) -> dict:
    """Median/p95 render time in ms (``bench.py``; here too for the benchmark suite)."""
    from bot.confirmation.bench import bench_render as run  # bench imports this module

    return run(n)
