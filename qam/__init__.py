"""QAM: the fieldwork toolkit of a police force's internal Quality Assurance Model."""

__version__ = "0.2.0.dev0"
