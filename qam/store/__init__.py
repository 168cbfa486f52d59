"""The only package that builds SQL. Everything else asks it for rows and hands it rows."""

# Load the migrations first, whatever store module is imported first: each capability's
# module registers its migrations when `qam.store.migrations` imports it, in a fixed order,
# and importing one of them directly must not register it late or out of order.
from qam.store import migrations as _migrations  # noqa: F401  (isort: skip)
from qam.store.db import APPLICATION_ID, Store

__all__ = ["APPLICATION_ID", "Store"]
