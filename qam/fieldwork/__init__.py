"""Fieldwork: capture on the laptop, never lose an answer, merge into the programme.

Public functions others call (reports, analysis):
- `qam.fieldwork.capture.list_findings(store, review_id=None, search=None)`: current findings as rows.
- `qam.fieldwork.capture.good_practice(store, review_id=None)`: findings worth sharing.
- `qam.fieldwork.capture.sessions_for_review(store, review_id)`: how the evidence was gathered.
- `qam.fieldwork.capture.list_reviews(store)`: reviews with team and methods.
"""
