"""Check the assistant's data before training: one line per problem, saying what, where and how to fix it.

Usage (from the project directory):
    .venv/bin/python scripts/validate.py            # everything (about 40 s, Rasa's check included)
    .venv/bin/python scripts/validate.py --quick    # the project's own checks only (a second or two)
    .venv/bin/python scripts/validate.py --min-examples 15 --only examples,duplicates

Exit code 0 when every check passes, 1 when there is a problem. See docs/STAFF-GUIDE.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.staffcheck import CHECKS, Options, run_checks  # noqa: E402
from bot.staffcheck.project import Project  # noqa: E402
from bot.staffcheck.report import render  # noqa: E402


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Check domain/, data/ and content/ for mistakes (Rasa's validator and the project's own checks).",
        epilog="Checks: " + "; ".join(f"{c.id} = {c.title}" for c in CHECKS),
    )
    parser.add_argument("--min-examples", type=int, default=10, metavar="N",
                        help="training examples every intent needs per language (default 10)")
    parser.add_argument("--quick", action="store_true", help="leave out Rasa's own check (it takes about 30 s)")
    parser.add_argument("--only", metavar="IDS", help="comma-separated check ids to run (see the list below)")
    parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="project directory to check (default: this checkout)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the checks, print the report, return 0 if all passed."""
    args = parse_args(argv)
    only = {part.strip() for part in args.only.split(",")} if args.only else None
    unknown = (only or set()) - {c.id for c in CHECKS}
    if unknown:
        print(f"validate: unknown check id(s) {', '.join(sorted(unknown))}; known: {', '.join(c.id for c in CHECKS)}")
        return 2
    options = Options(min_examples=args.min_examples, with_rasa=not args.quick)
    if options.with_rasa and (only is None or "rasa" in only):
        print("validate: running Rasa's data check (about 30 s) and the project's checks ...", flush=True)
    results = run_checks(Project(args.project), options, only)
    print(render(results))
    return 0 if all(r.passed or r.skipped for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
