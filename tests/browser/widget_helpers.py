"""Small helpers to drive the chat widget in a Playwright page (its UI is in a shadow root)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

HOST = "#lea-intake-widget"


def open_widget(page: Page) -> None:
    """Click the launcher and wait for the message field to have focus."""
    page.locator(f"{HOST} .launcher").click()
    expect(page.locator(f"{HOST} .panel")).to_be_visible()
    expect(page.locator(f"{HOST} #lea-input")).to_be_focused()


def send(page: Page, text: str) -> None:
    """Type a message and press Enter, as a person would."""
    field = page.locator(f"{HOST} #lea-input")
    field.fill(text)
    field.press("Enter")


def wait_idle(page: Page) -> None:
    """Wait until the typing indicator is gone (all requests answered)."""
    expect(page.locator(f"{HOST} .typing")).to_be_hidden(timeout=60_000)


def bot_texts(page: Page) -> list[str]:
    """Texts of the assistant's bubbles (without the welcome line)."""
    return page.locator(f"{HOST} .log .msg.bot:not(.welcome) .text").all_inner_texts()


def user_texts(page: Page) -> list[str]:
    """Texts of the client's bubbles."""
    return page.locator(f"{HOST} .log .msg.user .text").all_inner_texts()


def focused(page: Page) -> dict:
    """Tag, class and text of the element that has focus inside the widget (or of the page)."""
    return page.evaluate(
        """() => {
            const host = document.querySelector('#lea-intake-widget');
            const inner = host && host.shadowRoot.activeElement;
            const el = inner || document.activeElement;
            return {inWidget: Boolean(inner), tag: el.tagName.toLowerCase(), id: el.id,
                    className: String(el.className), text: (el.textContent || '').trim()};
        }"""
    )
