"""The 43 territorial police forces of England and Wales: one gazetteer for every file.

Published sheets name a force in many ways: its current official name ("Avon and Somerset
Police"), HMICFRS's short name ("Avon and Somerset", "Metropolitan"), data.police.uk's label
("Avon and Somerset Constabulary", "Devon & Cornwall Police", "Dyfed-Powys Police"), a former
name ("Hampshire Constabulary", now Hampshire and Isle of Wight) or an abbreviation everyone
uses ("GMP", "Met"). All of them name the same force here.

Matching ignores case, punctuation, "&" against "and", and the words "Police",
"Constabulary", "Police Service" and "Police Force" after the name. An abbreviation shared by
two forces ("WM": West Midlands or West Mercia) is refused naming both; a force that is not
territorial (British Transport Police, ...) is refused saying why. The home force (a store
setting, which may be fictional, as in the demo) is recognised too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from qam.errors import ImportFileError


@dataclass(frozen=True)
class Force:
    """One territorial force and the names it goes by."""

    name: str  # current official name: what QAM stores and shows
    short: str  # HMICFRS's short name, as in its tables and report addresses
    police_uk: str  # data.police.uk's label (its /api/forces "name")
    police_uk_id: str  # data.police.uk's id
    former: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()


FORCES: tuple[Force, ...] = (
    # England (39)
    Force(
        "Avon and Somerset Police",
        "Avon and Somerset",
        "Avon and Somerset Constabulary",
        "avon-and-somerset",
        ("Avon and Somerset Constabulary",),
    ),
    Force("Bedfordshire Police", "Bedfordshire", "Bedfordshire Police", "bedfordshire"),
    Force(
        "Cambridgeshire Constabulary",
        "Cambridgeshire",
        "Cambridgeshire Constabulary",
        "cambridgeshire",
    ),
    Force("Cheshire Constabulary", "Cheshire", "Cheshire Constabulary", "cheshire"),
    Force(
        "City of London Police",
        "City of London",
        "City of London Police",
        "city-of-london",
        abbreviations=("CoLP",),
    ),
    Force("Cleveland Police", "Cleveland", "Cleveland Police", "cleveland"),
    Force("Cumbria Constabulary", "Cumbria", "Cumbria Constabulary", "cumbria"),
    Force("Derbyshire Constabulary", "Derbyshire", "Derbyshire Constabulary", "derbyshire"),
    Force(
        "Devon and Cornwall Police",
        "Devon and Cornwall",
        "Devon & Cornwall Police",
        "devon-and-cornwall",
        ("Devon and Cornwall Constabulary",),
    ),
    Force("Dorset Police", "Dorset", "Dorset Police", "dorset"),
    Force("Durham Constabulary", "Durham", "Durham Constabulary", "durham"),
    Force("Essex Police", "Essex", "Essex Police", "essex"),
    Force(
        "Gloucestershire Constabulary",
        "Gloucestershire",
        "Gloucestershire Constabulary",
        "gloucestershire",
    ),
    Force(
        "Greater Manchester Police",
        "Greater Manchester",
        "Greater Manchester Police",
        "greater-manchester",
        abbreviations=("GMP",),
    ),
    Force(
        "Hampshire and Isle of Wight Constabulary",
        "Hampshire and Isle of Wight",
        "Hampshire Constabulary",
        "hampshire",
        ("Hampshire Constabulary", "Hampshire"),
        ("HIOWC",),
    ),
    Force(
        "Hertfordshire Constabulary", "Hertfordshire", "Hertfordshire Constabulary", "hertfordshire"
    ),
    Force("Humberside Police", "Humberside", "Humberside Police", "humberside"),
    Force("Kent Police", "Kent", "Kent Police", "kent"),
    Force("Lancashire Constabulary", "Lancashire", "Lancashire Constabulary", "lancashire"),
    Force(
        "Leicestershire Police",
        "Leicestershire",
        "Leicestershire Police",
        "leicestershire",
        ("Leicestershire Constabulary",),
    ),
    Force("Lincolnshire Police", "Lincolnshire", "Lincolnshire Police", "lincolnshire"),
    Force("Merseyside Police", "Merseyside", "Merseyside Police", "merseyside"),
    Force(
        "Metropolitan Police Service",
        "Metropolitan",
        "Metropolitan Police Service",
        "metropolitan",
        ("Metropolitan Police", "Met Police", "The Met"),
        ("MPS", "Met"),
    ),
    Force("Norfolk Constabulary", "Norfolk", "Norfolk Constabulary", "norfolk"),
    Force(
        "North Yorkshire Police",
        "North Yorkshire",
        "North Yorkshire Police",
        "north-yorkshire",
        abbreviations=("NYP",),
    ),
    Force(
        "Northamptonshire Police", "Northamptonshire", "Northamptonshire Police", "northamptonshire"
    ),
    Force("Northumbria Police", "Northumbria", "Northumbria Police", "northumbria"),
    Force("Nottinghamshire Police", "Nottinghamshire", "Nottinghamshire Police", "nottinghamshire"),
    Force(
        "South Yorkshire Police",
        "South Yorkshire",
        "South Yorkshire Police",
        "south-yorkshire",
        abbreviations=("SYP",),
    ),
    Force("Staffordshire Police", "Staffordshire", "Staffordshire Police", "staffordshire"),
    Force("Suffolk Constabulary", "Suffolk", "Suffolk Constabulary", "suffolk"),
    Force("Surrey Police", "Surrey", "Surrey Police", "surrey"),
    Force("Sussex Police", "Sussex", "Sussex Police", "sussex"),
    Force(
        "Thames Valley Police",
        "Thames Valley",
        "Thames Valley Police",
        "thames-valley",
        abbreviations=("TVP",),
    ),
    Force("Warwickshire Police", "Warwickshire", "Warwickshire Police", "warwickshire"),
    Force(
        "West Mercia Police",
        "West Mercia",
        "West Mercia Police",
        "west-mercia",
        ("West Mercia Constabulary",),
    ),
    Force(
        "West Midlands Police",
        "West Midlands",
        "West Midlands Police",
        "west-midlands",
        abbreviations=("WMP",),
    ),
    Force(
        "West Yorkshire Police",
        "West Yorkshire",
        "West Yorkshire Police",
        "west-yorkshire",
        abbreviations=("WYP",),
    ),
    Force(
        "Wiltshire Police",
        "Wiltshire",
        "Wiltshire Police",
        "wiltshire",
        ("Wiltshire Constabulary",),
    ),
    # Wales (4)
    Force(
        "Dyfed-Powys Police", "Dyfed-Powys", "Dyfed-Powys Police", "dyfed-powys", ("Dyfed Powys",)
    ),
    Force("Gwent Police", "Gwent", "Gwent Police", "gwent"),
    Force(
        "North Wales Police",
        "North Wales",
        "North Wales Police",
        "north-wales",
        abbreviations=("NWP",),
    ),
    Force(
        "South Wales Police",
        "South Wales",
        "South Wales Police",
        "south-wales",
        abbreviations=("SWP",),
    ),
)
TERRITORIAL_FORCES = tuple(f.name for f in FORCES)

# Forces that are real but outside the 43 PEEL compares, with the reason given to the user.
NOT_TERRITORIAL = {
    "British Transport Police": "a special force policing the railways",
    "Civil Nuclear Constabulary": "a special force guarding civil nuclear sites",
    "Ministry of Defence Police": "a special force policing the defence estate",
    "Police Scotland": "the force of Scotland, which HMICS inspects",
    "Police Service of Northern Ireland": "the force of Northern Ireland",
}
_NOT_TERRITORIAL_NAMES = {
    "btp": "British Transport Police",
    "cnc": "Civil Nuclear Constabulary",
    "mdp": "Ministry of Defence Police",
    "mod police": "Ministry of Defence Police",
    "psni": "Police Service of Northern Ireland",
}

# Abbreviations that two forces share: refused, naming both.
AMBIGUOUS = {
    "wm": ("West Midlands Police", "West Mercia Police"),
    "sw": ("South Wales Police", "South Yorkshire Police"),
    "ny": ("North Yorkshire Police", "North Wales Police"),
    "nw": ("North Wales Police", "North Yorkshire Police"),
}

_SUFFIX = re.compile(r"\s+(police service|police force|constabulary|police)$")


def key(name: str) -> str:
    """A name folded for matching: case, accents, punctuation and '&' against 'and' ignored."""
    text = unicodedata.normalize("NFKC", str(name)).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _core(name: str) -> str:
    folded = key(name)
    core = _SUFFIX.sub("", folded)
    return core.removeprefix("the ") or folded


def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for force in FORCES:
        for name in (force.name, force.short, force.police_uk, *force.former):
            index[key(name)] = force.name
            index[_core(name)] = force.name
        for abbreviation in force.abbreviations:
            index[key(abbreviation)] = force.name
    return index


_INDEX = _index()


class ForceError(ImportFileError):
    """A name that is not one territorial force (unknown, ambiguous, or not territorial)."""


def not_territorial(name: str) -> str | None:
    """The official name of a non-territorial force `name` names, or None."""
    folded = key(name)
    if folded in _NOT_TERRITORIAL_NAMES:
        return _NOT_TERRITORIAL_NAMES[folded]
    return next((n for n in NOT_TERRITORIAL if _core(n) in (folded, _core(name))), None)


def canonical_force(name: str, home_force: str | None = None) -> str | None:
    """The force's official name, or None when `name` is not certainly one of the 43 (or home)."""
    folded = key(name)
    if not folded:
        return None
    found = _INDEX.get(folded) or _INDEX.get(_core(name))
    if found:
        return found
    if home_force and folded in (key(home_force), _core(home_force)):
        return home_force.strip()
    return None


def check_force(name: str, home_force: str | None = None) -> str:
    """The force's official name, or a ForceError saying why `name` is not one force."""
    found = canonical_force(name, home_force)
    if found:
        return found
    raise ForceError(why_not(name))


def explain(name: str) -> tuple[str, tuple[str, ...]]:
    """Why `name` is not taken as a force: ("ambiguous", (force, force)), ("not_territorial",
    (official name, why)) or ("unknown", (a likely force,) or ())."""
    folded = key(name)
    if folded in AMBIGUOUS:
        return "ambiguous", AMBIGUOUS[folded]
    other = not_territorial(name)
    if other:
        return "not_territorial", (other, NOT_TERRITORIAL[other])
    guess = suggest_force(name)
    return "unknown", (guess,) if guess else ()


def why_not(name: str) -> str:
    """Why `name` is not taken as a force, as a sentence."""
    kind, detail = explain(name)
    if kind == "ambiguous":
        return f"'{name}' could be {detail[0]} or {detail[1]}"
    if kind == "not_territorial":
        other, reason = detail
        named = other if key(other) == key(name) else f"'{name}' ({other})"
        return (
            f"{named} is {reason}, not one of the 43 territorial forces of England and Wales "
            "that PEEL compares"
        )
    hint = f" (did you mean {detail[0]}?)" if detail else ""
    return f"'{name}' is not one of the 43 territorial forces of England and Wales{hint}"


def suggest_force(name: str) -> str | None:
    """A likely force for the error message (initials like 'TVP', or a shared word); never applied."""
    folded = key(name)
    if folded in AMBIGUOUS:
        return AMBIGUOUS[folded][0]
    letters = re.sub(r"[^a-z]", "", folded)
    if letters:
        by_initials = [f.name for f in FORCES if _initials(f.name) in (letters, letters + "p")]
        if len(by_initials) == 1:
            return by_initials[0]
    words = set(folded.split()) - {"police", "constabulary", "service", "and", "of", "the"}
    if words:
        matches = [f.name for f in FORCES if words <= set(key(f.name).split())]
        if len(matches) == 1:
            return matches[0]
    return None


def _initials(name: str) -> str:
    return "".join(w[0] for w in key(name).split() if w not in ("and", "of"))
