"""QAM: the fieldwork toolkit of a police force's internal Quality Assurance Model."""

__version__ = "0.1.0"
