"""The register: HMICFRS recommendations, AFIs and causes of concern, and external outcomes.

Other capabilities call these modules, never the register's SQL:

- `qam.register.items`: `items(store, status=..., theme=...)`, `items_by_theme(store, theme)`,
  `search(store, text)`, `get(store, ref)`.
- `qam.register.decisions`: `record_decision(store, ref, status, reason=..., actor=...)`,
  `history(store, ref)`.
- `qam.register.summary.position(store)`: the summary JSON.
- `qam.register.outcomes.areas_needing_improvement(store)`: areas last graded requires
  improvement or inadequate, each with the theme slug it points to.
"""
