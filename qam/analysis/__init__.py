"""Analysis for the reports: pure pandas functions from rows or DataFrames to DataFrames.

Nothing here reads the store or renders anything; import pandas only inside the functions, so
importing `qam.analysis` stays cheap for commands that never analyse.
"""
