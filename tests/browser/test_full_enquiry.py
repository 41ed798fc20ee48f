"""Whole enquiries through the web widget in a real browser against the whole stack.

Rasa, action server, backend, clamd and gateway are started by the shared ``stack``
fixture (tests/fixtures/stack.py). A person's conversation is played: state the concern,
answer every question, upload a real PDF, confirm, download the confirmation PDF; then
the case the backend stored is checked. Each message of the assistant is recognised by
the response it was rendered from (enquiry_dialogue.ResponseTexts, loaded from domain/),
so the question order and wording may change; buttons are pressed by payload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from enquiry_dialogue import (
    Person,
    ResponseTexts,
    assert_stored,
    eicar_pdf,
    english_person,
    german_person,
    small_pdf,
    stored_case,
)
from widget_helpers import HOST, SCREENSHOT_DIR, assert_fits, bot_texts, layout_report, open_widget, user_texts, wait_idle

from tests.e2e.chat import internal_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_TURNS = 30
CHAT_API = "/webhooks/rest/webhook"
UPLOAD_API = "/api/uploads"


@dataclass
class WidgetDriver:
    """Plays one person's side of a conversation in the widget and remembers the JSON it got."""

    page: Any
    person: Person
    texts: ResponseTexts
    last_messages: list[dict] = field(default_factory=list)  # the latest answer of the gateway
    seen: int = 0  # bot bubbles already handled

    def _exchange(self, path: str, act) -> dict | list:
        """Do something in the page, wait for the gateway's answer and for the widget to show it."""
        with self.page.expect_response(lambda r: r.url.endswith(path) and r.request.method == "POST") as info:
            act()
        body = info.value.json()
        self.last_messages = body if isinstance(body, list) else body.get("messages") or []
        wait_idle(self.page)
        return body

    def say(self, text: str) -> None:
        """Type a message and press Enter."""
        field_ = self.page.locator(f"{HOST} #lea-input")
        self._exchange(CHAT_API, lambda: (field_.fill(text), field_.press("Enter")))

    def press(self, payload: str) -> None:
        """Click the shown button whose payload (known from the gateway's JSON) is given."""
        offered = [b for m in self.last_messages for b in (m.get("buttons") or [])]
        button = next((b for b in offered if b.get("payload") == payload), None)
        assert button, f"no button with payload {payload!r} among {offered}\n{self.transcript()}"
        choice = self.page.locator(f"{HOST} .log .choices").last.get_by_role("button", name=button["title"], exact=True)
        self._exchange(CHAT_API, choice.click)

    def upload(self, name: str, data: bytes) -> dict:
        """Attach a file through the file picker; returns the gateway's upload answer."""
        picker = self.page.locator(f"{HOST} input[type=file]")
        return self._exchange(
            UPLOAD_API, lambda: picker.set_input_files({"name": name, "mimeType": "application/pdf", "buffer": data})
        )

    def new_names(self) -> list[str | None]:
        """Responses of the bot bubbles not handled yet (None for text no template explains)."""
        texts = bot_texts(self.page)
        new, self.seen = texts[self.seen :], len(texts)
        return self.texts.names(new)

    def transcript(self) -> str:
        """Both sides of the conversation as shown (test data only), for failure messages."""
        return self.page.locator(f"{HOST} .log").inner_text()

    def play(self, upload: tuple[str, bytes], after_answer=None) -> None:
        """State the concern, upload once when invited, answer each question, confirm."""
        self.say(self.person.opener)
        asked: list[str] = []
        uploaded = False
        for _ in range(MAX_TURNS):
            names = self.new_names()
            if "utter_submitted" in names:
                return
            if not uploaded and "utter_upload_hint" in names:
                self.upload(*upload)
                uploaded = True
                names = names + self.new_names()
                assert "utter_upload_accepted" in names, f"upload not accepted:\n{self.transcript()}"
            questions = [n.removeprefix("utter_ask_") for n in names if n and n.startswith("utter_ask_")]
            assert questions, f"no question among the latest answers {names}:\n{self.transcript()}"
            field_ = questions[-1]
            asked.append(field_)
            assert asked.count(field_) < 3, f"asked for {field_} three times:\n{self.transcript()}"
            reply = self.person.reply_to(field_, self.transcript())
            self.press(reply.payload) if reply.payload else self.say(reply.text)
            if after_answer:
                after_answer(field_)
        pytest.fail(f"no case number after {MAX_TURNS} turns:\n{self.transcript()}")


def widget_sender(page) -> str:
    """The conversation id the widget keeps in sessionStorage."""
    return page.evaluate("() => JSON.parse(sessionStorage.getItem('lea-intake-widget:v1')).sender")


def check_confirmation(page, stack, driver: WidgetDriver, person: Person) -> None:
    """Case number shown and stored; the PDF link downloads the same bytes as a plain GET."""
    sender = widget_sender(page)
    case = stored_case(stack.var_dir, internal_id(stack.var_dir, sender))
    assert_stored(case, person)
    assert case["attached"] == ["passport.pdf"], case["attached"]
    assert case["unit"].startswith("B"), case["unit"]  # students and skilled workers: department B

    [payload] = [m["custom"] for m in driver.last_messages if (m.get("custom") or {}).get("type") == "confirmation_pdf"]
    assert payload["case_number"] == case["case_number"]
    expect(page.locator(f"{HOST} .case-number")).to_contain_text(case["case_number"])
    link = page.locator(f"{HOST} a.download")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href.startswith(f"{stack.gateway_url}/downloads/"), href
    with page.expect_download() as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as handle:
        downloaded = handle.read()
    assert downloaded.startswith(b"%PDF-")
    # The widget names the conversation in a header; the link alone downloads nothing.
    assert httpx.get(href, timeout=30).status_code == 404
    direct = httpx.get(href, headers={"X-Conversation": sender}, timeout=30)
    assert direct.status_code == 200 and direct.content == downloaded
    # The name comes from the backend's Content-Disposition, which wins over the link's
    # download attribute; it need not equal payload["filename"], but names the case.
    assert download_info.value.suggested_filename.endswith(f"{case['case_number']}.pdf")


def only_gateway_requests(page, stack) -> None:
    """The widget talked to nothing but the gateway."""
    origin = stack.gateway_url.rstrip("/")
    outside = [url for url in page.watch.requests if not url.startswith((origin, "data:", "blob:"))]
    assert not outside, f"requests outside the gateway: {outside}"


def test_german_enquiry_with_upload_and_reload(stack, new_page):
    """German: upload accepted, a reload midway keeps the conversation, confirmation PDF downloads."""
    person = german_person()
    page = new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{stack.gateway_url}/?lang=de")
    open_widget(page)
    driver = WidgetDriver(page, person, ResponseTexts.load("de"))

    def reload_once(answered: str) -> None:
        """After the place of birth: reload; the same conversation must be shown and go on."""
        if answered != "place_of_birth":
            return
        before = (bot_texts(page), user_texts(page), widget_sender(page))
        page.reload()
        expect(page.locator(f"{HOST} .panel")).to_be_visible()
        assert (bot_texts(page), user_texts(page), widget_sender(page)) == before

    driver.play(upload=("passport.pdf", small_pdf()), after_answer=reload_once)
    expect(page.locator(f"{HOST} .log .msg.upload .upload-state").first).to_have_text("✓ Angenommen")
    check_confirmation(page, stack, driver, person)
    only_gateway_requests(page, stack)


def test_english_enquiry_on_a_360px_phone(stack, new_page):
    """English on a 360 px phone: nothing cut off (buttons, summary, PDF link); screenshots saved."""
    person = english_person()
    page = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    page.set_default_timeout(60_000)
    page.goto(f"{stack.gateway_url}/?lang=en")
    open_widget(page)
    driver = WidgetDriver(page, person, ResponseTexts.load("en"))
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def at_the_summary(answered: str) -> None:
        """The summary with its buttons fits the phone's width."""
        if driver.texts.names(bot_texts(page)[-1:]) == ["utter_ask_confirmed"]:
            expect(page.locator(f"{HOST} .choices").last).to_be_visible()
            assert_fits(layout_report(page))
            page.screenshot(path=str(SCREENSHOT_DIR / "enquiry-360-summary.png"))

    driver.play(upload=("passport.pdf", small_pdf()), after_answer=at_the_summary)
    expect(page.locator(f"{HOST} .log .msg.upload .upload-state").first).to_have_text("✓ Accepted")
    check_confirmation(page, stack, driver, person)
    # The confirmation next to answer buttons: ask for the menu once more.
    driver.say("menu")
    expect(page.locator(f"{HOST} .choices .choice").first).to_be_visible()
    page.locator(f"{HOST} a.download").scroll_into_view_if_needed()
    assert_fits(layout_report(page))
    page.screenshot(path=str(SCREENSHOT_DIR / "enquiry-360-confirmation.png"))
    only_gateway_requests(page, stack)


@pytest.mark.parametrize("language", ["de", "en"])
def test_infected_pdf_is_refused_with_the_reason(stack, new_page, language):
    """A PDF carrying EICAR is refused by clamd; the widget and the assistant say so; nothing stored."""
    texts = ResponseTexts.load(language)
    person = german_person() if language == "de" else english_person()
    page = new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{stack.gateway_url}/?lang={language}")
    open_widget(page)
    driver = WidgetDriver(page, person, texts)
    driver.say(person.opener)
    driver.new_names()
    answer = driver.upload("invoice.pdf", eicar_pdf())
    assert answer["accepted"] is False and answer["code"] == "infected", answer
    refused = {"de": "✗ Abgelehnt", "en": "✗ Refused"}[language]
    expect(page.locator(f"{HOST} .log .msg.upload .upload-state").last).to_have_text(refused)
    names = driver.new_names()
    assert "utter_upload_refused_infected" in names, driver.transcript()
    shown = bot_texts(page)[-len(names) :]
    assert any("EICAR" in text.upper() for text in shown), shown  # the signature clamd reported
    assert not any(n == "utter_upload_accepted" for n in names)


@pytest.fixture
def office_page():
    """Another origin's page (http://localhost:<port>) embedding the widget from a given gateway."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    pages: dict[str, bytes] = {}

    class Office(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Office)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://localhost:{server.server_address[1]}"

    def publish(gateway_url: str) -> str:
        pages["/kontakt"] = (
            '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Kontakt</title></head>'
            f'<body><h1>Kontakt</h1><script src="{gateway_url}/widget.js" defer></script></body></html>'
        ).encode()
        return f"{origin}/kontakt"

    publish.origin = origin
    yield publish
    server.shutdown()


def test_widget_on_an_office_page_of_another_origin(stack, new_page, office_page):
    """With the office's origin in INTAKE_WIDGET_ORIGINS the embedded widget talks and uploads."""
    stack.stop_service("gateway")
    stack.start_service("gateway", widget_origins=office_page.origin)
    try:
        page = new_page()
        page.set_default_timeout(60_000)
        page.goto(office_page(stack.gateway_url))
        open_widget(page)
        person = german_person()
        driver = WidgetDriver(page, person, ResponseTexts.load("de"))
        driver.say(person.opener)
        assert "utter_enquiry_start" in driver.new_names(), driver.transcript()
        assert driver.upload("passport.pdf", small_pdf())["accepted"] is True
        assert "utter_upload_accepted" in driver.new_names(), driver.transcript()
    finally:
        stack.stop_service("gateway")
        stack.start_service("gateway")
