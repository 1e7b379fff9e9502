"""Events stage: clauses that report political violence or protest → ACLED-style events.

1. Candidates. A sentence is a candidate when it holds an event trigger (data/event_triggers.yaml)
   whose clause is real: not negated, not under a modal or an "if", not the complement of
   "threaten", "plan", "deny", "fear of" — predictions, plans, denials and hypotheticals are the
   claims stage's business, not events. Quoted speech that reports an event counts.
2. Segments. A sentence that only adds detail to the previous candidate of its paragraph (no
   place, date or distinct weapon of its own: "Two people were killed.") joins its segment, so an
   event told in three sentences is one event.
3. Type. The classifier (`sitrep.event_model`, trained on ACLED notes) gives sub-event type
   probabilities per segment, in one batch per document; lexicon overrides decide the classes the
   data is too thin for (suicide bombs, air strikes, shelling, grenades...); a capture verb decides
   by its object: territory (Government regains territory / Non-state actor overtakes territory /
   Non-violent transfer of territory, by who took it) or weapons (Disrupted weapons use) — one
   sentence can hold both.
4. Arguments. Actors from the canonical entities and from generic nouns ("police", "gunmen") named
   the ACLED way for the country of the event; location from `places.place_for`, date from
   `dates.date_for`, fatalities from `numbers.fatalities`, CAMEO/PLOVER from data/acled_codes.csv.
5. One event per sub-event type, place and day (ACLED's unit): duplicates merge their evidence.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from spacy.tokens import Doc, Span as SpacySpan, Token

from . import dates, numbers, places
from .entities import EntityIndex
from .event_lexicon import Found, Lexicon, Role, is_real, lexicon, side_of_actor, unconfirmed_sentence
from .event_model import NONE, EventModel, arguments, default_model, features, side_of
from .record import Entity, Event, Record, Span

NEGATIVE_CLAIMS = {"denied", "uncertain", "predicted", "planned", "refused"}
TERRITORY = ("Government regains territory", "Non-state actor overtakes territory",
             "Non-violent transfer of territory")
WEAPONS = "Disrupted weapons use"
SUFFER_VERBS = numbers.KILL_VERBS | {"arrest", "detain", "capture", "intercept", "apprehend", "neutralise",
                                     "neutralize", "wound", "injure"}
MIN_NAMED_MENTIONS = 2
STRONG, CONTEXT = 2, 1
# how sure the classifier must be, by what the words alone show: nothing, an event's context, a
# physical event with nobody around it ("the prison population exploded")
MIN_CONFIDENCE = {0: 0.3, CONTEXT: 0.25, STRONG: 0.2}
EVENT_PREPS = {"following", "after", "during", "amid", "amidst"}  # "died following clashes": the event itself


@dataclass
class Segment:
    """Consecutive sentences of one paragraph that tell one event."""

    sents: list[SpacySpan]
    triggers: list[Token]
    support: int  # what the words alone show: STRONG (a physical event), CONTEXT, or nothing (0)

    @property
    def start(self) -> int:
        return self.sents[0].start

    @property
    def end(self) -> int:
        return self.sents[-1].end

    @property
    def start_char(self) -> int:
        return self.sents[0].start_char

    @property
    def end_char(self) -> int:
        return self.sents[-1].end_char


@dataclass
class Typed:
    """A typed event of a segment, before its arguments are filled in."""

    sub_event_type: str
    confidence: float
    agent_tokens: list[Token] = field(default_factory=list)


@dataclass
class Context:
    """Per-document state shared by all events of the document."""

    doc: Doc
    record: Record
    lex: Lexicon
    found: Found
    index: EntityIndex
    _deaths: dict[int, bool] = field(default_factory=dict)

    def reports_deaths(self, sent: SpacySpan) -> bool:
        """Whether a sentence tells of deaths (asked by several rules; parsed once)."""
        if sent.start not in self._deaths:
            self._deaths[sent.start] = bool(numbers.death_statements(sent))
        return self._deaths[sent.start]

    def named_for(self, role: Role, country: str | None) -> Entity | None:
        """The named actor a generic noun stands for: the one ACLED names as this role in the
        event's country ("our forces" in Libya → the actor coded "Military Forces of Libya"), else
        the document's most-mentioned armed group of the role's side that is not a foreign state."""
        template = _acled_name(role, country).lower() if country else None
        cands = [e for e in self.record.entities if side_of_actor(e.type, e.acled_names) == role.side]
        if template:
            local = [e for e in cands if any(n.lower().startswith(template) for n in e.acled_names)]
            if local:
                return max(local, key=lambda e: len(e.mentions))
        groups = [e for e in cands if e.type != "STATE" and len(e.mentions) >= MIN_NAMED_MENTIONS]
        return max(groups, key=lambda e: len(e.mentions), default=None)


def _real_triggers(sent: SpacySpan, ctx: Context) -> tuple[list[Token], int]:
    """The sentence's triggers in real clauses, and how far the words alone show an event: STRONG
    for a physical trigger (killed, exploded); CONTEXT for a word of violence with an armed actor,
    weapon or death in the sentence, or a protest word with people doing it; 0 for a lone
    "attacked", left to the classifier, which learned from ordinary news how such words are used
    for politics."""
    if unconfirmed_sentence(sent, ctx.lex, ctx.found):
        return [], 0
    negative = [(e.start, e.end) for c in ctx.record.claims if c.status in NEGATIVE_CLAIMS for e in c.evidence]
    out, support = [], 0
    for s, e in ctx.found.triggers:
        if not (sent.start <= s and e <= sent.end):
            continue
        tok = ctx.doc[s:e].root
        if tok.dep_ == "amod" or tok.ent_type_ or tok.pos_ not in ("VERB", "NOUN"):
            continue  # "injured fighters", "Operation Solid Structure", "21 March": descriptions and names
        if tok.pos_ == "NOUN" and _background(tok, sent, ctx):
            continue
        if any(a <= tok.idx < b for a, b in negative) or not is_real(tok, ctx.lex):
            continue
        kind = ctx.found.trigger_kind.get((s, e), "strong")
        if kind == "weak":
            support = max(support, _violent_context(tok, sent, ctx))
        elif kind == "crowd":
            support = max(support, CONTEXT if _crowd(tok, sent, ctx) else 0)
        else:
            support = STRONG
        out.append(tok)
    return out, support


def _violent_context(trigger: Token, sent: SpacySpan, ctx: Context) -> int:
    """How physical "attacked", "fired", "seized" are in their sentence: STRONG with a weapon or a
    death in it ("fired missiles at the palace"), CONTEXT with an armed or security actor, else 0."""
    f = ctx.found
    weapons = [(s, e) for i, s, e in f.overrides
               if ctx.lex.codes[ctx.lex.overrides[i].sub_event_type].event_type == "Explosions/Remote violence"]
    if (f.in_range("capture_weapons", sent.start, sent.end) or ctx.reports_deaths(sent)
            or any(sent.start <= s and e <= sent.end and not s <= trigger.i < e for s, e in weapons)):
        return STRONG
    if (any(r.side not in ("civilian", "protester") for i, r in f.roles.items() if sent.start <= i < sent.end)
            or any(t.ent_type_ == "ARMED_GROUP" for t in sent)):
        return CONTEXT
    return 0


def _crowd(tok: Token, sent: SpacySpan, ctx: Context) -> bool:
    """People protesting ("residents", "hundreds"), or the protest as the subject of the sentence."""
    if any(sent.start <= i < sent.end for i in ctx.found.roles):
        return True
    if tok.pos_ == "NOUN" and tok.dep_ in ("ROOT", "nsubj", "nsubjpass", "dobj"):
        return True
    return any(c.dep_ == "nsubj" and (c.like_num or c.lower_ in numbers.VAGUE) for c in tok.children)


def _background(noun: Token, sent: SpacySpan, ctx: Context) -> bool:
    """A trigger noun inside a prepositional phrase names the background ("the end of the battle",
    "help in the fight against IS", "asked about the clashes"), unless the preposition places a
    reported outcome in it ("died following clashes", "killed in an attack")."""
    while noun.dep_ in ("conj", "appos", "compound"):
        noun = noun.head
    if noun.dep_ != "pobj":
        return False
    if noun.head.lower_ in EVENT_PREPS:
        return False
    return not ctx.reports_deaths(sent)


def _dates_in(record: Record, start: int, end: int) -> set[str]:
    return {d.date for d in record.dates if start <= d.start < end}


def _continues(seg: Segment, sent: SpacySpan, ctx: Context) -> bool:
    """Whether a sentence adds detail to the segment before it: same paragraph, no place of its
    own, no other date, no weapon or tactic of its own ("Two people were killed.")."""
    last, record = seg.sents[-1], ctx.record
    if "\n" in ctx.doc.text[last.end_char:sent.start_char]:
        return False
    a, b = sent.start_char, sent.end_char
    if any(a <= s < b for p in record.places for s, _ in p.mentions):
        return False
    own = _dates_in(record, a, b)
    if own and not own <= _dates_in(record, seg.start_char, seg.end_char):
        return False
    return not any(sent.start <= s < sent.end for _, s, _ in ctx.found.overrides)


def segments(ctx: Context) -> list[Segment]:
    out: list[Segment] = []
    prev_sent = None
    for sent in ctx.doc.sents:
        triggers, support = _real_triggers(sent, ctx)
        if triggers:
            if out and prev_sent is not None and out[-1].sents[-1] == prev_sent and _continues(out[-1], sent, ctx):
                out[-1].sents.append(sent)
                out[-1].triggers += triggers
                out[-1].support = max(out[-1].support, support)
            else:
                out.append(Segment([sent], triggers, support))
        prev_sent = sent
    return out


def _type_probs(probs: np.ndarray, model: EventModel, ctx: Context) -> dict[str, float]:
    by_type: dict[str, float] = {}
    for cls, p in zip(model.classes, probs):
        code = ctx.lex.codes.get(cls)
        if code:
            by_type[code.event_type] = by_type.get(code.event_type, 0.0) + float(p)
    return by_type


def _override(seg: Segment, model_type: str, deaths: int | None, ctx: Context) -> str | None:
    """The first lexicon override that fires in a real clause of the segment."""
    for rule_index, s, e in ctx.found.overrides:
        if not (seg.start <= s and e <= seg.end):
            continue
        rule = ctx.lex.overrides[rule_index]
        if rule.when and model_type not in rule.when:
            continue
        root = ctx.doc[s:e].root
        weapon = ctx.lex.codes[rule.sub_event_type].event_type == "Explosions/Remote violence"
        if weapon and (_captured(root, ctx) or _suffered(root)):
            continue  # "seized an ammo store full of mines", "shot a suicide bomber": not used
        if (rule.unless_deaths and deaths) or (rule.main_verb and root.dep_ != "ROOT"):
            continue
        if is_real(root, ctx.lex):
            return rule.sub_event_type
    return None


def _captured(tok: Token, ctx: Context) -> bool:
    """Whether a noun lies in the object of a capture verb ("seized ... explosives")."""
    verbs = ctx.found.spans.get("capture_verbs", ())
    node, via = tok, tok.dep_
    while node.head.i != node.i and (node.pos_ not in ("VERB", "AUX") or node.dep_ == "acl"):
        node, via = node.head, node.dep_  # through participles: "an ammo store stuffed with mines"
    return via in ("dobj", "nsubjpass", "conj", "appos") and node.pos_ == "VERB" and _in(node, verbs)


def _suffered(tok: Token) -> bool:
    """Whether a noun is on the receiving end of a killing or an arrest ("forces shot and killed a
    suicide bomber before he struck", "police arrested a grenade thrower")."""
    head = tok.head
    return tok.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in SUFFER_VERBS


def _in(tok: Token, spans: list[tuple[int, int]]) -> bool:
    return any(s <= tok.i < e for s, e in spans)


def _names(noun: Token, spans: list[tuple[int, int]]) -> bool:
    """Whether a noun or one of its modifiers is in the spans ("ammo storage" is a weapons word)."""
    return _in(noun, spans) or any(_in(c, spans) for c in noun.children)


def _captures(seg: Segment, ctx: Context) -> list[Typed]:
    """Territory and weapons taken by a capture verb of the segment, by what its object is."""
    f, doc = ctx.found, ctx.doc
    spans = {k: f.in_range(f"capture_{k}", seg.start, seg.end) for k in
             ("verbs", "territory_verbs", "places", "weapons", "peaceful", "disrupted")}
    out: list[Typed] = []
    if spans["disrupted"]:
        out.append(Typed(WEAPONS, 0.8))
    for s, e in spans["verbs"]:
        verb = doc[s:e].root
        if verb.pos_ != "VERB" or not is_real(verb, ctx.lex):
            continue  # "the implication is clear"
        agents, _ = arguments(verb)
        direct = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")] or (
            [verb.head] if verb.dep_ == "acl" else [])  # "weapons seized by police"
        objects = [t for d in direct for t in (d, *d.conjuncts, *(c for c in d.children if c.dep_ == "appos"))]
        weapons = [t for t in objects if _names(t, spans["weapons"])]  # "an ammo store", "explosives"
        territory = [t for t in objects if t not in weapons and (
            _in(t, spans["places"]) or t.ent_type_ in ("GPE", "LOC", "FAC"))]
        if _in(verb, spans["territory_verbs"]) and not weapons and not territory and seg.support >= CONTEXT:
            territory = direct or [verb]  # "forces retook it": territory when fighters are about
        if weapons:
            out.append(Typed(WEAPONS, 0.75, agents))
        if territory:
            sides = {side_of(a, f, ctx.lex) for a in agents}
            if spans["peaceful"]:
                sub = TERRITORY[2]
            elif "state" in sides or not sides - {None}:
                sub = TERRITORY[0]
            else:
                sub = TERRITORY[1]
            out.append(Typed(sub, 0.75, agents))
    return out


def _grounded(seg: Segment, ctx: Context) -> bool:
    """A physical trigger with people, an armed group or deaths around it is an event whatever the
    classifier's doubts (a model from another region is unsure of the wording, not of a killing)."""
    return (any(seg.start <= i < seg.end for i in ctx.found.roles) or any(ctx.reports_deaths(s) for s in seg.sents)
            or any(t.ent_type_ == "ARMED_GROUP" for t in ctx.doc[seg.start:seg.end]))


def classify(seg: Segment, probs: np.ndarray, model: EventModel, ctx: Context) -> list[Typed]:
    """The segment's events: the classifier's type, replaced by a lexicon override or a capture.
    Without an override, the classifier must be sure enough for what the words show, and its
    "(none)" vetoes segments whose words alone do not show a physical event."""
    classes = model.classes
    sure = (probs * np.array([c != NONE for c in classes])).max() >= MIN_CONFIDENCE[seg.support] or (
        seg.support == STRONG and _grounded(seg, ctx))
    vetoed = classes[int(np.argmax(probs))] == NONE and seg.support < STRONG
    real = np.array([c != NONE for c in classes])
    if not any(r.side == "civilian" for i, r in ctx.found.roles.items() if seg.start <= i < seg.end):
        # ACLED's violence against civilians needs civilians: a clause naming none is not one
        vac = np.array([c != NONE and ctx.lex.codes[c].event_type == "Violence against civilians" for c in classes])
        if (probs * (real & ~vac)).any():
            real = real & ~vac
    probs = probs * real
    probs = probs / probs.sum()
    by_type = _type_probs(probs, model, ctx)
    best = int(np.argmax(probs))
    model_type = ctx.lex.codes[classes[best]].event_type
    sub = None if vetoed else _override(seg, model_type, _fatalities(seg, ctx), ctx)
    captures = _captures(seg, ctx)
    if sub is None and (vetoed or not sure):
        return captures  # a capture of a town or of weapons stands on its own words
    primary = Typed(classes[best], float(probs[best]))
    if sub is not None:
        primary = Typed(sub, 0.6 + 0.4 * by_type.get(ctx.lex.codes[sub].event_type, 0.0))
    captures = [c for c in captures if c.sub_event_type != primary.sub_event_type]
    if captures and sub is None and model_type in ("Battles", "Strategic developments"):
        primary, captures = captures[0], captures[1:]
    return [primary, *captures]


def _country(ctx: Context, place) -> str | None:
    if place is not None and place.country:
        return place.country
    counts = Counter(p.country for p in ctx.record.places for _ in p.mentions if p.country)
    return counts.most_common(1)[0][0] if counts else None


def _acled_name(role: Role, country: str | None) -> str:
    if country:
        return role.acled.format(country=country)
    return role.acled.replace(" ({country})", "").replace(" of {country}", "")


@dataclass
class Mention:
    """An actor named in a segment, by a name or by a generic noun."""

    name: str
    side: str | None
    head: Token
    named: bool  # a named actor of the document, not a generic noun
    tokens: range
    state: str | None = None  # the country, when a country is named as an actor ("Afghan", "US")


def _mentions(seg: Segment, ctx: Context, country: str | None) -> list[Mention]:
    """Actors of a segment: named entities, then generic nouns ("police", "gunmen") not part of a
    name; a generic noun a name modifies ("Taliban militants") becomes that name's head."""
    doc, f = ctx.doc, ctx.found
    out: list[Mention] = []
    for s, t, ent in ctx.index.within(seg.start_char, seg.end_char):
        span = doc.char_span(s, t, alignment_mode="expand")
        side = side_of_actor(ent.type, ent.acled_names)
        if span is None or side is None:
            continue
        name = ent.name
        if ent.type == "STATE" and span.root.dep_ in ("amod", "compound", "poss", "nmod"):
            name = _acled_name(_role(ctx, "state"), ent.name)  # "an Afghan helicopter", "US jets": its forces
        out.append(Mention(name, side, span.root, True, range(span.start, span.end),
                           ent.name if ent.type == "STATE" else None))
    covered = {i for m in out for i in m.tokens}
    for i, role in sorted(f.roles.items()):
        tok = doc[i]
        if not (seg.start <= i < seg.end) or i in covered:
            continue
        owner = next((m for c in tok.children if c.dep_ in ("compound", "amod", "poss", "nmod")
                      for m in out if c.i in m.tokens), None)
        if owner is not None and owner.state and role.side != "civilian":
            # "Afghan forces", "Kenyan police": the state's forces, named the ACLED way
            owner.name, owner.named, owner.side, owner.head = _acled_name(role, owner.state), False, role.side, tok
            continue
        if owner is not None:
            owner.head = tok
            continue
        named = ctx.named_for(role, country) if role.named else None
        name = named.name if named else _acled_name(role, country)
        out.append(Mention(name, role.side, tok, named is not None, range(i, i + 1)))
    return sorted(out, key=lambda m: m.head.i)


def _actors(seg: Segment, typed: Typed, event_type: str, ctx: Context,
            country: str | None) -> tuple[str | None, str | None, list[str]]:
    mentions = _mentions(seg, ctx, country)
    agents_tok, patients_tok = set(), set()
    for trig in seg.triggers:
        a, p = arguments(trig)
        agents_tok.update(_phrase(a))
        patients_tok.update(_phrase(p))
    agents_tok.update(_phrase(typed.agent_tokens))
    for _, s, e in ctx.found.overrides:  # "US air force", "Taliban rocket", "an ISIS suicide bomber"
        if seg.start <= s and e <= seg.end:
            agents_tok.update(_phrase([ctx.doc[s:e].root]) - {ctx.doc[s:e].root.i})
    agents = [m for m in mentions if agents_tok.intersection(m.tokens) or m.head.i in agents_tok]
    patients = [m for m in mentions if m not in agents and (patients_tok.intersection(m.tokens)
                                                             or m.head.i in patients_tok)]
    ordered = agents + patients + [m for m in mentions if m not in agents and m not in patients]
    names = list(dict.fromkeys(m.name for m in ordered))
    by_name = {m.name: m for m in ordered}
    civilians = [n for n in names if by_name[n].side == "civilian"]
    armed = [n for n in names if by_name[n].side in ("state", "armed")]
    if event_type == "Violence against civilians":
        actor1 = next(iter(armed), None)
        actor2 = next(iter(civilians), None) or _acled_name(_role(ctx, "civilian"), country)
    elif event_type in ("Protests", "Riots"):
        crowd = "protester" if event_type == "Protests" else "rioter"
        own = [n for n in names if by_name[n].side == crowd]
        actor1 = own[0] if own else _acled_name(_role(ctx, crowd), country)
        actor2 = next((n for n in names if n != actor1 and by_name[n].side in ("state", "civilian")), None)
        if typed.sub_event_type == "Excessive force against protesters" and actor2:
            actor1, actor2 = actor2, actor1
    else:  # a battle is between armed sides; other violence may hit civilians
        sided = armed or names
        actor1 = sided[0] if sided else None
        others = armed if event_type == "Battles" else names
        actor2 = next((n for n in others if n != actor1), None)
    assoc = [n for n in names if n not in (actor1, actor2) and by_name[n].named]
    return actor1, actor2, assoc


def _phrase(heads: list[Token]) -> set[int]:
    """Token indexes that name the actor of an argument: the head and its name modifiers
    ("ISIS locations", "the positions of ISIS", "Taliban's attack")."""
    out = set()
    for head in heads:
        out.add(head.i)
        for child in head.children:
            if child.dep_ in ("compound", "poss", "amod", "nmod"):
                out.update(t.i for t in child.subtree)
            elif child.dep_ == "prep" and child.lower_ == "of":
                out.update(t.i for g in child.children for t in g.subtree)
    return out


def _role(ctx: Context, side: str) -> Role:
    return next(r for r in ctx.lex.roles if r.side == side)


def _notes(ev: Event, verb: str) -> str:
    """One ACLED-style sentence: "On 11 October 2016, A regained territory from B in Sirte, Surt."."""
    day = date.fromisoformat(ev.event_date) if ev.event_date else None
    when = f"On {day.day} {day:%B %Y}, " if day else ""
    who = ev.actor1 or "Unidentified actors"
    whom = f" {ev.actor2}" if ev.actor2 else ""
    where = f" in {ev.location}" + (f", {ev.admin1}" if ev.admin1 and ev.admin1 != ev.location else "") \
        if ev.location else ""
    deaths = f", with {ev.fatalities} reported fatalit{'y' if ev.fatalities == 1 else 'ies'}" if ev.fatalities else ""
    text = f"{when}{who} {verb}{whom}{where}{deaths}."
    return text[0].upper() + text[1:]


def _fatalities(seg: Segment, ctx: Context) -> int | None:
    """Deaths told in the segment, unless its paragraph states the count to code."""
    text = ctx.doc.text
    start = text.rfind("\n", 0, seg.start_char) + 1
    end = text.find("\n", seg.end_char)
    stated = numbers.coded(text[start:end if end >= 0 else len(text)])
    return stated if stated is not None else numbers.fatalities(ctx.doc[seg.start:seg.end])


def _event(seg: Segment, typed: Typed, ctx: Context) -> Event:
    """The event with its arguments; `notes` are written once duplicates are merged."""
    code = ctx.lex.codes[typed.sub_event_type]
    located = places.place_for(ctx.doc, ctx.record, seg.start_char, seg.end_char)
    place = located.place if located else None
    when = dates.date_for(ctx.doc, ctx.record, seg.start_char, seg.end_char)
    country = _country(ctx, place)
    actor1, actor2, assoc = _actors(seg, typed, code.event_type, ctx, country)
    event = Event(
        id="evt:0", event_type=code.event_type, sub_event_type=code.sub_event_type,
        event_date=when.date, time_precision=when.time_precision,
        actor1=actor1, actor2=actor2, assoc_actors=assoc,
        location=place.name if place else None, admin1=place.admin1 if place else None,
        country=place.country if place else country,
        latitude=place.latitude if place else None, longitude=place.longitude if place else None,
        geo_precision=located.geo_precision if located else None,
        fatalities=_fatalities(seg, ctx),
        cameo=code.cameo, plover=code.plover, confidence=round(min(1.0, max(0.0, typed.confidence)), 3),
        evidence=[Span.of(ctx.doc.text, s.start_char, s.end_char) for s in seg.sents],
    )
    return event


def _dedupe(events: list[Event]) -> list[Event]:
    """ACLED's unit is one sub-event type at one place on one day: merge repeats of it."""
    kept: dict[tuple, Event] = {}
    for ev in events:
        key = (ev.sub_event_type, ev.location, ev.event_date)
        other = kept.get(key)
        if other is None:
            kept[key] = ev
            continue
        best, rest = (ev, other) if ev.confidence > other.confidence else (other, ev)
        best.evidence = sorted({(s.start, s.end): s for s in best.evidence + rest.evidence}.values(),
                               key=lambda s: s.start)
        if rest.fatalities and (best.fatalities or 0) < rest.fatalities:
            best.fatalities = rest.fatalities
        kept[key] = best
    out = sorted(kept.values(), key=lambda e: e.evidence[0].start)
    for i, ev in enumerate(out, 1):
        ev.id = f"evt:{i}"
    return out


def extract(doc: Doc, record: Record, model: EventModel | None = None) -> list[Event]:
    """The document's events; `model` replaces the shipped classifier (evaluation, retraining)."""
    lex = lexicon(doc.vocab)
    ctx = Context(doc, record, lex, lex.find(doc), EntityIndex(record.entities))
    segs = segments(ctx)
    if not segs:
        return []
    model = model or default_model()
    probs = model.predict_proba([features(doc[s.start:s.end], ctx.found, lex) for s in segs])
    events = _dedupe([_event(seg, typed, ctx) for seg, p in zip(segs, probs) for typed in classify(seg, p, model, ctx)])
    for ev in events:
        ev.notes = _notes(ev, lex.codes[ev.sub_event_type].notes_verb)
    return events
