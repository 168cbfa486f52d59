"""A safety net for real names typed into findings' free text (RELIABILITY case 32).

Participants are recorded by role and unit under a code, but a reviewer writing fast will
sometimes type "PC Jones said..." into the notes. Before a session is finalised (and whenever
`qam findings check` runs) the notes and concerns of current findings are scanned for:

- the name of any SME in the pool (the `sme` table), as a whole phrase, any case;
- a rank or title followed by a capitalised word: PC, DC, PS, DS, Sgt, Insp, DI, Ch Insp,
  Supt, Mr, Mrs, Ms, Miss or Dr (with or without a full stop), e.g. "Sgt Patel", "Dr O'Neill";
- what identifies a person as surely as a name (`IDENTIFIERS`): an email address; a UK phone
  number (07700 900123, +44 7700 900123, 020 7946 0018, (0161) 496 0000); a collar or
  shoulder number (a rank before a number, "PC 1234", "PCSO 56", or "collar number 1234");
  a warrant number ("warrant no. 123456", "warrant card number AB1234"); a UK postcode
  written in capitals (SW1A 1AA, M1 1AE).

It is deterministic (no guessing at what looks like a name) and it is a safety net, not a
guarantee: a bare surname, a nickname or a misspelt name passes unnoticed, and a title before
a place ("Dr Gray's ward") is flagged. The reviewer decides: correct the finding, or confirm
the names were checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store import findings as findings_db
from qam.store import smes as smes_db

if TYPE_CHECKING:
    from qam.store import Store

_TITLES = (
    "Ch Insp",
    "PC",
    "DC",
    "PS",
    "DS",
    "Sgt",
    "Insp",
    "DI",
    "Supt",
    "Mrs",
    "Mr",
    "Ms",
    "Miss",
    "Dr",
)
_SURNAME = r"[A-Z][a-z]*(?:['’][A-Z])?[a-z]+(?:-[A-Z][a-z]+)?"
TITLE_NAME = re.compile(
    r"(?<![A-Za-z])(?:"
    + "|".join(t.replace(" ", r"\.?\s+") for t in _TITLES)
    + r")\.?\s+"
    + _SURNAME
    + r"(?![A-Za-z])"
)
# Each kind of identifier, as the force writes it; numbers such as 101, dates and counts
# never match (a phone number has 10 or 11 digits and starts 0 or +44).
IDENTIFIERS = (
    (
        "email address",
        re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    ),
    (
        "phone number",
        re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:[\s-]?\)?\s?\d){8,9}(?![\d])"),
    ),
    (
        "collar number",
        re.compile(
            r"(?<![A-Za-z])(?:(?:PCSO|PC|DC|PS|DS|Sgt|SC)\.?\s?#?\d{2,5}"
            r"|(?:collar|shoulder)\s+(?:number|no\.?|#)\s*:?\s*\d{2,6})(?!\d)",
            re.IGNORECASE,
        ),
    ),
    (
        "warrant number",
        re.compile(
            r"warrant\s+(?:card\s+)?(?:number|no\.?|#)\s*:?\s*[A-Z0-9][A-Z0-9-]{3,}",
            re.IGNORECASE,
        ),
    ),
    (
        "postcode",
        re.compile(r"(?<![A-Za-z0-9])(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}(?![A-Za-z0-9])"),
    ),
)
FIELDS = ("notes", "concerns")


def _name_patterns(names: Iterable[str]) -> list[tuple[str, re.Pattern]]:
    out = []
    for name in names:
        words = name.split()
        if not words or len(name) < 3:
            continue
        body = r"\s+".join(re.escape(w) for w in words)
        out.append((name, re.compile(r"(?<!\w)" + body + r"(?!\w)", re.IGNORECASE)))
    return out


def matches(text: str | None, patterns: list[tuple[str, re.Pattern]]) -> list[str]:
    """The possible names in one piece of text, as written there, in order, without repeats."""
    if not text:
        return []
    spans = sorted(
        [m.span() for _, p in patterns for m in p.finditer(text)]
        + [m.span() for m in TITLE_NAME.finditer(text)]
        + [m.span() for _, p in IDENTIFIERS for m in p.finditer(text)]
    )
    merged: list[list[int]] = []
    for start, end in spans:  # overlapping matches ("PC Jane" + "Jane Smith") become one
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return list(dict.fromkeys(" ".join(text[a:b].split()) for a, b in merged))


def check_findings(store: Store, findings: Iterable[dict]) -> list[dict]:
    """Findings whose notes or concerns may hold a person's name, with the words that matched."""
    patterns = _name_patterns(smes_db.sme_names(store))
    flagged = []
    for f in findings:
        words, fields = [], []
        for field in FIELDS:
            found = matches(f.get(field), patterns)
            if found:
                fields.append(field)
                words += [w for w in found if w not in words]
        if words:
            flagged.append(
                {
                    "finding_id": f["id"],
                    "review_id": f["review_id"],
                    "session_id": f["session_id"],
                    "question_id": f["question_id"],
                    "fields": fields,
                    "words": words,
                }
            )
    return flagged


def check(
    store: Store, *, review_id: str | None = None, session_id: str | None = None
) -> list[dict]:
    """Current findings (of one review or session, or all) that may name a person."""
    return check_findings(
        store, findings_db.findings(store, review_id=review_id, session_id=session_id)
    )


def describe(flagged: list[dict]) -> str:
    """One line: each finding id with the words that matched."""
    return "; ".join(
        f"{f['finding_id']} ({', '.join(repr(w) for w in f['words'])})" for f in flagged
    )
