"""The register's importer reads dates with QAM's one date parser (`qam.dates`)."""

from qam.dates import ACCEPTED, DateError, parse_date, parse_option_date

parse_uk_date = parse_date

__all__ = ["ACCEPTED", "DateError", "parse_option_date", "parse_uk_date"]
