"""`qam serve --view public`: only what the public reports publish, in every page and JSON."""

from __future__ import annotations

import httpx
import pytest

from tests.serve.conftest import CANARIES
from tests.serve.server import crawl, serving, stop

# People and words that must never reach the public: the planted canaries, the SMEs' names,
# the reviewer, and the XSS corpus typed into every free-text field.
NEVER = [
    *CANARIES.values(),
    "Priya",
    "Pendleton",
    "test.reviewer",
    "superseded",
    "alert(",
    "onerror",
    "Custody suite",
]


@pytest.mark.slow
def test_public_view_shows_only_published_figures(programme_db):
    with (
        serving(programme_db, "--view", "public") as (base, proc),
        httpx.Client(timeout=60) as client,
    ):
        pages = crawl(client, base)
        assert len(pages) > 20, sorted(pages)  # home, database, each view, rows, JSON...
        for path, response in pages.items():
            assert response.status_code < 500, path
            for word in NEVER:
                assert word not in response.text, f"{word!r} leaked in {path}"
            if "html" in response.headers.get("content-type", ""):
                assert "PUBLIC: aggregate figures only" in response.text, path
        listed = client.get(base + "/qam.json").json()
        names = {t["name"] for t in listed["tables"] if not t["hidden"]} | {
            v["name"] for v in listed["views"]
        }
        assert "register_items_by_status" in names and "readiness_by_peel_area" in names
        assert not {"finding", "review", "sme", "register_item", "audit_log"} & names
        # The same suppression as the public register report: a count under 5 is not shown.
        rows = client.get(base + "/qam/register_items_by_status.json?_shape=array").json()
        for row in rows:
            assert row["count"] is None or row["count"] == 0 or row["count"] >= 5, row
        assert any(r["count"] is None and r["shown"].startswith("fewer than 5") for r in rows)
        # The store's tables are not there, the published base tables and SQL are refused.
        for path in ("/qam/finding", "/qam/finding.json", "/qam/sme.json", "/qam/audit_log"):
            assert client.get(base + path).status_code == 404, path
        for path in (
            "/qam/figure.json",
            "/qam/area_grade",
            "/qam.json?sql=select+*+from+figure",
            "/qam.json?sql=select+1",
            "/qam/register_items_by_status.json?_where=1%3D1",
            "/qam.db",
        ):
            assert client.get(base + path).status_code in (400, 403, 404), path
        code, out, err = stop(proc)
    assert code == 0, err
    assert "Stopped." in out and "Traceback" not in err


def test_public_view_serves_no_table_of_the_store_and_no_sql(programme_db):
    with serving(programme_db, "--view", "public") as (base, _), httpx.Client(timeout=60) as c:
        home = c.get(base + "/")
        assert "PUBLIC: aggregate figures only" in home.text
        assert not any(word in home.text for word in NEVER)
        assert c.get(base + "/qam/finding.json").status_code == 404
        assert c.get(base + "/qam.json?sql=select+1").status_code == 403
        figures = c.get(base + "/qam/register_items_by_scope.json?_shape=array")
        assert figures.status_code == 200 and figures.json()[-1]["label"] == "Total"


def test_public_view_refuses_a_store_marked_official_sensitive(programme_db, qam):
    from qam.store import Store
    from tests.reports import builder as b

    with Store.open(programme_db) as store:
        b.item(store, "OS-1", status="completed", extra={"Classification": "OFFICIAL-SENSITIVE"})
    result = qam("serve", "--view", "public", "--port", "8")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "OFFICIAL-SENSITIVE" in result.stderr


@pytest.mark.slow
def test_the_demo_store_in_public_names_no_one_and_quotes_nothing(demo_copy):
    """The issue's check on the demo store: every page and JSON answer reachable from the home
    page holds none of the store's names, notes, titles or register text."""
    from qam.store import Store

    db = demo_copy / "qam-demo.db"
    with Store.open(db) as store:
        texts = store.conn.execute(
            "SELECT name FROM sme UNION SELECT notes FROM finding UNION SELECT concerns FROM "
            "finding UNION SELECT reviewer FROM finding UNION SELECT participant_role FROM "
            "finding UNION SELECT title FROM review UNION SELECT text FROM register_item "
            "UNION SELECT owner FROM register_item"
        ).fetchall()
    secret = {t for (t,) in texts if t and len(t) >= 12}
    assert len(secret) > 50
    with serving(db, "--view", "public") as (base, _), httpx.Client(timeout=60) as client:
        pages = crawl(client, base)
        assert len(pages) > 20
        for path, response in pages.items():
            assert response.status_code < 500, path
            leaked = [t for t in secret if t in response.text]
            assert not leaked, f"{path} shows {leaked[:3]}"
