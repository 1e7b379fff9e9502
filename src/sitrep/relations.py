"""Relations stage: who supports, funds, fights, besieges, attacks, controls, leads, speaks for or
belongs to whom, and where organisations are based — between canonical entities, with evidence.

Every construction is a spaCy DependencyMatcher pattern in data/relations.json, compiled once per
vocabulary. A matched node becomes entities through its own mention, its conjuncts ("the US, the UK
and Italy"), the modifiers of a group noun ("British experts", "ISIS fighters") or, for "we"/"our"
inside a quote, the speaker's own organisation (learnt from the role relations of the same document:
"the spokesman of X, Brigadier Y"). Nothing comes from co-occurrence alone. A relation stated inside a
claim that is reported, denied, uncertain, planned … carries that claim's status.
"""
from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.matcher import DependencyMatcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from .errors import DataFileError
from .quotes import Finder, analyse, trim
from .record import Entity, Predicate, Record, Relation, Span

PLACE_TYPES = {"STATE", "GPE", "LOC", "FAC"}
ROLE_PREDICATES = ("spokesperson_of", "leader_of", "member_of")
FIRST_PERSON_PLURAL = {"we", "us", "our", "ours"}
GROUP_MODIFIERS = (("compound", "nmod", "appos"), ("poss",), ("amod",))  # tried in this order
AFFILIATION_PREPS = {"in", "at", "from", "of"}  # "we in Al-Bunyan Al-Marsoos operation"


@dataclass(frozen=True)
class Spec:
    """One construction: which pattern nodes are the subject and object, and their entity types."""

    name: str
    predicate: Predicate
    subject: str
    object: str
    subject_types: frozenset[str]
    object_types: frozenset[str]
    nodes: tuple[str, ...]
    order: tuple[str, ...] = ()


def _expand(value: Any, lexicons: dict[str, list[str]], role: list[str]) -> Any:
    """Replace '@LEXICON' and '$ROLE' inside IN lists by the word lists they name."""
    if isinstance(value, dict):
        return {k: _expand(v, lexicons, role) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, lexicons, role) for v in value]
    if isinstance(value, str) and value.startswith("@"):
        return lexicons[value[1:]]
    if value == "$ROLE":
        return role
    return value


@dataclass(frozen=True)
class Patterns:
    """data/relations.json, read: the constructions and the nouns that stand for their "of" object."""

    specs: tuple[tuple[Spec, list[dict]], ...]
    of_nouns: frozenset[str]
    state_nouns: frozenset[str]


@lru_cache(maxsize=1)
def load_patterns() -> Patterns:
    """Read data/relations.json once per process."""
    text = resources.files("sitrep.data").joinpath("relations.json").read_text(encoding="utf-8")
    try:
        raw = json.loads(text)
        lexicons, types, templates = raw["lexicons"], raw["types"], raw["templates"]
        out = []
        for entry in raw["patterns"]:
            role = _expand(entry.get("role", []), lexicons, [])
            pattern = _expand(templates[entry["template"]] if "template" in entry else entry["pattern"],
                              lexicons, role)
            spec = Spec(entry["name"], entry["predicate"], entry["subject"], entry["object"],
                        frozenset(types[entry["subject_types"]]), frozenset(types[entry["object_types"]]),
                        tuple(node["RIGHT_ID"] for node in pattern), tuple(entry.get("order", ())))
            out.append((spec, pattern))
        return Patterns(tuple(out), frozenset(lexicons["OF_NOUN"]), frozenset(lexicons["STATE_NOUN"]))
    except (ValueError, KeyError, TypeError) as err:
        raise DataFileError(f"relations.json: {type(err).__name__}: {err}") from None


def anchor_words(node: dict) -> frozenset[str]:
    """The words a pattern's first node matches (its LEMMA or LOWER)."""
    attrs = node["RIGHT_ATTRS"]
    value = attrs.get("LEMMA", attrs.get("LOWER"))
    if value is None:
        raise DataFileError(f"relations.json: anchor node {node['RIGHT_ID']} needs a LEMMA or LOWER")
    return frozenset(w.lower() for w in ([value] if isinstance(value, str) else value["IN"]))


@lru_cache(maxsize=4)
def matcher_for(vocab: Vocab) -> tuple[DependencyMatcher, frozenset[str]]:
    """The compiled matcher, one per vocabulary, with every word an anchor node can match."""
    matcher = DependencyMatcher(vocab)
    specs = load_patterns().specs
    for i, (spec, pattern) in enumerate(specs):
        matcher.add(str(i), [pattern])
    return matcher, frozenset().union(*(anchor_words(pattern[0]) for _, pattern in specs))


class Actors:
    """Pattern node → canonical entities."""

    def __init__(self, doc: Doc, record: Record, finder: Finder):
        self.doc, self.finder = doc, finder
        self.of_nouns, self.state_nouns = load_patterns().of_nouns, load_patterns().state_nouns
        self.places = {(s, t): p for p in record.places for s, t in p.mentions}
        quotes = sorted((a.start, a.end, a.speaker) for a in finder.attributions if a.kind in ("direct", "mixed"))
        self._quote_starts = [q[0] for q in quotes]
        self._quotes = quotes
        self.affiliation: dict[str, Entity] = {}

    def speaker_at(self, tok: Token) -> Entity | None:
        i = bisect_right(self._quote_starts, tok.idx) - 1
        if i >= 0 and self._quotes[i][0] <= tok.idx < self._quotes[i][1]:
            return self._quotes[i][2]
        return None

    def own_group(self, tok: Token) -> Entity | None:
        """ "we"/"our" in a quote: the speaker's organisation, when the document names it."""
        speaker = self.speaker_at(tok) if tok.lower_ in FIRST_PERSON_PLURAL else None
        return self.affiliation.get(speaker.id) if speaker is not None else None

    def named(self, tok: Token) -> Entity | None:
        return self.finder.speakers.entity(tok) or self.own_group(tok)

    def of(self, tok: Token) -> list[Entity]:
        """The entities a node stands for, its conjuncts included."""
        found: dict[str, Entity] = {}
        for t in (tok, *tok.conjuncts):
            for ent in self.one(t):
                found.setdefault(ent.id, ent)
        return list(found.values())

    def one(self, tok: Token) -> list[Entity]:
        ent = self.named(tok)
        if ent is not None:
            return [ent]
        if tok.pos_ not in ("NOUN", "PROPN"):
            return []
        for deps in GROUP_MODIFIERS:  # "Bawabat Al-Wasat newspaper", "our forces", "British experts"
            mods = [m for c in tok.children if c.dep_ in deps for m in (c, *c.conjuncts)]
            found = [e for m in mods if (e := self.named(m)) is not None
                     and (e.type not in PLACE_TYPES or tok.lemma_.lower() in self.state_nouns)]
            if found:
                return found
        if tok.lemma_.lower() in self.of_nouns:  # "a convoy of the army", "the city of Taiz"
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            objects = [o for c in (of.children if of is not None else ()) if c.dep_ == "pobj" for o in (c, *c.conjuncts)]
            return [e for o in objects if (e := self.named(o)) is not None]
        return []

    def learn_affiliations(self, roles: list[Relation]) -> None:
        """A speaker's organisation: his role relations, else `we in X` inside his own quote."""
        for rel in roles:
            if rel.subject_id is not None and rel.object_id is not None:
                self.affiliation.setdefault(rel.subject_id, self.finder.speakers.index.by_id[rel.object_id])
        for tok in self.doc:
            if tok.lower_ != "we":
                continue
            speaker = self.speaker_at(tok)
            if speaker is None or speaker.id in self.affiliation:
                continue
            for child in tok.children:
                target = child if child.dep_ == "appos" else (
                    next((c for c in child.children if c.dep_ == "pobj"), None)
                    if child.dep_ == "prep" and child.lower_ in AFFILIATION_PREPS else None)
                group = self.finder.speakers.entity(target) if target is not None else None
                if group is not None and group.type != "PERSON":
                    self.affiliation[speaker.id] = group
                    break

    def place_name(self, ent: Entity) -> tuple[str, str]:
        """Name and id of a place as the places stage resolved it, else the entity's own."""
        for s, t in ent.mentions:
            place = self.places.get((s, t))
            if place is not None:
                return place.name, place.id
        return ent.name, ent.id


class StatusLookup:
    """The status of the claim a character offset falls in (asserted outside claims)."""

    def __init__(self, record: Record):
        spans = sorted((ev.start, ev.end, c.status) for c in record.claims for ev in c.evidence)
        self.spans = spans

    def at(self, pos: int) -> str:
        inside = [(e - s, status) for s, e, status in self.spans if s <= pos < e]
        return min(inside)[1] if inside else "asserted"


def relations_of(spec: Spec, tokens: dict[str, Token], actors: Actors, status: StatusLookup) -> list[Relation]:
    """The relations one match states: every resolved subject with every resolved object."""
    if spec.order and tokens[spec.order[0]].i >= tokens[spec.order[1]].i:
        return []
    subjects = [e for e in actors.of(tokens[spec.subject]) if e.type in spec.subject_types]
    objects = [e for e in actors.of(tokens[spec.object]) if e.type in spec.object_types]
    anchor = tokens[spec.nodes[0]]
    sent = actors.finder.sentence(anchor.idx)
    # the sentence, cut at paragraph breaks the parser ran over
    text = actors.finder.text
    start = max(sent.start_char, text.rfind("\n", 0, anchor.idx) + 1)
    end = text.find("\n", anchor.idx)
    evidence = Span.of(text, *trim(text, start, sent.end_char if end < 0 else min(end, sent.end_char)))
    # a predication inside a reported or denied claim shares its status; a title or modifier
    # ("senior IS leader X", "UAE-funded") is background the claim does not hinge on
    predicated = anchor.pos_ == "VERB" and anchor.dep_ != "amod" and not (
        anchor.tag_ == "VBN" and anchor.dep_ in ("acl", "relcl"))
    state = status.at(anchor.idx) if predicated else "asserted"
    out = []
    for subj in subjects:
        for obj in objects:
            if subj.id == obj.id:
                continue
            name, obj_id = actors.place_name(obj) if spec.predicate in ("based_in", "located_in", "controls") \
                else (obj.name, obj.id)
            out.append(Relation(subject=subj.name, predicate=spec.predicate, object=name, subject_id=subj.id,
                                object_id=obj_id, status=state,
                                evidence=[evidence]))
    return out


def extract(doc: Doc, record: Record) -> list[Relation]:
    """Relations between canonical entities, one per (subject, predicate, object), evidence merged."""
    finder = analyse(doc, record)
    specs = load_patterns().specs
    actors, status = Actors(doc, record, finder), StatusLookup(record)
    matcher, anchors = matcher_for(doc.vocab)
    starts = sorted(s for e in record.entities for s, _ in e.mentions)
    matches = []
    for sent in finder.sentences:
        # The matcher costs milliseconds a sentence: run it only where a relation is possible, on
        # an anchor word and two entity mentions ("we"/"our" in a quote may stand for one).
        mentions = bisect_left(starts, sent.end_char) - bisect_left(starts, sent.start_char)
        if mentions + any(t.lower_ in FIRST_PERSON_PLURAL for t in sent) < 2:
            continue
        if not any(t.lemma_.lower() in anchors or t.lower_ in anchors for t in sent):
            continue
        for key, token_ids in matcher(sent):
            spec = specs[int(doc.vocab.strings[key])][0]
            matches.append((spec, {name: doc[sent.start + i] for name, i in zip(spec.nodes, token_ids)}))
    roles = [r for spec, toks in matches if spec.predicate in ROLE_PREDICATES
             for r in relations_of(spec, toks, actors, status)]
    actors.learn_affiliations(roles)
    merged: dict[tuple[str, str, str], Relation] = {}
    for spec, toks in sorted(matches, key=lambda m: min(t.i for t in m[1].values())):
        for rel in relations_of(spec, toks, actors, status):
            key = (rel.subject_id or rel.subject, rel.predicate, rel.object_id or rel.object)
            if key not in merged:
                merged[key] = rel
            elif rel.evidence[0] not in merged[key].evidence:
                merged[key].evidence.append(rel.evidence[0])
    return list(merged.values())
