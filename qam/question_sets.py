"""Question sets: what reviewers ask, as versioned YAML data, validated on load.

Every rule is one check (`qam/question_set_checks.py`), and every error names the file, the
question id and the line, so a force can edit its sets without reading code. Unknown keys are
errors (a misspelt `probes` must not silently drop the probes), and YAML is read with
`safe_load`, so a file can never run code.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qam import question_set_checks as checks
from qam.errors import NotFoundError, QuestionSetError
from qam.paths import data_dir
from qam.vocabulary import SCALES

MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Question:
    """One question a reviewer answers: its PEEL area, text, probes and suggested methods."""

    id: str
    area: str
    text: str
    graded: bool = True
    pillar: str | None = None
    diagnostics: tuple[str, ...] = ()
    characteristics: tuple[str, ...] = ()
    probes: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    enablers: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    source: str | None = None


@dataclass(frozen=True)
class QuestionSet:
    """A versioned set of questions; `digest` identifies its exact content."""

    id: str
    version: int
    title: str
    framework: str
    scale: str
    questions: tuple[Question, ...]
    source: str | None = None
    description: str | None = None
    digest: str = field(default="", compare=False)

    @property
    def grades(self) -> tuple[str, ...]:
        return SCALES[self.scale]

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise NotFoundError(
            f"Question '{question_id}' is not in question set {self.id} v{self.version}; "
            f"see `qam sets show {self.id}` for its question ids."
        )

    def to_dict(self) -> dict:
        """The set as plain data (the `qam sets show --json` document, and what is stored)."""
        data = asdict(self)
        data.pop("digest")
        data["questions"] = [
            {k: (list(v) if isinstance(v, tuple) else v) for k, v in q.items()}
            for q in data["questions"]
        ]
        return data


def _decode(raw: bytes, name: str) -> str:
    if not raw.strip():
        raise QuestionSetError(
            f"{name}: the file is empty; a question set needs an id, a title and questions."
        )
    if len(raw) > MAX_BYTES:
        raise QuestionSetError(
            f"{name}: the file is {len(raw):,} bytes, over the {MAX_BYTES:,}-byte limit for a question set."
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise QuestionSetError(
                f"{name}: cannot read it as UTF-16 ({err.reason}); save it as UTF-8."
            ) from err
    if raw.startswith(b"PK\x03\x04"):
        raise QuestionSetError(
            f"{name}: this is a zip or Excel file; question sets are YAML text files (.yaml)."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise QuestionSetError(
            f"{name}: byte {err.start} is not UTF-8; save the file as UTF-8 and validate it again."
        ) from err
    if "\x00" in text:
        raise QuestionSetError(f"{name}: the file holds a NUL byte; it is not a text file.")
    return text


def parse(raw: bytes, name: str = "<question set>") -> QuestionSet:
    """Parse and validate a question set from the bytes of a YAML file."""
    return _parse(raw, name)


# A report run looks the shipped sets up dozens of times, and parsing the YAML was most of a
# demo's time. The sets are frozen dataclasses, so one parse of the same bytes serves them all;
# keyed by the bytes themselves, an edited file is parsed afresh.
@functools.lru_cache(maxsize=32)
def _parse(raw: bytes, name: str) -> QuestionSet:
    import yaml

    text = _decode(raw, name)
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else "?"
        raise QuestionSetError(f"{name}, line {line}: not valid YAML ({err.problem}).") from err
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as err:
        raise QuestionSetError(f"{name}: not valid YAML ({type(err).__name__}).") from err
    return _validate(data, name, checks.key_lines(text))


def _validate(data, name: str, lines: dict) -> QuestionSet:
    """The set `data` holds, every rule checked, with its digest."""
    fields = checks.checked(data, name, lines)
    questions = tuple(Question(**q) for q in fields.pop("questions"))
    qs = QuestionSet(questions=questions, **fields)
    body = json.dumps(qs.to_dict(), sort_keys=True, ensure_ascii=False)
    return QuestionSet(**{**qs.__dict__, "digest": hashlib.sha256(body.encode()).hexdigest()})


def dump(qs: QuestionSet) -> str:
    """The set as YAML text that `parse` reads back to an equal set."""
    import yaml

    data = qs.to_dict()
    for q in data["questions"]:
        for key in [k for k, v in q.items() if v in (None, [])]:
            del q[key]
    for key in [k for k, v in data.items() if v is None]:
        del data[key]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def load_file(path: Path | str) -> QuestionSet:
    """Read and validate one question set file."""
    path = Path(path)
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise QuestionSetError(
            f"{path}: question sets are YAML files ending .yaml; this file is {path.suffix or 'without an extension'}."
        )
    from qam.errors import ImportFileError
    from qam.imports import files

    try:
        raw = files.read_bytes(
            path, max_bytes=files.MAX_QUESTION_SET_BYTES, what="question set file"
        )
    except ImportFileError as err:
        raise QuestionSetError(str(err)) from None
    except OSError as err:
        raise QuestionSetError(f"{path}: cannot read it ({err.strerror}).") from err
    qs = parse(raw, str(path))
    if qs.id != path.stem:
        raise QuestionSetError(
            f"{path}: the set's id '{qs.id}' must match its file name '{path.stem}'."
        )
    return qs


def shipped_paths() -> list[Path]:
    """The question set files shipped in question_sets/ (themes.yaml is the vocabulary, not a set)."""
    folder = data_dir("question_sets")
    return sorted(p for p in folder.glob("*.yaml") if p.name != "themes.yaml")


def shipped() -> list[QuestionSet]:
    """Every shipped question set, validated."""
    return [load_file(p) for p in shipped_paths()]


def get(set_id: str) -> QuestionSet:
    """One shipped question set by id."""
    for path in shipped_paths():
        if path.stem == set_id:
            return load_file(path)
    ids = [p.stem for p in shipped_paths()]
    raise NotFoundError(
        f"No question set '{set_id}'{checks.suggest(set_id, ids)}; the sets are: {', '.join(ids)}."
    )


def record(store, qs: QuestionSet, actor: str) -> bool:
    """Load a set's exact version into the store (once), in the trail. Returns True if new.

    A set whose content changed without a new version number is refused: findings name the
    version they answered, so one version must always mean one content.
    """
    from qam.errors import RefusedError
    from qam.store import audit
    from qam.store import question_sets as stored

    existing = stored.stored_digest(store, qs.id, qs.version)
    if existing == qs.digest:
        return False
    if existing is not None:
        raise RefusedError(
            f"Question set {qs.id} v{qs.version} changed since it was loaded into this store; "
            f"raise its 'version' to {qs.version + 1} so findings keep their link to the old wording."
        )
    body = json.dumps(qs.to_dict(), sort_keys=True, ensure_ascii=False)
    with store.transaction():
        stored.insert_set(
            store,
            set_id=qs.id,
            version=qs.version,
            title=qs.title,
            framework=qs.framework,
            scale=qs.scale,
            digest=qs.digest,
            body=body,
        )
        audit.append_event(
            store,
            actor=actor,
            entity="question_set",
            entity_id=f"{qs.id}@{qs.version}",
            action="load",
            new={"digest": qs.digest, "questions": len(qs.questions)},
            reason="question set loaded into the store",
        )
    return True


@functools.lru_cache(maxsize=32)  # frozen, as parse's: one rebuild per stored body
def from_stored(body: str) -> QuestionSet:
    """Rebuild a set from its stored JSON (the version a finding answered, even if the file moved on)."""
    data = json.loads(body)
    fields: list[dict[str, Any]] = [
        {k: (tuple(v) if isinstance(v, list) else v) for k, v in q.items()}
        for q in data.pop("questions")
    ]
    questions = tuple(Question(**f) for f in fields)
    return QuestionSet(
        questions=questions, digest=hashlib.sha256(body.encode()).hexdigest(), **data
    )


def from_bundle(row: dict) -> QuestionSet:
    """A question set version as another store's bundle carries it, validated as `qam sets
    validate` validates a file and its digest recomputed; QuestionSetError if it is not one
    this store would have loaded."""
    name = f"question set {row.get('id')} v{row.get('version')}"
    try:
        data = json.loads(row["body"]) if isinstance(row.get("body"), str) else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise QuestionSetError(f"{name}: its stored body is not a question set.")
    qs = _validate(data, name, {})
    body = json.dumps(qs.to_dict(), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(body.encode()).hexdigest()
    if row["body"] != body or row.get("digest") != digest:
        raise QuestionSetError(
            f"{name}: its digest does not match its content (recomputed {digest[:12]}…)."
        )
    said = (
        row.get("id"),
        row.get("version"),
        row.get("title"),
        row.get("framework"),
        row.get("scale"),
    )
    if said != (qs.id, qs.version, qs.title, qs.framework, qs.scale):
        raise QuestionSetError(f"{name}: its columns do not match its content.")
    return QuestionSet(**{**qs.__dict__, "digest": digest})
