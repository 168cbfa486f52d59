"""The rules a question set is checked against as it loads: one check per rule, each error
naming the file, the question id and the line, so that a force can edit its sets without
reading code. Unknown keys are errors (a misspelt `probes` must not silently drop the probes).
`qam.question_sets` reads the files and builds the sets from what passes.
"""

from __future__ import annotations

import difflib
import re

from qam.errors import QuestionSetError
from qam.vocabulary import ENABLERS, METHODS, SCALES

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


def key_lines(text: str) -> dict[tuple, int]:
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


def suggest(value: str, choices) -> str:
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
                    f"{where}: '{key}' has '{v}', which is not one of {', '.join(allowed)}{suggest(v, allowed)}."
                )
    if len(set(value)) != len(value):
        raise QuestionSetError(f"{where}: '{key}' lists the same value twice.")
    return tuple(v.strip() for v in value)


def checked(data, name: str, lines: dict) -> dict:
    """A question set's fields from its parsed YAML (or stored JSON), every rule checked, its
    questions as dicts of `Question`'s fields; QuestionSetError names the first broken rule's
    place (`lines`: where each key is, from `key_lines`)."""
    _check_set(data, name, lines)
    questions_data = data["questions"]
    if not isinstance(questions_data, list) or not questions_data:
        raise QuestionSetError(
            f"{_where(name, lines, ('questions',))}: 'questions' must be a non-empty list."
        )
    from qam import themes

    vocabulary = themes.active()
    seen: dict[str, int] = {}
    questions = [
        _question(item, ("questions", index), data["framework"], vocabulary, seen, name, lines)
        for index, item in enumerate(questions_data)
    ]
    return {
        "id": data["id"],
        "version": data["version"],
        "title": data["title"].strip(),
        "framework": data["framework"],
        "scale": data["scale"],
        "questions": questions,
        "source": data.get("source"),
        "description": data.get("description"),
    }


def _check_set(data, name: str, lines: dict) -> None:
    """The set's own keys: none unknown, none missing, each of its kind."""
    _check_set_keys(data, name, lines)
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
            f"{', '.join(_FRAMEWORKS)}{suggest(framework, _FRAMEWORKS)}."
        )
    scale = data["scale"]
    if scale not in SCALES:
        raise QuestionSetError(
            f"{_where(name, lines, ('scale',))}: grading scale {scale!r} is not known; use one of "
            f"{', '.join(SCALES)}{suggest(scale, SCALES)}."
        )
    for key in ("source", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise QuestionSetError(f"{_where(name, lines, (key,))}: '{key}' must be text.")


def _check_set_keys(data, name: str, lines: dict) -> None:
    """A mapping, with no unknown key and none of the required ones missing."""
    if not isinstance(data, dict):
        raise QuestionSetError(
            f"{name}: a question set is a YAML mapping with id, title, scale and questions."
        )
    for key in data:
        if key not in _SET_KEYS:
            raise QuestionSetError(
                f"{_where(name, lines, (str(key),))}: unknown key '{key}'{suggest(key, _SET_KEYS)}; "
                f"allowed keys are {', '.join(sorted(_SET_KEYS))}."
            )
    for key in ("id", "version", "title", "framework", "scale", "questions"):
        if key not in data or data[key] in (None, ""):
            raise QuestionSetError(
                f"{name}: the set has no '{key}'; add it at the top of the file."
            )


def _question_id(item, path: tuple, seen: dict[str, int], name: str, lines: dict) -> str:
    """A question's id: well formed, not reserved, not used before in the set (`seen`)."""
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
    seen[qid.lower()] = path[-1]
    return qid


def _question(item, path: tuple, framework, vocabulary, seen, name: str, lines: dict) -> dict:
    """One question's fields, every rule checked."""
    qid = _question_id(item, path, seen, name, lines)
    where = _where(name, lines, path, qid)
    for key in item:
        if key not in _QUESTION_KEYS:
            raise QuestionSetError(
                f"{_where(name, lines, path + (str(key),), qid)}: unknown key '{key}'"
                f"{suggest(key, _QUESTION_KEYS)}; allowed keys are {', '.join(sorted(_QUESTION_KEYS))}."
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

    def listed(key, allowed=None):
        return _string_list(item.get(key), _where(name, lines, path + (key,), qid), key, allowed)

    # Checked before the other lists, so a set with several bad lists names the same one first.
    methods = listed("methods", METHODS)
    enablers = listed("enablers", ENABLERS)
    question_themes = _themes_of(listed("themes"), vocabulary, name, lines, path, qid)
    return {
        "id": qid,
        "area": item["area"].strip(),
        "text": item["text"].strip(),
        "graded": graded,
        "pillar": pillar,
        "diagnostics": listed("diagnostics"),
        "characteristics": listed("characteristics"),
        "probes": listed("probes"),
        "methods": methods,
        "enablers": enablers,
        "themes": question_themes,
        "source": source,
    }
