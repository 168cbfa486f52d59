"""The programme planner: the SME pool, candidate reviews, the CP-SAT schedule and its exports.

Importing the store's migration list first keeps the migrations in their declared order even
when a caller imports the planner before anything has opened a store (the migration list is
built as `qam.store.migrations` imports each capability's store module).
"""

import qam.store.migrations  # noqa: F401  (must come before qam.store.planner)
