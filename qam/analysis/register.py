"""The register's breakdowns for the register report, and the ageing of outstanding items.

The position itself (DESIGN.md section 4) is `qam.register.summary.position`."""

from __future__ import annotations

from datetime import date

from qam.vocabulary import OUTSTANDING_STATUSES

AGE_BANDS = ("under 1 year", "1 to 2 years", "2 to 3 years", "3 years or more", "date not known")


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
