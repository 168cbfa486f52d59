"""Sync: moving work between stores in one file, a bundle.

- `bundle.py`: the bundle's format (JSON lines: a manifest, each table's rows, the trail, an
  end line with the hash of everything before it), written and read as a stream.
- `export.py`: `export_bundle`, everything a store holds that another may not.
- `merge.py`: `import_bundle`, a loop over the tables a bundle carries and the conflict policy.
- `conflicts.py`: offline decisions that went different ways, and findings corrected on two
  laptops; listing and resolving them.

The store's side lists the tables a bundle carries (`qam/store/carried.py`), stages a
bundle's rows in scratch files (`qam/store/staging.py`) and merges them (`qam/store/merge.py`)
by the per-table rules each table's owner declares (`Carried` in `qam/store/schema.py`), as a
few set-based statements a table, so a merge runs at the speed of the disk.
"""
