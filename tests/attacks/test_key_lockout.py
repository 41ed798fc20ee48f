"""Attack: knowing (or enumerating) a case number, lock its client out of adding to it.

Until migration 0003 case numbers were sequential (LEA-2026-000042: every neighbour a
case) and five wrong follow-up keys locked a case's keyed follow-ups for 24 h. Through the
real stack's public chat API: the number is random with a check character, neighbours are
no cases, a mistyped number is explained without a lookup, and a stranger's 100 wrong keys
slow down only the stranger: a minute later the client adds with the right key from another
chat, from the same address even (the stack's clients all come from 127.0.0.1, as behind
one NAT: the harder case). Every refusal reads the same.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest

from bot import case_numbers
from bot.backend.follow_ups import SOURCE_FAILURES
from tests.attacks.test_duplicates import KEY, _answers, _entries, _submit
from tests.attacks.test_secrets_not_in_logs import _log_files
from tests.e2e.chat import Chat, internal_id, stored_cases

pytestmark = pytest.mark.slow


def _audit(stack, since_id: int) -> list[str]:
    conn = sqlite3.connect(stack.var_dir / "backend.sqlite3")
    try:
        return [a for (a,) in conn.execute("SELECT action FROM audit_log WHERE id > ? AND unit = 'client' ORDER BY id",
                                           (since_id,))]
    finally:
        conn.close()


def _last_audit_id(stack) -> int:
    conn = sqlite3.connect(stack.var_dir / "backend.sqlite3")
    try:
        return conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit_log").fetchone()[0]
    finally:
        conn.close()


def _forget_wrong_keys(stack) -> None:
    """Earlier tests of the session sent wrong keys from 127.0.0.1 too: start from a fresh source."""
    conn = sqlite3.connect(stack.var_dir / "backend.sqlite3")
    try:
        conn.execute("DELETE FROM follow_up_throttles")
        conn.commit()
    finally:
        conn.close()


def test_enumeration_finds_nothing_and_a_stranger_cannot_lock_out_the_client(stack):
    _forget_wrong_keys(stack)
    born = date(1950, 1, 1) + timedelta(days=secrets.randbelow(14_000))
    victim = _submit(stack, {**_answers(born, "lockout@example.org"), "given_names": "Layla Haddad"})
    [case] = stored_cases(stack.var_dir, victim.sender)
    number = case["case_number"]
    [key] = KEY.findall("\n".join(victim.transcript))
    assert case_numbers.canonical(number) == number and number in victim.text  # the random shape

    unknown = Chat(stack.gateway_url, language="en")
    unknown.say("LEA-2026-999999 ABCD-EFGH-JKM2-PQRS please add my payslip")
    refused = unknown.text
    assert "could not add anything" in refused

    # A mistyped number (two characters swapped): explained in the chat, never looked up.
    chars = number[9:13] + number[14:]
    swapped = next(chars[:i] + chars[i + 1] + chars[i] + chars[i + 2:] for i in range(7) if chars[i] != chars[i + 1])
    typo = Chat(stack.gateway_url, language="de")
    start = _last_audit_id(stack)
    typo.say(f"LEA-{number[4:8]}-{swapped[:4]}-{swapped[4:]} {key} Lohnabrechnung anbei")
    assert "Prüfstelle" in typo.text and "could not add" not in typo.text, typo.text
    assert _audit(stack, start) == []  # nothing reached the backend

    # The stranger walks the neighbours of the number: no case among them, the unknown number's answer.
    stranger = Chat(stack.gateway_url, language="en")
    start = _last_audit_id(stack)
    year, body = int(number[4:8]), chars[:7]
    # (The unknown number above came from the same address, 127.0.0.1: one wrong key counted already.)
    neighbours = [body[:-1] + c for c in "23456789ABCDEFG" if c != body[-1]][:SOURCE_FAILURES - 2]
    for guess in neighbours:
        guess += case_numbers.check_character(year, guess)
        stranger.say(f"LEA-{year}-{guess[:4]}-{guess[4:]} ABCD-EFGH-JKM2-PQRS please add my payslip")
        assert stranger.text == refused, stranger.text
    assert _audit(stack, start) == ["follow_up_key"] * (SOURCE_FAILURES - 2)  # compared: no case
    # Then 100 wrong keys for the case itself, from four conversations of the same address: the
    # first (the address's 5th wrong key) alone, the other 99 from the four chats at once, as a
    # script would send them (and fast enough to fit into the test stack's shorter back-off).
    guessers = [stranger] + [Chat(stack.gateway_url, language="en") for _ in range(3)]

    def guess(k: int, keys: range) -> set[str]:
        said = set()
        for i in keys:
            if i % 4 == k:
                guessers[k].say(f"{number} ABCD-EFGH-{i:04d}-PQRS please add my payslip")
                said.add(guessers[k].text)
        return said

    answers = guess(0, range(1))
    backed_off_at = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        for said in pool.map(lambda k: guess(k, range(1, 100)), range(4)):
            answers |= said
    took = time.monotonic() - backed_off_at
    backoff_s = stack.settings.follow_up_backoff_s  # the setting the stack's backend runs with
    assert answers == {refused}
    actions = _audit(stack, start)
    compared = sum(a in ("follow_up_key", "follow_up_backoff") for a in actions)
    # The first of the 100 was the address's 5th wrong key: the rest were not even compared.
    assert took < backoff_s and compared == SOURCE_FAILURES - 1, (took, actions)
    assert actions.count("follow_up_throttled") == 99
    assert _entries(stack, number) == [("initial", internal_id(stack.var_dir, victim.sender))]

    # The client's own chat adds at once, while the address still backs off (it is the case's own
    # conversation: never throttled; without a key too, tests/backend/test_follow_up_throttle.py).
    victim.say(f"{number} {key} my new payslip")
    assert f"added to case {number}" in victim.text, victim.text
    assert time.monotonic() - backed_off_at < backoff_s  # still within the address's back-off
    # Once the back-off is over, the client from another chat with the right key (same address as the stranger).
    time.sleep(max(0.0, backoff_s + 1 - (time.monotonic() - backed_off_at)))
    phone = Chat(stack.gateway_url, language="en")
    phone.say(f"{number} {key} New employment contract attached")
    assert f"added to case {number}" in phone.text, phone.text
    kinds = [kind for kind, _ in _entries(stack, number)]
    assert kinds == ["initial", "follow_up", "by_key"], kinds
    # No case number, key or conversation id of all this in any log.
    secrets_ = [number, key, key.replace("-", ""), internal_id(stack.var_dir, victim.sender),
                internal_id(stack.var_dir, phone.sender), internal_id(stack.var_dir, stranger.sender)]
    for path in _log_files(stack.var_dir):
        content = path.read_text(encoding="utf-8", errors="replace")
        assert not [s for s in secrets_ if s in content], path
