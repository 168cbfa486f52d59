"""Question sets: what reviewers ask, as versioned YAML data, validated on load.

Every rule is one check, and every error names the file, the question id and the line, so a
force can edit its sets without reading code. Unknown keys are errors (a misspelt `probes`
must not silently drop the probes), and YAML is read with `safe_load`, so a file can never
run code.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from qam.errors import NotFoundError, QuestionSetError
from qam.paths import data_dir
from qam.vocabulary import ENABLERS, METHODS, SCALES

MAX_BYTES = 1_000_000
_SET_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_QUESTION_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_RESERVED_IDS = {"meta", "root", "review", "session"}
_SET_KEYS = {"id", "version", "title", "framework", "scale", "source", "description", "questions"}
_QUESTION_KEYS = {
    "id",
    "pillar",
    "area",
    "text",
    "graded",
    "diagnostics",
    "characteristics",
    "probes",
    "methods",
    "enablers",
    "themes",
    "source",
}
_FRAMEWORKS = ("pillar", "paf")
_PILLARS = ("Effectiveness", "Efficiency", "Legitimacy")


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


def _lines(text: str) -> dict[tuple, int]:
    """Line numbers (1-based) of the set's keys and of each question, by path."""
    import yaml

    lines: dict[tuple, int] = {}
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if not isinstance(root, yaml.MappingNode):
        return lines
    for key, value in root.value:
        lines[(key.value,)] = key.start_mark.line + 1
        if key.value == "questions" and isinstance(value, yaml.SequenceNode):
            for i, item in enumerate(value.value):
                lines[("questions", i)] = item.start_mark.line + 1
                if isinstance(item, yaml.MappingNode):
                    for qkey, _ in item.value:
                        lines[("questions", i, qkey.value)] = qkey.start_mark.line + 1
    return lines


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
    return _validate(data, name, _lines(text))


def _where(name: str, lines: dict, path: tuple, qid: str | None = None) -> str:
    line = None
    probe = path
    while probe and line is None:
        line = lines.get(probe)
        probe = probe[:-1]
    parts = [name]
    if qid:
        parts.append(f"question {qid}")
    if line:
        parts.append(f"line {line}")
    return ", ".join(parts)


def _suggest(value: str, choices) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _themes_of(written: tuple[str, ...], vocabulary, name, lines, path, qid) -> tuple[str, ...]:
    """A question's theme tags as slugs; a tag may be a theme's slug, label or synonym."""
    slugs = []
    for tag in written:
        slug = vocabulary.find(tag)
        if slug is None:
            guess = vocabulary.suggest(tag)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise QuestionSetError(
                f"{_where(name, lines, path + ('themes',), qid)}: '{tag}' is not one of the "
                f"force's themes{hint}; `qam themes list` shows them, `qam themes add` adds one."
            )
        if slug not in slugs:
            slugs.append(slug)
    return tuple(slugs)


def _string_list(value, where: str, key: str, allowed=None) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise QuestionSetError(f"{where}: '{key}' must be a list of non-empty texts.")
    if allowed is not None:
        for v in value:
            if v not in allowed:
                raise QuestionSetError(
                    f"{where}: '{key}' has '{v}', which is not one of {', '.join(allowed)}{_suggest(v, allowed)}."
                )
    if len(set(value)) != len(value):
        raise QuestionSetError(f"{where}: '{key}' lists the same value twice.")
    return tuple(v.strip() for v in value)


def _validate(data, name: str, lines: dict) -> QuestionSet:  # noqa: C901 (to split)
    if not isinstance(data, dict):
        raise QuestionSetError(
            f"{name}: a question set is a YAML mapping with id, title, scale and questions."
        )
    for key in data:
        if key not in _SET_KEYS:
            raise QuestionSetError(
                f"{_where(name, lines, (str(key),))}: unknown key '{key}'{_suggest(key, _SET_KEYS)}; "
                f"allowed keys are {', '.join(sorted(_SET_KEYS))}."
            )
    for key in ("id", "version", "title", "framework", "scale", "questions"):
        if key not in data or data[key] in (None, ""):
            raise QuestionSetError(
                f"{name}: the set has no '{key}'; add it at the top of the file."
            )
    set_id = data["id"]
    if not isinstance(set_id, str) or not _SET_ID.match(set_id):
        raise QuestionSetError(
            f"{_where(name, lines, ('id',))}: set id {set_id!r} must be lowercase letters, digits and hyphens."
        )
    version = data["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise QuestionSetError(
            f"{_where(name, lines, ('version',))}: version must be a whole number from 1."
        )
    if not isinstance(data["title"], str):
        raise QuestionSetError(f"{_where(name, lines, ('title',))}: title must be text.")
    framework = data["framework"]
    if framework not in _FRAMEWORKS:
        raise QuestionSetError(
            f"{_where(name, lines, ('framework',))}: framework {framework!r} is not one of "
            f"{', '.join(_FRAMEWORKS)}{_suggest(framework, _FRAMEWORKS)}."
        )
    scale = data["scale"]
    if scale not in SCALES:
        raise QuestionSetError(
            f"{_where(name, lines, ('scale',))}: grading scale {scale!r} is not known; use one of "
            f"{', '.join(SCALES)}{_suggest(scale, SCALES)}."
        )
    for key in ("source", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise QuestionSetError(f"{_where(name, lines, (key,))}: '{key}' must be text.")
    questions_data = data["questions"]
    if not isinstance(questions_data, list) or not questions_data:
        raise QuestionSetError(
            f"{_where(name, lines, ('questions',))}: 'questions' must be a non-empty list."
        )
    from qam import themes

    vocabulary = themes.active()
    seen: dict[str, int] = {}
    questions = []
    for index, item in enumerate(questions_data):
        path = ("questions", index)
        where = _where(name, lines, path)
        if not isinstance(item, dict):
            raise QuestionSetError(f"{where}: each question is a mapping with id, area and text.")
        qid = item.get("id")
        if not isinstance(qid, str) or not _QUESTION_ID.match(qid):
            raise QuestionSetError(
                f"{where}: question id {qid!r} must start with a letter and use lowercase letters, digits, _ or -."
            )
        where = _where(name, lines, path, qid)
        if qid in _RESERVED_IDS:
            raise QuestionSetError(f"{where}: '{qid}' is a reserved name; choose another id.")
        if qid.lower() in seen:
            raise QuestionSetError(
                f"{where}: id '{qid}' is used twice (first at question {seen[qid.lower()] + 1}); ids must be unique."
            )
        seen[qid.lower()] = index
        for key in item:
            if key not in _QUESTION_KEYS:
                raise QuestionSetError(
                    f"{_where(name, lines, path + (str(key),), qid)}: unknown key '{key}'"
                    f"{_suggest(key, _QUESTION_KEYS)}; allowed keys are {', '.join(sorted(_QUESTION_KEYS))}."
                )
        for key in ("area", "text"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise QuestionSetError(
                    f"{where}: the question has no '{key}'; every question needs one."
                )
        graded = item.get("graded", True)
        if not isinstance(graded, bool):
            raise QuestionSetError(f"{where}: 'graded' must be true or false.")
        pillar = item.get("pillar")
        if framework == "pillar" and pillar not in _PILLARS:
            raise QuestionSetError(
                f"{where}: pillar {pillar!r} must be one of {', '.join(_PILLARS)} in a pillar-era set."
            )
        if pillar is not None and not isinstance(pillar, str):
            raise QuestionSetError(f"{where}: 'pillar' must be text.")
        source = item.get("source")
        if source is not None and not isinstance(source, str):
            raise QuestionSetError(f"{where}: 'source' must be text.")

        def listed(key, allowed=None, path=path, qid=qid, item=item):
            return _string_list(
                item.get(key), _where(name, lines, path + (key,), qid), key, allowed
            )

        methods = listed("methods", METHODS)
        enablers = listed("enablers", ENABLERS)
        question_themes = _themes_of(listed("themes"), vocabulary, name, lines, path, qid)
        questions.append(
            Question(
                id=qid,
                area=item["area"].strip(),
                text=item["text"].strip(),
                graded=graded,
                pillar=pillar,
                diagnostics=listed("diagnostics"),
                characteristics=listed("characteristics"),
                probes=listed("probes"),
                methods=methods,
                enablers=enablers,
                themes=question_themes,
                source=source,
            )
        )
    qs = QuestionSet(
        id=set_id,
        version=version,
        title=data["title"].strip(),
        framework=framework,
        scale=scale,
        questions=tuple(questions),
        source=data.get("source"),
        description=data.get("description"),
    )
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
        f"No question set '{set_id}'{_suggest(set_id, ids)}; the sets are: {', '.join(ids)}."
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
