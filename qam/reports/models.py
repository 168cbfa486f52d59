"""The one dataclass each report renders, with every field documented.

Stakeholder reports carry the detail; the public reports are separate dataclasses holding only
aggregate fields (suppressed counts, grades, slugs turned into labels we wrote), so a public
template cannot reach a note, a name or a participant even by mistake: the data is not there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qam.reports.charts import Chart
from qam.reports.suppression import Cell

STAKEHOLDER = "stakeholder"
PUBLIC = "public"
VIEWS = (STAKEHOLDER, PUBLIC)
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
PUBLIC_MARKING = "PUBLIC: aggregate figures only"


@dataclass
class Page:
    """What every report's header and footer show."""

    force_name: str  # the home force, as `qam init` recorded it
    title: str  # the report's title (browser tab and heading)
    view: str  # "stakeholder" or "public"
    marking: str  # the classification marking printed in the header and footer
    generated: str  # when it was generated, e.g. "05 March 2027 14:02 UTC"
    qam_version: str


# --- stakeholder reports -----------------------------------------------------------------


@dataclass
class FindingView:
    """One finding as the review report and the good practice library show it."""

    id: str
    question_id: str
    area: str  # the PEEL area of its question
    method: str  # a method label, e.g. "Focus group"
    grade: str | None  # grade slug (for the CSS class) or None = not assessed
    grade_label: str  # "Good", or "Not assessed"
    sources: int  # independent sources behind it
    notes: str  # the reviewer's notes (stakeholder only)
    good_practice: bool
    concerns: str  # concerns raised, or ""
    participant: str  # who, by role and unit ("6 detention officers, custody"), or ""
    session: str  # when and where it was gathered ("3 Jun 2025, Northgate custody suite")
    links: list[str]  # register refs it supports
    created_at: str
    moderated: bool = False  # the grade shown is a moderator's, settling two reviewers' grades


@dataclass
class QuestionSection:
    """One question of the review's set, with its findings."""

    id: str
    area: str
    text: str
    graded: bool
    grade_label: str  # the source-weighted median of its findings, or "Not assessed"
    grade: str | None
    findings: list[FindingView]
    sources: int  # all sources behind its findings
    hidden: int  # findings beyond the per-question display limit (counted, not shown)


@dataclass
class ItemSuggestion:
    """A register item this review's findings support, and the status change they suggest."""

    ref: str
    text: str
    status: str  # current status label
    theme: str
    findings: int
    sources: int
    grades: str  # e.g. "Good ×2, Adequate ×1"
    suggested: str | None  # suggested status label, or None for no change
    reason: str


@dataclass
class Action:
    """An agreed action: a concern raised in the fieldwork, owned by the unit reviewed."""

    area: str
    concern: str
    owner: str
    refs: list[str]


@dataclass
class EnablerSection:
    """Findings by enabler (Leadership, Partnership, Culture, Technology): `qam.reports.enablers`."""

    scope: str  # whose findings: "this review's", "the programme's"
    chart: Chart  # each enabler's findings, stacked by grade
    grade_headings: list[str]  # the grade spread's column headings, best first, then Not assessed
    # per enabler: enabler (label), slug, findings, grades (counts under grade_headings),
    # good_practice, concerns
    rows: list[dict]
    findings: int  # the findings counted (one may speak to several enablers, or none)
    untagged: int  # of them, those speaking to no enabler


@dataclass
class ReviewReport:
    """`qam report review ID`: what one review set out to test and what it found."""

    page: Page
    review: dict  # id, title, theme, unit, start, end, days, status, inspection
    question_set: str  # "PEEL Assessment Framework 2023–25 (paf-2023 v1)"
    methods: list[str]  # planned method labels
    team: list[dict]  # name, role, unit of each SME
    sessions: int
    # each capture session: "Focus group, 6 detention officers, custody; 3 Jun 2025, ...: 2 findings"
    gathering: list[str]
    finalised: int
    total_findings: int
    total_sources: int
    method_chart: Chart  # findings and sources by method
    grade_chart: Chart  # findings by grade
    questions: list[QuestionSection]  # the questions with findings, in the set's order
    without_findings: list[QuestionSection]  # the rest, folded into one line
    good_practice: list[FindingView]
    concerns: list[FindingView]
    register: list[ItemSuggestion]
    actions: list[Action]
    enablers: EnablerSection | None = None
    # `qam.reports.evidence`: the record audit (None when no sample was drawn), whether the
    # grades were moderated (always; its `sentence` says so), and what changed since the
    # baseline review (None for a first review). No record id is in any of them.
    record_audit: dict | None = None
    grading: dict | None = None
    baseline: dict | None = None


@dataclass
class ProgrammeReport:
    """`qam report programme`: the 18-month programme and how far it has got."""

    page: Page
    window: str  # "December 2026 to May 2028"
    timeline: Chart
    inspections: list[dict]  # title, kind, expected, reviews (ids before it), ready (bool)
    coverage: Chart  # PEEL areas: reviews planned and findings
    coverage_rows: list[dict]  # area, planned_reviews, reviews_with_findings, findings, covered
    aois: list[dict]  # id, title, source, theme, reviews, covered
    # Candidate reviews the latest plan could not staff, as `qam plan show` words them:
    # review, title, unit, theme (label), priority, reason, fix (what would let it be staffed).
    unstaffed: list[dict]
    unstaffed_note: str  # which plan the list comes from, when not the accepted one, or ""
    cap: int
    abstraction: Chart | None
    over_cap: list[dict]  # name, year, days
    progress: list[dict]  # per review: sessions, finalised, findings, graded, good_practice
    totals: dict  # reviews, sessions, finalised, findings
    enablers: EnablerSection | None = None


@dataclass
class RegisterReport:
    """`qam report register`: the position as reported to the PCC, breakdowns and ageing."""

    page: Page
    position: dict  # the `qam recs summary --json` document
    scope_rows: list[dict]  # scope label, total, one count a status
    type_rows: list[dict]  # outstanding by type: label, total, national, force, joint
    charts: list[Chart]  # by status, type, scope, theme, ageing
    decisions: list[dict]  # recent status decisions: ref, old, new, reason, approver, decided_at
    sources: list[dict] = field(default_factory=list)  # each source of learning: total, outstanding
    action_plans: list[dict] = field(
        default_factory=list
    )  # outstanding items' plans (action_plans.py)


@dataclass
class AreaReadiness:
    """One PEEL area's self-assessed readiness."""

    area: str
    grade: str | None
    grade_label: str
    previous: str  # previous review's grade label, or ""
    trend: str  # Improved / Declined / Steady / First assessment / Not assessed
    reviews: int
    below_good_running: int
    deep_dive: bool
    findings: int | str  # str when suppressed in the public view
    sources: int | str
    # the latest inspection's grade beside the self-assessment before it
    # (`qam.analysis.calibration.describe`); "" in the public view or when never inspected
    calibration: str = ""
    calibration_gap: int | None = None  # grades too kind (negative: too harsh), None: none


@dataclass
class BoardSection:
    """The areas one assessment board owns."""

    board: str
    areas: list[AreaReadiness]


@dataclass
class ReadinessReport:
    """`qam report readiness`: self-assessed grades by PEEL area, grouped by board."""

    page: Page
    rule: str  # how the grade is worked out
    boards: list[BoardSection]
    deep_dives: list[AreaReadiness]
    chart: Chart
    moderated: int = 0  # current findings whose grade was moderated (the moderated grade counts)
    enablers: EnablerSection | None = None


@dataclass
class GoodPracticeReport:
    """`qam report good-practice`: one page of the library, grouped by theme, newest first."""

    page: Page
    theme: str | None  # the filters that made this page, if any
    unit: str | None
    since: str | None
    until: str | None
    total: int  # good practice findings the filters select, shown or not
    # per theme: slug, label, count, newest (date), entries (title, theme, theme_label, unit,
    # area, method, grade, grade_label, sources, role, notes, note_cut, date), more (not
    # shown here), href (the theme's own page, when it has more), narrow (a command for more)
    groups: list[dict]
    units: list[str]  # of the entries shown, for the in-page filter
    chart: Chart
    index_href: str | None = None  # on a theme's page: the library's first page
    enabler: str | None = None  # the enabler filter's label, if any


@dataclass
class CalibrationReport:
    """`qam report calibration`: the self-assessment against HMICFRS's grades, by inspection.

    `overall` and each inspection carry the totals of `qam.analysis.calibration` (areas,
    compared, exact, within_one, too_kind, too_harsh, mean_gap, direction, blind_spots);
    each inspection adds `rows` (area, self_label, self_grade, review, hmicfrs_label,
    hmicfrs_grade, verdict), `headline` (a sentence) and `chart`.
    """

    page: Page
    rule: str  # how the self-assessed grade is set against the inspection
    overall: dict
    headline: str  # the overall result in a sentence
    inspections: list[dict]
    undated: list[dict]  # inspection, area, hmicfrs: grades with no publication date
    moderated: int  # current findings whose grade was moderated


# --- public reports: aggregate fields only -----------------------------------------------


@dataclass
class CountTable:
    """A published one-way table: suppressed cells, the total, and its chart."""

    title: str
    cells: list[Cell]
    total: Cell | None
    chart: Chart
    summary: str = ""  # when most counts are hidden: a sentence shown instead of the chart


@dataclass
class PublicRegister:
    """The register for the public: counts only, small counts suppressed."""

    page: Page
    tables: list[CountTable]


@dataclass
class PublicProgramme:
    """The programme for the public: how many reviews, where, and fieldwork totals."""

    page: Page
    window: str
    headline: list[Cell]  # stand-alone counts
    tables: list[CountTable]  # the enabler tables among them


@dataclass
class PublicReadiness:
    """Readiness for the public: grades by area (only where enough findings stand behind them)."""

    page: Page
    rule: str
    boards: list[BoardSection]
    findings: CountTable
    summary: str = ""  # when no area's grade can be published: why, in a sentence (no tables)
    enablers: list[CountTable] = field(default_factory=list)  # findings by enabler, suppressed


@dataclass
class PublicGoodPractice:
    """Good practice for the public: how much was found, by theme and by area; no text."""

    page: Page
    tables: list[CountTable]
    notes_hidden: bool = field(default=True)
    withheld: str = ""  # why nothing is published yet (then `tables` is empty), or ""


@dataclass
class QuarterPack:
    """`qam report quarter 2027Q1`: the quarterly performance review's pack (`qam.reports.quarter`)."""

    page: Page
    quarter: str  # "2027Q1"
    words: str  # "January to March 2027 (quarter 4 of the financial year 2026/27)"
    reviews: list[dict]  # with a day in the quarter: id, title, theme, unit, window, status, team
    coming: list[dict]  # starting next quarter, the same keys
    by_area: list[tuple[str, int]]  # the quarter's reviews' findings by PEEL area
    enablers: EnablerSection
    decisions: list[dict]  # status decisions in the quarter: ref, old, new, approver, on, reason
    new_items: list[
        dict
    ]  # items from reports published in it: ref, text, status, due, published, owner
    overdue: list[dict]  # outstanding items due by its end, the same keys
    deep_dives: list[dict]  # area, board, grade
    rule: str  # how readiness grades (and so deep dives) are worked out
    good_practice: list[dict]  # the newest of the quarter's reviews: review, area, notes
    abstraction: list[dict]  # who, days: working days in the quarter, by SME
    days: int  # all of them


@dataclass
class PublicQuarterPack:
    """The quarter's pack for the public: counts only, small counts suppressed."""

    page: Page
    quarter: str
    words: str
    headline: list[Cell]
    tables: list[CountTable]
