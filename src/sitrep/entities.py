"""Resolve stage, part one: entity mentions → canonical entities for one document.

Mentions the alias table knows go to their actor. The rest are merged within the document:
a surname to the full name introduced earlier ("Al-Ghosri" → "Mohammed Al-Ghosri"),
transliteration variants by string similarity ("Al-Ghasri"), case variants ("AL-Marsoos").
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from spacy.tokens import Doc, Span as SpacySpan

from .aliases import AliasTable, fold, slug
from .record import Entity

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "ARMED_GROUP", "MEDIA"}
TYPE_OF_LABEL = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC",
                 "ARMED_GROUP": "ARMED_GROUP", "MEDIA": "MEDIA"}
TITLES = re.compile(
    r"^(?:(?:brigadier|general|gen|col|colonel|major|maj|captain|capt|lt|lieutenant|sergeant|sgt|"
    r"commander|president|prime minister|minister|mr|mrs|ms|dr|sheikh|sheik|imam|mullah|governor|"
    r"gov|senator|sen|spokesman|spokeswoman|spokesperson|chief|king|prince|emir|field marshal|"
    r"marshal|admiral|mayor|judge|justice)\.?\s+)+", re.I)
# Transliterations of one Arabic or Pashto name differ in a vowel or two (Ghosri/Ghasri);
# difflib's ratio over folded names is enough at this length and avoids a dependency.
SIMILAR = 0.85


def similar(a: str, b: str) -> bool:
    shorter = min(len(a), len(b))
    # ratio() ≤ 2·shorter/total and ≤ quick_ratio(): most pairs of names fail these cheap bounds
    if shorter < 5 or 2 * shorter / (len(a) + len(b)) < SIMILAR:
        return False
    m = SequenceMatcher(None, a, b)
    return m.quick_ratio() >= SIMILAR and m.ratio() >= SIMILAR


def clean_name(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.I)
    text = re.sub(r"[’']s$", "", text)
    return TITLES.sub("", text).strip(" ,.;:") or text


@dataclass
class Cluster:
    name: str
    type: str
    actor_id: str | None = None
    acled: tuple[str, ...] = ()
    aliases: dict[str, None] = field(default_factory=dict)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    votes: Counter = field(default_factory=Counter)

    @property
    def final_type(self) -> str:
        """The alias table's type, else the label most mentions carry (first seen wins a tie)."""
        if self.actor_id or not self.votes:
            return self.type
        return max(self.votes, key=lambda t: (self.votes[t], t == self.type))

    @property
    def key(self) -> str:
        return fold(self.name)

    def matches(self, name: str, label: str) -> bool:
        key = fold(name)
        if not key:
            return False
        if key == self.key or key in map(fold, self.aliases):
            return True
        if self.type == "PERSON" and label in ("PERSON", "ORG", "GPE", "NORP"):
            full, part = self.key.split(), key.split()
            # surname or trailing part of a full name, allowing a transliteration variant
            if len(part) < len(full) and (full[-len(part):] == part or similar(" ".join(full[-len(part):]), key)):
                return True
            return len(part) == len(full) and similar(self.key, key)
        return TYPE_OF_LABEL.get(label) == self.type and len(key) >= 8 and similar(self.key, key)


def _mentions(doc: Doc) -> list[SpacySpan]:
    return [e for e in doc.ents if e.label_ in ENTITY_LABELS]


def extract(doc: Doc, table: AliasTable) -> list[Entity]:
    """Canonical entities with every mention's offsets, in order of first mention."""
    clusters: list[Cluster] = []
    by_actor: dict[str, Cluster] = {}
    for ent in _mentions(doc):
        actor = table.lookup(ent.text) or (table.actors.get(fold(clean_name(ent.text))))
        if actor is None and ent.ent_id_:
            actor = next((a for a in table.actors.values() if a.id == ent.ent_id_), None)
        name = clean_name(ent.text)
        if actor is not None:
            cluster = by_actor.get(actor.id)
            if cluster is None:
                cluster = Cluster(actor.name, actor.type, actor.id, actor.acled)
                by_actor[actor.id] = cluster
                clusters.append(cluster)
        else:
            kind = TYPE_OF_LABEL.get(ent.label_)
            cluster = next((c for c in reversed(clusters) if c.actor_id is None and c.matches(name, ent.label_)),
                           None)
            if cluster is None:
                if kind is None:  # NORP ("Libyans") the table does not know: not an actor
                    continue
                cluster = Cluster(name, kind)
                clusters.append(cluster)
            elif cluster.type == "PERSON" and len(name.split()) > len(cluster.name.split()):
                cluster.name = name  # the fuller form of the name becomes canonical
        cluster.aliases[ent.text] = None
        if ent.label_ in TYPE_OF_LABEL:
            cluster.votes[TYPE_OF_LABEL[ent.label_]] += 1
        cluster.mentions.append((ent.start_char, ent.end_char))
    entities, seen = [], set()
    for c in clusters:
        ent_id = c.actor_id or f"ent:{slug(c.name)}"
        while ent_id in seen:
            ent_id += "-2"
        seen.add(ent_id)
        entities.append(Entity(id=ent_id, name=c.name, type=c.final_type, aliases=list(c.aliases),
                               mentions=sorted(c.mentions), acled_names=list(c.acled)))
    return entities


class EntityIndex:
    """Look up the canonical entity behind a character range; used by the later stages."""

    def __init__(self, entities: list[Entity]):
        self.by_id = {e.id: e for e in entities}
        spans = sorted((s, t, e) for e in entities for s, t in e.mentions)
        self._starts = [s for s, _, _ in spans]
        self._spans = spans

    def at(self, start: int, end: int) -> Entity | None:
        """The entity whose mention overlaps [start, end) the most."""
        i = bisect_right(self._starts, end) - 1
        best, overlap = None, 0
        while i >= 0 and self._spans[i][0] >= start - 200:
            s, t, ent = self._spans[i]
            o = min(t, end) - max(s, start)
            if o > overlap:
                best, overlap = ent, o
            i -= 1
        return best

    def within(self, start: int, end: int) -> list[tuple[int, int, Entity]]:
        """Every mention inside [start, end), in text order."""
        return [(s, t, e) for s, t, e in self._spans if s >= start and t <= end]
