"""Count the regular expressions in Python code that contain natural-language words.

A regex counts when its pattern, once escapes (\\b, \\s, \\d ...), character classes
([^\\W\\d_] ...), group names ((?P<name>) and flags are removed, still holds a run of two or
more letters: a word a client types ("ich bin", "expires", "geboren"). Patterns built from
content/ (re.escape(word) of a loaded word) are not literal text and do not count.

Usage: .venv/bin/python scripts/count_word_regexes.py [FILE ...]
(default: actions/extraction.py actions/fields.py bot/knowledge.py)
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

DEFAULT = ("actions/extraction.py", "actions/fields.py", "bot/knowledge.py")
RE_FUNCS = {"compile", "search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
_STRIP = [
    re.compile(r"\(\?P<\w+>"), re.compile(r"\(\?P=\w+\)"), re.compile(r"\(\?[aiLmsux]+\)"),
    re.compile(r"\\[A-Za-z]"), re.compile(r"\[(?:\\.|[^\]\\])*\]"), re.compile(r"\{\w*\}"),
]
_WORD = re.compile(r"[^\W\d_]{2,}")


def literal_text(node: ast.AST) -> str:
    """The literal parts of a pattern expression (constants, f-string parts, concatenations)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else " " for v in node.values)
    if isinstance(node, ast.BinOp):
        return literal_text(node.left) + " " + literal_text(node.right)
    return ""


def has_words(pattern: str) -> bool:
    for strip in _STRIP:
        pattern = strip.sub(" ", pattern)
    return bool(_WORD.search(pattern))


def word_regexes(path: Path) -> list[tuple[int, str]]:
    """(line, pattern start) of every re.<func>(pattern, ...) call whose literal pattern holds words."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RE_FUNCS
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args):
            text = literal_text(node.args[0])
            if has_words(text):
                found.append((node.lineno, " ".join(text.split())[:70]))
    return sorted(found)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    total = 0
    for name in argv or DEFAULT:
        hits = word_regexes(root / name)
        total += len(hits)
        print(f"{name}: {len(hits)}")
        for line, text in hits:
            print(f"  {line}: {text}")
    print(f"total: {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
