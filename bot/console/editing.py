"""What staff edit, read from and written back to the project's YAML files.

Each ``set_*`` / ``add_*`` / ``new_question`` function returns a ``changes.Edit``
(new file texts); ``changes.apply`` checks and saves it. Nothing here writes a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.console.changes import Edit
from bot.console.texts import Said
from bot.console.yamlfiles import YamlDocument, example_block, parse_examples
from bot.staffcheck.project import LANGUAGES, Project

CORE_DOMAIN = "domain/core.yml"
ANSWERS_DOMAIN = "domain/responses_general.yml"
FAQ_RULES = "data/rules/faq.yml"
KNOWLEDGE = "content/knowledge.yml"
INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{2,48}$")


class EditError(Said, ValueError):
    """The form cannot become a change (e.g. unknown intent); the message (a console text) says which field."""

    def __init__(self, field_name: str, key: str, /, **values) -> None:
        super().__init__(key, **values)
        self.field = field_name


def _nlu_default_file(language: str) -> str:
    return f"data/nlu/{language}/faq.yml"


def _lines(text: str) -> list[str]:
    """One example per line; blanks and a leading '- ' dropped, duplicates kept once."""
    seen, result = set(), []
    for line in text.splitlines():
        item = line.strip().removeprefix("- ").strip()
        if item and item.lower() not in seen:
            seen.add(item.lower())
            result.append(item)
    return result


def intents(project: Path) -> list[str]:
    return sorted(Project(project).domain.intents)


def _intent_block(project: Path, intent: str, language: str) -> tuple[str, YamlDocument, CommentedMap | None]:
    """The file and block holding an intent's examples in one language (the default file if none)."""
    for path in sorted((project / "data" / "nlu" / language).glob("*.yml")):
        if f"intent: {intent}\n" not in path.read_text(encoding="utf-8"):
            continue
        doc = YamlDocument.read(path)
        for block in doc.data.get("nlu") or []:
            if isinstance(block, dict) and block.get("intent") == intent:
                return path.relative_to(project).as_posix(), doc, block
    rel = _nlu_default_file(language)
    return rel, YamlDocument.read(project / rel), None


def examples_of(project: Path, intent: str, language: str) -> tuple[str, list[str]]:
    rel, _doc, block = _intent_block(project, intent, language)
    return rel, parse_examples(block.get("examples")) if block is not None else []


def set_examples(project: Path, intent: str, language: str, text: str) -> Edit:
    """Replace an intent's examples in one language (one sentence per line)."""
    if intent not in intents(project):
        raise EditError("intent", "edit_choose_intent")
    rel, doc, block = _intent_block(project, intent, language)
    examples = _lines(text)
    if block is None:
        block = CommentedMap([("intent", intent), ("examples", example_block(examples))])
        doc.data["nlu"].append(block)
    else:
        block["examples"] = example_block(examples)
    return Edit(f"Training examples of '{intent}' ({language})", {rel: doc.text()})


def add_example(project: Path, intent: str, language: str, sentence: str) -> Edit:
    """Add one sentence to an intent's examples in the right language file."""
    rel, current = examples_of(project, intent, language)
    if not sentence.strip():
        raise EditError("text", "edit_example_empty")
    edit = set_examples(project, intent, language, "\n".join([*current, sentence.strip()]))
    edit.summary = f"New {language} training example for '{intent}'"
    return edit


@dataclass
class ResponsePair:
    name: str
    file: str
    texts: dict[str, str]
    buttons: list[dict] = field(default_factory=list)  # {"payload", "de", "en"}


def _response_doc(project: Path, name: str) -> tuple[str, YamlDocument]:
    response = Project(project).domain.responses.get(name)
    if response is None:
        raise EditError("name", "edit_no_such_response")
    return response.file, YamlDocument.read(project / response.file)


def _variation(variations: list, language: str) -> dict:
    for variation in variations:
        for cond in variation.get("condition") or []:
            if cond.get("name") == "language" and cond.get("value") == language:
                return variation
    raise EditError("name", "edit_no_variation", language=language)


def responses(project: Path) -> list[str]:
    return sorted(Project(project).domain.responses)


def response_pair(project: Path, name: str) -> ResponsePair:
    rel, doc = _response_doc(project, name)
    variations = doc.data["responses"][name]
    de, en = _variation(variations, "de"), _variation(variations, "en")
    buttons = [{"payload": b.get("payload", ""), "de": b.get("title", ""), "en": e.get("title", "")}
               for b, e in zip(de.get("buttons") or [], en.get("buttons") or [])]
    return ResponsePair(name, rel, {"de": str(de.get("text") or ""), "en": str(en.get("text") or "")}, buttons)


def set_response(project: Path, name: str, texts: dict[str, str], button_titles: dict[str, list[str]]) -> Edit:
    """German and English text of one response; button titles per language (payloads stay as they are)."""
    rel, doc = _response_doc(project, name)
    variations = doc.data["responses"][name]
    for language in LANGUAGES:
        variation = _variation(variations, language)
        text = texts.get(language, "").strip().replace("\r\n", "\n")
        if not text:
            raise EditError(f"text_{language}", "edit_text_empty")
        variation["text"] = text
        for button, title in zip(variation.get("buttons") or [], button_titles.get(language, [])):
            if not title.strip():
                raise EditError(f"button_{language}", "edit_button_empty")
            button["title"] = title.strip()
    return Edit(f"Response '{name}' (German and English)", {rel: doc.text()})


def _fact_value(old, text: str):
    """The new value in the old value's type (number, date, list, text)."""
    text = text.strip()
    try:
        if isinstance(old, bool):
            return text.lower() in ("true", "yes", "ja", "1")
        if isinstance(old, int):
            return int(text)
        if isinstance(old, float):
            return float(text.replace(",", "."))
        if isinstance(old, date):
            return date.fromisoformat(text)
    except ValueError:
        if isinstance(old, int):
            raise EditError("value", "edit_value_whole_number") from None
        if isinstance(old, float):
            raise EditError("value", "edit_value_number") from None
        raise EditError("value", "edit_value_date") from None
    if isinstance(old, list):
        items = CommentedSeq(part.strip() for part in text.split(",") if part.strip())
        items.fa.set_flow_style()
        return items
    return text


def knowledge(project: Path) -> dict:
    return YamlDocument.read(project / KNOWLEDGE).data


def fact_text(value) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def set_fact(project: Path, key: str, value: str, source: str) -> Edit:
    doc = YamlDocument.read(project / KNOWLEDGE)
    entry = (doc.data.get("facts") or {}).get(key)
    if entry is None:
        raise EditError("key", "no_such_fact")
    if not source.strip():
        raise EditError("source", "edit_fact_needs_source")
    entry["value"] = _fact_value(entry.get("value"), value)
    entry["source"] = source.strip()
    return Edit(f"Fact '{key}'", {KNOWLEDGE: doc.text()})


def set_answer(project: Path, intent: str, texts: dict[str, str], sources: str) -> Edit:
    doc = YamlDocument.read(project / KNOWLEDGE)
    entry = (doc.data.get("answers") or {}).get(intent)
    if entry is None:
        raise EditError("intent", "no_such_answer")
    for language in LANGUAGES:
        entry[language] = texts.get(language, "").strip().replace("\r\n", "\n")
    items = CommentedSeq(_lines(sources))
    items.fa.set_flow_style()
    entry["sources"] = items
    return Edit(f"Answer '{intent}' (German and English)", {KNOWLEDGE: doc.text()})
