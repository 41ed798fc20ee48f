"""Round-trip YAML for the files staff also edit by hand: comments, order and layout kept.

ruamel.yaml keeps comments and key order, but re-emits some layout (line folding of
long texts, the indentation of lists) in its own way. So a file is written back by
patching only the lines the edit changed into the original text:

    base = dump(load(original))      # ruamel's rendering of the unchanged file
    new  = dump(edited)              # ruamel's rendering after the edit
    result = original with the base -> new hunks applied

Untouched entries keep their exact bytes; a hunk that cannot be placed (rare) falls
back to ruamel's rendering of the whole file, which is still valid and equivalent.
"""

from __future__ import annotations

import collections
import difflib
import functools
import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

# Indentation styles in this project: domain/ and data/ indent nested lists like
# "  - item"; others write "- item" under the key. Tried in this order per file.
STYLES = ((2, 2, 0), (2, 4, 2))
WIDTHS = (100, 4096)


def _yaml(style: tuple[int, int, int], width: int) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = width
    yaml.indent(mapping=style[0], sequence=style[1], offset=style[2])
    return yaml


def _dump(yaml: YAML, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


@functools.lru_cache(maxsize=64)
def _layout(text: str) -> tuple[tuple[int, int, int], int, str]:
    """The style and width whose rendering of the file differs from it in the fewest lines,
    and that rendering (the base the edits are diffed against).

    The same text always gives the same answer; a page reads the same files several times
    and each try is a full ruamel load and dump, so the answer is kept per text.
    """
    best, best_cost = None, None
    lines = collections.Counter(text.splitlines())
    for style in STYLES:
        for width in WIDTHS:
            yaml = _yaml(style, width)
            rendered = _dump(yaml, yaml.load(text))
            if rendered == text:
                return style, width, rendered
            cost = sum((lines - collections.Counter(rendered.splitlines())).values())  # lines it would alter
            if best_cost is None or cost < best_cost:
                best, best_cost = (style, width, rendered), cost
    return best


class YamlDocument:
    """One YAML file loaded for editing; ``text()`` gives the edited file with minimal changes."""

    def __init__(self, text: str) -> None:
        self.original = text
        style, width, self.base = _layout(text)
        self.yaml = _yaml(style, width)
        self.data = self.yaml.load(text)

    @classmethod
    def read(cls, path: Path) -> YamlDocument:
        return cls(path.read_text(encoding="utf-8"))

    def text(self) -> str:
        """The file after the edit: the original with only the edited lines replaced."""
        new = _dump(self.yaml, self.data)
        if self.base == self.original:
            return new
        return _patch(self.original, self.base, new)


def _patch(original: str, base: str, new: str) -> str:
    """Apply the base -> new line changes to original, where base and original agree."""
    src, old, changed = original.splitlines(True), base.splitlines(True), new.splitlines(True)
    # Map each line of base to the line of original it equals (when it does).
    to_src: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in difflib.SequenceMatcher(None, old, src, autojunk=False).get_opcodes():
        if tag == "equal":
            to_src.update({i1 + k: j1 + k for k in range(i2 - i1)})
    result, cursor = [], 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, changed, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:
            if not all(i in to_src for i in range(i1, i2)) or to_src[i2 - 1] - to_src[i1] != i2 - 1 - i1:
                return new  # the edited lines are ones ruamel renders differently: take its whole rendering
            start, end = to_src[i1], to_src[i2 - 1] + 1
        else:  # pure insertion before base line i1
            if i1 < len(old):
                if i1 not in to_src:
                    return new
                start = end = to_src[i1]
            else:
                start = end = len(src)
        if start < cursor:
            return new
        result.extend(src[cursor:start])
        result.extend(changed[j1:j2])
        cursor = end
    result.extend(src[cursor:])
    return "".join(result)


def example_block(examples: list[str]) -> LiteralScalarString:
    """Training examples in Rasa's block form ("- one\\n- two\\n")."""
    return LiteralScalarString("".join(f"- {e}\n" for e in examples))


def parse_examples(block: Any) -> list[str]:
    """The example sentences of an `examples: |` block."""
    found = []
    for line in str(block or "").split("\n"):
        text = line.strip()
        if text.startswith("- "):
            found.append(text[2:].strip())
    return found


class NotFlowList(ValueError):
    """The list is written as a block ("- item" lines): set_flow_lists leaves it to ruamel."""


def _flow_list_span(lines: list[str], mapping: Any, key: str) -> tuple[int, int, int] | None:
    """Lines [start, end) and column of a ``key: [a, b, ...]`` flow list in the file (it may wrap)."""
    if key not in mapping:
        return None
    value = mapping[key]
    if not (hasattr(value, "fa") and value.fa.flow_style()):
        raise NotFlowList(key)
    line, col = mapping.lc.key(key)
    depth = 0
    for number in range(line, len(lines)):
        segment = lines[number][col:] if number == line else lines[number]
        depth += segment.count("[") - segment.count("]")
        if depth <= 0:
            return line, number + 1, col
    raise ValueError(f"the list '{key}' has no closing ']'")


def _flow_list_lines(key: str, items: list[str], col: int, width: int = 93) -> list[str]:
    """``key: [a, b,`` wrapped at ``width`` with continuation lines under the first item, as written by hand."""
    prefix = " " * col + f"{key}: ["
    lines, current = [], prefix
    for index, item in enumerate(items):
        piece = item + ("," if index < len(items) - 1 else "")
        if current.strip() and not current.endswith("[") and len(current) + 1 + len(piece) + (index == len(items) - 1) > width:
            lines.append(current)
            current = " " * len(prefix) + piece
        else:
            current += ("" if current.endswith("[") or not current.strip() else " ") + piece
    return [line + "\n" for line in [*lines, current + "]"]]


def set_flow_lists(text: str, mapping: Any, lists: dict[str, list[str] | None], after: dict[str, str]) -> str:
    """Rewrite flow lists of one mapping (loaded from ``text``) in place, keeping every other byte.

    ``lists``: key -> new items, or None to remove the key; a key the mapping lacks is added on
    the line after the value of ``after[key]`` (which must exist). Hand-written wrapping is kept.
    """
    lines = text.splitlines(True)
    edits = []  # (start, end, new lines)
    for key, items in lists.items():
        span = _flow_list_span(lines, mapping, key)
        if span is None:
            if items is None:
                continue
            anchor = _flow_list_span(lines, mapping, after[key])
            edits.append((anchor[1], anchor[1], _flow_list_lines(key, items, anchor[2])))
        else:
            start, end, col = span
            edits.append((start, end, [] if items is None else _flow_list_lines(key, items, col)))
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[start:end] = new
    return "".join(lines)
