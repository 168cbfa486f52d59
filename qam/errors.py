"""Typed errors. Domain and store code raise these; the CLI turns them into one `Error:` line.

Every message should tell the user what to do next, naming the file, row or field at fault.
"""


class QamError(Exception):
    """A problem the user can act on. The CLI prints `Error: <message>` and exits 1."""


class StoreError(QamError):
    """The store cannot be opened or written (foreign, corrupt, newer, locked, full)."""


class AuditError(QamError):
    """The decision trail refuses an event or does not verify."""


class QuestionSetError(QamError):
    """A question set file is invalid; the message names the file, question and line."""


class ImportFileError(QamError):
    """An input file (CSV, XLSX, JSON lines) cannot be read; the message names the row."""


class NotFoundError(QamError):
    """A referenced thing (review, register item, question set, SME) does not exist."""


class RefusedError(QamError):
    """A change the rules refuse (a decision without a reason, editing a finalised session)."""


class NotYetAvailable(QamError):
    """A command whose capability has not landed yet."""
