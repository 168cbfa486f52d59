"""The register status change that a review's evidence suggests (a suggestion, never a decision).

The liaison lead records the decision with `qam recs status`; this only says what the findings
point to, and why, so the review report can put it in front of them.
"""

from __future__ import annotations

from qam.vocabulary import GRADES, OUTSTANDING_STATUSES

CLOSED_STATUSES = ("completed", "no_further_action")
POSITIVE = ("outstanding", "good")
NEGATIVE = ("requires_improvement", "inadequate")
MIN_SOURCES = 2


def suggest_status(status: str | None, findings: list[dict]) -> tuple[str | None, str]:
    """(suggested status or None for 'no change', the reason in a sentence).

    findings: the current findings linked to the item, each with grade and sources.
    Rules, in order:
    - any linked finding graded requires improvement or inadequate while the item is closed
      -> `awaiting_review` (the evidence reopens it);
    - the item is outstanding, every graded linked finding is good or outstanding, and they
      rest on at least two sources in all -> `completed`;
    - otherwise no change.
    """
    graded = [f for f in findings if f.get("grade") in GRADES]
    sources = sum(max(int(f.get("sources") or 1), 1) for f in graded)
    negative = [f for f in graded if f["grade"] in NEGATIVE]
    if not graded:
        return None, "No graded finding is linked yet; no change suggested."
    if negative and status in CLOSED_STATUSES:
        return "awaiting_review", (
            f"{len(negative)} linked finding(s) graded below adequate: the "
            "evidence suggests reopening the item for review."
        )
    if (
        status in OUTSTANDING_STATUSES
        and not negative
        and all(f["grade"] in POSITIVE for f in graded)
    ):
        if sources >= MIN_SOURCES:
            return "completed", (
                f"All {len(graded)} linked graded finding(s) are good or better, "
                f"from {sources} sources: the evidence suggests the item can be closed."
            )
        return (
            None,
            f"Findings are good or better but rest on {sources} source; a second source is needed.",
        )
    if negative:
        return (
            None,
            f"{len(negative)} linked finding(s) graded below adequate: the item stays outstanding.",
        )
    return None, "The evidence is mixed; no change suggested."
