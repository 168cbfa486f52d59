"""The force's words: the fixed vocabularies of DESIGN.md section 2, in one place."""

from __future__ import annotations

import functools

METHODS = (
    "interview",
    "focus_group",
    "direct_observation",
    "participant_observation",
    "document_analysis",
    "survey",
    "record_audit",
)

ENABLERS = ("leadership", "partnership", "culture", "technology")

# Grading scales, best first. PEEL to 2018/19 used four tiers; the PAF from 2021/22 adds Adequate.
SCALES = {
    "four_tier": ("outstanding", "good", "requires_improvement", "inadequate"),
    "five_tier": ("outstanding", "good", "adequate", "requires_improvement", "inadequate"),
}
GRADES = SCALES["five_tier"]
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "adequate": "Adequate",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}

# Where a register item comes from. HMICFRS items keep the inspectorate's three types; every
# other source of learning has its own, so the PCC's position stays HMICFRS's alone.
REGISTER_SOURCES = ("hmicfrs", "iopc", "coroner", "internal_audit", "other")
HMICFRS_TYPES = ("cause_of_concern", "recommendation", "area_for_improvement")
REGISTER_TYPES = (*HMICFRS_TYPES, "learning_recommendation", "pfd_concern", "audit_finding")
SOURCE_TYPES: dict[str, tuple[str, ...]] = {
    "hmicfrs": HMICFRS_TYPES,
    "iopc": ("learning_recommendation",),
    "coroner": ("pfd_concern",),
    "internal_audit": ("audit_finding",),
    "other": REGISTER_TYPES,
}
SOURCE_LABELS = {
    "hmicfrs": "HMICFRS",
    "iopc": "IOPC",
    "coroner": "Coroner (prevention of future deaths)",
    "internal_audit": "Internal audit",
    "other": "Other",
}
REGISTER_SCOPES = ("national", "force", "joint")
STATUSES = (
    "completed",
    "no_further_action",
    "will_not_be_progressed",
    "being_progressed",
    "will_be_progressed",
    "awaiting_review",
)
OUTSTANDING_STATUSES = ("being_progressed", "will_be_progressed", "awaiting_review")

INSPECTION_KINDS = ("peel", "thematic", "joint")
AOI_SOURCES = ("opcc_scrutiny", "police_and_crime_plan", "audit_and_ethics", "smb", "cog")
AOI_SOURCE_LABELS = {
    "opcc_scrutiny": "OPCC scrutiny",
    "police_and_crime_plan": "Police and Crime Plan",
    "audit_and_ethics": "Audit and Ethics Committee",
    "smb": "Strategic Management Board",
    "cog": "Chief Officer Group",
}


# Slugs whose words are not just the slug with spaces: acronyms and names of bodies.
LABELS = {
    **GRADE_LABELS,
    **AOI_SOURCE_LABELS,
    **SOURCE_LABELS,
    "pfd_concern": "PFD concern",
    "peel": "PEEL",
    "not_assessed": "Not assessed",
}


def label(slug: str | None) -> str:
    """The force's words for any slug of these vocabularies, the one label helper every report,
    export and command uses: `being_progressed` -> "Being progressed", `opcc_scrutiny` ->
    "OPCC scrutiny", `direct_observation` -> "Direct observation". None or "" -> "Not set"."""
    if not slug:
        return "Not set"
    slug = str(slug)
    return LABELS.get(slug) or slug.replace("_", " ").strip().capitalize()


def theme_label(slug: str | None) -> str:
    """A theme slug as the theme vocabulary names it ("Stop and search"); a slug the vocabulary
    does not know is shown in words rather than as a code."""
    if not slug:
        return "No theme"
    from qam import themes

    known = themes.active()  # the store's vocabulary, once a command has loaded it
    return known.label(str(slug)) if str(slug) in known else label(slug)


def count_label(count: int, noun: str, plural: str | None = None) -> str:
    """A count agreeing with its noun: "1 finding", "2 findings", "0 reviews";
    `plural` for nouns that do not just take an s ("1 capture session" is regular; "1 entry",
    "2 entries" needs plural="entries")."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count} {word}"


def _as_date(value):
    from datetime import date, datetime

    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text) if len(text) > 10 else date.fromisoformat(text)
    except ValueError:
        return None


def date_label(value) -> str:
    """A date as the force writes it: "29 Nov 2026" (an ISO string, a date or a datetime);
    text that is not a date is returned as it was, and nothing as ""."""
    day = _as_date(value)
    if day is None:
        return str(value or "")
    return f"{day.day} {day:%b %Y}"


def datetime_label(value) -> str:
    """A moment as the force reads it: "29 Nov 2026 14:05", in UK time (the store keeps UTC)."""
    from datetime import UTC, datetime

    moment = _as_date(value)
    if not isinstance(moment, datetime):
        return date_label(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        moment = moment.astimezone(ZoneInfo("Europe/London"))
    except ZoneInfoNotFoundError:  # no time zone data on this machine: keep UTC and say so
        return f"{moment.day} {moment:%b %Y %H:%M} UTC"
    return f"{moment.day} {moment:%b %Y %H:%M}"


def fold(text: object) -> str:
    """Text folded for matching a name someone typed: case, accents, spaces and punctuation
    ignored, '&' read as 'and' ('Stop & Search' and 'stop_and_search' fold alike)."""
    import unicodedata

    folded = unicodedata.normalize("NFKC", str(text)).casefold().replace("&", "and")
    return "".join(ch for ch in folded if ch.isalnum())


@functools.lru_cache(maxsize=1)
def shipped_themes() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(slug, label, synonyms) of every theme in question_sets/themes.yaml, in file order.

    Each entry is `slug: Label` or `slug: {label: ..., synonyms: [...]}`; the store is seeded
    from this file and the force's own themes are added to the store, not here.
    """
    import yaml

    from qam.paths import data_dir

    path = data_dir("question_sets") / "themes.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    themes = []
    for slug, entry in data.items():
        if isinstance(entry, dict):
            label = str(entry.get("label") or slug)
            synonyms = tuple(str(s) for s in entry.get("synonyms") or ())
        else:
            label, synonyms = str(entry), ()
        themes.append((str(slug), label, synonyms))
    return tuple(themes)


# How trackers and sheets spell the slugs above (folded with `fold` before matching).
SPELLINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "status": {
        "completed": ("complete", "done"),
        "no_further_action": (
            "no further action required",
            "no further action needed",
            "nfa",
        ),
        "will_not_be_progressed": (
            "wont be progressed",
            "won't be progressed",
            "not being progressed",
            "not to be progressed",
        ),
        "being_progressed": ("in progress", "ongoing"),
        "will_be_progressed": ("to be progressed",),
        "awaiting_review": ("pending review",),
    },
    "type": {
        "recommendation": ("recommendations", "rec", "recs"),
        "area_for_improvement": ("areas for improvement", "afi", "afis"),
        "cause_of_concern": ("causes of concern", "coc", "cocs"),
        "learning_recommendation": (
            "learning recommendations",
            "iopc recommendation",
            "iopc learning recommendation",
            "learning",
        ),
        "pfd_concern": (
            "pfd",
            "pfd concerns",
            "matter of concern",
            "matters of concern",
            "prevention of future deaths concern",
            "coroner's concern",
        ),
        "audit_finding": ("audit findings", "audit recommendation", "internal audit finding"),
    },
    "scope": {
        "national": ("national thematic", "thematic", "national recommendation", "hmic thematic"),
        "force": ("force specific", "local", "force level", "force only"),
        "joint": ("joint inspection", "joint thematic", "joint thematic inspection"),
    },
    "grade": {
        "requires_improvement": ("ri", "require improvement", "requires improvements"),
    },
    "kind": {
        "peel": ("peel inspection", "peel assessment"),
        "thematic": ("thematic inspection", "national thematic"),
        "joint": ("joint inspection", "joint thematic"),
    },
    "source": {
        "opcc_scrutiny": ("opcc", "pcc scrutiny", "opcc scrutiny panel"),
        "police_and_crime_plan": ("pcp", "police crime plan"),
        "audit_and_ethics": ("audit and ethics committee", "joint audit committee", "audit"),
        "smb": ("strategic management board",),
        "cog": ("chief officer group", "chief officers group"),
        # Sources of learning on the register (a Choice keeps only its own slugs' spellings).
        "hmicfrs": ("hmic", "hmicfrs inspection", "inspectorate", "his majesty's inspectorate"),
        "iopc": ("independent office for police conduct", "iopc learning"),
        "coroner": (
            "coroners",
            "pfd",
            "prevention of future deaths",
            "regulation 28",
            "reg 28",
            "coroner pfd",
        ),
        "internal_audit": ("audit", "auditors", "internal auditors"),
    },
    "method": {
        "interview": ("interviews", "one to one", "1 to 1"),
        "focus_group": ("focus groups",),
        "direct_observation": ("observation", "observations"),
        "participant_observation": ("participant observations",),
        "document_analysis": ("document review", "documents", "file review", "dip sample"),
        "survey": ("surveys", "questionnaire"),
    },
}
# Cells that say a question or area was not graded: skipped and counted, never a grade.
UNGRADED = (
    "not graded",
    "not yet graded",
    "ungraded",
    "not assessed",
    "not inspected",
    "n/a",
    "na",
    "n.a.",
    "-",
    "--",
    "—",
    "–",
    "none",
    "tbc",
)
