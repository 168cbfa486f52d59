"""The one import pipeline: read the table, map headers, convert cells, collect every problem.

    reading = Reading(path, fields, options)       # opens the table, maps the headers
    for row in reading:                            # one Row a data row, converted
        ...                                        # the importer plans (and writes) it
    reading.finish()                               # every problem in one Error, or nothing

An importer writes inside one transaction while it reads (so a 200,000-row file is never
held twice in memory), skips writing as soon as a problem is found, and calls `finish()`
before the transaction commits: any problem rolls the whole import back. With `--dry-run`
it writes nothing at all and reports what it would have done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qam.errors import ImportFileError
from qam.imports.headers import Column, Columns, Field, map_headers, parse_map_options
from qam.imports.problems import CellProblem, Problems
from qam.imports.reader import open_table
from qam.imports.values import ValueMap, cell_text, parse_value_options
from qam.vocabulary import fold

_MISSING = object()


@dataclass
class ImportOptions:
    """What every importer takes: `--sheet`, `--map`, `--value`, `--dry-run`, `--add-themes`."""

    sheet: str | None = None
    maps: Sequence[str] = ()
    values: Sequence[str] = ()
    dry_run: bool = False
    add_themes: bool = False


@dataclass
class Row:
    """One data row: its number as a spreadsheet shows it, the fields read, the other cells."""

    number: int
    values: dict[str, object]
    extra: dict[str, str]
    ok: bool

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


class _Reader:
    """One column's reader: the user's --value mappings and a cache of converted cells."""

    __slots__ = ("column", "convert", "cache", "mapped", "default", "required", "header", "name")

    def __init__(self, column: Column, mapped: dict[str, object], default: object):
        self.column = column
        self.name = column.field.name
        self.header = column.header
        self.convert = column.field.convert
        self.required = column.field.required
        self.cache: dict[object, object] | None = {} if column.field.cache else None
        self.mapped = mapped
        self.default = default


class Reading:
    """One file being imported: iterate it once for its rows, then call `finish()`."""

    def __init__(
        self,
        path: Path | str,
        fields: list[Field],
        options: ImportOptions,
        *,
        keep_unmapped: bool = False,
        missing_fix: dict[str, str] | None = None,
    ):
        self.path = Path(path)
        self.fields = fields
        self.options = options
        self.keep_unmapped = keep_unmapped
        user_map = parse_map_options(options.maps, fields)
        self.value_map: ValueMap = parse_value_options(options.values, [f.name for f in fields])
        self.table = open_table(self.path, options.sheet)
        self.source = self.table.source
        self.problems = Problems(self.source)
        self.columns: Columns = map_headers(
            self.table.headers, fields, user_map, self.problems, extra_fix=missing_fix
        )
        self._readers = [self._reader(c) for c in self.columns.mapped]
        self.rows = 0
        self.skipped: dict[str, int] = {}

    @property
    def warnings(self) -> list[str]:
        return self.table.warnings

    def _reader(self, column: Column) -> _Reader:
        """Check the user's --value options for this field once, converting each canonical."""
        mapped: dict[str, object] = {}
        default: object = _MISSING
        for key, canonical in self.value_map.for_field(column.field.name).items():
            option = self.value_map.written[(column.field.name, key)]
            try:
                value = column.field.convert(canonical)
            except CellProblem as err:
                raise ImportFileError(
                    f"{option}: '{canonical}' is not a value {column.field.name} can take "
                    f"({err.kind}); {err.fix.replace('{raw}', canonical)}."
                ) from None
            if key:
                mapped[key] = value
            else:
                default = value
        return _Reader(column, mapped, default)

    def has(self, name: str) -> bool:
        """True if the file has a column for the field."""
        return self.columns.has(name)

    def header(self, name: str) -> str | None:
        return next((c.header for c in self.columns.mapped if c.field.name == name), None)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count cells or rows skipped on purpose (shown in the receipt)."""
        self.skipped[reason] = self.skipped.get(reason, 0) + count

    def problem(self, kind: str, row: Row | int | None, *, column: str | None = None, **kw) -> None:
        """Record a problem an importer finds across cells (a duplicate id, a window)."""
        number = row.number if isinstance(row, Row) else row
        if isinstance(row, Row):
            row.ok = False
        self.problems.add(kind, row=number, column=column, **kw)

    def __iter__(self) -> Iterator[Row]:
        readers = self._readers
        unmapped = list(self.columns.unmapped.items()) if self.keep_unmapped else []
        for number, cells in self.table.rows:
            self.rows += 1
            count = len(cells)
            values: dict[str, object] = {}
            ok = True
            for reader in readers:
                index = reader.column.index
                raw = cells[index] if index < count else None
                value = self._read(reader, raw, number)
                if value is _MISSING:
                    ok = False
                    continue
                values[reader.name] = value
            extra = {}
            for header, index in unmapped:
                if index < count:
                    text = cell_text(cells[index])
                    if text is not None:
                        extra[header] = text
            yield Row(number, values, extra, ok)

    def _read(self, reader: _Reader, raw: object, number: int) -> object:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return self._empty_cell(reader, number)
        cache = reader.cache
        if cache is not None:
            hit = cache.get(raw, _MISSING)
            if hit is not _MISSING:
                if isinstance(hit, CellProblem):
                    self.problems.cell(hit, raw=cell_text(raw), row=number, column=reader.header)
                    return _MISSING
                return hit
        if reader.mapped:
            value = reader.mapped.get(fold(raw), _MISSING)
            if value is not _MISSING:
                if cache is not None:
                    cache[raw] = value
                return value
        try:
            value = reader.convert(raw)
        except CellProblem as err:
            if cache is not None:
                cache[raw] = err
            self.problems.cell(err, raw=cell_text(raw), row=number, column=reader.header)
            return _MISSING
        if cache is not None:
            cache[raw] = value
        return value

    def _empty_cell(self, reader: _Reader, number: int) -> object:
        if reader.default is not _MISSING:
            return reader.default
        if not reader.required:
            make = reader.column.field.empty
            return make() if make else None
        example = reader.column.field.example
        fix = "fill them in"
        if example:
            fix += f', or give every empty one a default with --value "{reader.name}:={example}"'
        self.problems.add(
            f"empty {reader.name.replace('_', ' ')}", row=number, column=reader.header, fix=fix
        )
        return _MISSING

    def finish(self, *, empty_what: str = "rows") -> None:
        """Refuse the file naming every problem; or a file with a header and nothing under it."""
        self.problems.raise_if_any()
        if not self.rows:
            raise ImportFileError(
                f"{self.source} has a header row but no {empty_what} under it; nothing was imported."
            )


def convert_given(fields: list[Field], given: dict, *, refused: str) -> dict[str, Any]:
    """Values typed at the command line or a prompt, checked by the same converters as a
    file's cells; a value refused is a RefusedError starting with `refused` ("The inspection
    was not added:"). Fields not given (or blank) read as None, or their `empty` value."""
    from qam.errors import RefusedError
    from qam.imports.problems import as_option

    values: dict[str, Any] = {}
    for one in fields:
        value = given.get(one.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if one.required:
                raise RefusedError(f"{refused} give its {one.name.replace('_', ' ')}.")
            values[one.name] = one.empty() if one.empty else None
            continue
        try:
            values[one.name] = one.convert(value)
        except CellProblem as err:
            raise RefusedError(f"{refused} {as_option(f'--{one.name}', value, err)}") from None
    return values


@contextlib.contextmanager
def writing(store, dry_run: bool) -> Iterator[None]:
    """The import's one transaction (with a page cache big enough for it), or, for a dry run,
    no transaction and no writes."""
    if dry_run:
        yield
        return
    with store.large_cache(), store.transaction():
        yield


@dataclass
class Receipt:
    """What an import did, or with --dry-run would do: added, changed, skipped, and why."""

    source: str
    what: str
    dry_run: bool = False
    rows: int = 0
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    new_themes: list[dict] = field(default_factory=list)
    made: list[dict] = field(default_factory=list)  # values QAM made up (refs), with why
    unmapped_columns: list[str] = field(default_factory=list)
    kept_columns: bool = False
    warnings: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "what": self.what,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "new_themes": self.new_themes,
            "made": self.made,
            "unmapped_columns": self.unmapped_columns,
            "warnings": self.warnings,
            **self.details,
        }

    def from_reading(self, reading: Reading) -> Receipt:
        self.rows = reading.rows
        self.skipped.update(reading.skipped)
        self.unmapped_columns = list(reading.columns.unmapped)
        self.warnings = list(reading.warnings)
        return self

    def lines(self, shown: int = 10) -> list[str]:
        """The receipt as a person reads it."""
        from qam.vocabulary import count_label

        would = self.dry_run
        head = (
            f"{self.source}: {count_label(self.rows, 'row')} read. "
            f"{'Would add' if would else 'Added'} "
            f"{count_label(len(self.added), _one(self.what), self.what)}, "
            f"{'would change' if would else 'changed'} {len(self.changed)}, "
            f"{self.unchanged} unchanged."
        )
        lines = [head]
        for label, ids in (("added", self.added), ("changed", self.changed)):
            if ids and (would or len(ids) <= shown):
                more = f" and {len(ids) - shown} more" if len(ids) > shown else ""
                verb = f"would be {label}" if would else label
                lines.append(f"  {verb.capitalize()}: {', '.join(ids[:shown])}{more}.")
        for reason, count in self.skipped.items():
            lines.append(f"  {'Would skip' if would else 'Skipped'} {count} {reason}.")
        if self.new_themes:
            names = ", ".join(t["label"] for t in self.new_themes)
            lines.append(f"  {'Would add' if would else 'Added'} to the force's themes: {names}.")
        for made in self.made[:shown]:
            lines.append(f"  {made['why']}")
        if len(self.made) > shown:
            lines.append(f"  ... and {len(self.made) - shown} more made the same way.")
        if self.unmapped_columns:
            kept = "Kept with each item (no QAM field)" if self.kept_columns else "Not used"
            lines.append(f"{kept}: {', '.join(self.unmapped_columns)}.")
        if would:
            lines.append("Dry run: nothing was written. Run it again without --dry-run to import.")
        return lines


def _one(things: str) -> str:
    """One of `things`: "SMEs" -> "SME", "areas of interest" -> "area of interest"."""
    head, of, tail = things.partition(" of ")
    words = head.split(" ")
    last = words[-1]
    words[-1] = last[:-3] + "y" if last.endswith("ies") else last.removesuffix("s")
    return " ".join(words) + of + tail
