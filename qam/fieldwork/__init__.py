"""Fieldwork: capture on the laptop, never lose an answer, merge into the programme.

- `sessions.py`: opening, resuming and finalising a capture session.
- `findings.py`: saving an answer, correcting a finding, listing findings.
- `answers.py`: the answers file of `qam capture --answers`, each line saved as it is read.
- `guided.py`: the guided capture flow, through an injected prompt adapter.
- `survey.py`, `names.py`, `links.py`, `retention.py`, `demo.py`: surveys, possible names in
  notes, suggested register links, the retention period, the demo's two laptops.

Reviews themselves are the programme's: `qam.planner.reviews`.
"""
