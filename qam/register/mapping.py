"""Mapping a tracker's own headers and spellings onto QAM's fields and slugs.

Every force's tracker names its columns differently ("Recommendation / AFI", "Chief officer
lead", "Date Published"). Well-known synonyms map on their own; anything else is mapped by
the user with `--map "Header=field"`. Values work the same way: well-known spellings
("Complete", "National Thematic", "AFI", the home force's own name) map on their own, and
`--value "field:Raw=canonical"` maps the rest. QAM never guesses beyond these lists: an
unknown spelling stops the import with the exact `--value` to pass.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from qam.errors import QamError
from qam.vocabulary import GRADES, REGISTER_SCOPES, REGISTER_TYPES, STATUSES


class MappingError(QamError):
    """A `--map` or `--value` option, or a header row, that cannot be used."""


def norm(text: object) -> str:
    """Lower case, punctuation and repeated spaces folded: 'Recommendation / AFI' -> 'recommendation afi'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).lower()).split())


REGISTER_FIELDS = (
    "ref",
    "text",
    "type",
    "scope",
    "status",
    "report",
    "published",
    "url",
    "theme",
    "owner",
    "action_lead",
    "due",
    "risk",
    "impact",
    "objectives",
    "timeframe",
    "checkpoints",
)
REGISTER_REQUIRED = ("ref", "text", "type", "scope", "status")
OUTCOME_FIELDS = ("force", "area", "grade", "report", "published")
OUTCOME_REQUIRED = ("force", "area", "grade")

_SYNONYMS = {
    "ref": [
        "ref",
        "reference",
        "ref no",
        "ref number",
        "reference number",
        "id",
        "urn",
        "recommendation ref",
        "rec ref",
        "item ref",
        "number",
        "no",
    ],
    "text": [
        "text",
        "recommendation",
        "recommendation afi",
        "recommendation or afi",
        "recommendation text",
        "description",
        "detail",
        "details",
        "afi",
        "finding",
        "recommendation afi text",
        "wording",
    ],
    "type": ["type", "item type", "recommendation type", "category", "kind"],
    "scope": ["scope", "level", "applies to", "origin", "recommendation scope"],
    "status": ["status", "current status", "progress status", "position"],
    "report": [
        "report",
        "report title",
        "report name",
        "inspection",
        "inspection report",
        "source report",
        "hmicfrs report",
    ],
    "published": [
        "published",
        "date published",
        "publication date",
        "published date",
        "report date",
        "date of report",
        "report published",
    ],
    "url": ["url", "link", "report url", "report link", "web link"],
    "theme": ["theme", "themes", "peel theme", "area", "subject"],
    "owner": [
        "owner",
        "chief officer lead",
        "chief officer",
        "co lead",
        "lead chief officer",
        "accountable officer",
        "executive lead",
        "senior lead",
        "portfolio lead",
    ],
    "action_lead": [
        "action lead",
        "action plan lead",
        "action owner",
        "lead",
        "delivery lead",
        "responsible officer",
        "action plan owner",
    ],
    "due": [
        "due",
        "due date",
        "target date",
        "deadline",
        "target completion date",
        "revised due date",
    ],
    "risk": ["risk", "risk rating", "risk level"],
    "impact": ["impact", "impact rating"],
    "objectives": ["objectives", "objective", "action plan objectives", "actions"],
    "timeframe": ["timeframe", "time frame", "timescale", "timescales", "time scale"],
    "checkpoints": ["checkpoints", "check points", "check point", "milestones"],
    # outcome sheets
    "force": ["force", "force name", "police force"],
    "area": ["area", "question", "core question", "peel area", "area or question", "question area"],
    "grade": ["grade", "judgement", "judgment", "rating", "outcome", "graded"],
}


@dataclass
class ColumnMap:
    """Which column index holds each field, and the columns kept as `extra` (by header)."""

    fields: dict[str, int]
    extra: dict[str, int]
    headers: list[str]

    def header(self, field_name: str) -> str:
        return self.headers[self.fields[field_name]]


def parse_map_options(options: Iterable[str], allowed: tuple[str, ...]) -> dict[str, str]:
    """`--map "Header=field"` options as {normalised header: field}."""
    mapping = {}
    for option in options or ():
        header, sep, target = option.rpartition("=")
        header, target = _unquote(header), _unquote(target).lower().replace(" ", "_")
        if not sep or not header or not target:
            raise MappingError(
                f'--map \'{option}\' must be written "Header=field", e.g. --map "Recommendation / AFI=text".'
            )
        if target not in allowed and target != "ignore":
            raise MappingError(
                f"--map '{option}': '{target}' is not a field; use one of {', '.join(allowed)} (or 'ignore')."
            )
        mapping[norm(header)] = target
    return mapping


def map_columns(
    headers: list[str],
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    user_map: dict[str, str],
    source: str,
) -> ColumnMap:
    """Assign each header to a field (user map first, then synonyms); the rest become extra."""
    fields: dict[str, int] = {}
    extra: dict[str, int] = {}
    used_keys: set[str] = set()
    for index, header in enumerate(headers):
        key = norm(header)
        target = user_map.get(key)
        if target is None:
            target = next(
                (f for f in allowed if key in _SYNONYMS.get(f, ()) or key == f.replace("_", " ")),
                None,
            )
            # a synonym never overrides a field the user mapped explicitly to another column
            if target in user_map.values():
                target = None
        if target == "ignore":
            continue
        if target is not None:
            if target in fields:
                raise MappingError(
                    f"{source}: columns '{headers[fields[target]] or '(blank)'}' and '{header}' both map to {target}; "
                    f'choose one with --map "{header}=ignore" or map it to another field.'
                )
            fields[target] = index
            continue
        name = header or f"Column {index + 1}"
        while name in extra or name in used_keys:
            name = f"{name} (2)" if not name.endswith(")") else name + "'"
        used_keys.add(name)
        extra[name] = index
    unknown = [h for h in user_map if h not in {norm(x) for x in headers}]
    if unknown:
        raise MappingError(
            f"{source}: --map names a column it does not have: '{unknown[0]}'. Its columns are "
            f"{', '.join(repr(h) for h in headers if h)}."
        )
    missing = [f for f in required if f not in fields]
    if missing:
        shown = ", ".join(f"'{h}'" for h in headers if h) or "(none)"
        example = next((h for h in extra if not h.startswith("Column ")), "Header")
        raise MappingError(
            f"{source}: no column for {', '.join(missing)}. Its columns are {shown}. "
            f'Map one with --map, e.g. --map "{example}={missing[0]}".'
        )
    return ColumnMap(fields=fields, extra=extra, headers=headers)


# ---- values ---------------------------------------------------------------------------

_SPELLINGS = {
    "status": {
        "completed": ["complete", "completed", "done"],
        "no_further_action": [
            "no further action",
            "no further action required",
            "no further action needed",
            "nfa",
        ],
        "will_not_be_progressed": [
            "will not be progressed",
            "wont be progressed",
            "won t be progressed",
            "not being progressed",
            "not to be progressed",
        ],
        "being_progressed": ["being progressed", "in progress"],
        "will_be_progressed": ["will be progressed", "to be progressed"],
        "awaiting_review": ["awaiting review", "pending review"],
    },
    "type": {
        "recommendation": ["recommendation", "recommendations", "rec"],
        "area_for_improvement": ["area for improvement", "areas for improvement", "afi"],
        "cause_of_concern": ["cause of concern", "causes of concern", "coc"],
    },
    "scope": {
        "national": ["national", "national thematic", "thematic", "national recommendation"],
        "force": ["force", "force specific", "local", "force level"],
        "joint": ["joint", "joint inspection", "joint thematic", "joint thematic inspection"],
    },
    "grade": {
        "outstanding": ["outstanding"],
        "good": ["good"],
        "adequate": ["adequate"],
        "requires_improvement": ["requires improvement", "ri", "require improvement"],
        "inadequate": ["inadequate"],
    },
}
CHOICES = {"status": STATUSES, "type": REGISTER_TYPES, "scope": REGISTER_SCOPES, "grade": GRADES}


@dataclass
class ValueMap:
    """The user's `--value` mappings: {field: {normalised raw: canonical}}."""

    by_field: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, field_name: str, raw: object) -> str | None:
        return self.by_field.get(field_name, {}).get(norm(raw))


def parse_value_options(options: Iterable[str], allowed: tuple[str, ...]) -> ValueMap:
    """`--value "field:Raw=canonical"` options; canonical slugs are checked later, per field."""
    result = ValueMap()
    for option in options or ():
        field_name, colon, rest = option.partition(":")
        raw, equals, canonical = rest.partition("=")
        field_name = field_name.strip().lower()
        raw, canonical = _unquote(raw), _unquote(canonical)
        if not colon or not equals or not raw or not canonical:
            raise MappingError(
                f"--value '{option}' must be written \"field:Raw=canonical\", "
                'e.g. --value "status:Sort of done=being_progressed".'
            )
        if field_name not in allowed:
            raise MappingError(
                f"--value '{option}': '{field_name}' is not a field; use one of {', '.join(allowed)}."
            )
        if field_name in CHOICES:
            slug = canonical.lower().replace(" ", "_").replace("-", "_")
            if slug not in CHOICES[field_name]:
                raise MappingError(
                    f"--value '{option}': '{canonical}' is not a {field_name}; "
                    f"use one of {', '.join(CHOICES[field_name])}."
                )
            canonical = slug
        result.by_field.setdefault(field_name, {})[norm(raw)] = canonical
    return result


def canonical_choice(
    field_name: str, raw: object, values: ValueMap | None = None, home_force: str | None = None
) -> str | None:
    """The slug for a status/type/scope/grade spelling, or None if QAM does not know it."""
    if values and (mapped := values.get(field_name, raw)):
        return mapped
    key = norm(raw)
    for slug in CHOICES[field_name]:
        if key == norm(slug):
            return slug
    for slug, spellings in _SPELLINGS[field_name].items():
        if key in spellings:
            return slug
    if field_name == "scope" and home_force:
        home = norm(home_force)
        short = norm(
            re.sub(r"\b(police|constabulary|police service)\b", "", home_force, flags=re.I)
        )
        if key in (home, short) and key:
            return "force"
    return None


def suggest(raw: object, choices: Iterable[str]) -> str:
    """' (did you mean X?)' when a spelling is close to a known one, else ''."""
    close = difflib.get_close_matches(norm(raw), [norm(c) for c in choices], n=1, cutoff=0.75)
    if not close:
        return ""
    match = next(c for c in choices if norm(c) == close[0])
    return f" (did you mean {match}?)"


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return text
