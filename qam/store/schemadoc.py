"""docs/schema.md, generated from the tables' owners: their `Table` declarations and the DDL
the migrations run. `python -m qam.store.schemadoc --write` regenerates it; a test fails when
the file is stale, so the schema is documented from the code and nowhere else."""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from pathlib import Path

from qam.store import carried as carried_db
from qam.store import migrations
from qam.store.schema import IMMUTABLE, TABLE_OWNERS, Carried, Table, owner_path

DOC = Path(__file__).parents[2] / "docs" / "schema.md"
HEADER = """# The store's schema

Generated from the tables' owners by `python -m qam.store.schemadoc --write`; do not edit
by hand (`tests/foundation/test_owners.py` fails when this page is stale).

Each table has one owning module in `qam/store`, which declares its columns (`Table`), holds
its DDL and every query on it. A sync bundle carries a table's columns except those its
owner keeps local, each with its reason.
"""


def _declared() -> dict[str, Table]:
    found = {}
    for module_name in dict.fromkeys(TABLE_OWNERS.values()):
        for value in vars(importlib.import_module(module_name)).values():
            if isinstance(value, Table):
                found[value.name] = value
    return found


def _fresh_schema() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("BEGIN")
    migrations.apply(conn)
    conn.execute("COMMIT")
    return conn


def _ddl(conn: sqlite3.Connection, table: str) -> str:
    rows = conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL "
        "ORDER BY type = 'table' DESC, type, name",
        [table],
    )
    return ";\n".join(" ".join(r[0].split()) for r in rows) + ";"


def _merge_rule(carried: Carried | None) -> str:
    if carried is None:
        return "Stays in this store (not in bundles)."
    parts = [
        "inserted once (the same key with other content refuses the bundle)"
        if carried.rule == IMMUTABLE
        else "added where missing, never overwritten"
    ]
    if carried.export_where:
        parts.append(f"only rows where `{carried.export_where}`")
    if carried.with_new:
        parts.append(f"only with a {carried.with_new[0]} new here")
    if carried.forward:
        parts.append(f"filled in later, once: {', '.join(carried.forward)}")
    if carried.purged_as:
        parts.append("skipped once purged under retention")
    if carried.extra:
        parts.append(f"also carries {', '.join(f'`{name}`' for name, _ in carried.extra)}")
    return "Carried by sync bundles: " + "; ".join(parts) + "."


def _section(conn: sqlite3.Connection, table: Table) -> list[str]:
    owner = owner_path(TABLE_OWNERS[table.name])
    carried = table.name in carried_db.BY_NAME
    lines = [
        f"## {table.name}",
        "",
        f"Owner: `{owner}`. Key: {', '.join(table.key)}. "
        + _merge_rule(carried_db.BY_NAME.get(table.name)),
        "",
        "| column | type | required | default | in a bundle | what it holds |",
        "|---|---|---|---|---|---|",
    ]
    for _, name, kind, notnull, default, pk in conn.execute(f'PRAGMA table_info("{table.name}")'):
        bundle = ("no: " + table.local[name]) if name in table.local else "yes"
        lines.append(
            f"| `{name}` | {kind or 'any'} | {'yes' if notnull or pk else ''} | "
            f"{'' if default is None else f'`{default}`'} | {bundle if carried else ''} | "
            f"{table.about.get(name, '')} |"
        )
    lines += ["", "```sql", _ddl(conn, table.name), "```", ""]
    return lines


def render() -> str:
    conn = _fresh_schema()
    lines = [HEADER, "## Migrations, in order", ""]
    for number, migration in enumerate(migrations.MIGRATIONS, start=1):
        steps = ", ".join(f"`qam.store.{step}`" for step in migration.steps)
        lines.append(f"{number}. `{migration.name}`: {steps}")
    lines.append("")
    declared = _declared()
    for name in TABLE_OWNERS:
        lines += _section(conn, declared[name])
    return "\n".join(lines)


def described() -> dict[str, dict]:
    """Each table as its owner declares it and its migrations make it, for other documents
    built from the owners (`qam serve`'s metadata): {name: {"table": Table, "owner": module,
    "ddl": its CREATE statements, "columns": [(name, type, notnull, default, pk)],
    "references": {column: the table it references}}}."""
    conn = _fresh_schema()
    try:
        declared = _declared()
        found = {}
        for name in TABLE_OWNERS:
            found[name] = {
                "table": declared[name],
                "owner": TABLE_OWNERS[name],
                "ddl": _ddl(conn, name),
                "columns": [
                    (r[1], r[2], bool(r[3]), r[4], bool(r[5]))
                    for r in conn.execute(f'PRAGMA table_info("{name}")')
                ],
                "references": {
                    r[3]: r[2] for r in conn.execute(f'PRAGMA foreign_key_list("{name}")')
                },
            }
        return found
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="Write docs/schema.md.")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        DOC.parent.mkdir(exist_ok=True)
        DOC.write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
