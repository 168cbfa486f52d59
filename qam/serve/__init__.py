"""`qam serve`: the programme store, read-only in the browser and as JSON, on Datasette.

Two views. The stakeholder view serves the store itself, opened read-only, behind a login,
marked OFFICIAL-SENSITIVE, with the trail, keys and internal tables refused. The public view
serves a separate database of the public reports' own figures (`qam/serve/public.py`), never
the store. Datasette is an optional extra (`pip install 'qam[serve]'`): nothing here imports
it at module level, so the rest of QAM runs without it.
"""
