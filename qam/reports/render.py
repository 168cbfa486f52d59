"""The one jinja2 environment every report uses, and atomic writing of the result."""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def environment():
    """Autoescape on and StrictUndefined: a typo in a template fails loudly, data never runs as HTML."""
    import jinja2

    from qam.paths import data_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("reports"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=neutralise,
    )


# Bidirectional controls (U+202A-U+202E, U+2066-U+2069) would let typed text reorder what a
# reader sees around it (layout spoofing); NUL has no place in HTML. Shown, not obeyed.
_CONTROLS = {cp: f"[U+{cp:04X}]" for cp in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_CONTROLS[0] = "[NUL]"


def neutralise(value):
    """Every `{{ value }}` passes through here before escaping: plain text loses its power to
    reorder the page (bidi overrides become visible `[U+202E]` marks); markup we built is kept."""
    from markupsafe import Markup

    if isinstance(value, str) and not isinstance(value, Markup):
        return value.translate(_CONTROLS)
    return value


def render(template: str, **context) -> str:
    """Render one template from reports/ with the shared environment."""
    return environment().get_template(template).render(**context)


def write_atomic(path: Path, text: str) -> Path:
    """Write text so that `path` holds either the old file or the whole new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
