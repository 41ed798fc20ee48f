"""The conversation evaluation set (tests/evaluation/conversations/*.yml): loading and judging.

Each conversation is a list of client turns; each turn may state what a right answer
must contain. A conversation is right when every checked turn is right. Judging works
on what the public chat API returns (texts and buttons), so it measures what a client sees.

Checks a turn may state (all optional, every one given must hold):
  all:      texts that must all appear ("a|b" = either a or b); case-insensitive
  none:     texts that must not appear
  form:     true  = the enquiry starts in this turn (its opening message is sent)
            false = no enquiry starts and no form question is asked
  asks:     the form asks this field now (its question, from domain/utter_ask_<field>)
  not_asks: the form does not ask this field now
  offer:    true  = a button offers to start an enquiry (payload /enquiry_...)
  no_info:  true  = says honestly it has no information and how to reach the office
The answer's language is checked by `all` words; the runner presets the conversation's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

KINDS = ("colloquial", "typos", "follow_up", "two_questions", "matter_question", "mid_form",
         "applying", "not_covered", "out_of_scope")
CHECKS = {"all", "none", "form", "asks", "not_asks", "offer", "no_info"}
# How the office can be reached (content/knowledge.yml phone_numbers): part of an honest "no information".
OFFICE_CONTACT = "99-2421"
HONEST = ("keine verlässliche", "nicht verlässlich", "nichts verlässliches", "no reliable", "nothing reliable",
          "not reliable", "kann ich ihnen leider nicht", "i cannot tell you", "keine auskunft", "no information")


@dataclass(frozen=True)
class Turn:
    say: str
    expect: dict[str, Any]


@dataclass(frozen=True)
class Conversation:
    id: str
    kind: str
    language: str
    turns: tuple[Turn, ...]


@dataclass
class Outcome:
    conversation: Conversation
    failures: list[str] = field(default_factory=list)

    @property
    def right(self) -> bool:
        return not self.failures


def load_conversations(directory: Path) -> list[Conversation]:
    """Every conversation of every language file; refuses unknown kinds and checks."""
    conversations, seen = [], set()
    for path in sorted(directory.glob("*.yml")):
        language = path.stem
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            where = f"{path.name}, {raw.get('id')}"
            if raw.get("kind") not in KINDS:
                raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
            if raw["id"] in seen:
                raise ValueError(f"{where}: id used twice")
            seen.add(raw["id"])
            turns = []
            for turn in raw["turns"]:
                expect = turn.get("expect") or {}
                unknown = set(expect) - CHECKS
                if unknown:
                    raise ValueError(f"{where}: unknown check(s) {', '.join(sorted(unknown))}")
                turns.append(Turn(str(turn["say"]), expect))
            conversations.append(Conversation(raw["id"], raw["kind"], language, tuple(turns)))
    return conversations


def form_markers(domain_responses: dict[str, list[dict]]) -> tuple[dict[str, list[str]], list[str]]:
    """What the form's questions and its opening message begin with, in both languages.

    From the domain, so a reworded question is still recognised: the text up to the
    first placeholder, at most 40 characters.
    """
    def heads(name: str) -> list[str]:
        return [re.split(r"[{\n]", v["text"])[0].strip()[:40] for v in domain_responses.get(name, [])]

    asks = {name[len("utter_ask_"):]: heads(name) for name in domain_responses
            if name.startswith("utter_ask_") and name not in ("utter_ask_rephrase", "utter_ask_affirmation")}
    return asks, heads("utter_enquiry_start")


def _contains(text: str, alternatives: str) -> bool:
    return any(a.strip().lower() in text for a in alternatives.split("|"))


def judge_turn(expect: dict[str, Any], messages: list[dict[str, Any]], asks: dict[str, list[str]],
               start: list[str]) -> list[str]:
    """What is wrong with the assistant's answer to one turn (empty: right)."""
    text = " ".join(" ".join((m.get("text") or "").split()) for m in messages).lower()
    # Question texts are matched on the last text message (the question asked now).
    last = next((" ".join(m["text"].split()).lower() for m in reversed(messages) if m.get("text")), "")
    payloads = [b.get("payload", "") for m in messages for b in m.get("buttons") or []]
    started = any(h.lower() in text for h in start if h)
    asking = {f for f, hs in asks.items() if any(h and h.lower() in last for h in hs)}
    wrong = []
    for item in expect.get("all") or []:
        if not _contains(text, str(item)):
            wrong.append(f"missing {item!r}")
    for item in expect.get("none") or []:
        if _contains(text, str(item)):
            wrong.append(f"must not say {item!r}")
    if expect.get("form") is True and not started:
        wrong.append("the enquiry did not start")
    if expect.get("form") is False and (started or asking - {"confirmed"}):
        wrong.append("an enquiry started or a form question was asked")
    if "asks" in expect and expect["asks"] not in asking:
        wrong.append(f"does not ask {expect['asks']}")
    if "not_asks" in expect and expect["not_asks"] in asking:
        wrong.append(f"asks {expect['not_asks']}")
    if expect.get("offer") is True and not any(p.startswith("/enquiry_") for p in payloads):
        wrong.append("no enquiry offered")
    if expect.get("no_info") is True and not (OFFICE_CONTACT in text and any(h in text for h in HONEST)):
        wrong.append("no honest 'no information' with the office's phone numbers")
    return wrong


def figures(outcomes: list[Outcome]) -> dict[tuple[str, str], tuple[int, int]]:
    """(right, total) per (kind, language), with 'all' rows and columns."""
    table: dict[tuple[str, str], list[int]] = {}
    for outcome in outcomes:
        c = outcome.conversation
        for key in ((c.kind, c.language), (c.kind, "all"), ("all", c.language), ("all", "all")):
            cell = table.setdefault(key, [0, 0])
            cell[0] += outcome.right
            cell[1] += 1
    return {k: (v[0], v[1]) for k, v in table.items()}


def figure_table(outcomes: list[Outcome]) -> str:
    """Markdown table: % right per kind and language."""
    table = figures(outcomes)

    def cell(kind: str, language: str) -> str:
        right, total = table.get((kind, language), (0, 0))
        return f"{100 * right / total:.0f} % ({right}/{total})" if total else "–"

    rows = ["| kind | de | en | both |", "|---|---|---|---|"]
    for kind in (*KINDS, "all"):
        if (kind, "all") in table:
            rows.append(f"| {kind} | {cell(kind, 'de')} | {cell(kind, 'en')} | {cell(kind, 'all')} |")
    return "\n".join(rows)
