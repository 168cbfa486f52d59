"""The good practice library: findings marked good practice, grouped by theme, newest first.

A library of a million findings must still open in a browser, so no page holds them all.
The library's first page gives, for each theme, how many there are and the newest few
(`INDEX_ENTRIES`), linking to the theme's own page; a theme's page holds its newest
`PAGE_ENTRIES` (fewer when their notes are long: `PAGE_NOTE_CHARS`), and says how many more
there are and how to narrow the report to them (--unit, --since, --until). Counts are grouped
in SQL; only the entries shown are read.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from qam.enablers import ENABLER_LABELS, enabler, labels, question_enablers
from qam.reports import catalogue, charts
from qam.reports.common import grade_label, page, refuse_sensitive_public, theme_label
from qam.reports.models import PUBLIC, STAKEHOLDER, GoodPracticeReport, PublicGoodPractice
from qam.reports.programme import table
from qam.reports.suppression import K
from qam.vocabulary import label

INDEX_ENTRIES = 5  # the newest of each theme on the library's first page
PAGE_ENTRIES = 500  # the newest on a theme's own page, at most
PAGE_NOTE_CHARS = 800_000  # notes on one page, at most: long notes make fewer entries
NOTE_CHARS = 2000  # one note, at most; a longer one is cut with "…"
NO_THEME = "none"  # the group of reviews with no theme (also `--theme none`)
WITHHELD = (
    f"The reviews have marked fewer than {K} findings as good practice so far, too few to "
    "count by theme or PEEL area without pointing to the units and the people behind them. "
    f"The counts are published here once there are {K} or more."
)


@dataclass
class _Filters:
    theme: str | None = None
    unit: str | None = None
    since: str | None = None
    until: str | None = None
    enabler: str | None = None

    def flags(self, **changed) -> str:
        """The `qam report good-practice` options that give these filters (with `changed`)."""
        values = {**self.__dict__, **changed}
        return " ".join(f"--{k} {v}" for k, v in values.items() if v)


@dataclass
class _Library:
    """What the filters select: each theme's reviews, counts and newest date, and areas."""

    reviews: dict[str, dict]
    by_theme: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    newest: dict[str, str] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    areas: dict[tuple[str, str], str] = field(default_factory=dict)
    # Each question's enablers, read for findings saved with none stored; with an enabler
    # filter, `untagged` are the questions tagged with it.
    tags: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    untagged: list[tuple[str, str]] = field(default_factory=list)


def _library(store, f: _Filters) -> _Library:
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    reviews = {r["id"]: r for r in programme_db.reviews(store)}
    areas = {
        (q["question_set"], q["question_id"]): q["area"]
        for q in catalogue.questions(catalogue.question_sets(store))
    }
    tags = question_enablers(store)
    lib = _Library(reviews=reviews, areas=areas, tags=tags)
    lib.untagged = [pair for pair, on in tags.items() if f.enabler in on] if f.enabler else []
    for row in findings_db.good_practice_totals(
        store, since=f.since, until=f.until, enabler=f.enabler, untagged=lib.untagged
    ):
        review = reviews.get(row["review_id"], {})
        theme = review.get("theme") or NO_THEME
        if f.theme and theme.lower() != f.theme.lower():
            continue
        if f.unit and (review.get("unit") or "").lower() != f.unit.lower():
            continue
        if row["review_id"] not in lib.by_theme[theme]:
            lib.by_theme[theme].append(row["review_id"])
        lib.counts[theme] += row["findings"]
        lib.newest[theme] = max(lib.newest.get(theme, ""), row["newest"] or "")
        area = areas.get((row["question_set"], row["question_id"]), "Question not in a known set")
        lib.by_area[area] += row["findings"]
    return lib


def _day(stamp: str | None) -> str:
    """'3 Mar 2027' from an ISO date or time."""
    try:
        day = date.fromisoformat(str(stamp or "")[:10])
    except ValueError:
        return ""
    return f"{day.day} {day:%b %Y}"


def _label(theme: str, none: str = "No theme") -> str:
    return none if theme == NO_THEME else theme_label(theme)


def _entry(row: dict, lib: _Library) -> dict:
    review = lib.reviews.get(row["review_id"], {})
    notes = row["notes"] or ""
    cut = len(notes) > NOTE_CHARS
    return {
        "id": row["id"],
        "title": review.get("title") or row["review_id"],
        "theme": review.get("theme") or "",
        "theme_label": theme_label(review.get("theme")),
        "unit": review.get("unit") or "",
        "area": lib.areas.get(
            (row["question_set"], row["question_id"]), "Question not in a known set"
        ),
        "method": label(row["method"]) if row["method"] else "",
        "grade": row["grade"],
        "grade_label": grade_label(row["grade"]),
        "sources": max(1, int(row["sources"] or 1)),
        "role": row["participant_role"] or "",
        "notes": notes[:NOTE_CHARS].rstrip() + "…" if cut else notes,
        "note_cut": cut,
        "date": str(row["created_at"] or "")[:10],
        "date_label": _day(row["created_at"]),
        "enablers": labels(
            json.loads(row["enablers"])
            if row["enablers"] is not None
            else lib.tags.get((row["question_set"], row["question_id"]), ())
        ),
    }


def _newest(store, lib: _Library, theme: str, f: _Filters, most: int) -> list[dict]:
    """The theme's newest entries, at most `most`, and fewer once their notes fill a page."""
    from qam.store import findings as findings_db

    rows = findings_db.good_practice_newest(
        store,
        lib.by_theme[theme],
        limit=most,
        since=f.since,
        until=f.until,
        note_chars=NOTE_CHARS,
        enabler=f.enabler,
        untagged=lib.untagged,
    )
    entries: list = []
    chars = 0
    for row in rows:
        chars += min(len(row["notes"] or ""), NOTE_CHARS + 1)
        if entries and chars > PAGE_NOTE_CHARS:
            break
        entries.append(_entry(row, lib))
    return entries


def _public(store, lib: _Library, view: str) -> PublicGoodPractice:
    if sum(lib.counts.values()) < K:  # nothing a public table could show: say why instead
        return PublicGoodPractice(
            page=page(store, "Good practice found by the QA programme", view),
            tables=[],
            withheld=WITHHELD,
        )
    by_theme: defaultdict[str, int] = defaultdict(int)
    for theme, n in lib.counts.items():
        by_theme[_label(theme, "Other or no theme")] += n
    return PublicGoodPractice(
        page=page(store, "Good practice found by the QA programme", view),
        tables=[
            table(
                "Good practice by theme",
                sorted(by_theme.items()),
                "Theme",
                "Good practice findings",
            ),
            table(
                "Good practice by PEEL area",
                sorted(lib.by_area.items()),
                "PEEL area",
                "Good practice findings",
            ),
        ],
    )


def _group(store, lib, theme, f: _Filters, view, *, own_page: bool) -> dict:
    """One theme's section: its count, its newest entries, and where the rest are."""
    from qam.reports.output import file_name, page_extra

    most = PAGE_ENTRIES if own_page else INDEX_ENTRIES
    entries = _newest(store, lib, theme, f, most)
    more = lib.counts[theme] - len(entries)
    page_name = file_name("good-practice", view, extra=page_extra(f.__dict__ | {"theme": theme}))
    older = entries[-1]["date"] if entries else None
    return {
        "slug": theme,
        "label": _label(theme),
        "count": lib.counts[theme],
        "newest": _day(lib.newest.get(theme)),
        "entries": entries,
        "more": more,
        "href": None if own_page or not more else page_name,
        "narrow": f"qam report good-practice {f.flags(theme=theme, until=older)}",
    }


def _report(store, lib: _Library, f: _Filters, view: str, groups: list[dict], index_href=None):
    chart = charts.bar_chart(
        "Good practice by theme",
        [g["label"] for g in groups],
        [g["count"] for g in groups],
        headers=("Theme", "Findings"),
        xlabel="Findings",
    )
    units = sorted({e["unit"] for g in groups for e in g["entries"] if e["unit"]})
    return GoodPracticeReport(
        page=page(store, "Good practice library", view),
        theme=f.theme,
        unit=f.unit,
        since=f.since,
        until=f.until,
        total=sum(g["count"] for g in groups),
        groups=groups,
        units=units,
        chart=chart,
        index_href=index_href,
        enabler=ENABLER_LABELS[f.enabler] if f.enabler else None,
    )


def pages(store, view: str = STAKEHOLDER, **filters) -> list[tuple[dict, object]]:
    """Every page of the library: ({"theme"...} filters of the page, report), the first one
    first. The first page has every theme (or the one asked for); each theme with more than
    the first page shows gets its own page."""
    from qam.dates import parse_option_date

    refuse_sensitive_public(store, view, "good practice")
    f = _Filters(**filters)
    for key in ("since", "until"):
        day = parse_option_date(getattr(f, key), f"--{key}")
        setattr(f, key, day.isoformat() if day else None)
    f.enabler = enabler(f.enabler) if f.enabler else None
    lib = _library(store, f)
    if view == PUBLIC:
        return [(f.__dict__, _public(store, lib, view))]
    order = sorted(lib.counts, key=lambda t: (t == NO_THEME, _label(t)))
    own = f.theme is not None
    groups = [_group(store, lib, t, f, view, own_page=own) for t in order]
    out = [(f.__dict__, _report(store, lib, f, view, groups))]
    if own:
        return out
    from qam.reports.output import file_name, page_extra

    index = file_name("good-practice", view, extra=page_extra(f.__dict__))
    for g in groups:
        if g["href"]:
            theme_f = _Filters(**(f.__dict__ | {"theme": g["slug"]}))
            full = _group(store, lib, g["slug"], theme_f, view, own_page=True)
            out.append((theme_f.__dict__, _report(store, lib, theme_f, view, [full], index)))
    return out


def build(store, view: str = STAKEHOLDER, **filters):
    """The library's first page for the view: `GoodPracticeReport`, or `PublicGoodPractice`."""
    return pages(store, view, **filters)[0][1]
