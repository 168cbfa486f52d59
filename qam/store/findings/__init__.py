"""Findings: `finding` and its full-text index `finding_fts`, and `finding_link` (a finding's
register items). How two laptops' corrections of one finding are told apart and resolved is
in `qam/store/finding_conflicts.py`.

This package owns these tables, and its `writing` is the one writer of findings:
`save_findings` (an answer, a correction, a load test, a survey) and a sync bundle's merge
(through `BUNDLE`) both add each new finding to the search index in the same transaction.
The index has no triggers: with trusted_schema=OFF SQLite refuses to touch a virtual table
from a trigger.

Findings are never changed in place (a trigger refuses it): a revised answer or a correction
is a new row whose `supersedes` names the one it replaces. That is what lets a laptop's work
merge by UUID without ever overwriting anything, and what keeps "Saved." true forever.

Its modules: `table` (the columns, the DDL, the migration steps, the locks), `writing`,
`reading`, and `totals` (what the reports count). Everything else calls them through this
package (`from qam.store import findings as findings_db`).
"""

from qam.store.findings.reading import (
    CURRENT_ANSWER,
    current_answer_id,
    current_condition,
    descendants,
    finding,
    findings,
    forked_findings,
    present_ids,
    superseded_by,
    unpurged_ids,
)
from qam.store.findings.table import (
    FINDING,
    LINK,
    add_enablers,
    create,
    guards,
    index_answers,
    lock_unless_purging,
)
from qam.store.findings.totals import (
    counts_by_review,
    enabler_totals,
    good_practice_newest,
    good_practice_totals,
    graded_totals,
    moderated_count,
    question_totals,
)
from qam.store.findings.writing import (
    BUNDLE,
    blank_text,
    rebuild_search,
    save_finding,
    save_findings,
)

__all__ = [
    "BUNDLE",
    "CURRENT_ANSWER",
    "FINDING",
    "LINK",
    "add_enablers",
    "blank_text",
    "counts_by_review",
    "create",
    "current_answer_id",
    "current_condition",
    "descendants",
    "enabler_totals",
    "finding",
    "findings",
    "forked_findings",
    "good_practice_newest",
    "good_practice_totals",
    "graded_totals",
    "guards",
    "index_answers",
    "lock_unless_purging",
    "moderated_count",
    "present_ids",
    "question_totals",
    "rebuild_search",
    "save_finding",
    "save_findings",
    "superseded_by",
    "unpurged_ids",
]
