"""Starting `qam serve` in a subprocess on a free local port, and always stopping it."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx

START_TIMEOUT = 120  # seconds: the machine is shared, and the public view builds its figures


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(db: Path, *args: str):
    """Yield (base URL, the process) for `qam --db DB serve ARGS`; stop it with Ctrl-C after."""
    port = free_port()
    env = dict(os.environ, QAM_DB=str(db), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "qam", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(proc, base)
        yield base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def stop(proc) -> tuple[int, str, str]:
    """Ctrl-C, as a person would; returns (exit code, stdout, stderr)."""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    return proc.returncode, out, err


def _wait(proc, base: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"qam serve stopped at start: {out}\n{err}")
        try:
            httpx.get(base + "/-/versions.json", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("qam serve did not answer in time")


class Links(HTMLParser):
    """Every href on a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "href" and value:
                self.found.append(value)


def links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


def crawl(client: httpx.Client, base: str, limit: int = 400) -> dict[str, httpx.Response]:
    """Every page and `.json` endpoint reachable from the home page, on this server."""
    seen: dict[str, httpx.Response] = {}
    todo = ["/", "/.json"]
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen:
            continue
        response = client.get(base + path)
        seen[path] = response
        if "html" not in response.headers.get("content-type", ""):
            continue
        for href in links(response.text):
            if href.startswith(base):
                href = href[len(base) :]
            if not href.startswith("/") or href.startswith("//") or "/-/static" in href:
                continue
            href = href.split("#")[0]
            if href not in seen:
                todo.append(href)
            stem, _, query = href.partition("?")
            if not re.search(r"\.\w+$", stem):
                json_href = stem + ".json" + (f"?{query}" if query else "")
                if json_href not in seen:
                    todo.append(json_href)
    return seen
