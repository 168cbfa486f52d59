"""Themes: the force's own vocabulary, kept in the store and matched however it is written.

A theme has a slug (what the store keeps: `domestic_abuse`), a label people read ("Domestic
abuse") and synonyms files use ("DA", "domestic violence"). In any file, prompt or option, a
theme may be written as any of them, in any case, with any spacing or punctuation and with
"&" or "and". Every store starts with the vocabulary shipped in question_sets/themes.yaml;
the force adds its own (`qam themes add`, or `--add-themes` on an import), each recorded in
the decision trail, and shown everywhere by the words first used for it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from qam.errors import QamError, RefusedError
from qam.vocabulary import fold


@dataclass(frozen=True)
class Theme:
    slug: str
    label: str
    synonyms: tuple[str, ...] = ()
    source: str = "shipped"  # shipped with QAM, or added by the force

    def to_dict(self) -> dict:
        return {
            "slug": self.slug,
            "label": self.label,
            "synonyms": list(self.synonyms),
            "source": self.source,
        }


class Vocabulary:
    """The themes one store knows, and a lookup from every way of writing them to a slug."""

    def __init__(self, themes: Iterable[Theme]):
        self.themes: dict[str, Theme] = {}
        self._lookup: dict[str, str] = {}
        for theme in themes:
            self._add(theme)

    def _add(self, theme: Theme) -> None:
        self.themes[theme.slug] = theme
        for name in (theme.slug, theme.label, *theme.synonyms):
            self._lookup.setdefault(fold(name), theme.slug)

    def __contains__(self, slug: object) -> bool:
        return slug in self.themes

    def __iter__(self) -> Iterator[str]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def find(self, written: object) -> str | None:
        """The slug of the theme `written` names (slug, label or synonym), or None."""
        key = fold(written)
        return self._lookup.get(key) if key else None

    def label(self, slug: str | None) -> str:
        """How a theme is shown: its label (an unknown slug as written)."""
        if not slug:
            return ""
        theme = self.themes.get(slug)
        return theme.label if theme else str(slug)

    def labels(self) -> dict[str, str]:
        """slug -> label, in vocabulary order."""
        return {slug: theme.label for slug, theme in self.themes.items()}

    def suggest(self, written: object) -> str | None:
        """The label of the theme most like `written`, if one is close."""
        key = fold(written)
        if not key:
            return None
        close = difflib.get_close_matches(key, list(self._lookup), n=1, cutoff=0.7)
        if close:
            return self.label(self._lookup[close[0]])
        contained = [slug for k, slug in self._lookup.items() if len(k) >= 4 and k in key]
        return self.label(contained[0]) if len(set(contained)) == 1 else None

    def resolve(self, written: str, what: str = "Theme") -> str:
        """The slug for a theme typed at a prompt or in an option; QamError naming the fix."""
        slug = self.find(written)
        if slug is None:
            guess = self.suggest(written)
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise QamError(
                f"{what} '{written}' is not one of the force's themes{hint}; "
                "`qam themes list` shows them, and `qam themes add` adds one."
            )
        return slug


def slug_for(label: str) -> str:
    """A slug made from a label: 'Wildlife Crime' -> 'wildlife_crime'."""
    text = label.replace("&", " and ").lower()
    slug = "_".join(re.findall(r"[a-z0-9]+", text))
    return slug or "theme"


def shipped() -> list[Theme]:
    """The vocabulary shipped in question_sets/themes.yaml."""
    from qam.vocabulary import shipped_themes

    return [Theme(slug, label, tuple(syn)) for slug, label, syn in shipped_themes()]


# The vocabulary of the store this process last loaded: what `label` and `active` answer
# with, so that code with no store at hand (a report's labels, a question set's theme tags)
# still speaks the store's words. A QAM process works on one store.
_active: Vocabulary | None = None


def load(store=None) -> Vocabulary:
    """The store's vocabulary (and any theme shipped since the store was made); without a
    store, the shipped vocabulary alone. Loading a store's makes it the active one."""
    global _active
    if store is None:
        return Vocabulary(shipped())
    from qam.store import themes as sql

    kept = [
        Theme(t["slug"], t["label"], tuple(t["synonyms"]), t["source"]) for t in sql.themes(store)
    ]
    known = {t.slug for t in kept}
    _active = Vocabulary(kept + [t for t in shipped() if t.slug not in known])
    return _active


def active() -> Vocabulary:
    """The vocabulary of the store last loaded in this process, else the shipped one."""
    return _active if _active is not None else Vocabulary(shipped())


def label(slug: str | None) -> str:
    """How a theme is shown, in the active vocabulary's words."""
    return active().label(slug)


class NewThemes:
    """Themes an import meets that the force has not listed, to add with --add-themes.

    The first spelling met becomes the label; later spellings folding alike join it.
    """

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.themes: dict[str, Theme] = {}  # folded spelling -> new theme

    def add(self, written: str) -> str:
        key = fold(written)
        theme = self.themes.get(key)
        if theme is None:
            label = " ".join(written.split())
            slug, n = slug_for(label), 2
            taken = set(self.vocabulary.themes) | {t.slug for t in self.themes.values()}
            base = slug
            while slug in taken:
                slug, n = f"{base}_{n}", n + 1
            theme = Theme(slug, label, (), "force")
            self.themes[key] = theme
        return theme.slug

    def __bool__(self) -> bool:
        return bool(self.themes)

    def listing(self) -> list[dict]:
        return [{"slug": t.slug, "label": t.label} for t in self.themes.values()]


def save_new(store, new: NewThemes | None, *, actor: str, source: str) -> None:
    """Add an import's new themes to the store with one trail event (inside its transaction)."""
    if new is None or not new:
        return
    from qam.store import audit
    from qam.store import themes as sql

    with store.transaction():
        for theme in new.themes.values():
            sql.insert_theme(
                store,
                {"slug": theme.slug, "label": theme.label, "source": "force", "added_by": actor},
            )
        audit.append_event(
            store,
            actor=actor,
            entity="theme",
            entity_id=",".join(t.slug for t in new.themes.values()),
            action="added",
            new=new.listing(),
            reason=f"--add-themes on importing {source}",
        )


def add_theme(store, label: str, synonyms: Iterable[str] = (), *, actor: str) -> Theme:
    """`qam themes add`: one new theme, or more synonyms for an existing one."""
    from qam.store import audit
    from qam.store import themes as sql

    label = " ".join((label or "").split())
    synonyms = [" ".join(s.split()) for s in synonyms if s and s.strip()]
    if not label:
        raise RefusedError('Give the theme\'s label, e.g. qam themes add "Wildlife crime".')
    vocabulary = load(store)
    existing = vocabulary.find(label)
    for synonym in synonyms:
        other = vocabulary.find(synonym)
        if other and other != existing:
            raise RefusedError(
                f"'{synonym}' already names the theme '{vocabulary.label(other)}' ({other}); "
                "a synonym names one theme only."
            )
    with store.transaction():
        if existing:
            theme = vocabulary.themes[existing]
            added = [s for s in synonyms if vocabulary.find(s) is None]
            if not added:
                raise RefusedError(
                    f"'{label}' is already the theme '{theme.label}' ({theme.slug}); give a new "
                    "--synonym to add one, or choose another label."
                )
            if theme.slug not in {t["slug"] for t in sql.themes(store)}:
                sql.insert_theme(store, {**theme.to_dict(), "source": theme.source})
            sql.set_synonyms(store, theme.slug, [*theme.synonyms, *added])
            result = Theme(theme.slug, theme.label, (*theme.synonyms, *added), theme.source)
            action, old = "synonyms_added", theme.to_dict()
        else:
            new = NewThemes(vocabulary)
            slug = new.add(label)
            result = Theme(slug, label, tuple(synonyms), "force")
            sql.insert_theme(store, {**result.to_dict(), "added_by": actor})
            action, old = "added", None
        audit.append_event(
            store,
            actor=actor,
            entity="theme",
            entity_id=result.slug,
            action=action,
            old=old,
            new=result.to_dict(),
            reason="qam themes add",
        )
    return result


def listing(store) -> list[dict]:
    """Every theme as `qam themes list --json` shows it."""
    return [t.to_dict() for t in load(store).themes.values()]
