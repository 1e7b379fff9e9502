"""The data-driven alias layer: canonical actors and every name they go by.

The table lives in `data/actors.yaml`; users extend it with their own files of the same shape
(later files win for a name they both define), so adding an actor needs no code.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import DataFileError

TYPES = {"PERSON", "ORG", "ARMED_GROUP", "STATE", "MEDIA", "GPE", "LOC", "FAC"}


@lru_cache(maxsize=1 << 16)  # every stage folds the same few hundred names per document, many times
def fold(text: str) -> str:
    """Matching key for a name: accents, case, apostrophes, hyphens and a leading 'the' ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[’'`]s\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text.replace("’", "").replace("'", ""))
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "x"


def is_acronym(alias: str) -> bool:
    """Short capitalised forms (IS, US, UK) are matched case-sensitively."""
    letters = alias.replace(".", "")
    return len(letters) <= 4 and letters.isupper()


@dataclass(frozen=True)
class Actor:
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    acled: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return "ent:" + slug(self.name)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class AliasTable:
    actors: dict[str, Actor] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    digest: str = ""

    @classmethod
    def load(cls, extra: tuple[str | Path, ...] = ()) -> "AliasTable":
        table = cls()
        default = resources.files("sitrep.data").joinpath("actors.yaml")
        table._add(default.read_text(encoding="utf-8"), "actors.yaml")
        for path in extra:
            try:
                text = Path(path).read_text(encoding="utf-8")
            except OSError as err:
                raise DataFileError(f"alias file {path}: {err.strerror or err}") from None
            table._add(text, str(path))
        return table

    def _add(self, text: str, name: str) -> None:
        try:
            rows = yaml.safe_load(text) or []
        except yaml.YAMLError as err:
            raise DataFileError(f"alias file {name}: not valid YAML ({err})") from None
        if not isinstance(rows, list):
            raise DataFileError(f"alias file {name}: expected a list of actors")
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or not isinstance(row.get("name"), str):
                raise DataFileError(f"alias file {name}: entry {i + 1} needs a 'name'")
            kind = row.get("type", "ORG")
            if kind not in TYPES:
                raise DataFileError(f"alias file {name}: {row['name']}: unknown type {kind!r}")
            actor = Actor(row["name"], kind, tuple(map(str, row.get("aliases") or ())),
                          tuple(map(str, row.get("acled") or ())))
            self.actors[fold(actor.name)] = actor
        self.sources.append(name)
        self.digest = hashlib.sha256((self.digest + text).encode("utf-8")).hexdigest()[:12]
        self.__dict__.pop("_index", None)

    @cached_property
    def _index(self) -> tuple[dict[str, Actor], dict[str, Actor]]:
        folded, exact = {}, {}
        for actor in self.actors.values():
            for form in (*actor.forms, *actor.acled):
                if is_acronym(form):
                    exact[form.replace(".", "")] = actor
                else:
                    folded[fold(form)] = actor
        return folded, exact

    def lookup(self, text: str) -> Actor | None:
        """The actor a mention names, if the table knows it."""
        folded, exact = self._index
        bare = re.sub(r"^[Tt]he ", "", text.strip()).replace(".", "")
        bare = re.sub(r"[’']s$", "", bare)
        return exact.get(bare) or folded.get(fold(text))
