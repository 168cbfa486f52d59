"""The 43 territorial police forces of England and Wales, for checking outcome sheets.

Published grade sheets name forces in many ways. QAM accepts a force's current name, a few
former or alternative full names (mapped to the current one), and the home force's own name
(a store setting, which may be fictional, as in the demo). Abbreviations such as "GMP" are
refused, never guessed: the user maps them with `--value force:GMP="Greater Manchester Police"`.
"""

from __future__ import annotations

import re

TERRITORIAL_FORCES = (
    # England (39)
    "Avon and Somerset Police",
    "Bedfordshire Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
    "Cleveland Police",
    "Cumbria Constabulary",
    "Derbyshire Constabulary",
    "Devon and Cornwall Police",
    "Dorset Police",
    "Durham Constabulary",
    "Essex Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Hampshire and Isle of Wight Constabulary",
    "Hertfordshire Constabulary",
    "Humberside Police",
    "Kent Police",
    "Lancashire Constabulary",
    "Leicestershire Police",
    "Lincolnshire Police",
    "Merseyside Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
    "North Yorkshire Police",
    "Northamptonshire Police",
    "Northumbria Police",
    "Nottinghamshire Police",
    "South Yorkshire Police",
    "Staffordshire Police",
    "Suffolk Constabulary",
    "Surrey Police",
    "Sussex Police",
    "Thames Valley Police",
    "Warwickshire Police",
    "West Mercia Police",
    "West Midlands Police",
    "West Yorkshire Police",
    "Wiltshire Police",
    # Wales (4)
    "Dyfed-Powys Police",
    "Gwent Police",
    "North Wales Police",
    "South Wales Police",
)

# Former or alternative FULL names seen in published sheets (never abbreviations).
ALTERNATIVE_NAMES = {
    "avon and somerset constabulary": "Avon and Somerset Police",
    "hampshire constabulary": "Hampshire and Isle of Wight Constabulary",
    "devon and cornwall constabulary": "Devon and Cornwall Police",
    "west mercia constabulary": "West Mercia Police",
    "wiltshire constabulary": "Wiltshire Police",
    "leicestershire constabulary": "Leicestershire Police",
    "metropolitan police": "Metropolitan Police Service",
    "dyfed powys police": "Dyfed-Powys Police",
}


def _key(name: str) -> str:
    return re.sub(r"[\s\-_]+", " ", name.strip().lower())


_BY_KEY = {_key(f): f for f in TERRITORIAL_FORCES}


def canonical_force(name: str, home_force: str | None = None) -> str | None:
    """The force's canonical name, or None when `name` is not a force QAM can be sure of."""
    key = _key(name)
    if key in _BY_KEY:
        return _BY_KEY[key]
    if key in ALTERNATIVE_NAMES:
        return ALTERNATIVE_NAMES[key]
    if home_force and key == _key(home_force):
        return home_force.strip()
    return None


def _initials(name: str) -> str:
    return "".join(
        w[0] for w in re.split(r"[\s\-]+", name) if w and w[0].isalpha() and w.lower() != "and"
    )


def suggest_force(name: str) -> str | None:
    """A guess to put in the error message (initials like GMP, or a shared word); never applied."""
    raw = name.strip()
    upper = re.sub(r"[^A-Za-z]", "", raw).upper()
    if upper:
        for force in TERRITORIAL_FORCES:
            initials = _initials(force).upper()
            if upper in (initials, initials[:-1]):  # GMP, or "WM" for West Midlands (Police)
                return force
    words = set(_key(raw).split()) - {"police", "constabulary", "service", "and", "of", "the"}
    if words:
        for force in TERRITORIAL_FORCES:
            if words <= set(_key(force).split()):
                return force
    return None
