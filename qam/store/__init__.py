"""The only package that builds SQL. Everything else asks it for rows and hands it rows."""

from qam.store.db import APPLICATION_ID, Store

__all__ = ["APPLICATION_ID", "Store"]
