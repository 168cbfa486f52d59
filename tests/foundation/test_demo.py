"""`qam demo`: the whole job on the shipped example force, as a new user runs it."""

from __future__ import annotations

from html.parser import HTMLParser


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))

    def handle_data(self, data):
        self.text.append(data)


def test_demo_builds_a_store_and_an_index_page(qam, tmp_path):
    out = tmp_path / "demo"
    result = qam("demo", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Open " in result.stdout and str(out / "index.html") in result.stdout
    index = out / "index.html"
    page = _Links()
    page.feed(index.read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert "Westshire Police" in text
    assert "paf-2023" in text
    for href in page.hrefs:  # every report the index links to exists
        assert (out / href).is_file(), href
    from qam.store import Store
    from qam.store.audit import events
    from qam.trail import verify

    with Store.open(out / "qam-demo.db", create=False) as store:
        assert store.setting("force_name") == "Westshire Police"
        verify(events(store))


def test_demo_runs_twice_from_a_fresh_store(qam, tmp_path):
    out = tmp_path / "demo"
    first = qam("demo", "--out", str(out))
    second = qam("demo", "--out", str(out))
    assert first.exit_code == second.exit_code == 0


def test_demo_never_replaces_a_store_given_with_db(qam, tmp_path):
    real = tmp_path / "programme.db"
    assert qam("--db", str(real), "init", "--force-name", "Westshire Police").exit_code == 0
    before = real.read_bytes()
    result = qam("--db", str(real), "demo", "--out", str(tmp_path / "demo"))
    assert result.exit_code == 1
    assert (
        result.stderr.startswith("Error: qam demo builds its own store")
        and result.stderr.count("\n") == 1
    )
    assert real.read_bytes() == before
