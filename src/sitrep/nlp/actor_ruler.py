"""`sitrep_actor_ruler_v1`: an entity ruler built from the alias table.

The small English model calls armed groups persons ("Al-Bunyan Al-Marsoos" PERSON) and outlets
places; every alias in the table becomes a pattern that overrides the model, and the matched span
carries the canonical actor id in `ent_id_`.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span

from ..aliases import AliasTable, is_acronym

# spaCy label for each sitrep entity type; states stay GPE so the places stage still sees them.
LABELS = {"STATE": "GPE", "ARMED_GROUP": "ARMED_GROUP", "MEDIA": "MEDIA", "PERSON": "PERSON",
          "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "FAC"}


def actor_patterns(nlp: Language, table: AliasTable) -> list[dict]:
    """A phrase pattern (matched on LOWER) per alias; acronyms get case-sensitive token patterns.

    Phrase patterns go to spaCy's PhraseMatcher, one hash lookup per token whatever the size of
    the table; token patterns cost a check per pattern per token, so only the few acronyms use them.
    """
    patterns = []
    for actor in table.actors.values():
        for form in dict.fromkeys(actor.forms):
            pattern = [{"TEXT": t.text} for t in nlp.make_doc(form)] if is_acronym(form) else form
            patterns.append({"label": LABELS[actor.type], "pattern": pattern, "id": actor.id})
    return patterns


class ActorRuler:
    """spaCy's EntityRuler over the alias table, except inside a longer name the model found:
    "Somali" is Somalia, but "Somali National Army" is an organisation of its own."""

    def __init__(self, ruler: EntityRuler):
        self.ruler = ruler

    def __call__(self, doc: Doc) -> Doc:
        before = list(doc.ents)
        doc = self.ruler(doc)
        after = list(doc.ents)
        keep = [Span(doc, b.start, b.end, label=b.label) for b in before
                if any(b.start <= a.start and a.end <= b.end and len(a) < len(b) and a.ent_id_ for a in after)]
        if keep:
            inside = {(a.start, a.end) for a in after for b in keep if b.start <= a.start and a.end <= b.end}
            doc.ents = sorted([a for a in after if (a.start, a.end) not in inside] + keep, key=lambda e: e.start)
            for token in (t for span in keep for t in span):
                token.ent_id_ = ""  # setting doc.ents leaves the ruler's id on the tokens
        return doc


@Language.factory("sitrep_actor_ruler_v1", default_config={"alias_files": []},
                  assigns=["doc.ents", "token.ent_id"], requires=["doc.ents"])
def make_actor_ruler(nlp: Language, name: str, alias_files: list[str]) -> ActorRuler:
    ruler = EntityRuler(nlp, name=name, overwrite_ents=True, phrase_matcher_attr="LOWER")
    ruler.add_patterns(actor_patterns(nlp, AliasTable.load(tuple(alias_files))))
    return ActorRuler(ruler)
