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


def check(  # noqa: C901 (to split)
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
) -> list[str]:
    """Every broken rule as a sentence; [] when the programme keeps them all.

    `end` is the horizon's first day after it (exclusive); `smes` and `candidates` are rows
    as imported (skills a list, unavailable [[first, last], ...], dates ISO text).
    """
    import holidays

    hols = holidays.UK(subdiv="ENG", years=range(start.year - 1, end.year + 2))
    people = {s["id"]: s for s in smes}
    cands = {c["id"]: c for c in candidates}
    excluded = {tuple(e) for e in exclusions}
    broken: list[str] = []
    booked: dict[tuple[str, date], str] = {}
    spent: dict[tuple[str, int], int] = defaultdict(int)
    seen = set()
    for item in result["scheduled"]:
        rid = item["review"]
        c = cands.get(rid)
        if c is None:
            broken.append(f"{rid} is scheduled but is not a candidate")
            continue
        if rid in seen:
            broken.append(f"{rid} is scheduled twice")
        seen.add(rid)
        first, last = date.fromisoformat(item["start"]), date.fromisoformat(item["end"])
        days, day = [], first
        while day <= last:
            if _working(day, hols):
                days.append(day)
            day += timedelta(days=1)
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
        for sid in team:
            p = people.get(sid)
            if p is None:
                broken.append(f"{rid}: {sid} is not in the pool")
                continue
            if c["theme"] not in p["skills"]:
                broken.append(f"{rid}: {sid} does not hold {c['theme']}")
            if p["unit"] == c["unit"]:
                broken.append(f"{rid}: {sid} would review their own unit {c['unit']}")
            if (sid, "") in excluded or (sid, rid) in excluded:
                broken.append(f"{rid}: {sid} was excluded")
            away = [(date.fromisoformat(a), date.fromisoformat(b)) for a, b in p["unavailable"]]
            for d in days:
                if (sid, d) in booked:
                    broken.append(f"{sid} is on {booked[sid, d]} and {rid} on {d}")
                booked[sid, d] = rid
                if any(a <= d <= b for a, b in away):
                    broken.append(f"{sid} is unavailable on {d} but on {rid}")
                spent[sid, _fy(d, year_start)] += 1
    for (sid, year), n in sorted(spent.items()):
        if n > cap_days:
            broken.append(
                f"{sid} gives {n} days in the year from {year}, over the cap of {cap_days}"
            )
    listed = seen | {u["review"] for u in result["unscheduled"]}
    for rid in cands:
        if rid not in listed:
            broken.append(f"{rid} is neither scheduled nor explained")
    for u in result["unscheduled"]:
        if not u.get("reason"):
            broken.append(f"{u['review']} is unscheduled without a reason")
    return broken
