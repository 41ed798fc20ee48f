"""Widget unit tests for accessibility and layout: axe-core, a 360 px phone, 200 % text, focus.

Run against the deterministic fake gateway (``widget_fake_gateway``), in Debian's chromium.
Screenshots land in reports/browser/ for a person to look at.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from widget_helpers import AXE_SCRIPT, HOST, SCREENSHOT_DIR, assert_fits, layout_report, open_widget, send, wait_idle

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PDF = b"%PDF-1.4\n%%EOF\n"


def run_axe(page) -> list[dict]:
    """axe-core's violations of WCAG 2.x A/AA and best practice on the whole page."""
    assert AXE_SCRIPT.exists(), "run `npm ci` in the project root to install axe-core"
    page.add_script_tag(path=str(AXE_SCRIPT))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.flat().join(' '))}));
        }""",
        AXE_TAGS,
    )


def fill_conversation(page) -> None:
    """A conversation with every kind of bubble: buttons, notice, upload, download link."""
    send(page, "ja")
    send(page, "fail once")
    wait_idle(page)
    page.locator(f"{HOST} input[type=file]").set_input_files({"name": "pass.pdf", "mimeType": "application/pdf", "buffer": PDF})
    expect(page.locator(f"{HOST} .upload-state")).to_have_text(re.compile("^✓"))
    send(page, "Hallo")
    expect(page.locator(f"{HOST} .choice")).to_have_count(2)


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_axe_finds_no_serious_violation(new_page, fake_gateway, lang):
    """Closed and open (with every kind of message), German and English: no serious or critical finding."""
    page = new_page(bypass_csp=True)  # axe is injected as an inline script
    page.goto(f"{fake_gateway.url}/?lang={lang}")
    expect(page.locator(f"{HOST} .launcher")).to_be_visible()
    closed = run_axe(page)
    open_widget(page)
    fill_conversation(page)
    opened = run_axe(page)
    assert not serious(closed), closed
    assert not serious(opened), opened
    assert not closed and not opened, f"minor findings worth fixing: {closed + opened}"


def test_phone_360_full_width_without_cut_off(new_page, fake_gateway):
    """At 360 x 740 the open panel fills the screen; controls fit side by side; screenshot saved."""
    page = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    page.goto(fake_gateway.url + "/")
    launcher = page.locator(f"{HOST} .launcher").bounding_box()
    assert launcher["x"] >= 0 and launcher["x"] + launcher["width"] <= 360
    open_widget(page)
    fill_conversation(page)
    report = layout_report(page)
    assert_fits(report)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "widget-phone-360.png"))


def test_text_at_200_percent_still_fits(new_page, fake_gateway):
    """With the text size doubled (WCAG 1.4.4) at 360 px the panel still reflows without cut-off."""
    page = new_page(width=360, height=740)
    page.goto(fake_gateway.url + "/")
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    open_widget(page)
    send(page, "Hallo")
    expect(page.locator(f"{HOST} .choice")).to_have_count(2)
    # The panel may scroll vertically (allowed); each part must fit once scrolled to.
    page.locator(f"{HOST} .send").scroll_into_view_if_needed()
    report = layout_report(page)
    assert_fits(report, parts=["composer"])
    assert report["header"][0]["width"] > 0
    page.evaluate("() => { document.querySelector('#lea-intake-widget').shadowRoot.querySelector('.panel').scrollTop = 0; }")
    assert_fits(layout_report(page), parts=["header"])
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "widget-phone-360-text-200.png"))


def test_desktop_panel_is_a_corner_dialog(new_page, fake_gateway):
    """On a wide screen the panel is a labelled dialog in the corner, not covering the page."""
    page = new_page(width=1280, height=800)
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    dialog = page.get_by_role("dialog", name="Online-Assistent des Landesamts für Einwanderung")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["width"] < 500 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 800
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT_DIR / "widget-desktop.png"))


def test_focus_is_visible_on_every_control(new_page, fake_gateway):
    """Each control the keyboard reaches draws a focus ring (outline) when focused by Tab."""
    page = new_page()
    page.goto(fake_gateway.url + "/")
    open_widget(page)
    send(page, "Hallo")
    expect(page.locator(f"{HOST} .choice")).to_have_count(2)
    seen = {}
    for _ in range(12):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """() => {
                const el = document.querySelector('#lea-intake-widget').shadowRoot.activeElement;
                if (!el) return null;
                const style = getComputedStyle(el);
                return {name: (el.getAttribute('aria-label') || el.textContent || el.className).trim(),
                        outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
            }"""
        )
        if info:
            seen[info["name"]] = info
    expected = {"Switch to English", "Chat schließen", "Unterhaltung löschen und neu beginnen", "Senden"}
    assert expected <= set(seen), seen.keys()
    for name, info in seen.items():
        assert info["outline"] != "none" and info["width"] >= 2, (name, info)
