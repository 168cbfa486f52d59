"""The one jinja2 environment every report uses, and atomic writing of the result."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def environment():
    """Autoescape on and StrictUndefined: a typo in a template fails loudly, data never runs as HTML."""
    import jinja2

    from qam.paths import data_dir
    from qam.vocabulary import count_label, date_label, label

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(data_dir("reports"))),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=neutralise,
    )
    # The force's words in templates: {{ n|counted("finding") }} -> "1 finding",
    # {{ r.start|day }} -> "4 May 2027", {{ slug|words }} -> "Direct observation".
    env.filters.update(counted=count_label, day=date_label, words=label)
    return env


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
