"""Places stage: toponyms → GeoNames places, disambiguated with the whole document.

Mentions come from the spaCy entities (GPE/LOC/FAC, after `sitrep_toponyms_v1` has put back the
places the small model calls persons) and from the sites that component finds. Each name is
resolved against the offline gazetteer (`sitrep.gazetteer`) by a score that adds up:

- the candidate's population (a prior: "Paris" is Paris, France, unless the text says otherwise),
- whether the text used the place's own name or only one of its alternate names,
- the document's country focus (countries named, unambiguous towns, the outlet's country),
- the regions (admin1) the document names ("Ohio") and explicit qualifiers ("Paris, Texas"),
- closeness to the other places of the document (local news names places near each other).

A town that would land in a country the document never points to, far from every other place,
is not trusted: when its sentence is about a town of the document, the name becomes a part of
that town (geo_precision 2), otherwise it stays without coordinates. Sites ("residential area 3",
"Corinthia Hotel in Tripoli") are attached to the town that contains them by position: "X in Y",
the nearest town of the sentence, of the paragraph, then the document's main town.

geo_precision follows ACLED: 1 the town itself, 2 a part of or a place near a town, 3 a region or
country only.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.tokens import Doc, Span

from .aliases import fold, is_acronym, slug
from .entities import EntityIndex
from .gazetteer import Candidate, Gazetteer, distance, gazetteer, lexicon
from .nlp.toponyms import SITES, TOWN_WORDS
from .record import Place, Record

NAME_LABELS = {"GPE", "LOC", "FAC"}
# Score weights; tuned on the LGL corpus (`sitrep eval geo`), kept round on purpose.
W_POPULATION, W_OWN_NAME, W_COUNTRY, W_ADMIN1, W_NEAR, W_QUALIFIED = 2.0, 1.0, 2.0, 1.0, 1.5, 3.0
# A name that is a country's or a region's own name almost always means it ("Russia", "Ohio"),
# not one of the towns called after it; a neighbour of the document's countries gets some support.
W_COUNTRY_NAME, W_ADMIN1_NAME, W_NEIGHBOUR = 2.5, 0.5, 0.6
# Names that *could* all lie in one region probably do ("Columbus", "Norfolk", "Platte County":
# Nebraska); a country the text names outright is supported whatever its share of the mentions.
W_COHERE, NAMED_COUNTRY = 0.75, 0.5
W_CAPITAL = 1.0  # a national capital is what its name means unless the text says otherwise
W_GUESS = 0.5  # weight of a resolved ambiguous name as evidence for its country and region
NEAR_KM = 250.0  # closeness decays with this scale
FAR_KM = 1000.0  # a town farther than this from every other place, in a country nobody named...
SMALL_TOWN = 100_000  # ...and smaller than this is not trusted
TOWN_OVER_REGION = 0.1  # "Tripoli" is the town, not the region, when the town has 10% of its people


@dataclass
class Mention:
    """One toponym occurrence; `site` for a place inside a town, `forms` the names to look up."""

    start: int
    end: int
    text: str
    site: bool = False
    forms: tuple[str, ...] = ()


@dataclass
class Group:
    """All mentions of one name in the document, and what they may refer to."""

    key: str
    mentions: list[Mention] = field(default_factory=list)
    candidates: tuple[Candidate, ...] = ()
    approximate: bool = False  # candidates found only after dropping "County", "District"...
    regions: tuple[tuple[str, str], ...] = ()  # (country, admin1) a county-like name may lie in
    choice: Candidate | None = None
    container: Candidate | None = None  # the town it was attached to, when not trusted alone


class Location(NamedTuple):
    """Where an event is coded: the place (a town when possible), its ACLED precision, and the
    site inside the town the sentence names, if any."""

    place: Place
    geo_precision: int
    site: Place | None = None


def _bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Sentence and paragraph start offsets (paragraphs are blank-line separated)."""
    sents = [s.start_char for s in doc.sents]
    paras = [0] + [m.end() for m in re.finditer(r"\n\s*\n", doc.text)]
    return sents, paras


def _index(starts: list[int], offset: int) -> int:
    return bisect_right(starts, offset) - 1


class Resolver:
    """Resolves the mentions of one document; `places()` gives the record's field."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], source: str | None = None,
                 gaz: Gazetteer | None = None):
        self.doc = doc
        self.gaz = gaz or gazetteer()
        self.sents, self.paras = _bounds(doc)
        self.source_countries = self._outlet_countries(source)
        self.groups: dict[str, Group] = {}
        self.sites: dict[str, Group] = {}
        for m in mentions:
            target = self.sites if m.site else self.groups
            target.setdefault(fold(m.text), Group(fold(m.text))).mentions.append(m)
        for g in self.groups.values():
            self._candidates(g)
        # the regions each name could lie in, for the coherence of a reading with the others
        self.areas = {g.key: {(c.country_code, c.admin1_code) for c in g.candidates if not c.is_continent}
                      | set(g.regions) for g in self.groups.values()}
        self.area_countries = {k: {cc for cc, _ in areas} for k, areas in self.areas.items()}
        self._area_count = Counter(a for areas in self.areas.values() for a in areas)
        self._country_count = Counter(cc for ccs in self.area_countries.values() for cc in ccs)
        self._named: set[str] = set()  # countries the text names outright, as resolved so far

    # -- candidates --------------------------------------------------------------------------
    def _outlet_countries(self, source: str | None) -> set[str]:
        """"Libya Observer" → {"LY"}: the outlet's name often says where it is."""
        if not source:
            return set()
        words = [w for w in re.findall(r"[\w'’-]+", source) if w.lower() not in lexicon()["outlet_words"]]
        return {c.country_code for c in self.gaz.find_in([" ".join(words), *words])}

    def _candidates(self, g: Group) -> None:
        forms = dict.fromkeys(f for m in g.mentions for f in (m.text, *m.forms))
        found: dict[int, Candidate] = {}
        for form in forms:
            cands = self.gaz.candidates(form)
            if form.replace(".", "").isupper() and len(form.replace(".", "")) <= 3:
                cands = tuple(c for c in cands if c.is_country or c.is_admin1)  # "US", "UK": codes
            for c in cands:
                if c.geonameid not in found or c.main > found[c.geonameid].main:
                    found[c.geonameid] = c
        if not found:
            # "Kandahar city": the town; "Walker County": the counties of that name tell the
            # regions it may be in, and a town of the same name in one of them stands for it
            admin = lexicon()["admin_words"]
            for form in forms:
                toks = fold(form).split()
                if len(toks) > 1 and toks[-1] in TOWN_WORDS:
                    found.update((c.geonameid, c) for c in self.gaz.candidates(" ".join(toks[:-1])) if c.is_town)
                elif len(toks) > 1 and toks[-1] in admin:
                    g.regions = tuple(self.gaz.admin2_regions(form))
                    towns = self.gaz.candidates(" ".join(toks[:-1]))
                    found.update((c.geonameid, c) for c in towns if c.is_town and (
                        not g.regions or (c.country_code, c.admin1_code) in g.regions))
                    g.approximate = True
        g.candidates = _prefer_towns(tuple(found.values()))

    # -- evidence ----------------------------------------------------------------------------
    def _evidence(self, skip: Group | None = None) -> tuple[Counter, Counter]:
        """Country and admin1 weights from the document, leaving out one group's own mentions."""
        countries: Counter = Counter({cc: 2.0 for cc in self.source_countries})
        admins: Counter = Counter()
        for g in self.groups.values():
            if g is skip:
                continue
            n = len(g.mentions)
            regions = [(g.choice.country_code, g.choice.admin1_code)] if g.regions and g.choice else g.regions
            for cc, a1 in regions:  # "Rapides Parish" points to Louisiana before it is placed
                countries[cc] += n / len(regions)
                admins[(cc, a1)] += n / len(regions)
            if not g.candidates or g.regions or g.choice is not None and g.choice.is_continent:
                continue
            ccs = {c.country_code for c in g.candidates if not c.is_continent}
            chosen = g.choice
            if len(ccs) == 1:
                countries[next(iter(ccs))] += n
            elif chosen is not None:
                countries[chosen.country_code] += W_GUESS * n
            pick = chosen or (g.candidates[0] if len(g.candidates) == 1 else None)
            if pick is not None and not pick.is_country and (len(g.candidates) == 1 or chosen):
                admins[(pick.country_code, pick.admin1_code)] += n if pick.is_admin1 else W_GUESS * n
        return countries, admins

    def _qualifiers(self) -> dict[str, list[Group]]:
        """"Paris, Texas", "Alexandria, Va.": a name right after a comma qualifies the one before."""
        spans = sorted((m.start, m.end, g) for g in self.groups.values() for m in g.mentions)
        out: dict[str, list[Group]] = defaultdict(list)
        text = self.doc.text
        for (_, e1, g1), (s2, _, g2) in zip(spans, spans[1:]):
            if g1 is not g2 and text[e1:s2].strip() == "," and any(c.is_admin1 or c.is_country
                                                                   for c in g2.candidates):
                out[g1.key].append(g2)
        return out

    def _support(self, cc: str, countries: Counter) -> float:
        """Share of the document's country evidence for `cc`, plus some for its neighbours."""
        total = sum(countries.values()) or 1.0
        near = sum(countries[n] for n in self.gaz.neighbours(cc)) / total
        share = countries[cc] / total
        if cc in self._named:
            share = max(share, NAMED_COUNTRY)
        return share + W_NEIGHBOUR * min(1.0, near)

    def _decide(self, g: Group, choice: Candidate | None) -> None:
        g.choice = choice
        self._named = {o.choice.country_code for o in self.groups.values()
                       if o.choice is not None and o.choice.is_country}

    def _coherence(self, c: Candidate, g: Group) -> float:
        """Share of the other names that have a reading in the same country as `c`, averaged
        for a town or region with the share that have one in its region."""
        others = sum(1 for k, areas in self.areas.items() if k != g.key and areas)
        if not others or c.is_continent:
            return 0.0
        own = self.areas[g.key]
        country = (self._country_count[c.country_code] - (c.country_code in self.area_countries[g.key])) / others
        if c.is_country:
            return country
        area = (c.country_code, c.admin1_code)
        return (country + (self._area_count[area] - (area in own)) / others) / 2

    def _score(self, c: Candidate, g: Group, countries: Counter, admins: Counter,
               qualifiers: list[Group], others: list[Candidate]) -> float:
        total_a = sum(admins.values()) or 1.0
        s = W_POPULATION * math.log10(c.population + 10) / 7
        s += W_OWN_NAME * (c.main == 1) + W_CAPITAL * (c.feature_code == "PPLC")
        if c.main == 1:
            s += W_COUNTRY_NAME * (c.is_country or c.is_continent) + W_ADMIN1_NAME * c.is_admin1
        s += W_COUNTRY * self._support(c.country_code, countries)
        s += W_COHERE * self._coherence(c, g)
        if not c.is_country:
            s += W_ADMIN1 * admins[(c.country_code, c.admin1_code)] / total_a
        for q in qualifiers:
            if any(_contains(qc, c) for qc in q.candidates):
                s += W_QUALIFIED
        if others and not c.is_country:
            d = min((x for x in (distance(c, o) for o in others) if x is not None), default=None)
            if d is not None:
                s += W_NEAR * math.exp(-d / NEAR_KM)
        return s

    def _choose(self, g: Group, qualifiers: dict[str, list[Group]]) -> tuple[Candidate | None, float]:
        """The best candidate for `g` given the other groups' current choices, and its margin."""
        if g.regions:
            return self._area(g), 0.0
        countries, admins = self._evidence(skip=g)
        others = [o.choice for o in self.groups.values()
                  if o is not g and o.choice is not None and not o.choice.is_country]
        scored = sorted(((self._score(c, g, countries, admins, qualifiers.get(g.key, []), others), i)
                         for i, c in enumerate(g.candidates)), reverse=True)
        margin = scored[0][0] - scored[1][0] if len(scored) > 1 else math.inf
        return g.candidates[scored[0][1]], margin

    def resolve(self) -> None:
        """Decide the surest name first (the widest score margin over its second reading), so
        that a guess never becomes evidence before what the text makes plain; then revise each
        decision once against all the others."""
        qualifiers = self._qualifiers()
        pending = [g for g in self.groups.values() if g.candidates or g.regions]
        for g in pending:
            g.choice = None
        # margins on the text's plain evidence fix the order; counties go last, placed by the
        # towns around them
        order = sorted(pending, key=lambda g: (not g.regions, self._choose(g, qualifiers)[1]), reverse=True)
        for g in order:
            self._decide(g, self._choose(g, qualifiers)[0])
        for g in order:
            self._decide(g, self._choose(g, qualifiers)[0])
        for g in self.groups.values():
            if g.choice is not None and not self._trusted(g):
                self._decide(g, None)
            if g.choice is None:
                g.container = self._container(g, units=2)
        for s in self.sites.values():
            s.container = self._container(s, units=2, focus=True)

    def _area(self, g: Group) -> Candidate | None:
        """A county-like name: pick its region by the document (towns of the document in it, the
        regions it names, its countries), then stand for it with the document's most mentioned
        town in that region (local news names the towns of its county), else a town of the same
        name there, else the region's centre."""
        countries, admins = self._evidence(skip=g)
        towns: Counter = Counter()
        for o in self.groups.values():
            if o is not g and o.choice is not None and o.choice.is_town and not o.regions:
                towns[o.choice] += len(o.mentions)
        def rank(region: tuple[str, str]) -> tuple[float, float, float]:
            inside = sum(n for c, n in towns.items() if (c.country_code, c.admin1_code) == region)
            return inside, admins[region], self._support(region[0], countries)
        region = max(g.regions, key=rank)
        local = [c for c in towns if (c.country_code, c.admin1_code) == region]
        if local:
            return max(local, key=lambda c: towns[c])
        namesake = [c for c in g.candidates if (c.country_code, c.admin1_code) == region]
        if namesake:
            return max(namesake, key=lambda c: c.population)
        return self.gaz.admin1(*region)

    def _trusted(self, g: Group) -> bool:
        """Reject a distant guess: a small town in a country the rest of the document never points
        to, far from the towns of its own sentences, or from every other place of the document."""
        c = g.choice
        if c is None or not c.is_town or c.population >= SMALL_TOWN:
            return True
        countries, _ = self._evidence(skip=g)
        if not countries or self._support(c.country_code, countries) > 0:
            return True
        units = {(_index(self.sents, m.start), _index(self.paras, m.start)) for m in g.mentions}
        others = [(m.start, o.choice) for o in self.groups.values()
                  if o is not g and o.choice is not None and not o.choice.is_country for m in o.mentions]
        local = [o for start, o in others
                 if any(_index(self.sents, start) == s or _index(self.paras, start) == p for s, p in units)]
        if any(o.country_code != c.country_code or (distance(c, o) or 0.0) > FAR_KM for o in local):
            return False  # its own sentence is about a place elsewhere ("Sirte ... Jiza")
        return any((distance(c, o) or math.inf) <= FAR_KM for _, o in others)

    # -- containers --------------------------------------------------------------------------
    def _towns(self) -> list[tuple[int, int, Candidate]]:
        return sorted((m.start, m.end, g.choice) for g in self.groups.values()
                      if g.choice is not None and g.choice.is_town for m in g.mentions)

    def focus_town(self) -> Candidate | None:
        """The document's main town: the most mentioned one, the first on a tie."""
        counts: Counter = Counter()
        first: dict[int, int] = {}
        for start, _, c in self._towns():
            counts[c.geonameid] += 1
            first.setdefault(c.geonameid, start)
        if not counts:
            return None
        best = max(counts, key=lambda gid: (counts[gid], -first[gid]))
        return next(c for _, _, c in self._towns() if c.geonameid == best)

    def _container(self, g: Group, units: int, focus: bool = False) -> Candidate | None:
        """The town a site (or an untrusted name) is part of: "X in Y", else the town of its
        sentence (units=1) or paragraph (units=2), else (focus) the document's main town."""
        towns = self._towns()
        text = self.doc.text
        for m in g.mentions:  # "Corinthia Hotel in Tripoli"
            for start, _, c in towns:
                if 0 <= start - m.end <= 8 and re.fullmatch(r",?\s*(?:in|of|at|near|,)\s*", text[m.end:start]):
                    return c
        for starts in (self.sents, self.paras)[:units]:
            best = None
            for m in g.mentions:
                unit = _index(starts, m.start)
                for start, end, c in towns:
                    if start >= m.start and end <= m.end:  # "Sirte University"
                        return c
                    if _index(starts, start) == unit:
                        # a town the sentence puts something "in" beats one it names in passing
                        # ("the Misrata-led forces advanced ... in Sirte")
                        rank = (not self._locative(start, end), abs(start - m.start))
                        if best is None or rank < best[0]:
                            best = (rank, c)
            if best is not None:
                return best[1]
        return self.focus_town() if focus else None

    def _locative(self, start: int, end: int) -> bool:
        """Is the mention at [start, end) where something happens ("in X"), not an attribute
        ("X-led forces")?"""
        text = self.doc.text
        if text[end:end + 1] == "-":
            return False
        prev = re.search(r"(\w+)\W*$", text[max(0, start - 24):start])
        return bool(prev) and prev.group(1).lower() in lexicon()["locative_preps"]

    # -- output ------------------------------------------------------------------------------
    def places(self) -> list[Place]:
        self.resolve()
        by_id: dict[str, Place] = {}
        for g in sorted(self.groups.values(), key=lambda g: g.mentions[0].start):
            place = self._place(g)
            self._merge(by_id, place)
        for s in sorted(self.sites.values(), key=lambda g: g.mentions[0].start):
            self._merge(by_id, self._place(s))
        return sorted(by_id.values(), key=lambda p: p.mentions[0][0])

    def _merge(self, by_id: dict[str, Place], place: Place) -> None:
        known = by_id.get(place.id)
        if known is None:
            by_id[place.id] = place
            return
        known.mentions = sorted(set(known.mentions) | set(place.mentions))
        known.aliases = list(dict.fromkeys([*known.aliases, *place.aliases]))

    def _place(self, g: Group) -> Place:
        forms = Counter(m.text for m in g.mentions)
        surface = max(forms, key=lambda f: (forms[f], -g.mentions[[m.text for m in g.mentions].index(f)].start))
        mentions = sorted((m.start, m.end) for m in g.mentions)
        c = g.choice
        if c is not None and (g.regions or g.approximate):
            # a county or district stood for by a point inside it: its own place, region precision
            return Place(
                id=f"geo:{c.country_code}.{c.admin1_code}/{slug(surface)}", name=surface,
                latitude=c.latitude, longitude=c.longitude, country_code=c.country_code,
                country=self.gaz.country_name(c.country_code), admin1=self._admin1(c), feature_code="ADM2",
                geo_precision=3, mentions=mentions, aliases=list(forms))
        if c is not None:
            name = c.name if c.is_country or fold(c.name) in map(fold, forms) else surface
            return Place(
                id=f"geo:{c.geonameid}", name=name, latitude=c.latitude, longitude=c.longitude,
                country_code=c.country_code, country=self.gaz.country_name(c.country_code),
                admin1=self._admin1(c), geonameid=c.geonameid, feature_code=c.feature_code,
                geo_precision=3 if (c.is_country or c.is_admin1) else 1,
                mentions=mentions, aliases=list(dict.fromkeys([*forms, c.name])))
        town = g.container
        if town is None:
            return Place(id=f"geo:x-{slug(surface)}", name=surface, mentions=mentions, aliases=list(forms))
        return Place(
            id=f"geo:{town.geonameid}/{slug(surface)}", name=surface, latitude=town.latitude,
            longitude=town.longitude, country_code=town.country_code,
            country=self.gaz.country_name(town.country_code), admin1=self._admin1(town),
            geo_precision=2, mentions=mentions, aliases=list(forms), within=f"geo:{town.geonameid}")

    def _admin1(self, c: Candidate) -> str | None:
        if c.is_country:
            return None
        return c.name if c.is_admin1 else self.gaz.admin1_name(c.country_code, c.admin1_code)


def _contains(region: Candidate, c: Candidate) -> bool:
    """Is `c` inside `region` (a country or an admin1)?"""
    if region.is_country:
        return c.country_code == region.country_code and not c.is_country
    if region.is_admin1:
        return (c.country_code, c.admin1_code) == (region.country_code, region.admin1_code) and not c.is_admin1
    return False


def _prefer_towns(cands: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
    """Drop a region that shares its name with a large town of it ("Tripoli", "Cairo", "Kabul"):
    news that names the region says "province" or "state"."""
    towns = [c for c in cands if c.is_town and c.main == 1]
    return tuple(c for c in cands if not (c.is_admin1 and any(
        t.country_code == c.country_code and t.admin1_code == c.admin1_code
        and t.population >= TOWN_OVER_REGION * c.population for t in towns)))


# -- mentions from a parsed document ---------------------------------------------------------
def mentions(doc: Doc, record: Record | None = None, gaz: Gazetteer | None = None) -> list[Mention]:
    """Toponym mentions of a parsed document: place entities, named sites, and found sites."""
    gaz = gaz or gazetteer()
    heads = lexicon()["site_heads"]
    index = EntityIndex(record.entities) if record is not None else None
    out: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        if ent[0].lower_ == "the" and len(ent) > 1:
            ent = ent[1:]
        if ent.label_ == "FAC" and (ent[-1].lemma_.lower() in heads or ent[-1].lower_ in heads):
            out.append(Mention(ent.start_char, ent.end_char, ent.text, site=True))
            continue
        mention = name_mention(ent, index, gaz)
        if mention is not None:
            out.append(mention)
    taken = {(m.start, m.end) for m in out}
    for span in doc.spans.get(SITES, []):
        if (span.start_char, span.end_char) not in taken:
            out.append(Mention(span.start_char, span.end_char, span.text, site=True))
    return sorted(out, key=lambda m: m.start)


def name_mention(span: Span, index: EntityIndex | None, gaz: Gazetteer,
                 demonyms: bool = False) -> Mention | None:
    """The mention a place name gives, or None for a demonym ("British", "Libyans": people).

    A state the alias table knows lends its canonical name when the mention is an abbreviation or
    a one-word name ("U.S." → United States, "Britain"); "US air force" is cut to the part that
    names the place, and "American forces" names an actor, not a place. With `demonyms` (gold spans known to
    be toponyms) a demonym is looked up as its country.
    """
    text = span.text
    entity = index.at(span.start_char, span.end_char) if index is not None else None
    state = entity.name if entity is not None and entity.type == "STATE" else None
    for end in range(len(span), 0 if state else len(span) - 1, -1):
        part = span[:end]
        if gaz.candidates(part.text) or is_acronym(part.text) and state:
            return Mention(part.start_char, part.end_char, part.text, forms=(state,) if state else ())
    if state and len(span) == 1 and span[0].pos_ == "PROPN":
        return Mention(span.start_char, span.end_char, text, forms=(state,))  # "Britain"
    if state:  # "American forces", "Saudi clerics": the actor, a place only for gold spans
        return Mention(span.start_char, span.end_char, text, forms=(state,)) if demonyms else None
    demonym = gaz.candidates(text, demonyms=True) or gaz.candidates(re.sub(r"s$", "", text), demonyms=True)
    if demonym or span.root.tag_ in ("JJ", "NNPS"):
        if demonyms and demonym:
            return Mention(span.start_char, span.end_char, text, forms=(demonym[0].name,))
        return None
    if not demonyms and not _place_cue(span):
        return None  # a name nobody knows, in no place's slot: the model's guess ("Hartmann")
    return Mention(span.start_char, span.end_char, text, site=span.label_ == "FAC")


def _place_cue(span: Span) -> bool:
    """Does the text itself say that an unknown name is a place: "in X", "X district", "X, Y"?"""
    lex = lexicon()
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end:span.end + 2]
    last = span[-1].lower_
    return (before is not None and before.lower_ in lex["locative_preps"]
            or last in lex["admin_words"] or last in lex["site_heads"] or last in TOWN_WORDS
            or len(after) == 2 and after[0].text in (",", "-") and (after[1].ent_type_ in ("GPE", "LOC")
                                                                  or after[1].lower_ in lex["place_suffixes"]))


def extract(doc: Doc, record: Record) -> list[Place]:
    """The record's `places`: every toponym, resolved, with its mentions and aliases."""
    return Resolver(doc, mentions(doc, record), record.document.source).places()


# -- for the events stage --------------------------------------------------------------------
def place_for(doc: Doc, record: Record, start: int, end: int) -> Location | None:
    """Where to code an event found in [start, end): the most specific place of its sentence
    (a site → its town at precision 2; a town → precision 1), else a town of its paragraph, else
    the document's main town (precision 2: the text does not say), else a region or country the
    sentence names (precision 3). None when the document names no place at all."""
    by_id = {p.id: p for p in record.places}
    sents, paras = _bounds(doc)
    first = _index(sents, start)
    last = _index(sents, max(start, end - 1))
    para = _index(paras, start)

    def in_unit(p: Place, unit: str) -> list[tuple[int, int]]:
        if unit == "sentence":
            return [m for m in p.mentions if first <= _index(sents, m[0]) <= last]
        return [m for m in p.mentions if _index(paras, m[0]) == para]

    def nearest(cands: list[tuple[Place, list[tuple[int, int]]]]) -> Place:
        return min(cands, key=lambda pm: min(abs(s - start) for s, _ in pm[1]))[0]

    for unit in ("sentence", "paragraph"):
        sites = [(p, ms) for p in record.places if p.within in by_id and (ms := in_unit(p, unit))]
        towns = [(p, ms) for p in record.places if _is_town(p) and (ms := in_unit(p, unit))]
        if sites and unit == "sentence":
            site = nearest(sites)
            return Location(by_id[site.within], 2, site)
        if towns:
            return Location(nearest(towns), 1 if unit == "sentence" else 2)
    towns = [p for p in record.places if _is_town(p)]
    if towns:
        main = max(towns, key=lambda p: (len(p.mentions), -p.mentions[0][0]))
        return Location(main, 2)
    regions = [(p, ms) for p in record.places if p.latitude is not None and (ms := in_unit(p, "sentence"))]
    if regions:
        return Location(nearest(regions), 3)
    return None


def _is_town(p: Place) -> bool:
    return bool(p.feature_code and p.feature_code.startswith("PPL")) and p.geo_precision == 1
