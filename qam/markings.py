"""Protective markings on every file QAM writes (GSCP: the highest marking of what it holds).

A file that names people (owners, SMEs, reviewers, the trail's actors) or carries notes is
OFFICIAL-SENSITIVE; anything else QAM writes is OFFICIAL. Each kind of file carries it where
the tool that opens it shows it, and its default name says it, as the HTML reports' names do:

- CSV: a last column "Protective marking" holding the marking on every row (so it survives
  sorting and filtering in a spreadsheet, and the header row still comes first);
- XLSX: every sheet's page header and footer, and the document properties (title, subject,
  keywords, category), with QAM as the author (how QAM knows its own workbooks again);
- ICS: the calendar's name, X-PROTECTIVE-MARKING, each event's CLASS (CONFIDENTIAL for
  OFFICIAL-SENSITIVE) and the first line of its description;
- a sync bundle: its manifest's `marking`.
"""

from __future__ import annotations

from pathlib import Path

from qam.files import CSV_MARKING_HEADER, XLSX_CREATOR, is_folder

OFFICIAL = "OFFICIAL"
OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"


def marking_of(names_people_or_notes: bool) -> str:
    return OFFICIAL_SENSITIVE if names_people_or_notes else OFFICIAL


def default_path(given: Path | str | None, stem: str, marking: str, suffix: str) -> Path:
    """Where to write when a person gave a folder (or nothing: here): `stem-MARKING.suffix`
    inside it; a file name given is kept as given."""
    folder = Path(given) if given is not None else Path(".")
    if given is not None and not is_folder(folder):
        return folder
    return folder / f"{stem}-{marking}{suffix}"


def csv_header(header: list[str]) -> list[str]:
    return [*header, CSV_MARKING_HEADER]


def csv_row(row: list, marking: str) -> list:
    return [*row, marking]


def mark_workbook(workbook, marking: str, title: str) -> None:
    """The marking in every sheet's page header and footer and in the document properties."""
    props = workbook.properties
    props.creator = XLSX_CREATOR
    props.title = f"{title} ({marking})"
    props.subject = marking
    props.keywords = marking
    props.category = marking
    props.description = f"{marking}: written by QAM"
    for sheet in workbook.worksheets:
        for part in (sheet.oddHeader, sheet.oddFooter, sheet.evenHeader, sheet.evenFooter):
            part.center.text = marking
            part.center.font = "Arial,Bold"
        sheet.oddFooter.right.text = "Page &P of &N"


def mark_calendar(calendar, marking: str) -> None:
    """The calendar's marking (its events are marked by `mark_event`)."""
    calendar.add("x-protective-marking", marking)


def mark_event(event, marking: str, description: str) -> None:
    event.add("class", "CONFIDENTIAL" if marking == OFFICIAL_SENSITIVE else "PUBLIC")
    event.add("description", f"{marking}\n{description}")
