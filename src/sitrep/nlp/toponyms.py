"""`sitrep_toponyms_v1`: put places the small model mislabels back among the places, and find sites.

en_core_web_sm tags many Arabic, Pashto or Somali town names PERSON ("the Misrata-led forces",
"inside Jiza") and hotels PERSON ("met in Corinthia Hotel"). This component relabels PERSON, ORG,
NORP and FAC spans that are a country's or a region's own name ("Tennessee" tagged ORG), or that
the gazetteer knows and that stand where a place stands ("in X", "X-led", "X, Y" with Y a region,
"where" after it), then spreads the decision to other mentions of the same name in the document.
It never relies on a list of names: the evidence is the gazetteer plus context.

It also finds *sites*, places inside a town that are rarely named entities ("residential area 3",
"600 neighborhood", "civil registry court", "Eddekhar Bank"): noun phrases ending in a site head
noun of data/places.yaml, kept when they stand in a locative slot. They go to `doc.spans["sites"]`
for the places stage, which attaches each to the town around it.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from ..aliases import fold
from ..gazetteer import Gazetteer, gazetteer, lexicon

SITES = "sites"
RELABEL = {"PERSON", "ORG", "NORP", "FAC"}
PLACE = {"GPE", "LOC"}
TOWN_WORDS = {"city", "town", "village"}
# Prepositions strong enough to turn a PERSON into a place: "from"/"to" are not ("a letter from
# Obama", "spoke to Jordan"), "in"/"inside" are.
STRONG_PREPS = {"in", "inside", "near", "outside", "around", "across", "throughout", "into", "within",
                "outskirts"}
MODIFIER_POS = ["ADJ", "NOUN", "PROPN", "NUM"]
SKIP_DEPS = {"det", "poss", "predet", "advmod", "npadvmod", "punct"}


def named_area_matcher(nlp: Language) -> Matcher:
    """Proper names before an administrative word or "city": "Kandahar city", "Gardez district",
    "Mazar-e Sharif city": a place even where the model saw none."""
    words = sorted(lexicon()["admin_words"] | TOWN_WORDS)
    name = {"POS": "PROPN", "OP": "+"}
    matcher = Matcher(nlp.vocab)
    matcher.add("NAMED_AREA", [[name, {"LOWER": {"IN": words}}],
                               [name, {"ORTH": "-"}, name, {"LOWER": {"IN": words}}]], greedy="LONGEST")
    return matcher


def site_matcher(nlp: Language) -> Matcher:
    """Noun phrases ending in a site head ("civil registry court") or a head and a number ("area 3")."""
    lex = lexicon()
    heads = sorted(lex["site_heads"])
    mod = {"POS": {"IN": MODIFIER_POS}, "OP": "*"}
    hyph = [{"POS": {"IN": MODIFIER_POS}}, {"ORTH": "-"}]
    head = {"LEMMA": {"IN": heads}, "POS": {"IN": ["NOUN", "PROPN"]}}
    head_lower = {"LOWER": {"IN": heads}, "POS": {"IN": ["NOUN", "PROPN"]}}
    matcher = Matcher(nlp.vocab)
    for h in (head, head_lower):
        matcher.add("SITE", [[mod, h], [*hyph, mod, h], [mod, h, {"LIKE_NUM": True}]], greedy="LONGEST")
    return matcher


class Toponyms:
    """The component; holds the compiled site matcher and the place lexicon."""

    def __init__(self, nlp: Language, gaz: Gazetteer | None = None):
        self.matcher = site_matcher(nlp)
        self.areas = named_area_matcher(nlp)
        self._gaz = gaz
        lex = lexicon()
        self.heads, self.weak = lex["site_heads"], lex["weak_site_heads"]
        self.preps, self.verbs, self.suffixes = lex["locative_preps"], lex["site_verbs"], lex["place_suffixes"]

    @property
    def gaz(self) -> Gazetteer:
        # opened on the first document, not when the pipeline is built
        if self._gaz is None:
            self._gaz = gazetteer()
        return self._gaz

    def __call__(self, doc: Doc) -> Doc:
        sites = self.sites(doc)
        doc.ents = self.relabel(doc, sites)
        doc.ents = self.named_areas(doc)
        doc.spans[SITES] = sites
        return doc

    def named_areas(self, doc: Doc) -> list[Span]:
        """The entities plus the names of "X city", "X district" that the gazetteer knows and that
        no entity covers (or only a person's or organisation's guess of the same words)."""
        ents = list(doc.ents)
        for match in self.areas(doc, as_spans=True):
            name = match[:-1]
            overlapping = [e for e in ents if e.start < name.end and name.start < e.end]
            if any(e.label_ not in RELABEL or e.ent_id_ or (e.start, e.end) != (name.start, name.end)
                   for e in overlapping):
                continue
            if any(c.is_town or c.is_admin1 for c in self.gaz.candidates(name.text)):
                ents = [e for e in ents if e not in overlapping] + [Span(doc, name.start, name.end, label="GPE")]
        return sorted(ents, key=lambda e: e.start)

    # -- sites -------------------------------------------------------------------------------
    def sites(self, doc: Doc) -> list[Span]:
        found: list[Span] = []
        spans = sorted(self.matcher(doc, as_spans=True), key=lambda s: s.start)
        for span in spans:
            span = self._trim(span)
            if span is None or not self._is_site(span):
                continue
            if self._locative(span, found):
                found.append(Span(doc, span.start, span.end, label="SITE"))
        return found

    def _trim(self, span: Span) -> Span | None:
        """Drop leading tokens that are not part of the site's name (numbers of people, dates)."""
        start = span.start
        while start < span.end - 1 and (span.doc[start].ent_type_ in ("DATE", "TIME", "ORDINAL")
                                        and span.doc[start].ent_iob_ == "B" or span.doc[start].is_punct):
            start += 1
        return span.doc[start:span.end] if start < span.end else None

    def _is_site(self, span: Span) -> bool:
        """A site needs more than its head noun: a name, a number, or two describing words."""
        toks = [t for t in span if not t.is_punct]
        head = max((t for t in toks if t.lemma_.lower() in self.heads or t.lower_ in self.heads),
                   key=lambda t: t.i, default=None)
        if head is None:
            return False
        mods = [t for t in toks if t.i != head.i]
        named = any(t.pos_ in ("PROPN", "NUM") or t.like_num for t in mods)
        weak = head.lemma_.lower() in self.weak or head.lower_ in self.weak
        if any(t.ent_type_ in ("GPE", "LOC") for t in mods) and weak:
            return False  # "Kibera district": the place is the town name the entity already has
        return named or (not weak and len(mods) >= 2)

    def _locative(self, span: Span, before: list[Span]) -> bool:
        """Does the phrase stand where a place stands: after "in"/"seized", in a list of places,
        or before "where"?"""
        doc = span.doc
        nxt = doc[span.end:span.end + 2]
        if any(t.lower_ == "where" for t in nxt):
            return True
        i = span.start - 1
        while i >= 0 and (doc[i].dep_ in SKIP_DEPS and doc[i].lower_ not in (",", "and", "or")
                          or doc[i].ent_type_ in ("DATE", "TIME")):
            i -= 1
        if i >= 0:
            prev = doc[i]
            if prev.lower_ in self.preps or prev.lemma_.lower() in self.verbs:
                return True
            if prev.lower_ in (",", "and", "or") and before and before[-1].end >= i - 1:
                return True  # the next item of a list of sites
        head = span.root
        while head.head.i != head.i and (head.dep_ in ("conj", "appos", "compound", "nmod")
                                         or head.dep_ == "pobj" and head.head.lower_ == "of"):
            # "control of the 600 neighborhood": the place stands where its governing noun does
            head = head.head.head if head.dep_ == "pobj" else head.head
            if head.lower_ in self.preps or head.lemma_.lower() in self.verbs:
                return True
        return (head.dep_ == "pobj" and head.head.lower_ in self.preps
                or head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_.lower() in self.verbs)

    # -- relabelling -------------------------------------------------------------------------
    def relabel(self, doc: Doc, sites: list[Span]) -> list[Span]:
        site_bounds = {(s.start, s.end) for s in sites}
        ents = list(doc.ents)
        labels = [self._label(e, site_bounds) for e in ents]
        places = {fold(e.text) for e, lab in zip(ents, labels) if lab in PLACE}
        people = {fold(e.text) for e in ents if e.label_ == "PERSON" and len(e) > 1}
        in_people = {t for name in people for t in name.split()}
        out = []
        for ent, label in zip(ents, labels):
            key = fold(ent.text)
            if (label in RELABEL and label != "FAC" and key in places and not ent.ent_id_
                    and key not in in_people and not self._person_cue(ent)):
                label = "GPE"  # the same name stands as a place elsewhere in the document
            out.append(ent if label == ent.label_ else Span(doc, ent.start, ent.end, label=label))
        return out

    def _label(self, ent: Span, site_bounds: set[tuple[int, int]]) -> str:
        if ent.label_ not in RELABEL or ent.ent_id_:
            return ent.label_
        last = ent[-1]
        if len(ent) > 1 and (last.lemma_.lower() in self.heads or last.lower_ in self.heads):
            if ent.label_ in ("PERSON", "FAC") or (ent.start, ent.end) in site_bounds:
                return "FAC"  # "Corinthia Hotel", or "Eddekhar Bank" where a site stands
            return ent.label_
        towns = [c for c in self.gaz.candidates(ent.text) if c.is_town or c.is_admin1 or c.is_country]
        if not towns:
            return ent.label_
        if ent.label_ == "FAC" and any(c.main for c in towns):
            return "GPE"  # a town the model took for a building
        if self._person_cue(ent):
            return ent.label_
        if any(c.main and (c.is_country or c.is_admin1) for c in towns) and ent.label_ != "PERSON":
            return "GPE"  # "Tennessee", "Virginia" as ORG: a region's own name is a place
        if self._place_context(ent, strong=ent.label_ == "PERSON"):
            return "GPE"
        return ent.label_

    def _person_cue(self, ent: Span) -> bool:
        """A title before or a speech verb right after: "Brigadier X", "X said"."""
        doc = ent.doc
        after = doc[ent.end] if ent.end < len(doc) else None
        return (after is not None and after.lemma_ in ("say", "tell", "add", "explain")
                or ent.root.dep_ == "nsubj" and ent.root.head.lemma_ in ("say", "tell"))

    def _place_context(self, ent: Span, strong: bool) -> bool:
        doc = ent.doc
        preps = STRONG_PREPS if strong else self.preps
        before = doc[ent.start - 1] if ent.start > 0 else None
        if before is not None and before.lower_ in preps:
            return True
        tail = doc[ent.end:ent.end + 2]
        if len(tail) == 2 and tail[0].text == "-" and tail[1].lower_ in self.suffixes:
            return True  # "Misrata-led", "Cairo-based"
        if len(tail) == 2 and tail[0].text == "," and tail[1].ent_type_ in PLACE:
            return any(c.is_admin1 or c.is_country for c in self.gaz.candidates(tail[1].text))
        head = doc[ent.start - 2:ent.start]
        if len(head) == 2 and head[1].text == "," and head[0].ent_type_ in PLACE:
            # "in Gardez district, Paktia": the region that qualifies a place
            return any(c.is_admin1 or c.is_country for c in self.gaz.candidates(ent.text))
        return False


@Language.factory("sitrep_toponyms_v1", assigns=["doc.ents", "doc.spans"],
                  requires=["doc.ents", "token.dep", "token.lemma", "token.pos"])
def make_toponyms(nlp: Language, name: str) -> Toponyms:
    return Toponyms(nlp)
