"""`sitrep_actor_ruler_v1`: an entity ruler built from the alias table.

The small English model calls armed groups persons ("Al-Bunyan Al-Marsoos" PERSON) and outlets
places; every alias in the table becomes a pattern that overrides the model, and the matched span
carries the canonical actor id in `ent_id_`.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import EntityRuler

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


@Language.factory("sitrep_actor_ruler_v1", default_config={"alias_files": []},
                  assigns=["doc.ents", "token.ent_id"], requires=["doc.ents"])
def make_actor_ruler(nlp: Language, name: str, alias_files: list[str]) -> EntityRuler:
    ruler = EntityRuler(nlp, name=name, overwrite_ents=True, phrase_matcher_attr="LOWER")
    ruler.add_patterns(actor_patterns(nlp, AliasTable.load(tuple(alias_files))))
    return ruler
