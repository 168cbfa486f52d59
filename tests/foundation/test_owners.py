"""One owner for each table: its columns declared once, matching the schema, and every write
of it in its owner's module."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from qam.store import schema
from qam.store.schema import Table

STORE_DIR = Path(__file__).parents[2] / "qam" / "store"
# SQLite's own objects and the bookkeeping of the migrations, owned by nobody's module.
NOT_TABLES = re.compile(r"^(sqlite_|_sqlite_migrations$|.*_fts(_data|_idx|_docsize|_config)?$)")


def _declared() -> dict[str, tuple[str, Table]]:
    """table name -> (owning module, its Table), from every owner module."""
    found: dict[str, tuple[str, Table]] = {}
    for module_name in schema.owner_modules():
        module = importlib.import_module(module_name)
        for value in vars(module).values():
            if isinstance(value, Table):
                assert value.name not in found or found[value.name][0] == module_name, value.name
                found[value.name] = (module_name, value)
    return found


def test_every_table_has_one_owner_that_declares_its_columns_in_order(store):
    tables = {
        r[0]
        for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not NOT_TABLES.match(r[0])
    }
    declared = _declared()
    assert tables == set(schema.TABLE_OWNERS) == set(declared)
    for name, (module_name, table) in declared.items():
        assert schema.TABLE_OWNERS[name] == module_name, name
        info = [r[1] for r in store.conn.execute(f'PRAGMA table_info("{name}")')]
        assert list(table.columns) == info, name
        assert set(table.key) <= set(info), name
        assert set(table.local) <= set(info), name


def test_a_bundle_carries_every_column_but_the_local_ones_each_with_its_reason(store, tmp_path):
    """What an exported bundle carries of each table is its whole row, less the columns its
    owner keeps local, each with the reason (an action plan never stays behind again)."""
    from qam.store import carried as carried_db
    from qam.sync.bundle import Reader
    from qam.sync.export import export_bundle

    path = tmp_path / "b.qam-bundle"
    export_bundle(store, path, actor="test")
    known = {c.name: c.columns for c in (*carried_db.CARRIED, *carried_db.TRAIL)}
    with path.open("rb") as fh:
        sections = {s.name: s.columns for s in Reader(fh).manifest(known).sections}
    assert list(sections) == [c.name for c in (*carried_db.CARRIED, *carried_db.TRAIL)]
    for carried in (*carried_db.CARRIED, *carried_db.TRAIL):
        table = carried.table
        info = [r[1] for r in store.conn.execute(f'PRAGMA table_info("{table.name}")')]
        extra = tuple(name for name, _ in carried.extra)
        assert list(sections[table.name]) == [c for c in info if c not in table.local] + list(
            extra
        ), table.name
        assert all(len(reason) > 20 for reason in table.local.values()), table.name
        assert not set(extra) & set(info), table.name


@pytest.mark.parametrize("verb", ["CREATE TABLE", "INSERT INTO", "UPDATE", "DELETE FROM"])
def test_only_a_tables_owner_writes_it(verb):
    """SQL that creates or changes a table appears only in the module that owns it (or, for
    an owner that is a package, in one of its modules)."""
    pattern = re.compile(
        rf"{verb}\s+(?:OR\s+\w+\s+INTO\s+)?\"?(\w+)\"?", re.IGNORECASE if verb != "UPDATE" else 0
    )
    for path in sorted(STORE_DIR.rglob("*.py")):
        parts = path.relative_to(STORE_DIR.parents[1]).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        for name in pattern.findall(path.read_text()):
            if name in schema.TABLE_OWNERS:
                owner = schema.TABLE_OWNERS[name]
                assert module == owner or module.startswith(f"{owner}."), f"{module} writes {name}"


def test_no_module_outside_the_store_builds_sql():
    qam = STORE_DIR.parent
    sql = re.compile(r"\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|DELETE\s+FROM)\b")
    offenders = [
        str(p.relative_to(qam))
        for p in qam.rglob("*.py")
        if STORE_DIR not in p.parents and sql.search(p.read_text())
    ]
    assert offenders == []


def test_the_schema_page_is_generated_from_the_owners_and_up_to_date():
    from qam.store import schemadoc

    assert schemadoc.DOC.read_text(encoding="utf-8") == schemadoc.render(), (
        "docs/schema.md is stale: run `python -m qam.store.schemadoc --write`"
    )


def test_each_migration_step_is_a_function_of_an_owner():
    from qam.store.migrations import MIGRATIONS

    owners = set(schema.owner_modules())
    for migration in MIGRATIONS:
        for step, function in zip(migration.steps, migration.functions(), strict=True):
            assert f"qam.store.{step.rsplit('.', 1)[0]}" in owners, step
            assert callable(function), step
