"""Attacks on case numbers and follow-up keys (issue 12, remaining gaps), on SQLite and PostgreSQL.

1. Case numbers were sequential (LEA-2026-000042): anyone could enumerate them.
2. Five wrong keys locked a case's keyed follow-ups for 24 h: whoever knew (or enumerated)
   a case number could lock its client out.
Now numbers are random with a check character (bot/case_numbers.py) and wrong keys slow
down their source, never the case (bot/backend/follow_ups.py).
"""

from __future__ import annotations

from datetime import timedelta

from bot import case_numbers
from bot.backend.follow_ups import BACKOFF, SOURCE_FAILURES
from bot.case_numbers import ALPHABET
from bot.config import Settings
from tests.backend.conftest import INTERNAL, submission
from tests.backend.helpers import audit_rows, counts

WRONG = "ABCD-EFGH-JKMN-PQRS"


def _case(client, **overrides) -> dict:
    response = client.post("/internal/cases", json=submission(**overrides), headers=INTERNAL)
    assert response.status_code == 201
    return response.json()


def follow_up(client, case_number: str, key: str, conversation_id: str, source: str = "", **extra):
    body = {"idempotency_key": extra.pop("idempotency_key", f"fu-{conversation_id}-{case_number}-{key}"),
            "conversation_id": conversation_id, "case_number": case_number, "follow_up_key": key,
            "source": source, "message": "Neuer Arbeitsvertrag", **extra}
    return client.post("/internal/cases/follow-ups", json=body, headers=INTERNAL)


def _neighbours(number: str) -> list[str]:
    """Numbers next to a real one: every single character changed (check character fixed up,
    so they are well-formed numbers), as an enumerator walking the space would try them."""
    year, chars = int(number[4:8]), number[9:13] + number[14:]
    found = []
    for position in range(case_numbers.RANDOM_CHARS):
        for c in ALPHABET:
            if c != chars[position]:
                body = chars[:position] + c + chars[position + 1:case_numbers.RANDOM_CHARS]
                full = body + case_numbers.check_character(year, body)
                found.append(f"LEA-{year}-{full[:4]}-{full[4:]}")
    return found


def _clock(ctx, seconds: float) -> None:
    moment = ctx.clock() + timedelta(seconds=seconds)
    ctx.clock = lambda: moment


def test_enumerating_case_numbers_finds_nothing(client, ctx):
    """A neighbour of a real number is not a case, and its answer is the unknown number's."""
    cases = [_case(client, given_names=f"Person {chr(65 + i)}", idempotency_key=f"enumerate-{i}") for i in range(3)]
    numbers = {c["case_number"] for c in cases}
    neighbours = [n for c in cases for n in _neighbours(c["case_number"])]
    assert len(neighbours) == 3 * 7 * 30 and not numbers & set(neighbours)
    refused = follow_up(client, "LEA-2026-999999", WRONG, "conv-reference").json()
    # Each guess from its own conversation and address: no throttle hides a hit.
    answers = {(r.status_code, r.text) for r in (
        follow_up(client, n, WRONG, f"conv-enum-{i}", source=f"addr-{i}") for i, n in enumerate(neighbours[:120]))}
    assert answers == {(404, follow_up(client, "LEA-2026-999999", WRONG, "conv-reference-2").text)}
    assert refused["error"] == "follow_up_refused"
    assert counts(ctx)["case_entries"] == 3
    # Sequential numbers are gone: the numbers of consecutive cases share nothing to walk.
    assert all(case_numbers.canonical(n) == n for n in numbers)


def test_a_typed_case_number_with_one_typo_or_a_swapped_pair_is_never_looked_up(client, ctx):
    case = _case(client)
    number = case["case_number"]
    year, chars = int(number[4:8]), number[9:13] + number[14:]
    typos = [chars[:i] + c + chars[i + 1:] for i in range(8) for c in ALPHABET if c != chars[i]]
    swaps = [chars[:i] + chars[i + 1] + chars[i] + chars[i + 2:] for i in range(7) if chars[i] != chars[i + 1]]
    assert not any(case_numbers.valid_check(year, t) for t in typos + swaps)
    for wrong_year in {year + 1, year - 1, int(str(year)[:2] + str(year)[3] + str(year)[2])} - {year}:
        assert not case_numbers.valid_check(wrong_year, chars)
    # The backend treats them as no number at all (the chat answers them before asking).
    mistyped = f"LEA-{year}-{typos[0][:4]}-{typos[0][4:]}"
    response = follow_up(client, mistyped, case["follow_up_key"], "conv-typo")
    assert response.status_code == 404 and response.json()["error"] == "follow_up_refused"
    # Older sequential numbers stay valid, and so do the new ones typed loosely.
    assert case_numbers.canonical("lea 2026 000042") == "LEA-2026-000042"
    assert case_numbers.canonical(number.lower().replace("-", " ")) == number
    assert case_numbers.canonical(number.replace("-", "")) == number


def test_a_stranger_with_100_wrong_keys_cannot_lock_out_the_client(client, ctx):
    case = _case(client)
    number = case["case_number"]
    answers = [follow_up(client, number, f"ABCD-EFGH-JKMN-{i:04d}", "conv-stranger", source="addr-stranger",
                         idempotency_key=f"fu-stranger-{i}") for i in range(100)]
    assert {a.status_code for a in answers} == {404}
    _clock(ctx, 60)
    # A minute later, the client, from another chat (their phone), with the right key.
    added = follow_up(client, number, case["follow_up_key"], "conv-client-phone", source="addr-client")
    assert added.status_code == 201 and added.json()["status"] == "added"
    # Also right away after a distributed stranger: 100 conversations from 100 addresses.
    for i in range(100):
        follow_up(client, number, WRONG, f"conv-botnet-{i}", source=f"addr-botnet-{i}")
    again = follow_up(client, number, case["follow_up_key"], "conv-client-laptop", source="addr-client-2")
    assert again.status_code == 201
    # And from the chat that opened the case, without a key, always.
    own = follow_up(client, number, "", "conv-1", idempotency_key="fu-own-chat")
    assert own.status_code == 201


def test_the_real_default_back_off_is_one_minute_and_doubles(client, ctx):
    """The product's default (the test stack runs with a shorter one: tests/fixtures/stack.py)."""
    assert Settings.model_fields["follow_up_backoff_s"].default == 60 == BACKOFF.total_seconds()
    assert ctx.settings.follow_up_backoff_s == 60  # these tests run with the defaults
    case = _case(client)
    _clock(ctx, 0)  # the clock stands still; only _clock moves it

    def guess(label: str, key: str = WRONG):
        return follow_up(client, case["case_number"], key, "conv-guesser", source="addr-guesser",
                         idempotency_key=f"fu-{label}")

    for wait in (60, 120):  # the first back-off, then the second (doubled)
        for i in range(SOURCE_FAILURES):
            assert guess(f"wrong-{wait}-{i}").status_code == 404
        _clock(ctx, wait - 1)
        assert guess(f"early-{wait}", case["follow_up_key"]).status_code == 404  # still backing off
        assert [row[1] for row in audit_rows(ctx)][-1] == "follow_up_throttled"
        _clock(ctx, 1)
        added = guess(f"right-{wait}", case["follow_up_key"])  # the back-off is over: compared, added
        assert added.status_code == 201 and added.json()["status"] == "added"


def test_the_stranger_is_throttled_per_conversation_and_per_address(client, ctx):
    case = _case(client)
    number = case["case_number"]
    for i in range(100):
        follow_up(client, number, f"ABCD-EFGH-JKMN-{i:04d}", "conv-stranger", source="addr-stranger",
                  idempotency_key=f"fu-stranger-{i}")
    actions = [row[1] for row in audit_rows(ctx) if row[0] == "client"]
    compared = sum(a in ("follow_up_key", "follow_up_backoff") for a in actions)
    assert compared == SOURCE_FAILURES and actions.count("follow_up_throttled") == 100 - SOURCE_FAILURES
    # Even the right key is not compared while the source backs off.
    right = follow_up(client, number, case["follow_up_key"], "conv-stranger", source="addr-stranger",
                      idempotency_key="fu-stranger-right")
    assert right.status_code == 404
    # New conversations from the same address: the address backs off too.
    fresh = follow_up(client, number, case["follow_up_key"], "conv-stranger-new", source="addr-stranger")
    assert fresh.status_code == 404


def test_an_hour_of_guessing_from_one_source_compares_few_keys(client, ctx):
    """A guess every 5 seconds for an hour: the back-off doubles (1, 2, 4, 8, 15, 15 ... minutes)."""
    case = _case(client)
    for i in range(720):
        follow_up(client, case["case_number"], f"ABCD-EFGH-{i:04d}-JKMN", "conv-patient", source="addr-patient",
                  idempotency_key=f"fu-patient-{i}")
        _clock(ctx, 5)
    actions = [row[1] for row in audit_rows(ctx) if row[0] == "client"]
    compared = sum(a in ("follow_up_key", "follow_up_backoff") for a in actions)
    assert compared <= 7 * SOURCE_FAILURES, compared  # of 720 (measured: 35); the key has 80 bits
    assert follow_up(client, case["case_number"], case["follow_up_key"], "conv-client", source="addr-c").status_code == 201


def test_wrong_key_unknown_number_mistyped_number_and_throttled_answer_alike(client, ctx):
    case = _case(client)
    number = case["case_number"]
    wrong = follow_up(client, number, WRONG, "conv-a", source="addr-a")
    unknown = follow_up(client, "LEA-2026-999999", WRONG, "conv-b", source="addr-b")
    other = case_numbers.new_case_number(2026)
    unknown_new = follow_up(client, other, WRONG, "conv-c", source="addr-c")
    mistyped = follow_up(client, number[:-1] + ("2" if number[-1] != "2" else "3"), WRONG, "conv-d", source="addr-d")
    for i in range(SOURCE_FAILURES):
        follow_up(client, number, WRONG, "conv-e", source="addr-e", idempotency_key=f"fu-eve-{i:04d}")
    throttled = follow_up(client, number, case["follow_up_key"], "conv-e", source="addr-e", idempotency_key="fu-e-right-key")
    answers = [wrong, unknown, unknown_new, mistyped, throttled]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert len({tuple(sorted((k, v) for k, v in a.headers.items() if k.lower() != "date")) for a in answers}) == 1
    assert number not in wrong.text and case["follow_up_key"] not in throttled.text
    # A wrong key counts alike for an existing and an unknown number: the back-off reveals nothing.
    for target, conversation in ((number, "conv-known"), (other, "conv-unknown")):
        runs = [follow_up(client, target, WRONG, conversation, idempotency_key=f"fu-{conversation}-{i}")
                for i in range(SOURCE_FAILURES + 1)]
        assert [r.status_code for r in runs] == [404] * (SOURCE_FAILURES + 1)
    rows = [r[1] for r in audit_rows(ctx)][-2 * (SOURCE_FAILURES + 1):]
    first, second = rows[:SOURCE_FAILURES + 1], rows[SOURCE_FAILURES + 1:]
    assert first == second == ["follow_up_key"] * (SOURCE_FAILURES - 1) + ["follow_up_backoff", "follow_up_throttled"]
