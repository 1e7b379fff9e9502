"""The events stage's language data: triggers, realis cues, lexicon overrides, generic actors and
the ACLED → CAMEO/PLOVER table, loaded once per process and compiled into phrase matchers.

The words live in `data/event_triggers.yaml`, `data/generic_actors.yaml` and
`data/acled_codes.csv`; this module only turns them into matchers and answers questions about a
parsed document (which tokens trigger events, which role a noun names, whether a clause is real).
Training (`sitrep.train`) and extraction (`sitrep.events`) share it, so both see the same features.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans
from spacy.vocab import Vocab

from .aliases import AliasTable
from .errors import DataFileError

STATE_PREFIXES = ("military forces of", "police forces of", "government of")
SIDES = ("state", "armed", "civilian", "protester", "rioter")


@dataclass(frozen=True)
class Code:
    """One row of data/acled_codes.csv."""

    event_type: str
    sub_event_type: str
    cameo: str | None
    cameo_root: str | None
    plover: str | None
    plover_mode: str | None
    notes_verb: str


@dataclass(frozen=True)
class Override:
    sub_event_type: str
    when: frozenset[str]
    unless_deaths: bool
    main_verb: bool


@dataclass(frozen=True)
class Role:
    role: str
    side: str
    acled: str
    named: bool


@dataclass
class Found:
    """What the lexicon finds in one document, computed once and shared by all its clauses."""

    triggers: list[tuple[int, int]] = field(default_factory=list)
    trigger_kind: dict[tuple[int, int], str] = field(default_factory=dict)  # strong / weak / crowd
    overrides: list[tuple[int, int, int]] = field(default_factory=list)  # (rule index, start, end)
    roles: dict[int, Role] = field(default_factory=dict)  # token index → role of the noun
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # capture/places/weapons/...

    def in_range(self, key: str, start: int, end: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self.spans.get(key, ()) if start <= s and e <= end]


@dataclass
class Lexicon:
    matcher: PhraseIndex
    overrides: list[Override]
    roles: list[Role]
    realis: dict[str, frozenset[str]]
    codes: dict[str, Code]
    aliases: AliasTable

    def find(self, doc: Doc) -> Found:
        found = Found()
        by_label: dict[str, list] = {}
        for match_id, start, end in self.matcher(doc):
            by_label.setdefault(doc.vocab.strings[match_id], []).append(Span(doc, start, end, label=match_id))
        for label, spans in by_label.items():
            kind, _, index = label.partition(":")
            if kind == "role":
                continue
            kept = sorted({(s.start, s.end) for s in filter_spans(spans)})
            if kind.startswith("trigger_"):
                found.triggers.extend(kept)
                found.trigger_kind.update((span, kind[len("trigger_"):]) for span in kept)
            elif kind == "override":
                found.overrides.extend((int(index), s, e) for s, e in kept)
            else:
                found.spans.setdefault(kind, []).extend(kept)
        role_spans = [s for label, spans in by_label.items() if label.startswith("role:") for s in spans]
        for span in filter_spans(role_spans):
            role = self.roles[int(span.label_.split(":")[1])]
            found.roles[span.root.i] = role
        found.triggers = sorted(set(found.triggers))
        found.overrides.sort(key=lambda o: (o[0], o[1]))
        return found

    def side_of_entity_id(self, ent_id: str) -> str | None:
        """state / armed for an actor of the alias table, by its type and ACLED naming."""
        actor = next((a for a in self.aliases.actors.values() if a.id == ent_id), None)
        return side_of_actor(actor.type, actor.acled) if actor else None


def side_of_actor(kind: str, acled_names: tuple[str, ...] | list[str]) -> str | None:
    """A state's forces ("Military Forces of Libya (2016-)", a STATE) or an armed group."""
    if kind == "STATE" or any(n.lower().startswith(STATE_PREFIXES) for n in acled_names):
        return "state"
    if kind == "ARMED_GROUP":
        return "armed"
    return None


def _read(name: str) -> str:
    return resources.files("sitrep.data").joinpath(name).read_text(encoding="utf-8")


def _expand(phrase: str) -> list[list[str]]:
    """"blow himself|herself up" → [[blow, himself, up], [blow, herself, up]]."""
    out: list[list[str]] = [[]]
    for word in phrase.lower().replace("-", " - ").split():
        out = [prefix + [alt] for prefix in out for alt in word.split("|")]
    return out


class PhraseIndex:
    """Lemma phrases matched on a document's lemmas and, for words the tagger reads as proper nouns
    (whose lemma keeps its capital), on the lower-case text: two hash-based `PhraseMatcher`s,
    fast enough for every document (a token-pattern `Matcher` with hundreds of alternatives is not)."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")

    def add(self, label: str, phrases: list[str], name: str) -> None:
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            raise DataFileError(f"{name}: {label}: expected a list of words or phrases")
        docs = [Doc(self.vocab, words=words, lemmas=words) for phrase in phrases for words in _expand(phrase)]
        self.by_lemma.add(label, docs)
        self.by_lower.add(label, docs)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        return sorted(set(self.by_lemma(doc)) | set(self.by_lower(doc)))


def load_codes() -> dict[str, Code]:
    rows = list(csv.DictReader(io.StringIO(_read("acled_codes.csv"))))
    return {r["sub_event_type"]: Code(r["event_type"], r["sub_event_type"], r["cameo"] or None,
                                      r["cameo_root"] or None, r["plover"] or None, r["plover_mode"] or None,
                                      r["notes_verb"]) for r in rows}


@lru_cache(maxsize=4)
def lexicon(vocab: Vocab) -> Lexicon:
    """The compiled lexicon for a pipeline's vocabulary; built once per process."""
    name = "event_triggers.yaml"
    try:
        data = yaml.safe_load(_read(name))
        actor_rows = yaml.safe_load(_read("generic_actors.yaml"))
    except yaml.YAMLError as err:
        raise DataFileError(f"events lexicon: not valid YAML ({err})") from None
    codes = load_codes()
    matcher = PhraseIndex(vocab)
    for kind in ("strong", "weak", "crowd"):
        matcher.add(f"trigger_{kind}", data["triggers"][kind], name)
    overrides = []
    for i, rule in enumerate(data["overrides"]):
        sub = rule.get("sub_event_type")
        if sub not in codes:
            raise DataFileError(f"{name}: override {i + 1}: unknown ACLED sub-event type {sub!r}")
        overrides.append(Override(sub, frozenset(rule.get("when") or ()), bool(rule.get("unless_deaths")),
                                  bool(rule.get("main_verb"))))
        matcher.add(f"override:{i}", rule["phrases"], name)
    for key in ("verbs", "territory_verbs", "places", "weapons", "peaceful", "disrupted"):
        matcher.add(f"capture_{key}", data["capture"][key], name)
    matcher.add("unconfirmed_words", data["realis"]["unconfirmed_words"], name)
    roles = []
    for i, row in enumerate(actor_rows):
        if row.get("side") not in SIDES:
            raise DataFileError(f"generic_actors.yaml: entry {i + 1}: side must be one of {', '.join(SIDES)}")
        roles.append(Role(row["role"], row["side"], row["acled"], bool(row.get("named"))))
        matcher.add(f"role:{i}", row["words"], "generic_actors.yaml")
    realis = {k: frozenset(map(str, v)) for k, v in data["realis"].items() if k != "unconfirmed_words"}
    return Lexicon(matcher, overrides, roles, realis, codes, AliasTable.load())


def _has_modal(node: Token, lex: Lexicon) -> bool:
    """A future or hypothetical auxiliary; a hedged past ("may have been killed") is allowed."""
    auxes = [c for c in node.children if c.dep_ in ("aux", "auxpass")]
    modals = [a for a in auxes if a.lower_ in lex.realis["modals"]]
    if not modals:
        return False
    has_have = any(a.lemma_ == "have" for a in auxes)
    return not (has_have and all(m.lower_ in lex.realis["hedged_past_ok"] for m in modals))


COMPLEMENT_DEPS = {"xcomp", "ccomp", "dobj", "nsubjpass", "acomp", "pcomp", "attr", "oprd"}
COMPLEMENT_PREPS = {"of", "about", "for", "against", "to"}


def is_real(tok: Token, lex: Lexicon) -> bool:
    """Whether the clause of a trigger reports something that happened: not negated, not under a
    modal or a conditional, not the complement of "threaten", "plan", "deny", "fear of"...
    Coordinated verbs share modals and conditions ("will attack and kill") but not negation or
    intention heads ("wanted to get in and, when stopped, blew himself up")."""
    heads, marks = lex.realis["heads"], lex.realis["marks"]
    node, via, prep = tok, None, None
    for _ in range(12):
        if via != "conj":
            if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") for c in node.children):
                return False
            if node.i != tok.i and node.lemma_.lower() in heads and (
                    via in COMPLEMENT_DEPS or (via == "prep" and prep in COMPLEMENT_PREPS)):
                return False
            if node.i != tok.i and any(c.dep_ == "acomp" and c.lemma_.lower() in heads for c in node.children):
                return False
        if _has_modal(node, lex) or any(c.dep_ == "mark" and c.lower_ in marks for c in node.children):
            return False
        if node.dep_ == "ROOT" or node.head.i == node.i:
            return True
        via, prep = node.dep_, (node.lower_ if node.dep_ == "prep" else None)
        node = node.head
    return True


def unconfirmed_sentence(sent, lex: Lexicon, found: Found) -> bool:
    """"... reported the death of X, but Y could not confirm that": the sentence's events are only
    reported; a negated confirm/verify whose object points back, or "unconfirmed"."""
    if found.in_range("unconfirmed_words", sent.start, sent.end):
        return True
    for tok in sent:
        if tok.lemma_.lower() in lex.realis["unconfirmed"] and any(c.dep_ == "neg" for c in tok.children):
            objects = [c for c in tok.children if c.dep_ in ("dobj", "ccomp")]
            if any(o.pos_ == "PRON" or o.lower_ in ("report", "reports", "claim", "claims") for o in objects):
                return True
    return False
