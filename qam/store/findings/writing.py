"""Writing findings: every insert into `finding`, `finding_link` and the search index
`finding_fts` (a sync bundle's findings among them: `BUNDLE`), and retention's blanking."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store.db import chunks
from qam.store.findings.table import FINDING, LINK
from qam.store.schema import IMMUTABLE, Arrival, Carried

if TYPE_CHECKING:
    from qam.store.db import Store


def _last_rowid(store: Store) -> int:
    return store.conn.execute("SELECT coalesce(max(rowid), 0) FROM finding").fetchone()[0]


def _index_new(store: Store, after_rowid: int) -> None:
    """Add the findings inserted after `after_rowid` to the search index (same transaction)."""
    store.conn.execute(
        "INSERT INTO finding_fts (rowid, notes, concerns) SELECT rowid, notes, concerns "
        "FROM finding WHERE rowid > ?",
        [after_rowid],
    )


def save_findings(
    store: Store, findings: Iterable[dict], links: Iterable[tuple[str, str]] = ()
) -> None:
    """Save new findings and their (finding id, register ref) links, searchable, in one
    transaction: one answer, a correction, a survey, or a load test's thousands."""
    with store.transaction():
        before = _last_rowid(store)
        store.conn.executemany(
            FINDING.insert_sql(), ([f.get(c) for c in FINDING.columns] for f in findings)
        )
        _index_new(store, before)
        store.conn.executemany(LINK.insert_sql(verb="INSERT OR IGNORE"), links)


def save_finding(store: Store, finding: dict, links: Iterable[str] = ()) -> None:
    """Save one new finding with its links (see `save_findings`)."""
    save_findings(store, [finding], [(finding["id"], ref) for ref in links])


def _index_arrivals(store: Store, arrival: Arrival) -> None:
    _index_new(store, arrival.before_rowid)


# Findings and links are inserted once (same id, other content: refused); records purged
# under retention never come back.
BUNDLE = (
    Carried(FINDING, IMMUTABLE, purged_as=("finding", "id"), after_insert=_index_arrivals),
    Carried(LINK, IMMUTABLE, purged_as=("finding", "finding_id")),
)


def blank_text(store: Store, ids: list[str]) -> None:
    """Retention: blank a finding's words (notes, concerns, participant); the row stays."""
    for chunk, marks in chunks(ids):
        store.conn.execute(
            "UPDATE finding SET notes = '', concerns = NULL, participant_role = NULL, "
            f"participant_unit = NULL WHERE id IN ({marks})",
            chunk,
        )


def rebuild_search(store: Store) -> None:
    """Rebuild the search index from the finding table as it is now (after a purge or VACUUM)."""
    store.conn.execute("INSERT INTO finding_fts(finding_fts) VALUES ('rebuild')")
