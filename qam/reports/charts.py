"""Charts as inline SVG, drawn by matplotlib, each with a title and its numbers as a table.

Only this module turns markup into `Markup`, and only matplotlib's own SVG output: every text
label in it comes from data that matplotlib's SVG writer escapes (`&`, `<`, `>`, quotes), math
text parsing is off (a `$` in a theme name stays a dollar sign), and the metadata block, XML
prolog and DOCTYPE are stripped. Ids are prefixed per chart so several charts share a page.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date

_RC = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, small
    "svg.hashsalt": "qam",  # stable ids, so the same data gives the same file
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
ACCENT = "#1f4e79"
MUTED = "#9aa5b1"
GRADE_COLOURS = ("#2e7d32", "#66a34a", "#b26a00", "#d4562b", "#b3261e")
MAX_LABEL = 48


@dataclass
class Chart:
    """A chart for a report: title, the SVG, and the same numbers as a table (headers + rows)."""

    title: str
    svg: object  # markupsafe.Markup of sanitised matplotlib SVG
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    wide: bool = False  # True: the table goes under the chart, not beside it


# Set by `skipped()`: the chart functions return an empty chart instead of drawing one.
_SKIP: contextvars.ContextVar[bool] = contextvars.ContextVar("qam_charts_skipped", default=False)


@contextlib.contextmanager
def skipped():
    """Build reports without drawing their charts: for a caller that needs a report's figures
    and not its pictures (`qam serve` publishes the public reports' tables), as drawing is
    most of the time a report takes to build."""
    token = _SKIP.set(True)
    try:
        yield
    finally:
        _SKIP.reset(token)


def _drawn(draw):
    @functools.wraps(draw)
    def chart(title: str, *args, **kwargs) -> Chart:
        if _SKIP.get():
            return Chart(title=title, svg="", headers=[])
        return draw(title, *args, **kwargs)

    return chart


def short(label, limit: int = MAX_LABEL) -> str:
    """A label cut to fit a chart axis (the table beside the chart keeps it whole)."""
    text = "not set" if label is None else str(label)
    text = "".join(ch for ch in text if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return matplotlib, plt


def _svg(fig) -> object:
    """The figure as sanitised inline SVG markup; closes the figure."""
    from markupsafe import Markup

    matplotlib, plt = _pyplot()
    buf = io.StringIO()
    with matplotlib.rc_context(_RC):
        fig.savefig(
            buf,
            format="svg",
            bbox_inches="tight",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    plt.close(fig)
    text = buf.getvalue()
    text = re.sub(r"<\?xml[^>]*\?>\s*", "", text)
    text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text, flags=re.S)
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    prefix = "c" + hashlib.sha1(text.encode()).hexdigest()[:8] + "-"
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", text)
    text = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'xlink:href="#{prefix}{m.group(1)}"', text)
    text = text.replace("<svg ", '<svg role="img" aria-hidden="true" ', 1)
    # Data only ever reaches text nodes (escaped); a tag carrying script is our bug, so stop.
    if re.search(r"<(script|foreignObject)|<[^>]*(\son[a-z]+\s*=|javascript:)", text, flags=re.I):
        raise ValueError("chart SVG carried active content; refusing to embed it")
    # Markup from matplotlib's own escaped SVG output only, never from user text (see module doc).
    return Markup(text.strip())  # noqa: S704


def _figure(rows: int, width: float = 7.0):
    matplotlib, plt = _pyplot()
    with matplotlib.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(width, max(1.6, 0.32 * rows + 0.9)))
    return fig, ax


@_drawn
def bar_chart(
    title: str,
    labels,
    values,
    *,
    headers=("Category", "Count"),
    xlabel: str = "Count",
    colours=None,
    shown=None,
    note: str = "",
) -> Chart:
    """Horizontal bars, top to bottom in the order given. A value of None is a suppressed count:
    no bar, and `shown` (the table's text for each value, e.g. 'fewer than 5') explains it."""
    matplotlib, plt = _pyplot()
    labels = list(labels)
    values = list(values)
    shown = list(shown) if shown is not None else [v for v in values]
    with matplotlib.rc_context(_RC):
        fig, ax = _figure(len(labels))
        positions = list(range(len(labels)))[::-1]
        heights = [v if v is not None else 0 for v in values]
        bars = ax.barh(positions, heights, color=list(colours) if colours else ACCENT)
        ax.set_yticks(positions, [short(x) for x in labels])
        for bar, value, text in zip(bars, values, shown, strict=True):
            ax.annotate(
                str(text) if value is not None else f"{text}",
                (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color="#1d2733" if value is not None else "#5a6675",
            )
        ax.set_xlabel(xlabel)
        ax.set_title(short(title, 90), loc="left", fontsize=10, fontweight="bold")
        ax.set_xlim(0, max([h for h in heights] + [1]) * 1.2)
        ax.xaxis.get_major_locator().set_params(integer=True)
    return Chart(
        title=title,
        svg=_svg(fig),
        headers=list(headers),
        rows=[[label, text] for label, text in zip(labels, shown, strict=True)],
        note=note,
    )


@_drawn
def timeline_chart(title: str, start: date, end: date, reviews, inspections) -> Chart:
    """The programme as a Gantt chart: one bar a review, a dashed line an expected inspection.

    reviews: (label, start date, end date, detail) tuples; inspections: (title, date, kind
    label) tuples. Each inspection's line carries a number, and the legend under the chart
    gives the number's title and date: a title is too long to sit on the line itself.
    """
    matplotlib, plt = _pyplot()
    import matplotlib.dates as mdates
    from matplotlib.lines import Line2D

    from qam.vocabulary import date_label

    reviews = list(reviews)
    inspections = sorted(inspections, key=lambda i: i[1])
    rows = max(len(reviews), 1)
    with matplotlib.rc_context(_RC):
        fig, ax = _figure(rows + 2, width=7.2)
        for i, (_label, r_start, r_end, _detail) in enumerate(reviews):
            y = rows - i
            width = max((r_end - r_start).days + 1, 3)
            ax.barh(y, width, left=mdates.date2num(r_start), height=0.6, color=ACCENT)
        ax.set_yticks([rows - i for i in range(len(reviews))], [short(r[0], 50) for r in reviews])
        handles, names = [], []
        for n, (name, when, kind) in enumerate(inspections, start=1):
            colour = "#b3261e" if kind == "PEEL" else "#b26a00"
            ax.axvline(mdates.date2num(when), color=colour, linestyle="--", linewidth=1)
            ax.annotate(
                str(n),
                (mdates.date2num(when), rows + 0.8 + ((n - 1) % 2) * 0.6),
                fontsize=7,
                fontweight="bold",
                color=colour,
                ha="center",
                annotation_clip=False,
            )
            handles.append(Line2D([], [], color=colour, linestyle="--", linewidth=1))
            names.append(f"{n}  {short(name, 100)} ({kind}, expected {date_label(when)})")
        ax.set_xlim(mdates.date2num(start), mdates.date2num(end))
        ax.set_ylim(0.3, rows + 2.2)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        ax.xaxis.set_minor_locator(mdates.MonthLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.grid(axis="x", which="major", color="#d5dbe3", linewidth=0.6)
        ax.set_title(short(title, 90), loc="left", fontsize=10, fontweight="bold")
        if handles:
            ax.legend(
                handles,
                names,
                title="Expected inspections",
                title_fontsize=9,
                fontsize=8,
                loc="upper left",
                bbox_to_anchor=(-0.45, -0.08),
                frameon=False,
                alignment="left",
            )
    table = [[label, date_label(s), date_label(e), detail] for label, s, e, detail in reviews]
    table += [
        [f"Inspection {n}: {name}", date_label(when), "", kind]
        for n, (name, when, kind) in enumerate(inspections, start=1)
    ]
    return Chart(
        title=title,
        svg=_svg(fig),
        headers=["Review or inspection", "Start / expected", "End", "Detail"],
        rows=table,
        wide=True,
    )


@_drawn
def grade_chart(title: str, areas, histories, grades_labels) -> Chart:
    """Each area's grade across reviews: grey dots for earlier reviews, a coloured dot for the latest.

    histories: per area, the list of grade indexes oldest first (empty if not assessed).
    grades_labels: the scale's labels, best first; a dotted line marks 'Good'.
    """
    matplotlib, plt = _pyplot()
    areas = list(areas)
    with matplotlib.rc_context(_RC):
        fig, ax = _figure(len(areas), width=7.2)
        positions = list(range(len(areas)))[::-1]
        for y, history in zip(positions, histories, strict=True):
            if not history:
                continue
            xs = list(history)
            if len(xs) > 1:
                ax.plot(xs, [y] * len(xs), color=MUTED, linewidth=1, zorder=1)
                ax.scatter(xs[:-1], [y] * (len(xs) - 1), color=MUTED, s=18, zorder=2)
            ax.scatter([xs[-1]], [y], color=GRADE_COLOURS[xs[-1]], s=60, zorder=3)
        ax.set_yticks(positions, [short(a, 44) for a in areas])
        ax.set_xticks(range(len(grades_labels)), list(grades_labels), rotation=20, ha="right")
        ax.set_xlim(-0.5, len(grades_labels) - 0.5)
        ax.invert_xaxis()
        ax.axvline(1.5, color="#b3261e", linestyle=":", linewidth=1)
        ax.set_title(short(title, 90), loc="left", fontsize=10, fontweight="bold")
    return Chart(
        title=title,
        svg=_svg(fig),
        headers=["Area", "Grades, oldest review first"],
        wide=True,
        rows=[
            [a, ", ".join(grades_labels[i] for i in h) or "not assessed"]
            for a, h in zip(areas, histories, strict=True)
        ],
    )


@_drawn
def capacity_chart(title: str, labels, used, cap: int) -> Chart:
    """Days used per SME (or in total) against the cap, with the cap drawn as a line."""
    matplotlib, plt = _pyplot()
    labels = list(labels)
    used = list(used)
    with matplotlib.rc_context(_RC):
        fig, ax = _figure(len(labels))
        positions = list(range(len(labels)))[::-1]
        colours = ["#b3261e" if u > cap else ACCENT for u in used]
        ax.barh(positions, used, color=colours)
        ax.axvline(cap, color="#b3261e", linestyle="--", linewidth=1)
        ax.set_yticks(positions, [short(x, 40) for x in labels])
        ax.set_xlabel(f"Working days (cap {cap})")
        ax.set_title(short(title, 90), loc="left", fontsize=10, fontweight="bold")
    return Chart(
        title=title,
        svg=_svg(fig),
        headers=["SME and year", "Days used", "Cap"],
        rows=[[label, u, cap] for label, u in zip(labels, used, strict=True)],
    )


def interval_chart(title: str, rows, *, note: str = "") -> Chart:
    """Rates with their 95% intervals: a dot a rate, a line its interval, 0 to 100%.

    rows: (label, rate, low, high, "41 of 60") tuples, rates as fractions; a row whose rate
    is None (nothing answered yes or no) is listed in the table and left off the chart.
    """
    matplotlib, plt = _pyplot()
    rows = list(rows)
    with matplotlib.rc_context(_RC):
        fig, ax = _figure(len(rows), width=7.2)
        positions = list(range(len(rows)))[::-1]
        for y, (_label, rate, low, high, _count) in zip(positions, rows, strict=True):
            if rate is None:
                continue
            ax.plot([low * 100, high * 100], [y, y], color=MUTED, linewidth=3, zorder=1)
            ax.scatter([rate * 100], [y], color=ACCENT, s=36, zorder=2)
            ax.annotate(
                f"{rate:.0%}",
                (rate * 100, y),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=7,
            )
        ax.set_yticks(positions, [short(r[0], 44) for r in rows])
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel("Records compliant (%), with the 95% interval")
        ax.grid(axis="x", color="#d5dbe3", linewidth=0.6)
        ax.set_title(short(title, 90), loc="left", fontsize=10, fontweight="bold")
    table = [
        [label, count, "" if rate is None else f"{rate:.0%} ({low:.0%}–{high:.0%})"]
        for label, rate, low, high, count in rows
    ]
    return Chart(
        title=title,
        svg=_svg(fig),
        headers=["Item and suite", "Compliant", "Rate (95% CI)"],
        rows=table,
        note=note,
        wide=True,
    )


def calibration_chart(title: str, rows, grades_labels) -> Chart:
    """Each area's self-assessed grade (hollow circle) beside HMICFRS's (filled square).

    rows: (area, self index or None, HMICFRS index) with indexes on the scale, best first.
    """
    matplotlib, plt = _pyplot()
    from matplotlib.lines import Line2D

    rows = list(rows)
    with matplotlib.rc_context(_RC):
        fig, ax = _figure(len(rows) + 1, width=7.2)
        positions = list(range(len(rows)))[::-1]
        for y, (_area, own, given) in zip(positions, rows, strict=True):
            if own is not None and own != given:
                ax.plot([own, given], [y, y], color=MUTED, linewidth=1, zorder=1)
            ax.scatter([given], [y], marker="s", color=GRADE_COLOURS[given], s=48, zorder=2)
            if own is not None:
                ax.scatter(
                    [own], [y], facecolors="none", edgecolors=ACCENT, s=90, linewidths=1.5, zorder=3
                )
        ax.set_yticks(positions, [short(r[0], 44) for r in rows])
        ax.set_xticks(range(len(grades_labels)), list(grades_labels), rotation=20, ha="right")
        ax.set_xlim(-0.5, len(grades_labels) - 0.5)
        ax.invert_xaxis()
        ax.set_title(short(title, 90), loc="left", fontsize=10, fontweight="bold")
        ax.legend(
            [
                Line2D([], [], marker="o", color=ACCENT, markerfacecolor="none", linestyle=""),
                Line2D([], [], marker="s", color=MUTED, linestyle=""),
            ],
            ["Self-assessed", "HMICFRS"],
            fontsize=7,
            loc="upper left",
            bbox_to_anchor=(-0.4, -0.22),
            ncol=2,
            frameon=False,
        )
    return Chart(
        title=title,
        svg=_svg(fig),
        headers=["Area", "Self-assessed", "HMICFRS"],
        rows=[
            [a, "not self-assessed" if own is None else grades_labels[own], grades_labels[given]]
            for a, own, given in rows
        ],
        wide=True,
    )
