"""Candidate reviews: imported from a CSV, or derived from what the force expects and must fix.

Derived candidates come from four inputs, and each says why it exists:

- the inspection calendar: a review of the theme in a window ending weeks before the
  inspection, unless an imported candidate already prepares for it;
- areas of interest (OPCC scrutiny, the Police and Crime Plan, ...), unless a candidate's
  `source` already names the AOI;
- outstanding high-risk register items, grouped by theme, where no candidate covers the theme;
- areas the home force was last graded requires improvement or inadequate in: candidates of
  that theme get one more priority point (a review of the theme is derived if none exists).

Re-deriving replaces every derived candidate and leaves imported rows as the person wrote
them (`base_priority`), so running it twice changes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta

from qam.planner.calendar import add_months
from qam.planner.model import FORCE_WIDE
from qam.vocabulary import AOI_SOURCE_LABELS, OUTSTANDING_STATUSES

DEFAULT_METHODS = ["document_analysis", "interview", "focus_group"]
# How far ahead of an inspection its preparatory review happens: time to act on what it finds.
PREP_WINDOW_MONTHS = 8
PREP_LEAD_WEEKS = 8
INSPECTION_PRIORITY = {"peel": 5, "joint": 4, "thematic": 4}
_KIND = {"peel": "PEEL", "thematic": "thematic", "joint": "joint"}
LOW_GRADES = ("requires_improvement", "inadequate")
# Published PEEL area names -> the force's theme slugs (first keyword found wins).
AREA_THEMES = (
    ("vulnerab", "vulnerability"),
    ("investigat", "investigation"),
    ("responding", "response"),
    ("treating the public", "public_treatment"),
    ("fairness and respect", "public_treatment"),
    ("preventing", "prevention"),
    ("offenders", "offender_management"),
    ("workforce", "workforce_wellbeing"),
    ("leadership", "leadership"),
    ("strategic planning", "value_for_money"),
    ("recording data", "crime_recording"),
    ("crime data", "crime_recording"),
    ("serious and organised", "serious_organised_crime"),
)


def _themes(store=None) -> dict[str, str]:
    from qam import themes

    return themes.load(store).labels()


def area_theme(area: str) -> str | None:
    lowered = area.lower()
    for keyword, theme in AREA_THEMES:
        if keyword in lowered:
            return theme
    return None


def _month(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%B %Y")


def _low_grades(outcomes: list[dict]) -> dict[str, str]:
    """{theme: "'Area' was last graded Requires improvement"} for the force's low grades."""
    from qam.vocabulary import label

    low: dict[str, str] = {}
    for outcome in outcomes:
        theme = area_theme(outcome["area"])
        if theme and outcome["grade"] in LOW_GRADES and theme not in low:
            low[theme] = f"'{outcome['area']}' was last graded {label(outcome['grade'])}"
    return low


def _for_inspections(imported: list[dict], inspections: list[dict]) -> list[dict]:
    """A readiness review for each inspection no imported candidate prepares for."""
    out = []
    for insp in inspections:
        if any(c.get("inspection") == insp["id"] for c in imported):
            continue
        expected = date.fromisoformat(insp["expected"])
        out.append(
            _derived(
                f"INS-{insp['id']}",
                f"Readiness for {insp['title']}",
                insp["theme"],
                INSPECTION_PRIORITY.get(insp["kind"], 4),
                "inspection",
                f"{_KIND.get(insp['kind'], insp['kind'])} inspection {insp['id']} expected "
                f"{_month(insp['expected'])}; window ends {PREP_LEAD_WEEKS} weeks before it",
                earliest=add_months(expected, -PREP_WINDOW_MONTHS),
                latest=expected - timedelta(weeks=PREP_LEAD_WEEKS),
                inspection=insp["id"],
            )
        )
    return out


def _names_aoi(cand: dict, aoi_id: str) -> bool:
    source = cand.get("source") or ""
    return aoi_id in source.split() or f"AOI {aoi_id}" in source


def _for_aois(imported: list[dict], aois: list[dict]) -> list[dict]:
    """A review for each area of interest no imported candidate's source names."""
    out = []
    for aoi in aois:
        if any(_names_aoi(c, aoi["id"]) for c in imported):
            continue
        raised = date.fromisoformat(aoi["raised"]) if aoi["raised"] else None
        out.append(
            _derived(
                f"AOI-{aoi['id']}",
                aoi["title"],
                aoi["theme"],
                aoi["priority"],
                "aoi",
                f"area of interest {aoi['id']} raised by {AOI_SOURCE_LABELS[aoi['source']]}"
                + (f" on {raised.day} {raised:%b %Y}" if raised else ""),
                earliest=raised,
                latest=add_months(raised, 12) if raised else None,
                source=f"AOI {aoi['id']}",
            )
        )
    return out


def _for_uncovered(covered: set, risky: dict, low: dict, themes: dict) -> list[dict]:
    """A review for each theme with high-risk register items, then each theme last graded
    low, where no candidate covers the theme yet."""
    out = []
    for theme, refs in sorted(risky.items()):
        if theme not in covered and theme in themes:
            out.append(
                _derived(
                    f"REG-{theme}",
                    f"{themes[theme]}: progress on outstanding high-risk register items",
                    theme,
                    4,
                    "register",
                    f"{len(refs)} outstanding high-risk register item(s): {', '.join(refs)}",
                    source="; ".join(refs),
                )
            )
            covered.add(theme)
    for theme, text in sorted(low.items()):
        if theme not in covered and theme in themes:
            out.append(
                _derived(
                    f"GRADE-{theme}",
                    f"{themes[theme]}: deep dive after a low grade",
                    theme,
                    4,
                    "outcome",
                    text,
                )
            )
            covered.add(theme)
    return out


def _why_imported(cand: dict, by_aoi: dict, by_inspection: dict) -> list[str]:
    """An imported candidate's sources in words: AOIs by who raised them, its inspection."""
    why = []
    for part in (cand.get("source") or "").split(";"):
        part = part.strip()
        token = part[4:].strip() if part.upper().startswith("AOI ") else part
        if token in by_aoi:
            why.append(f"AOI {token} ({AOI_SOURCE_LABELS[by_aoi[token]['source']]})")
        elif part:
            why.append(part)
    insp = by_inspection.get(cand.get("inspection") or "")
    if insp:
        why.append(
            f"before {_KIND.get(insp['kind'], insp['kind'])} inspection {insp['id']} "
            f"({_month(insp['expected'])})"
        )
    return why


def _priority_and_why(cand: dict, why: list[str], risky: dict, low: dict) -> tuple[int, str]:
    """The candidate's priority (one more after a low grade) and every reason it exists."""
    if cand["theme"] in risky and cand["origin"] != "register":
        why.append(f"high-risk register items open: {', '.join(risky[cand['theme']])}")
    priority = cand["base_priority"]
    if cand["theme"] in low:
        if cand["origin"] != "outcome":
            priority = min(5, priority + 1)
        raised = (
            f" (priority {cand['base_priority']} raised to {priority})"
            if priority != cand["base_priority"]
            else ""
        )
        why.append(low[cand["theme"]] + raised)
    return priority, "; ".join(why) or "imported from the candidates file"


def derive(
    imported: list[dict],
    inspections: list[dict],
    aois: list[dict],
    high_risk: list[dict],
    outcomes: list[dict],
    themes: dict[str, str] | None = None,
) -> tuple[list[dict], dict[str, tuple[int, str]]]:
    """(derived candidates, {imported id: (priority, why)}) from the force's own inputs. Pure.

    `themes` (slug -> label) is the store's vocabulary; without it, the shipped one.
    """
    by_inspection = {i["id"]: i for i in inspections}
    by_aoi = {a["id"]: a for a in aois}
    risky: dict[str, list[str]] = {}
    for item in high_risk:
        risky.setdefault(item["theme"], []).append(item["ref"])
    low = _low_grades(outcomes)
    derived = _for_inspections(imported, inspections) + _for_aois(imported, aois)
    covered = {c["theme"] for c in imported} | {c["theme"] for c in derived}
    derived += _for_uncovered(covered, risky, low, themes if themes is not None else _themes())
    adjustments: dict[str, tuple[int, str]] = {}
    for cand in imported + derived:
        if cand["origin"] == "import":
            why = _why_imported(cand, by_aoi, by_inspection)
            adjustments[cand["id"]] = _priority_and_why(cand, why, risky, low)
        else:
            cand["priority"], cand["why"] = _priority_and_why(cand, [cand["why"]], risky, low)
    return derived, adjustments


def _derived(
    cid: str,
    title: str,
    theme: str,
    priority: int,
    origin: str,
    why: str,
    *,
    earliest: date | None = None,
    latest: date | None = None,
    inspection: str | None = None,
    source: str | None = None,
) -> dict:
    return {
        "id": cid,
        "title": title,
        "theme": theme,
        "unit": FORCE_WIDE,
        "days": 3,
        "team_size": 2,
        "earliest": earliest.isoformat() if earliest else None,
        "latest": latest.isoformat() if latest else None,
        "priority": priority,
        "base_priority": priority,
        "inspection": inspection,
        "source": source,
        "methods": list(DEFAULT_METHODS),
        "origin": origin,
        "why": why,
    }


def refresh(store) -> list[dict]:
    """Re-derive candidates from everything in the store; returns every candidate."""
    from qam.register.outcomes import latest_by_area
    from qam.store import candidates as candidates_db
    from qam.store import register as register_db

    force = store.setting("force_name") or ""
    derived, adjustments = derive(
        candidates_db.candidates(store, origin="import"),
        candidates_db.inspections(store),
        candidates_db.areas_of_interest(store),
        register_db.outstanding_high_risk(store, OUTSTANDING_STATUSES),
        latest_by_area(store, force),
        _themes(store),
    )
    candidates_db.replace_derived(store, derived, adjustments)
    return candidates_db.candidates(store)
