"""An independent check of a programme against the hard rules, from the inputs and the output.

It shares nothing with the solver's model: it re-reads the SME and candidate rows, computes
working days from the `holidays` library itself and walks the calendar day by day, so a
mistake in how the model encodes a rule shows up here as a broken rule.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta


def _working(day: date, hols) -> bool:
    return day.weekday() < 5 and day not in hols


def _fy(day: date, year_start: tuple[int, int]) -> int:
    return day.year if (day.month, day.day) >= year_start else day.year - 1


def _days(first: date, last: date, hols) -> list[date]:
    out, day = [], first
    while day <= last:
        if _working(day, hols):
            out.append(day)
        day += timedelta(days=1)
    return out


def _review_rules(item: dict, c: dict, days: list[date], hols, horizon, pins) -> list[str]:
    """The review's own rules: working days, its length, the horizon, its window, its pin."""
    rid, (start, end) = item["review"], horizon
    first, last = date.fromisoformat(item["start"]), date.fromisoformat(item["end"])
    broken = []
    if not _working(first, hols) or not _working(last, hols):
        broken.append(f"{rid} starts or ends on a day that is not a working day")
    if len(days) != int(c["days"]):
        broken.append(f"{rid} spans {len(days)} working days, not {c['days']}")
    if first < start or last >= end:
        broken.append(f"{rid} runs outside the horizon")
    if c.get("earliest") and first < date.fromisoformat(c["earliest"]):
        broken.append(f"{rid} starts before its window")
    if c.get("latest") and last > date.fromisoformat(c["latest"]):
        broken.append(f"{rid} ends after its window")
    if pins and rid in pins and item["start"] != pins[rid]:
        broken.append(f"{rid} is pinned to {pins[rid]} but starts {item['start']}")
    team = item["team"]
    if len(team) != int(c["team_size"]) or len(set(team)) != len(team):
        broken.append(f"{rid} has {len(set(team))} distinct SMEs, needs {c['team_size']}")
    return broken


def _member_rules(rid: str, p: dict, c: dict, excluded: set) -> list[str]:
    """The rules on who serves: the skill, never their own unit, not excluded."""
    sid, broken = p["id"], []
    if c["theme"] not in p["skills"]:
        broken.append(f"{rid}: {sid} does not hold {c['theme']}")
    if p["unit"] == c["unit"]:
        broken.append(f"{rid}: {sid} would review their own unit {c['unit']}")
    if (sid, "") in excluded or (sid, rid) in excluded:
        broken.append(f"{rid}: {sid} was excluded")
    return broken


def _calendar_rules(rid: str, p: dict, days: list[date], booked: dict, spent, year_start):
    """Day by day: never on two reviews at once, never when unavailable; counts the days."""
    sid, broken = p["id"], []
    away = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in p["unavailable"]]
    for d in days:
        if (sid, d) in booked:
            broken.append(f"{sid} is on {booked[sid, d]} and {rid} on {d}")
        booked[sid, d] = rid
        if any(a <= d <= b for a, b in away):
            broken.append(f"{sid} is unavailable on {d} but on {rid}")
        spent[sid, _fy(d, year_start)] += 1
    return broken


def _completeness(result: dict, seen: set, cands: dict) -> list[str]:
    """Every candidate is scheduled or explained, and every explanation has a reason."""
    listed = seen | {u["review"] for u in result["unscheduled"]}
    broken = [f"{rid} is neither scheduled nor explained" for rid in cands if rid not in listed]
    broken += [
        f"{u['review']} is unscheduled without a reason"
        for u in result["unscheduled"]
        if not u.get("reason")
    ]
    return broken


def check(
    result: dict,
    smes: list[dict],
    candidates: list[dict],
    *,
    start: date,
    end: date,
    cap_days: int = 10,
    year_start=(4, 1),
    exclusions=(),
    pins=None,
    exclusion_periods=(),
) -> list[str]:
    """Every broken rule as a sentence; [] when the programme keeps them all.

    `end` is the horizon's first day after it (exclusive); `smes` and `candidates` are rows
    as imported (skills a list, unavailable [[first, last], ...], dates ISO text);
    `exclusion_periods` are (sme id, first day, last day): days the SME is kept out of.
    """
    import holidays

    hols = holidays.UK(subdiv="ENG", years=range(start.year - 1, end.year + 2))
    people = {s["id"]: {**s, "unavailable": list(s["unavailable"])} for s in smes}
    for sid, first, last in exclusion_periods:
        if sid in people:
            people[sid]["unavailable"].append([first, last])
    cands = {c["id"]: c for c in candidates}
    excluded = {tuple(e) for e in exclusions}
    broken: list[str] = []
    booked: dict[tuple[str, date], str] = {}
    spent: dict[tuple[str, int], int] = defaultdict(int)
    seen: set[str] = set()
    for item in result["scheduled"]:
        rid = item["review"]
        c = cands.get(rid)
        if c is None:
            broken.append(f"{rid} is scheduled but is not a candidate")
            continue
        if rid in seen:
            broken.append(f"{rid} is scheduled twice")
        seen.add(rid)
        days = _days(date.fromisoformat(item["start"]), date.fromisoformat(item["end"]), hols)
        broken += _review_rules(item, c, days, hols, (start, end), pins)
        for sid in item["team"]:
            if sid not in people:
                broken.append(f"{rid}: {sid} is not in the pool")
                continue
            broken += _member_rules(rid, people[sid], c, excluded)
            broken += _calendar_rules(rid, people[sid], days, booked, spent, year_start)
    broken += [
        f"{sid} gives {n} days in the year from {year}, over the cap of {cap_days}"
        for (sid, year), n in sorted(spent.items())
        if n > cap_days
    ]
    return broken + _completeness(result, seen, cands)
