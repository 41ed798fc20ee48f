"""Widget unit tests: the real widget in Debian's chromium against a deterministic fake gateway.

The chat and upload APIs are answered by ``widget_fake_gateway`` (fixed rules, no
Rasa); the full stack is exercised in ``test_full_enquiry.py``.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from bot.gateway.widget import STATIC_DIR
from widget_helpers import HOST, bot_texts, focused, open_widget, send, user_texts, wait_idle

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"


def test_demo_pages_and_assets_are_served(fake_gateway):
    """German and English demo pages embed the widget with one script tag; assets are typed."""
    with httpx.Client(base_url=fake_gateway.url) as client:
        german = client.get("/")
        english = client.get("/", params={"lang": "en"})
        short = client.get("/en")
        unknown = client.get("/", params={"lang": "fr"})
        script = client.get("/widget.js")
        style = client.get("/widget.css")
    assert german.status_code == english.status_code == short.status_code == 200
    assert '<html lang="de">' in german.text and 'href="/?lang=en"' in german.text
    assert '<html lang="en">' in english.text and english.text == short.text
    for page in (german, english):
        assert len(re.findall(r"<script\b", page.text)) == 1
        assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<script src="/widget.js" data-language="de" defer></script>' in german.text
    assert unknown.status_code == 400
    assert "Sprache nicht unterstützt" in unknown.text and "Language not supported" in unknown.text
    assert script.headers["content-type"].startswith("text/javascript")
    assert style.headers["content-type"].startswith("text/css")


def test_assets_reference_no_other_host():
    """No CDN: the only absolute URL in the widget is the SVG namespace (not a request)."""
    for name in ("widget.js", "widget.css", "demo.html", "demo.css"):
        text = (STATIC_DIR / name).read_text(encoding="utf-8")
        urls = set(re.findall(r"https?://[^\s\"')]+", text))
        assert urls <= {"http://www.w3.org/2000/svg", "https://GATEWAY/widget.js"}, (name, urls)


def test_whole_conversation_by_keyboard(new_page, fake_gateway):
    """Launcher, message, answer button, Escape: all by keyboard, focus where expected."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    for _ in range(8):  # skip link, language link, then the launcher
        page.keyboard.press("Tab")
        if "launcher" in focused(page)["className"]:
            break
    assert "launcher" in focused(page)["className"], "launcher not reachable with Tab"
    launcher = page.locator(f"{HOST} .launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator(f"{HOST} .panel")).to_be_visible()
    assert focused(page)["id"] == "lea-input"

    page.keyboard.type("Hallo")
    page.keyboard.press("Enter")
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_have_text("Guten Tag! Worum geht es?")
    log = page.locator(f"{HOST} [role=log]")
    expect(log).to_have_attribute("aria-live", "polite")
    first = fake_gateway.recorder.messages[0]
    assert first["message"] == "Hallo"
    assert first["metadata"] == {"language": "de", "channel": "web"}
    assert re.fullmatch(r"web-[0-9a-f]{32}", first["sender"])

    # Shift+Tab from the field: attach button, then the answer buttons in the log.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page)["text"] == "Aufenthaltserlaubnis verlängern"
    page.keyboard.press("Enter")
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_have_text("Bitte laden Sie eine Kopie Ihres Passes hoch.")
    assert fake_gateway.recorder.messages[-1]["message"] == "/enquiry_extend_permit"
    assert user_texts(page) == ["Hallo", "Aufenthaltserlaubnis verlängern"]
    expect(page.locator(f"{HOST} .choice")).to_have_count(0)  # answered: buttons retired
    expect(page.locator(f"{HOST} .attach")).to_have_class(re.compile("highlight"))
    expect(page.locator(f"{HOST} [role=status]")).to_contain_text("Datei anhängen")
    assert focused(page)["id"] == "lea-input"

    page.keyboard.press("Escape")
    expect(page.locator(f"{HOST} .panel")).to_be_hidden()
    assert "launcher" in focused(page)["className"]
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    assert user_texts(page) == ["Hallo", "Aufenthaltserlaubnis verlängern"]
    assert all(url.startswith(fake_gateway.url) or url.startswith("data:") for url in page.watch.requests)


def test_free_text_still_works_while_buttons_are_shown(new_page, fake_gateway):
    """Typing instead of pressing a button sends the text and retires the buttons."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "Hallo")
    expect(page.locator(f"{HOST} .choice")).to_have_count(2)
    send(page, "Ich möchte etwas anderes")
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_have_text("[de] Sie schrieben: Ich möchte etwas anderes")
    expect(page.locator(f"{HOST} .choice")).to_have_count(0)


def test_conversation_survives_reload_but_not_a_new_session(new_page, fake_gateway):
    """Same tab: transcript and conversation id kept; another browser session: a new id."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "Hallo")
    expect(page.locator(f"{HOST} .choice")).to_have_count(2)
    page.reload()
    expect(page.locator(f"{HOST} .panel")).to_be_visible()  # it was open
    assert user_texts(page) == ["Hallo"]
    assert bot_texts(page) == ["Guten Tag! Worum geht es?"]
    expect(page.locator(f"{HOST} .choice")).to_have_count(2)  # still answerable
    send(page, "weiter")
    wait_idle(page)
    senders = [m["sender"] for m in fake_gateway.recorder.messages]
    assert len(senders) == 2 and senders[0] == senders[1]

    other = new_page()
    other.goto(fake_gateway.url + "/")
    open_widget(other)
    assert user_texts(other) == []
    send(other, "Hallo")
    wait_idle(other)
    assert fake_gateway.recorder.messages[-1]["sender"] != senders[0]


def test_start_over_forgets_the_conversation(new_page, fake_gateway):
    """"Neu beginnen" clears the transcript and uses a new conversation id."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "eins")
    wait_idle(page)
    page.get_by_role("button", name="Unterhaltung löschen und neu beginnen").click()
    assert user_texts(page) == []
    send(page, "zwei")
    wait_idle(page)
    first, second = fake_gateway.recorder.messages
    assert first["sender"] != second["sender"]
    page.reload()
    assert user_texts(page) == ["zwei"]


def test_language_switch_changes_interface_and_metadata(new_page, fake_gateway):
    """The switch turns every interface text to English and sends language=en from then on."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "Hallo")
    wait_idle(page)
    page.get_by_role("button", name="Switch to English").click()
    expect(page.locator(f"{HOST} .send")).to_have_text("Send")
    expect(page.locator(f"{HOST} .widget")).to_have_attribute("lang", "en")
    expect(page.locator(f"{HOST} .welcome")).to_have_attribute("lang", "en")
    expect(page.locator(f"{HOST} [role=status]")).to_have_text("Language: English")
    expect(page.get_by_role("button", name="Close chat")).to_be_visible()
    expect(page.get_by_label("Your message")).to_be_visible()
    expect(page.locator(f"{HOST} .log .msg.user").first).to_have_attribute("lang", "de")  # said in German
    send(page, "hello")
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_have_text("Hello! What is it about?")
    assert fake_gateway.recorder.messages[-1]["metadata"]["language"] == "en"
    page.reload()
    expect(page.locator(f"{HOST} .send")).to_have_text("Send")  # the choice is kept
    page.get_by_role("button", name="Auf Deutsch umschalten").click()
    expect(page.locator(f"{HOST} .send")).to_have_text("Senden")


def test_english_page_gives_english_widget(new_page, fake_gateway):
    """The English demo page's data-language=en makes the widget English."""
    page = new_page()
    page.goto(fake_gateway.url + "/?lang=en")
    expect(page.locator(f"{HOST} .launcher")).to_have_text("Online assistant")
    open_widget(page)
    expect(page.locator(f"{HOST} .welcome")).to_contain_text("I want to extend my residence permit")
    send(page, "hello")
    wait_idle(page)
    assert fake_gateway.recorder.messages[-1]["metadata"]["language"] == "en"


@pytest.mark.parametrize(
    ("html_lang", "data_language", "expected"),
    [("en", "", "en"), ("de-DE", "", "de"), ("en", "de", "de"), ("fr", "", "de")],
)
def test_embedded_on_another_origin(new_page, fake_gateway, html_lang, data_language, expected):
    """On another site's page the widget follows data-language, else <html lang>, and calls its own origin."""
    page = new_page()
    query = f"script_origin={fake_gateway.url}&html_lang={html_lang}&data_language={data_language}"
    page.goto(f"{fake_gateway.other_origin}/office-page?{query}")
    open_widget(page)
    expect(page.locator(f"{HOST} .send")).to_have_text({"de": "Senden", "en": "Send"}[expected])
    send(page, "embedded")
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_contain_text(f"[{expected}]")
    assert f"{fake_gateway.url}/webhooks/rest/webhook" in page.watch.requests


def test_bot_and_user_text_is_never_html(new_page, fake_gateway):
    """Markup in messages is shown as text, never run."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    attack = '<img src=x onerror="window.__pwned=1">'
    send(page, attack)
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_have_text(f"[de] Sie schrieben: {attack}")
    expect(page.locator(f"{HOST} .log img")).to_have_count(0)
    assert page.evaluate("() => window.__pwned") is None


def test_links_in_bot_text_open_safely(new_page, fake_gateway):
    """URLs in the assistant's text become links that open a new window without opener."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "see https://example.org/info.")
    link = page.locator(f"{HOST} .log .msg.bot a").last
    expect(link).to_have_attribute("href", "https://example.org/info")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(link).to_contain_text("(öffnet in neuem Fenster)")


def test_failed_send_keeps_the_message_and_can_be_retried(new_page, fake_gateway):
    """A 502 shows a German notice with a retry button; the retry delivers the same text."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "fail once")
    notice = page.locator(f"{HOST} .log .msg.notice")
    expect(notice).to_contain_text("Ihre Nachricht konnte nicht gesendet werden")
    assert user_texts(page) == ["fail once"]
    page.get_by_role("button", name="Noch einmal senden").click()
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_have_text("[de] Sie schrieben: fail once")
    assert [m["message"] for m in fake_gateway.recorder.messages] == ["fail once", "fail once"]
    expect(page.locator(f"{HOST} .choice")).to_have_count(0)


def _record_upload_states(page) -> None:
    """Record every text the upload bubble's state line shows, in order."""
    page.evaluate(
        """() => {
            window.__uploadStates = [];
            const log = document.querySelector('#lea-intake-widget').shadowRoot.querySelector('.log');
            const seen = () => {
                const el = Array.from(log.querySelectorAll('.upload .upload-state')).at(-1);
                const text = el && el.textContent;
                if (text && window.__uploadStates.at(-1) !== text) window.__uploadStates.push(text);
            };
            new MutationObserver(seen).observe(log, {subtree: true, childList: true, characterData: true});
        }"""
    )


def test_upload_by_keyboard_shows_progress_scan_and_result(new_page, fake_gateway):
    """Attach by keyboard, see progress, "checking for viruses", acceptance, then the reply."""
    page = new_page()
    # Listening from the start turns chromium's file chooser interception on in time
    # (expect_file_chooser alone raced with the click in about 1 of 4 runs).
    page.on("filechooser", lambda chooser: None)
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "Hallo")
    wait_idle(page)
    _record_upload_states(page)
    page.locator(f"{HOST} .attach").focus()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files({"name": "pass.pdf", "mimeType": "application/pdf", "buffer": PDF})
    upload = page.locator(f"{HOST} .log .msg.upload").last
    expect(upload).to_contain_text("pass.pdf")
    expect(upload.locator(".upload-state")).to_have_text("Wird auf Viren geprüft …")
    expect(upload.locator(".upload-state")).to_have_text("✓ Angenommen")
    expect(upload.locator("progress")).to_have_count(0)
    expect(page.locator(f"{HOST} .log .msg.bot .text").last).to_have_text("Danke, die Datei ist angekommen.")
    expect(page.locator(f"{HOST} [role=status]")).to_have_text("Datei angenommen: pass.pdf")
    states = page.evaluate("() => window.__uploadStates")
    assert states[-2:] == ["Wird auf Viren geprüft …", "✓ Angenommen"], states
    assert any(re.fullmatch(r"\d+ % hochgeladen", s) for s in states), states
    (record,) = fake_gateway.recorder.uploads
    assert record == {"sender": fake_gateway.recorder.messages[0]["sender"], "language": "de", "filename": "pass.pdf", "size": len(PDF)}
    page.reload()
    expect(page.locator(f"{HOST} .log .msg.upload .upload-state")).to_have_text("✓ Angenommen")


@pytest.mark.parametrize(
    ("name", "content", "reply"),
    [
        ("virus.pdf", b"%PDF-1.4 EICAR", "Die Datei wurde abgelehnt, weil sie Schadsoftware enthält."),
        ("unavailable.pdf", PDF, "Die Virenprüfung ist gerade nicht verfügbar."),
        ("notes.txt", b"just text", "Bitte senden Sie eine PDF-, JPG- oder PNG-Datei."),
        ("huge.pdf", PDF, "Die Datei ist zu groß (höchstens 10 MB)."),
    ],
)
def test_refused_uploads_are_explained(new_page, fake_gateway, name, content, reply):
    """Infected, scanner down (503) and wrong type: marked refused, the gateway's message shown."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    page.locator(f"{HOST} input[type=file]").set_input_files({"name": name, "mimeType": "application/octet-stream", "buffer": content})
    expect(page.locator(f"{HOST} .log .msg.upload .upload-state")).to_have_text("✗ Abgelehnt")
    expect(page.locator(f"{HOST} .log .msg:not(.user) .text").last).to_have_text(reply)
    expect(page.locator(f"{HOST} [role=status]")).to_have_text(f"Datei abgelehnt: {name}")


def test_pdf_confirmation_downloads(new_page, fake_gateway):
    """The confirmation payload becomes a download link with the case number; the file is a PDF."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "ja")
    link = page.get_by_role("link", name="Bestätigung herunterladen (PDF)")
    expect(link).to_have_attribute("href", f"{fake_gateway.url}/downloads/tok-abc123")
    expect(page.locator(f"{HOST} .case-number")).to_have_text("Vorgangsnummer: E-2025-000123")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert fake_gateway.recorder.download_conversations == [fake_gateway.recorder.messages[0]["sender"]]
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_download_link_only_to_the_gateway(new_page, fake_gateway):
    """A confirmation payload with a foreign or script URL renders no link."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "evil download")
    send(page, "danach")
    wait_idle(page)
    expect(page.locator(f"{HOST} a.download")).to_have_count(0)


def test_a_pdf_still_rendering_is_fetched_again_after_retry_after(new_page, fake_gateway):
    """503 pdf_pending twice (Retry-After: 1): the widget asks again after each wait and saves the PDF;
    no error notice, and every try carries the conversation header."""
    fake_gateway.recorder.pending["tok-later"] = 2
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "ja später")
    link = page.get_by_role("link", name="Bestätigung herunterladen (PDF)")
    with page.expect_download(timeout=15_000) as download_info:
        link.click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert fake_gateway.recorder.download_tokens == ["tok-later"] * 3
    sender = fake_gateway.recorder.messages[0]["sender"]
    assert fake_gateway.recorder.download_conversations == [sender] * 3
    expect(page.locator(f"{HOST} .log .msg.notice")).to_have_count(0)


def test_a_pdf_never_ready_is_announced_as_being_prepared_in_the_clients_language(new_page, fake_gateway):
    """Still pending after the last try: a notice in the log (a live region) in English on the English page,
    not the generic download error; the tries are bounded."""
    fake_gateway.recorder.pending["tok-later"] = 100
    page = new_page()
    page.goto(fake_gateway.url + "/?lang=en")
    open_widget(page)
    send(page, "yes later")
    page.get_by_role("link", name="Download confirmation (PDF)").click()
    notice = page.locator(f"{HOST} [role=log] .msg.notice")
    expect(notice).to_have_count(1, timeout=15_000)
    expect(notice).to_have_attribute("lang", "en")
    expect(notice).to_contain_text("Your confirmation is being prepared")
    expect(notice).to_contain_text("in a moment")
    assert fake_gateway.recorder.download_tokens == ["tok-later"] * 3
    page.wait_for_timeout(1500)  # no further try comes later
    assert len(fake_gateway.recorder.download_tokens) == 3
