"""A small HTML reader for the report tests (html.parser: lxml is not a dependency)."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """Collects every start tag with its attributes, the text, and the text of each <script>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.markings: list[str] = []
        self._in: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag in self._in:
            while self._in and self._in.pop() != tag:
                pass

    def handle_data(self, data):
        self.text.append(data)
        if self._in and self._in[-1] == "script":
            self.scripts[-1] += data

    def tags_named(self, name: str) -> list[dict]:
        return [attrs for tag, attrs in self.tags if tag == name]

    def classes(self, cls: str) -> list[dict]:
        return [attrs for _, attrs in self.tags if cls in (attrs.get("class") or "").split()]


def active_content(page: Page) -> list[str]:
    """Anything that could run: event-handler attributes, javascript:/data: URLs, foreign scripts."""
    problems = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"<{tag} {name}=...>")
            if (
                name.lower() in ("href", "src", "action", "xlink:href", "formaction")
                and value
                and value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
            ):
                problems.append(f"<{tag} {name}={value}>")
    for script in page.scripts:
        if "alert" in script or "onerror" in script:
            problems.append("a <script> carrying data")
    return problems
