"""Small helpers to drive the chat widget in a Playwright page (its UI is in a shadow root)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

# Not in conftest.py: another area's conftest may own the module name "conftest".
PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = PROJECT_ROOT / "reports" / "browser"
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


def layout_report(page) -> dict:
    """Boxes of the panel and its visible controls, and the page's scroll width."""
    return page.evaluate(
        """() => {
            const root = document.querySelector('#lea-intake-widget').shadowRoot;
            const box = el => { const r = el.getBoundingClientRect();
                return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; };
            const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
            const group = sel => Array.from(root.querySelectorAll(sel)).filter(visible)
                .map(el => ({name: (el.getAttribute('aria-label') || el.textContent).trim(), ...box(el)}));
            const log = root.querySelector('.log');
            return {
                viewport: {width: window.innerWidth, height: window.innerHeight},
                pageScrollWidth: document.documentElement.scrollWidth,
                panel: box(root.querySelector('.panel')),
                header: group('.head-text, .head-actions > button'),
                composer: group('.composer > button, .composer > textarea'),
                controls: group('button, textarea, a'),
                bubbles: group('.log > .msg'),
                logScroll: {scrollWidth: log.scrollWidth, clientWidth: log.clientWidth},
            };
        }"""
    )


def assert_fits(report: dict, parts: tuple[str, ...] = ("header", "composer")) -> None:
    """Nothing cut off, nothing overlapping, no horizontal scrolling."""
    width, height = report["viewport"]["width"], report["viewport"]["height"]
    assert report["pageScrollWidth"] <= width, "page scrolls horizontally"
    panel = report["panel"]
    assert (panel["left"], panel["top"], panel["right"], panel["bottom"]) == (0, 0, width, height), panel
    assert report["logScroll"]["scrollWidth"] <= report["logScroll"]["clientWidth"], "log scrolls horizontally"
    for item in report["controls"] + report["bubbles"]:
        assert item["left"] >= 0 and item["right"] <= width + 0.5, f"cut off: {item}"
    for items in (report[part] for part in parts):
        for i, a in enumerate(items):
            assert a["top"] >= 0 and a["bottom"] <= height, f"cut off: {a}"
            for b in items[i + 1 :]:
                assert not _overlap(a, b), f"overlap: {a['name']} / {b['name']}"
    for item in report["composer"]:
        assert item["width"] >= 24 and item["height"] >= 24, f"target too small: {item}"  # WCAG 2.5.8


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5
