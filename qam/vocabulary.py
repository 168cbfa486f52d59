"""The force's words: the fixed vocabularies of DESIGN.md section 2, in one place."""

from __future__ import annotations

METHODS = (
    "interview",
    "focus_group",
    "direct_observation",
    "participant_observation",
    "document_analysis",
    "survey",
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

REGISTER_TYPES = ("cause_of_concern", "recommendation", "area_for_improvement")
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


def label(slug: str) -> str:
    """A slug as a person reads it: `being_progressed` -> `Being progressed`."""
    return GRADE_LABELS.get(slug) or slug.replace("_", " ").capitalize()
