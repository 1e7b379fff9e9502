"""The ACLED sub-event classifier: what it sees of a clause, and the portable artefact it ships as.

Features. The clause's words, with names replaced by their kind (`_place_`, `_person_`,
`_armedgroup_`, `_stategroup_`, `_date_`, `_num_` ...), so the model learns how events are told
and not where or by whom they happened in the training data (a model trained on Kenya must not
decide by the name of a Kenyan county). Added to them, role features from the lexicon: the side
(state, armed, civilian, protester, rioter) of whoever acts and whoever suffers in the clause's
event triggers — ACLED separates a battle from violence against civilians by exactly that
(`_agent_armed_ _patient_state_` is a clash; `_agent_armed_ _patient_civilian_` an attack).

Model. TF-IDF over word 1–2-grams and a linear classifier (scikit-learn, see `sitrep.train`). The
artefact is a compressed `.npz` holding the vocabulary, idf weights, coefficients and class names:
prediction needs numpy and scikit-learn's `CountVectorizer` only, works across scikit-learn
versions, and loading it cannot execute code (unlike a pickle).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize
from spacy.tokens import Token

from .errors import DataFileError
from .event_lexicon import Found, Lexicon

MODEL_FILE = "event_model.npz"
NONE = "(none)"  # the class of sentences that use an event word without reporting an event
MASK = {"GPE": "_place_", "LOC": "_place_", "FAC": "_place_", "PERSON": "_person_", "ARMED_GROUP": "_armedgroup_",
        "ORG": "_org_", "NORP": "_norp_", "DATE": "_date_", "TIME": "_date_", "MEDIA": "_media_"}
ALWAYS_MASKED = {"DATE", "TIME", "NORP"}
AGENT_DEPS = {"nsubj", "poss", "compound", "amod"}
PATIENT_DEPS = {"dobj", "nsubjpass"}
AGENT_PREPS = {"by", "between", "from"}
PATIENT_PREPS = {"on", "upon", "against", "at", "with", "targeting"}
NOT_ACTORS = {"DATE", "TIME", "GPE", "LOC", "FAC", "CARDINAL"}  # "On 16 March", "at Kabul airport"


def side_of(tok: Token, found: Found, lex: Lexicon) -> str | None:
    """The side a noun stands for: a generic role word, or a named actor of the alias table."""
    role = found.roles.get(tok.i)
    if role is not None:
        return role.side
    if tok.ent_type_ == "ARMED_GROUP":
        return (lex.side_of_entity_id(tok.ent_id_) if tok.ent_id_ else None) or "armed"
    for child in tok.children:  # "Taliban militants", "Afghan forces": the modifier names the side
        if child.dep_ in ("compound", "amod") and child.i in found.roles:
            return found.roles[child.i].side
    return None


def arguments(trigger: Token) -> tuple[list[Token], list[Token]]:
    """(agents, patients) of an event trigger, from the dependency parse."""
    agents, patients = [], []
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in trigger.children)
    for child in trigger.children:
        dep = child.dep_
        if dep == "agent" or (dep == "prep" and child.lower_ in AGENT_PREPS and trigger.pos_ == "NOUN"):
            agents += [g for g in child.children if g.dep_ == "pobj"]
        elif dep == "prep" and child.lower_ in PATIENT_PREPS:
            patients += [g for g in child.children if g.dep_ == "pobj" and g.ent_type_ not in NOT_ACTORS]
        elif dep in PATIENT_DEPS or (dep == "nsubj" and passive):
            patients.append(child)
        elif dep in AGENT_DEPS and (trigger.pos_ == "NOUN" or dep == "nsubj"):
            agents.append(child)
    if not agents and trigger.dep_ in ("acl", "relcl", "conj", "advcl", "xcomp"):
        head = trigger.head  # "militants who attacked", "attacked and killed": the head's subject acts
        agents = [c for c in head.children if c.dep_ == "nsubj"] or ([head] if trigger.dep_ == "acl"
                                                                     and head.pos_ == "NOUN" else [])
    return _with_conjuncts(agents), _with_conjuncts(patients)


def _with_conjuncts(tokens: list[Token]) -> list[Token]:
    """"X and Y clashed": both act."""
    return [c for t in tokens for c in (t, *t.conjuncts)]


def role_features(tokens: Sequence[Token], found: Found, lex: Lexicon) -> list[str]:
    if not tokens:
        return []
    start, end = tokens[0].i, tokens[-1].i + 1
    doc = tokens[0].doc
    feats = []
    for s, e in found.triggers:
        if not (start <= s and e <= end):
            continue
        agents, patients = arguments(doc[s:e].root)
        a_sides = {x for x in (side_of(t, found, lex) for t in agents) if x}
        p_sides = {x for x in (side_of(t, found, lex) for t in patients) if x}
        feats += [f"_agent_{a}_" for a in a_sides] + [f"_patient_{p}_" for p in p_sides]
        feats += [f"_pair_{a}_{p}_" for a in a_sides for p in p_sides]
    sides = {r.side for i, r in found.roles.items() if start <= i < end}
    feats += [f"_has_{s}_" for s in sorted(sides)]
    return feats


def masked_words(tokens: Sequence[Token], lex: Lexicon) -> list[str]:
    out: list[str] = []
    for tok in tokens:
        if tok.is_punct or tok.is_space:
            continue
        label = tok.ent_type_
        if tok.like_num or tok.pos_ == "NUM":
            word = "_date_" if label in ("DATE", "TIME") else "_num_"
        elif label in MASK and (label in ALWAYS_MASKED or tok.pos_ in ("PROPN", "ADJ")):
            word = MASK[label]
            if label == "ARMED_GROUP" and tok.ent_id_ and lex.side_of_entity_id(tok.ent_id_) == "state":
                word = "_stategroup_"
        elif tok.pos_ == "PROPN":
            word = "_propn_"
        else:
            word = tok.lower_
        if not (out and word.startswith("_") and out[-1] == word):
            out.append(word)
    return out


def features(tokens: Sequence[Token], found: Found, lex: Lexicon) -> str:
    """The classifier's view of a clause: masked words, then role features."""
    return " ".join(masked_words(tokens, lex) + role_features(tokens, found, lex))


@dataclass
class EventModel:
    """A linear classifier over TF-IDF features, stored without pickle."""

    vocabulary: list[str]
    idf: np.ndarray
    coef: np.ndarray  # classes × features
    intercept: np.ndarray
    classes: list[str]
    ngram_max: int = 2
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._vectorizer = CountVectorizer(vocabulary={w: i for i, w in enumerate(self.vocabulary)},
                                           token_pattern=r"\S+", lowercase=False, ngram_range=(1, self.ngram_max))

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """Class probabilities (softmax of the linear scores), one row per text."""
        if not texts:
            return np.zeros((0, len(self.classes)))
        counts = self._vectorizer.transform(texts).astype(np.float64)
        counts.data = 1.0 + np.log(counts.data)  # sublinear tf, as in training
        x = normalize(counts.multiply(self.idf).tocsr())
        scores = x @ self.coef.T.astype(np.float64) + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        probs = np.exp(scores)
        return probs / probs.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        """Coefficients are stored as int8 with one scale per class (a quarter of float32; the
        rounding moves a class score by a few hundredths at most)."""
        scale = np.abs(self.coef).max(axis=1, keepdims=True) / 127.0
        scale[scale == 0] = 1.0
        np.savez_compressed(path, vocabulary=np.array(self.vocabulary), idf=self.idf.astype(np.float32),
                            coef=np.round(self.coef / scale).astype(np.int8), scale=scale.astype(np.float32),
                            intercept=self.intercept.astype(np.float32), classes=np.array(self.classes),
                            ngram_max=np.array(self.ngram_max), meta=np.array(json.dumps(self.meta)))

    @classmethod
    def load(cls, path: Path | str) -> "EventModel":
        try:
            with np.load(path, allow_pickle=False) as z:
                coef = z["coef"].astype(np.float32) * z["scale"]
                return cls(list(z["vocabulary"]), z["idf"].astype(np.float64), coef,
                           z["intercept"].astype(np.float64), list(z["classes"]), int(z["ngram_max"]),
                           json.loads(str(z["meta"])))
        except (OSError, KeyError, ValueError) as err:
            raise DataFileError(f"event model {path}: cannot be read ({err}); rebuild it with "
                                "`sitrep train events --data DIR`") from None


@lru_cache(maxsize=1)
def default_model() -> EventModel:
    """The model shipped in the package, loaded once per process."""
    with resources.as_file(resources.files("sitrep.data").joinpath(MODEL_FILE)) as path:
        return EventModel.load(path)
