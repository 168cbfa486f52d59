"""The only package that builds SQL. Everything else asks it for rows and hands it rows.

One module owns each table (`qam/store/schema.py` lists them): its DDL, its column tuple and
every query on it. `qam/store/migrations.py` lists the migrations in the order they apply.
"""

from qam.store.db import APPLICATION_ID, Store

__all__ = ["APPLICATION_ID", "Store"]
