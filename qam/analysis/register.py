"""The register's position (DESIGN.md section 4 rules), its breakdowns and the ageing of outstanding items."""

from __future__ import annotations

from datetime import date

from qam.vocabulary import OUTSTANDING_STATUSES, REGISTER_SCOPES, REGISTER_TYPES, STATUSES

AGE_BANDS = ("under 1 year", "1 to 2 years", "2 to 3 years", "3 years or more", "date not known")


def position(items) -> dict:
    """The position as the force reports it to the PCC: the `qam recs summary --json` document.

    items: rows with status, scope and type. Zero counts are left out, as the summary allows.
    """
    import pandas as pd

    df = pd.DataFrame(list(items), columns=["status", "scope", "type"])
    doc: dict = {
        "total": int(len(df)),
        "by_status": {},
        "by_scope": {},
        "outstanding": {"total": 0, "by_type": {}},
    }
    counts = df["status"].value_counts()
    doc["by_status"] = {s: int(counts[s]) for s in _ordered(counts.index, STATUSES)}
    for scope in _ordered(df["scope"].dropna().unique(), REGISTER_SCOPES):
        part = df[df["scope"] == scope]
        by = part["status"].value_counts()
        doc["by_scope"][scope] = {
            "total": int(len(part)),
            **{s: int(by[s]) for s in _ordered(by.index, STATUSES)},
        }
    out = df[df["status"].isin(OUTSTANDING_STATUSES)]
    doc["outstanding"]["total"] = int(len(out))
    for kind in _ordered(out["type"].dropna().unique(), REGISTER_TYPES):
        part = out[out["type"] == kind]
        by = part["scope"].value_counts()
        doc["outstanding"]["by_type"][kind] = {
            "total": int(len(part)),
            **{c: int(by[c]) for c in _ordered(by.index, REGISTER_SCOPES)},
        }
    return doc


def _ordered(values, order) -> list:
    """Known values in vocabulary order, then any others alphabetically."""
    present = [v for v in values if v is not None]
    return [v for v in order if v in present] + sorted(str(v) for v in present if v not in order)


def counts_by(items, column: str, order=()):
    """How many items have each value of `column` (None reads as 'not set'), in vocabulary order.

    Columns: value, count.
    """
    import pandas as pd

    s = pd.Series([row.get(column) for row in items], dtype="object").fillna("not set")
    counts = s.value_counts()
    values = _ordered(counts.index, tuple(order))
    return pd.DataFrame(
        {"value": values, "count": [int(counts[v]) for v in values]}, columns=["value", "count"]
    )


def ageing(items, today: date):
    """Outstanding items by how long since their report was published, and how many are overdue.

    Columns: band, items, overdue (due date before `today`). Every band is listed.
    """
    import pandas as pd

    df = pd.DataFrame(list(items), columns=["status", "report_published", "due"])
    df = df[df["status"].isin(OUTSTANDING_STATUSES)].copy()
    published = pd.to_datetime(df["report_published"], errors="coerce")
    years = (pd.Timestamp(today) - published).dt.days / 365.25
    df["band"] = pd.cut(years, [-1e9, 1, 2, 3, 1e9], right=False, labels=list(AGE_BANDS[:4]))
    df["band"] = df["band"].astype("object").where(published.notna(), AGE_BANDS[4])
    due = pd.to_datetime(df["due"], errors="coerce")
    df["overdue"] = (due < pd.Timestamp(today)).fillna(False)
    grouped = df.groupby("band", observed=False).agg(
        items=("status", "size"), overdue=("overdue", "sum")
    )
    grouped = grouped.reindex(list(AGE_BANDS), fill_value=0)
    return pd.DataFrame(
        {
            "band": list(AGE_BANDS),
            "items": grouped["items"].astype(int).tolist(),
            "overdue": grouped["overdue"].astype(int).tolist(),
        }
    )
