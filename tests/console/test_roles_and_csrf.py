"""Sign-in, roles, CSRF and the sign-in rate limit."""

from __future__ import annotations

import pytest

from bot.console import accounts
from tests.console.conftest import PASSWORD, client, csrf_of, signed_in

EDITOR_PAGES = ["/learn", "/edit", "/edit/examples/faq_fees", "/edit/responses/utter_greet",
                "/edit/facts/fee_issue_eur", "/edit/answers/faq_fees", "/edit/new-question", "/history", "/train",
                "/edit/file/routing", "/edit/concerns", "/edit/concerns/visa_extension", "/edit/routing",
                "/edit/routing/rules/a-vietnam", "/edit/routing/new"]
EDITOR_POSTS = ["/edit/new-question", "/edit/file/routing", "/edit/concerns/visa_extension",
                "/edit/routing/rules/a-vietnam", "/edit/routing/new", "/edit/examples/faq_fees/de", "/edit/facts/fee_issue_eur",
                "/history/1/revert", "/train/start", "/train/go-live", "/train/rollback", "/learn/1/dismiss"]


def test_passwords_are_stored_as_argon2_hashes(console):
    store = console.state.console.store
    with store.connect() as db:
        stored = db.execute("SELECT password_hash FROM users WHERE name = 'anna.editor'").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize("page", EDITOR_PAGES + ["/inbox"])
def test_without_a_session_every_page_sends_to_sign_in(shared_console, page):
    response = client(shared_console).get(page, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_the_session_cookie_is_httponly_secure_and_strict(console):
    c = client(console)
    response = c.post("/login", data={"name": "anna.editor", "password": PASSWORD, "csrf": csrf_of(c.get("/login").text)},
                      follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "secure" in cookie and "samesite=strict" in cookie


@pytest.mark.parametrize("page", EDITOR_PAGES)
def test_a_unit_account_may_not_open_editor_pages(shared_unit_user, page):
    assert shared_unit_user.get(page).status_code == 403


@pytest.mark.parametrize("page", EDITOR_POSTS)
def test_a_unit_account_may_not_change_anything(shared_console, shared_unit_user, page):
    with shared_console.state.console.store.connect() as db:  # the unit user's own valid token: the role refuses
        csrf = db.execute("SELECT csrf FROM sessions WHERE user = 'ben.unit'").fetchone()[0]
    response = shared_unit_user.post(page, data={"csrf": csrf, "intent": "x", "examples": "x"})
    assert response.status_code == 403


def test_an_editor_may_not_open_the_unit_inbox(shared_editor):
    assert shared_editor.get("/inbox").status_code == 403
    assert shared_editor.get("/inbox/LEA-2026-000001").status_code == 403


def test_a_post_without_the_session_csrf_token_is_refused_and_writes_nothing(console, editor):
    project = console.state.console.project
    before = (project / "content/knowledge.yml").read_text()
    for token in ("", "forged-token-from-another-site"):
        response = editor.post("/edit/facts/fee_issue_eur", data={"csrf": token, "value": "1", "source": "x"})
        assert response.status_code == 403
    assert (project / "content/knowledge.yml").read_text() == before
    # The same form with the session's token is saved: the refusal above was the token.
    csrf = csrf_of(editor.get("/edit/facts/fee_issue_eur").text)
    response = editor.post("/edit/facts/fee_issue_eur", data={"csrf": csrf, "value": "100", "source": "002: Kosten (100 Euro)"},
                           follow_redirects=False)
    assert response.status_code == 303


def test_another_sessions_csrf_token_does_not_work(console, editor):
    other = signed_in(console, "anna.editor")
    foreign = csrf_of(other.get("/edit/new-question").text)
    assert foreign != csrf_of(editor.get("/edit/new-question").text)
    assert editor.post("/edit/new-question", data={"csrf": foreign, "intent": "x"}).status_code == 403


def test_sign_in_without_the_forms_token_is_refused(console):
    c = client(console)
    c.get("/login")
    response = c.post("/login", data={"name": "anna.editor", "password": PASSWORD, "csrf": "guess"}, follow_redirects=False)
    assert response.headers["location"] == "/login?error=expired"


def test_sign_in_is_rate_limited_per_name(console):
    c = client(console)
    for _ in range(5):
        c.post("/login", data={"name": "anna.editor", "password": "wrong password!", "csrf": csrf_of(c.get("/login").text)})
    response = c.post("/login", data={"name": "anna.editor", "password": PASSWORD, "csrf": csrf_of(c.get("/login").text)},
                      follow_redirects=False)
    assert response.headers["location"] == "/login?error=limited"


def test_sign_out_ends_the_session(console, editor):
    csrf = csrf_of(editor.get("/edit").text)
    editor.post("/logout", data={"csrf": csrf})
    assert editor.get("/edit", follow_redirects=False).status_code == 303


def test_accounts_need_a_long_password_and_units_a_unit_code(console):
    store = console.state.console.store
    with pytest.raises(accounts.AccountError, match="12 characters"):
        accounts.add_user(store, "carl", "short", "editor")
    with pytest.raises(accounts.AccountError, match="--unit"):
        accounts.add_user(store, "carl", PASSWORD, "unit")
