"""Who took part in a session, by role and unit under a code (P1, P2 …), never by name.

A reviewer types one line a participant ("detention officer, custody") or several alike at
once ("6 × detention officer, custody"); a session keeps one entry a person, and reports
read them back grouped ("Focus group, 6 detention officers, custody").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from qam.errors import RefusedError

# "6 × detention officer, custody", "6 x detention officer", "6* PCSO, Response".
_COUNT = re.compile(r"^\s*(\d+)\s*[×xX*]\s*(.+)$")
MAX_PEOPLE = 10_000


def parse_line(text: str) -> tuple[int, str, str | None]:
    """'6 × detention officer, custody' -> (6, 'detention officer', 'custody')."""
    text = " ".join(text.split())
    count = 1
    if m := _COUNT.match(text):
        count, text = int(m[1]), m[2]
        if not 1 <= count <= MAX_PEOPLE:
            raise RefusedError("The count before × must be a number of people from 1.")
    role, _, unit = (part.strip() for part in text.partition(","))
    if not role:
        raise RefusedError(
            "Write the role, then a comma and the unit: 'detention officer, custody' "
            "(or '6 × detention officer, custody' for six alike)."
        )
    if role.isdigit():
        raise RefusedError(
            f"'{role}' is a number; write the role, e.g. '{role} × detention officer, custody'."
        )
    return count, role, unit or None


def pseudonymise(participants: Iterable[dict]) -> list[dict]:
    """Participants as {code, role, unit}: P1, P2 ... never a name."""
    out = []
    for i, p in enumerate(participants, start=1):
        role = (p.get("role") or "").strip()
        unit = (p.get("unit") or "").strip()
        if not role:
            raise RefusedError(
                f"Participant {i} has no role; record people by role and unit, e.g. 'detention officer', 'custody'."
            )
        out.append({"code": p.get("code") or f"P{i}", "role": role, "unit": unit or None})
    return out


def plural(role: str, count: int) -> str:
    """'detention officer' -> 'detention officers' (the last word takes the plural)."""
    if count == 1:
        return role
    head, _, last = role.rpartition(" ")
    lower = last.lower()
    if last.isupper() and len(last) > 1:  # PCSO -> PCSOs
        word = last + "s"
    elif lower.endswith(("man", "woman")):
        word = last[:-2] + "en"
    elif lower.endswith(("s", "x", "ch", "sh", "staff", "personnel")):
        word = last + ("es" if lower.endswith(("x", "ch", "sh")) else "")
    elif lower.endswith("y") and lower[-2:-1] not in "aeiou":
        word = last[:-1] + "ies"
    else:
        word = last + "s"
    return f"{head} {word}" if head else word


def groups(participants: Iterable[dict]) -> list[tuple[int, str, str | None]]:
    """(count, role, unit) for each kind of participant, in the order first met."""
    counted = Counter((p.get("role") or "", p.get("unit") or None) for p in participants)
    return [(n, role, unit) for (role, unit), n in counted.items() if role]


def people(head_count: int | None, participants: Iterable[dict]) -> str:
    """'6 detention officers, custody'; '6 people: 4 detention officers and 2 sergeants,
    custody'; '' when nobody was recorded."""
    kinds = groups(participants)
    recorded = sum(n for n, _, _ in kinds)
    units = {unit for _, _, unit in kinds}
    shared_unit = units.pop() if len(units) == 1 else None
    parts = [
        (f"{n} " if n > 1 or head_count else "")
        + plural(role, n)
        + (f" ({unit})" if unit and shared_unit is None else "")
        for n, role, unit in kinds
    ]
    text = (
        ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + (parts[-1] if parts else "")
    )
    if shared_unit:
        text += f", {shared_unit}"
    if len(kinds) == 1 and (head_count is None or head_count == recorded):
        return text
    if not kinds:
        return f"{head_count} people" if head_count else ""
    total = max(head_count or 0, recorded)
    lead = f"{total} people" if total > 1 else "1 person"
    return f"{lead}: {text}" if total == recorded else f"{lead}, including {text}"


def typed(participants: list[dict]) -> list[str]:
    """The lines a reviewer would type for these participants ('6 × detention officer, custody')."""
    return [
        (f"{n} × " if n > 1 else "") + role + (f", {unit}" if unit else "")
        for n, role, unit in groups(participants)
    ]


def who(finding: dict, session: dict | None) -> str:
    """Who a finding's evidence came from: its own participant (a line of `--answers`), else
    its session's people ('6 detention officers, custody'); '' when nobody was recorded."""
    own = [p for p in (finding.get("participant_role"), finding.get("participant_unit")) if p]
    if own:
        return ", ".join(own)
    session = session or {}
    return people(session.get("head_count"), session.get("participants") or [])


def gathered(session: dict) -> str:
    """A session as a report names it: 'Focus group, 6 detention officers, custody'."""
    from qam.vocabulary import label

    found = people(session.get("head_count"), session.get("participants") or [])
    return label(session["method"]) + (f", {found}" if found else "")
