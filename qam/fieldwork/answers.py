"""The answers file of `qam capture --answers` (DESIGN.md section 5): one JSON object a line,
each answer saved as it is read.

Parsing a line is pure (`parse_line`), so that every way a line can be wrong is one
`ImportFileError` naming the line and the field; checking it against the store (does the review
exist, is the grade on the set's scale) happens in `capture_answers`, with the same line number.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qam.errors import ImportFileError, QamError, RefusedError, StoreError
from qam.vocabulary import METHODS

if TYPE_CHECKING:
    from qam.question_sets import QuestionSet
    from qam.store import Store

MAX_LINE = 1_000_000
_KEYS = {
    "review",
    "question",
    "method",
    "notes",
    "grade",
    "good_practice",
    "sources",
    "links",
    "participant",
    "concerns",
    "place",
    "held_on",
    "document",
    "enablers",
}
_REQUIRED = ("review", "question", "method", "notes")
# A record audit line: {"review", "record", "checks": {"item": "yes" | "no" | "na"}, "notes"}.
_RECORD_KEYS = {"review", "record", "checks", "notes", "held_on", "place"}


@dataclass(frozen=True)
class RecordCheck:
    """One record's answers in a record audit, as a script or a reviewer gave them."""

    review: str
    record: str
    checks: dict
    notes: str | None = None
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Answer:
    """One answer to one question, as a script or a reviewer gave it."""

    review: str
    question: str
    method: str
    notes: str
    grade: str | None = None
    good_practice: bool = False
    sources: int | None = None
    links: tuple[str, ...] = ()
    participant_role: str | None = None
    participant_unit: str | None = None
    concerns: str | None = None
    enablers: tuple[str, ...] | None = None  # None: the question's (see qam.enablers.choose)
    extra: dict = field(default_factory=dict, compare=False)


def _text(data: dict, key: str, where: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            raise ImportFileError(
                f"{where}: '{key}' is missing; every answer needs review, question, method and notes."
            )
        return None
    if not isinstance(value, str):
        raise ImportFileError(
            f"{where}: '{key}' must be text in quotes, not {type(value).__name__}."
        )
    if "\x00" in value:
        raise ImportFileError(f"{where}: '{key}' holds a NUL character; remove it.")
    return value.strip()


def _decode(text: str, where: str) -> dict:
    if len(text) > MAX_LINE:
        raise ImportFileError(
            f"{where}: the line is over {MAX_LINE:,} characters; split the notes."
        )
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise ImportFileError(
            f"{where}: not a JSON object ({type(err).__name__}); write one "
            '{"review": ..., "question": ..., "method": ..., "notes": ...} a line.'
        ) from None
    if not isinstance(data, dict):
        raise ImportFileError(
            f"{where}: expected a JSON object {{...}}, got {type(data).__name__}."
        )
    allowed = _RECORD_KEYS if ("record" in data or "checks" in data) else _KEYS
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ImportFileError(
            f"{where}: unknown field '{unknown[0]}'; the fields are {', '.join(sorted(allowed))}."
        )
    return data


def _good_practice(data: dict, where: str) -> bool:
    good = data.get("good_practice", False)
    if good is None:
        return False
    if not isinstance(good, bool):
        raise ImportFileError(f"{where}: 'good_practice' must be true or false.")
    return good


def _sources(data: dict, where: str) -> int | None:
    sources = data.get("sources")
    if sources is not None and (
        isinstance(sources, bool) or not isinstance(sources, int) or not 0 <= sources <= 10_000
    ):
        raise ImportFileError(
            f"{where}: 'sources' must be a whole number of sources from 0, e.g. 2."
        )
    return sources


def _links(data: dict, where: str) -> tuple[str, ...]:
    links = data.get("links") or []
    if not isinstance(links, list) or not all(isinstance(x, str) and x.strip() for x in links):
        raise ImportFileError(
            f"{where}: 'links' must be a list of register refs, e.g. [\"R-2021-014\"]."
        )
    return tuple(dict.fromkeys(x.strip() for x in links))


def _enablers(data: dict, where: str) -> tuple[str, ...] | None:
    from qam.enablers import choose

    given = data.get("enablers")
    if given is None:
        return None
    if not isinstance(given, list) or not all(isinstance(x, str) and x.strip() for x in given):
        raise ImportFileError(
            f'{where}: \'enablers\' must be a list, e.g. ["culture", "partnership"], or changes '
            'to the question\'s, e.g. ["+technology", "-culture"].'
        )
    try:
        choose((), given)  # a wrong name or a mix fails here, naming the line
    except QamError as err:
        raise ImportFileError(f"{where}: 'enablers': {err}") from None
    return tuple(x.strip() for x in given)


def _participant(data: dict, where: str) -> tuple[str | None, str | None]:
    participant = data.get("participant")
    if participant is None:
        return None, None
    if not isinstance(participant, dict) or set(participant) - {"role", "unit"}:
        raise ImportFileError(
            f'{where}: \'participant\' must be {{"role": ..., "unit": ...}}; never a person\'s name.'
        )
    role = _text(participant, "role", where + " participant")
    unit = _text(participant, "unit", where + " participant")
    return role or None, unit or None


def _record_line(data: dict, where: str) -> RecordCheck:
    review = _text(data, "review", where)
    record = data.get("record")
    if not review:
        raise ImportFileError(f"{where}: 'review' is missing or empty.")
    if isinstance(record, bool) or not isinstance(record, str | int) or not str(record).strip():
        raise ImportFileError(f"{where}: 'record' must be the record's id, e.g. \"CR-2027-0415\".")
    checks = data.get("checks")
    if not isinstance(checks, dict) or not checks:
        raise ImportFileError(
            f'{where}: \'checks\' must be {{"item": "yes" | "no" | "na", ...}} with at least one item.'
        )
    return RecordCheck(
        review=review,
        record=str(record).strip(),
        checks=checks,
        notes=_text(data, "notes", where),
        extra={k: data[k] for k in ("place", "held_on") if k in data},
    )


def parse_line(text: str, line_no: int) -> Answer | RecordCheck | None:
    """One JSON line -> an Answer (or a record audit's RecordCheck); a blank line -> None.
    Raises ImportFileError naming the line."""
    where = f"line {line_no}"
    if not isinstance(text, str):
        raise ImportFileError(f"{where}: not text.")
    if not text.strip():
        return None
    data = _decode(text, where)
    if "record" in data or "checks" in data:
        return _record_line(data, where)
    values = {
        k: _text(data, k, where, required=k in _REQUIRED) for k in (*_REQUIRED, "grade", "concerns")
    }
    for key in ("review", "question", "method"):
        if not values[key]:
            raise ImportFileError(f"{where}: '{key}' is empty.")
    if values["method"] not in METHODS:
        raise ImportFileError(
            f"{where}: method '{values['method']}' is not one of {', '.join(METHODS)}."
        )
    grade = values["grade"] or None
    if grade in ("not_assessed", "not assessed"):
        grade = None
    role, unit = _participant(data, where)
    return Answer(
        review=str(values["review"]),
        question=str(values["question"]),
        method=str(values["method"]),
        notes=str(values["notes"]),
        grade=grade,
        good_practice=_good_practice(data, where),
        sources=_sources(data, where),
        links=_links(data, where),
        participant_role=role,
        participant_unit=unit,
        concerns=values["concerns"] or None,
        enablers=_enablers(data, where),
        extra={k: data[k] for k in ("place", "held_on", "document") if k in data},
    )


# ----------------------------------------------------------------------------- saving


@dataclass
class _Run:
    """The sessions a run of answers opened (one per review and method), with their sets."""

    store: Store
    actor: str
    sessions: dict[tuple[str, str], tuple[dict, QuestionSet]] = field(default_factory=dict)

    def save(self, answer: Answer | RecordCheck) -> dict:
        """Save one answer; the first of a review and method opens its session with it."""
        from qam.fieldwork.findings import check_answer

        if isinstance(answer, RecordCheck):
            return self._check(answer)

        opened = self.sessions.get((answer.review, answer.method))
        if opened is not None:
            return self._record(answer, *opened)
        from qam.fieldwork.sessions import question_set_for
        from qam.planner.reviews import get_review

        # Check the whole answer before opening a session: a bad line writes nothing.
        review = get_review(self.store, answer.review)
        qs = question_set_for(self.store, review["question_set"] or "paf-2023", self.actor)
        check_answer(
            self.store,
            qs,
            question_id=answer.question,
            grade=answer.grade,
            links=answer.links,
            sources=answer.sources,
        )
        with self.store.transaction():  # the session and its first answer, or neither
            session = _session_for_answer(self.store, answer, self.actor)
            finding = self._record(answer, session, qs)
        self.sessions[(answer.review, answer.method)] = (session, qs)
        return finding

    def _check(self, line: RecordCheck) -> dict:
        """A record audit line: checked against the review's sample before anything is saved."""
        from qam.fieldwork.record_audit import METHOD, check_record

        opened = self.sessions.get((line.review, METHOD))
        if opened is not None:
            return check_record(
                self.store, opened[0], line.record, line.checks, actor=self.actor, notes=line.notes
            )
        from qam.fieldwork.record_audit import answer_of, item_of, record_in
        from qam.fieldwork.sampling import get_sample
        from qam.fieldwork.sessions import session_set

        sample = get_sample(self.store, line.review)
        record_in(sample, line.record)
        for key, value in line.checks.items():
            item_of(sample, key)
            answer_of(value)
        with self.store.transaction():  # the session and its first check, or neither
            session = _session_for_answer(self.store, line, self.actor, method=METHOD)
            check = check_record(
                self.store, session, line.record, line.checks, actor=self.actor, notes=line.notes
            )
        self.sessions[(line.review, METHOD)] = (session, session_set(self.store, session))
        return check

    def _record(self, answer: Answer, session: dict, qs: QuestionSet) -> dict:
        from qam.fieldwork.findings import record_answer

        return record_answer(
            self.store,
            session,
            question_id=answer.question,
            notes=answer.notes,
            actor=self.actor,
            grade=answer.grade,
            good_practice=answer.good_practice,
            concerns=answer.concerns,
            sources=answer.sources,
            links=answer.links,
            participant_role=answer.participant_role,
            participant_unit=answer.participant_unit,
            qs=qs,
            enablers=answer.enablers,
        )


def capture_answers(
    store: Store,
    lines: Iterable[str],
    *,
    actor: str,
    on_saved: Callable[[dict], None] = lambda f: None,
) -> int:
    """Commit each JSON line as it comes; answers for the same review+method share one session.

    A bad line stops the run with an `ImportFileError` naming it; earlier answers stay saved.
    """
    run = _Run(store, actor)
    count = 0
    for number, line in enumerate(lines, start=1):
        answer = parse_line(line, number)
        if answer is None:
            continue
        try:
            finding = run.save(answer)
        except ImportFileError:
            raise
        except StoreError as err:
            # Busy or full: the line was fine and is still in the reviewer's file; say exactly
            # what to rerun, so nothing typed is lost and nothing saved is captured twice.
            rerun = (
                "Run the same command again."
                if count == 0
                else f"The {count} answer(s) before it are saved (the 'saved' lines); run the command "
                f"again with the lines from line {number} on."
            )
            raise ImportFileError(
                f"line {number}: this answer was not saved. {err} "
                f"The line is still in your file. {rerun}"
            ) from None
        except QamError as err:
            raise ImportFileError(f"line {number}: {err}") from None
        count += 1
        on_saved(finding)
    return count


def _session_for_answer(
    store: Store, answer: Answer | RecordCheck, actor: str, method: str | None = None
) -> dict:
    from qam.fieldwork.sessions import open_session

    extra = answer.extra
    method = method or (answer.method if isinstance(answer, Answer) else "")
    for key in ("place", "held_on", "document"):
        if key in extra and not isinstance(extra[key], str):
            raise RefusedError(f"'{key}' must be text.")
    if "document" in extra and method != "document_analysis":
        raise RefusedError("'document' belongs to method document_analysis.")
    return open_session(
        store,
        review_id=answer.review,
        method=method,
        actor=actor,
        held_on=extra.get("held_on"),
        place=extra.get("place"),
        document=extra.get("document"),
    )
