"""Linked cases in the unit inbox: which a unit user is shown, and which they may open.

The backend links a submission that matches another conversation's open case (same
person and concern) as a *possible duplicate*: a case of its own, routed by its own
data, that the unit of the matched case may also open (that unit decides). Follow-ups
(the same conversation again, or a client with case number and code) are entries of
the case itself. This module only decides what the page shows; the backend refuses
every case the unit may not open, whatever the page links to.
"""

from __future__ import annotations

from dataclasses import dataclass

DUPLICATE_OF = "duplicate_of"  # this case may duplicate the linked (earlier, open) case
HAS_DUPLICATE = "has_duplicate"  # the linked case may duplicate this one


@dataclass(frozen=True)
class Link:
    relation: str
    unit: str
    status: str
    received_at: str
    case_number: str | None  # None: a case the user may not open; its number is not shown either


def _link(relation: str, other: dict, openable: bool) -> Link:
    return Link(relation, str(other.get("unit", "")), str(other.get("status", "")),
                str(other.get("received_at", ""))[:16].replace("T", " "),
                str(other["case_number"]) if openable else None)


def links_of(case: dict, unit: str) -> list[Link]:
    """The case's links as the unit may see them: own cases and duplicates of own cases by number."""
    links = []
    earlier = case.get("possible_duplicate_of")
    if earlier:
        links.append(_link(DUPLICATE_OF, earlier, openable=earlier.get("unit") == unit))
    for later in case.get("linked_unverified") or []:
        # The backend opens a possible duplicate to the unit of the case it matched.
        links.append(_link(HAS_DUPLICATE, later, openable=case.get("unit") == unit or later.get("unit") == unit))
    return links


def follow_ups(case: dict) -> int:
    """Entries after the first submission (a case's detail lists them; the list counts them)."""
    if "entries" in case:
        return sum(1 for entry in case["entries"] if entry.get("kind") != "initial")
    return int(case.get("follow_ups") or 0)
