"""`qam serve` (stakeholder): a login for everything, OFFICIAL-SENSITIVE on every page, the
trail and internal tables refused, SQL for named users only, the PCC position as recs summary."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.serve.conftest import PASSWORDS
from tests.serve.server import crawl, serving, stop


def login(client: httpx.Client, base: str, user: str, password: str) -> httpx.Response:
    form = client.get(base + "/-/login")
    assert "OFFICIAL-SENSITIVE" in form.text
    token = re.search(r'name="csrftoken" value="([^"]+)"', form.text).group(1)
    return client.post(
        base + "/-/login", data={"username": user, "password": password, "csrftoken": token}
    )


@pytest.mark.slow
def test_stakeholder_view_needs_a_login_and_hides_the_trail(with_users, qam):
    summary = json.loads(qam("recs", "summary", "--json").stdout)
    with serving(with_users) as (base, proc):
        with httpx.Client(timeout=60) as anonymous:
            for path in (
                "/.json",
                "/qam.json",
                "/qam/register_item.json",
                "/qam/pcc_position.json",
            ):
                assert anonymous.get(base + path).status_code == 403, path
            page = anonymous.get(base + "/qam/finding")
            assert page.status_code == 302 and page.headers["location"] == "/-/login"
            wrong = login(anonymous, base, "secretariat", "not the password at all")
            assert (
                "Invalid username or password" in wrong.text and "ds_actor" not in anonymous.cookies
            )
        with httpx.Client(timeout=60) as client:
            assert login(client, base, "secretariat", PASSWORDS["secretariat"]).status_code == 302
            rows = client.get(base + "/qam/pcc_position.json?_shape=array").json()
            _same_position(rows, summary)
            outstanding = client.get(
                base + "/qam/outstanding_by_type_and_scope.json?_shape=array"
            ).json()
            for kind, counts in summary["outstanding"]["by_type"].items():
                found = {
                    r["scope"]: r["items"]
                    for r in outstanding
                    if r["type"] == kind and r["source"] == "hmicfrs"
                }
                assert sum(found.values()) == counts["total"]
                assert all(counts[scope] == n for scope, n in found.items())
            pages = crawl(client, base, limit=150)
            for path, response in pages.items():
                assert response.status_code < 500, path
                if "html" in response.headers.get("content-type", ""):
                    assert response.text.count("OFFICIAL-SENSITIVE") >= 2, path
            for path in ("/qam/audit_log.json", "/qam/setting", "/qam/synced_event.json"):
                assert client.get(base + path).status_code == 403, path
            listed = client.get(base + "/qam.json").json()
            assert not {"audit_log", "setting", "synced_event"} & {
                t["name"] for t in listed["tables"]
            }
            # Not a named SQL user: no SQL of their own, canned queries still answer.
            assert client.get(base + "/qam.json?sql=select+1").status_code == 403
            assert "OFFICIAL-SENSITIVE" in client.get(base + "/qam/nothing-here").text
            finding = client.get(base + "/qam/finding").text
            assert "Requires improvement" in finding  # labels beside slugs
        with httpx.Client(timeout=60) as analyst:
            login(analyst, base, "analyst", PASSWORDS["analyst"])
            ok = analyst.get(
                base + "/qam.json?sql=select+count(*)+as+n+from+register_item&_shape=array"
            )
            assert ok.status_code == 200 and ok.json()[0]["n"] == summary["total"]
            # The refused tables read as empty even from a named user's own SQL.
            hashes = analyst.get(base + "/qam.json?sql=select+key,+value+from+setting&_shape=array")
            assert hashes.status_code == 200
            assert all(r["key"] is None and r["value"] is None for r in hashes.json())
            assert "pbkdf2" not in hashes.text
            trail = analyst.get(base + "/qam.json?sql=select+*+from+audit_log&_shape=array")
            assert all(v is None for r in trail.json() for v in r.values())
            # Nothing can write, whatever the SQL.
            for sql in ("delete from register_item", "attach 'x.db' as x", "pragma query_only=0"):
                assert analyst.get(base + "/qam.json", params={"sql": sql}).status_code in (
                    400,
                    403,
                )
        code, out, err = stop(proc)
    assert code == 0 and "Stopped." in out
    assert "Traceback" not in err


def _same_position(rows: list[dict], summary: dict) -> None:
    assert sum(r["items"] for r in rows) == summary["total"]
    by_status: dict[str, int] = {}
    for r in rows:
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["items"]
        assert summary["by_scope"][r["scope"]][r["status"]] == r["items"]
    assert by_status == summary["by_status"]
    outstanding = sum(r["items"] for r in rows if r["outstanding"] == "yes")
    assert outstanding == summary["outstanding"]["total"]
