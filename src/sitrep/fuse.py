"""Fusion: per-document records → one view across documents.

Pure functions over per-document items; no database. The store loads the items a change can
touch, calls these, and persists what they return. Every match below is pairwise and symmetric,
and clusters are the connected components of it, so fusing any superset of a cluster's members
yields that same cluster: this is what lets the store recompute incrementally (only the clusters
a new document can reach) and still equal a recomputation from scratch.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import Annotated, Any, Callable, Hashable, Iterable, Mapping, Sequence, TypeVar

from pydantic import Field, TypeAdapter, ValidationError
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .aliases import fold
from .entities import similar
from .errors import SitrepError
from .record import Claim, Entity, Event, EventFields, Model, Span

T = TypeVar("T")

# ACLED time_precision → how far apart two reports' dates may be and still be one event.
DATE_WINDOW = {1: 1, 2: 7, 3: 31}
MAX_DATE_WINDOW = max(DATE_WINDOW.values())
RADIUS_KM = 25.0  # two located reports farther apart than this describe different places
# Types spaCy and the alias table assign inconsistently to one actor across documents.
TYPE_FAMILY = {"STATE": "place", "GPE": "place", "LOC": "place", "ORG": "org", "ARMED_GROUP": "org",
               "MEDIA": "org", "PERSON": "person", "FAC": "fac"}
POSITIVE = frozenset({"asserted", "reported"})
NEGATIVE = frozenset({"denied", "uncertain"})
# Words that carry a claim's status rather than its proposition: "X was killed" and "could not
# confirm X was killed" are one proposition with two statuses, so these must not count as content.
STATUS_WORDS = frozenset({"said", "says", "say", "told", "confirm", "confirmed", "confirms", "deny", "denied",
                          "denies", "report", "reported", "reports", "claim", "claimed", "claims", "alleged",
                          "allegedly", "insisted", "rejected", "untrue", "false", "unconfirmed"})
CLAIM_OVERLAP = 0.6  # share of the shorter claim's trigrams the longer one must contain
# Share of two claims' subject entities they must have in common: "killed seven soldiers in Afgooye" and
# "killed three soldiers in Beledweyne" share the actor and most words, but not the place.
SUBJECT_OVERLAP = 0.5


class FusionError(SitrepError):
    """An analyst correction that cannot be applied (unknown field, bad value)."""


# --- clustering -----------------------------------------------------------------------------

def components(items: Sequence[T], keys: Callable[[T], Iterable[Hashable]], match: Callable[[T, T], bool],
               links: Iterable[tuple[Hashable, Hashable]] = (),
               decisive: Callable[[Hashable], bool] = lambda key: False) -> list[list[T]]:
    """Connected components of `match`, comparing only items that share a blocking key.

    Items sharing a decisive key match without comparison (linear in a block, where comparing
    pairs would be quadratic: every report of a big actor shares its id). A link (ka, kb) joins
    every item keyed ka with every item keyed kb (an analyst's merge). Components come out in
    order of their first item, members in input order.
    """
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)

    by_key: dict[Hashable, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for key in set(keys(item)):
            by_key[key].append(i)
    for key, block in by_key.items():
        if decisive(key):
            for j in block[1:]:
                union(block[0], j)
            continue
        for n, i in enumerate(block):
            for j in block[n + 1:]:
                if find(i) != find(j) and match(items[i], items[j]):
                    union(i, j)
    for ka, kb in links:
        joined = by_key.get(ka, []) + by_key.get(kb, [])
        if by_key.get(ka) and by_key.get(kb):
            for j in joined[1:]:
                union(joined[0], j)
    groups: dict[int, list[T]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[find(i)].append(item)
    return list(groups.values())


def stable_id(prefix: str, *parts: str) -> str:
    """An id that depends only on its anchor member, so re-fusing keeps it."""
    return prefix + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and fold(a) == fold(b)


def _compatible(a: str | None, b: str | None) -> bool:
    return not a or not b or fold(a) == fold(b)


def parse_day(value: str | None) -> date | None:
    """An ISO date, or None for a missing or malformed one (a stage's bad date must not stop fusion)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _order(published: str | None, *ids: str) -> tuple[str, ...]:
    """Earliest report first; undated reports last; ties by id — the anchor of a cluster."""
    return (published or "~", *ids)


# --- entities --------------------------------------------------------------------------------

def skeleton(name: str) -> str:
    """Consonant skeleton of a name: Arabic script writes no short vowels, so transliterations of one
    name differ mostly in vowels and doubled letters (Mohammed/Mohamed, Ghosri/Ghasri)."""
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouy]", "", fold(name)))


def entity_keys(entity: Entity) -> set[str]:
    """Blocking keys: the id, every folded name form within its type family, and the skeleton of
    multi-word person names. Sharing an id or a name key is a match; a skeleton needs checking.

    A lone person name ("Ali", "Smith") names many people across documents, so it is not a key.
    """
    family = TYPE_FAMILY[entity.type]
    keys = {"id:" + entity.id}
    for form in {entity.name, *entity.aliases}:
        key = fold(form)
        if len(key) < 2 or (entity.type == "PERSON" and " " not in key):
            continue
        keys.add(f"name:{family}:{key}")
        if entity.type == "PERSON":
            keys.add("sk:" + skeleton(form))
    return keys


@dataclass(frozen=True)
class EntityRef:
    """One document's canonical entity."""

    document_id: str
    entity: Entity

    @cached_property
    def keys(self) -> set[str]:
        return entity_keys(self.entity)


def decisive_entity_key(key: str) -> bool:
    return not key.startswith("sk:")


def entities_match(a: EntityRef, b: EntityRef) -> bool:
    if a.entity.id == b.entity.id:
        return True
    shared = a.keys & b.keys
    if any(k.startswith("name:") for k in shared):
        return True
    return any(k.startswith("sk:") for k in shared) and similar(fold(a.entity.name), fold(b.entity.name))


class CanonicalEntity(Model):
    id: str
    name: str
    type: str
    aliases: list[str]
    acled_name: str | None = None
    documents: int
    mentions: int
    members: list[tuple[str, str]]  # (document_id, per-document entity id)


def fuse_entities(refs: Sequence[EntityRef], links: Sequence[tuple[str, str]] = ()) -> list[CanonicalEntity]:
    """The same actor across documents → one entity. A link (key_a, key_b) is an analyst's merge;
    the cluster then takes its name from the side of key_a."""
    refs = sorted(refs, key=lambda r: (r.document_id, r.entity.id))
    preferred = {a for a, _ in links}
    out = []
    for members in components(refs, lambda r: r.keys, entities_match, links, decisive_entity_key):
        id_votes = Counter(r.entity.id for r in members)
        lead = min(members, key=lambda r: (not (r.keys & preferred), -id_votes[r.entity.id],
                                           -len(r.entity.name), r.entity.id))
        types = Counter(r.entity.type for r in members)
        forms = {f for r in members for f in (r.entity.name, *r.entity.aliases)}
        acled = next((n for r in (lead, *members) for n in r.entity.acled_names), None)
        out.append(CanonicalEntity(
            id=lead.entity.id, name=lead.entity.name,
            type=max(types, key=lambda t: (types[t], t == lead.entity.type)),
            aliases=sorted(forms), acled_name=acled, documents=len({r.document_id for r in members}),
            mentions=sum(len(r.entity.mentions) for r in members),
            members=[(r.document_id, r.entity.id) for r in members]))
    return out


# --- events ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EventRef:
    """One document's event, its outlet, and the canonical keys of its actors."""

    document_id: str
    event: Event
    source: str | None = None
    published: str | None = None
    actors: frozenset[str] = frozenset()

    @cached_property
    def day(self) -> date | None:
        return parse_day(self.event.event_date)


def canonical_actors(event: Event, canon: Mapping[str, tuple[str, str]]) -> tuple[Event, frozenset[str]]:
    """Rename an event's actors to their cross-document names and collect their keys.

    `canon` maps a folded per-document name or alias → (canonical id, canonical name); a name the
    document's entities do not know keeps itself. Keys are the entity id and the folded name, so an
    actor a document names without an entity record still meets the same actor elsewhere.
    """
    def resolve(name: str) -> tuple[str, str]:
        return canon.get(fold(name), ("name:" + fold(name), name))

    names = [n for n in (event.actor1, event.actor2, *event.assoc_actors) if n]
    keys = frozenset(k for n in names for k in (resolve(n)[0], "name:" + fold(resolve(n)[1])))
    renamed = event.model_copy(update={
        "actor1": event.actor1 and resolve(event.actor1)[1],
        "actor2": event.actor2 and resolve(event.actor2)[1],
        "assoc_actors": [resolve(n)[1] for n in event.assoc_actors]})
    return renamed, keys


def _window(precision: int | None) -> int:
    # An unknown precision is treated as a day: fusion should under-merge rather than over-merge.
    return DATE_WINDOW.get(precision or 1, MAX_DATE_WINDOW)


def dates_agree(a: EventRef, b: EventRef) -> bool:
    if a.day is None or b.day is None:
        return False
    window = max(_window(a.event.time_precision), _window(b.event.time_precision))
    return abs((a.day - b.day).days) <= window


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def places_agree(x: Event, y: Event) -> bool:
    """Within RADIUS_KM; or, when either is only known to its province (precision 3), the same admin1."""
    if not _compatible(x.country, y.country):
        return False
    if 3 in (x.geo_precision, y.geo_precision):
        return _same(x.admin1, y.admin1)
    if None not in (x.latitude, x.longitude, y.latitude, y.longitude):
        return haversine_km(x.latitude, x.longitude, y.latitude, y.longitude) <= RADIUS_KM
    return _same(x.location, y.location)


def actors_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """A report naming no actor does not contradict one that does; two that name actors must share one."""
    return not a or not b or bool(a & b)


def events_match(a: EventRef, b: EventRef) -> bool:
    # Two events one report tells apart stay apart.
    return (a.document_id != b.document_id and a.event.event_type == b.event.event_type
            and dates_agree(a, b) and places_agree(a.event, b.event) and actors_agree(a.actors, b.actors))


def event_blocks(ref: EventRef) -> list[tuple[str, int]]:
    """(type, 31-day bucket) keys: dates within the widest window always share a bucket."""
    if ref.day is None:
        return []
    bucket = ref.day.toordinal() // MAX_DATE_WINDOW
    return [(ref.event.event_type, b) for b in (bucket - 1, bucket, bucket + 1)]


def candidate_window(days: Iterable[date]) -> tuple[str, str] | None:
    """The date range in which another report could match any of these: what the store prefilters on."""
    days = list(days)
    if not days:
        return None
    pad = timedelta(days=MAX_DATE_WINDOW)
    return (min(days) - pad).isoformat(), (max(days) + pad).isoformat()


class EventSource(Model):
    """What one report said about a fused event."""

    document_id: str
    event_id: str
    source: str | None = None
    published: str | None = None
    event_date: str | None = None
    location: str | None = None
    fatalities: int | None = None
    evidence: list[Span] = []


class FusedEvent(EventFields):
    """`fatalities` is the lowest count any report gave: the conservative figure."""

    fatalities_min: int | None = None
    fatalities_max: int | None = None
    confidence: float = 0.0
    corroboration: int  # distinct source documents
    sources: list[EventSource]
    edited: dict[str, str] = {}  # field → id of the analyst correction that set it


def _rank(precision: int | None) -> int:
    return precision or 9


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None


def fuse_event(members: Sequence[EventRef]) -> FusedEvent:
    """One event from its reports: most precise date and place, most conservative fatalities."""
    members = sorted(members, key=lambda m: _order(m.published, m.document_id, m.event.id))
    events = [m.event for m in members]
    date_votes = Counter(e.event_date for e in events)
    when = min(events, key=lambda e: (_rank(e.time_precision), -date_votes[e.event_date]))
    place_votes = Counter(fold(e.location or "") for e in events)
    where = min(events, key=lambda e: (_rank(e.geo_precision), e.latitude is None,
                                       -place_votes[fold(e.location or "")]))
    lead = min(events, key=lambda e: _rank(e.time_precision) + _rank(e.geo_precision))
    deaths = [e.fatalities for e in events if e.fatalities is not None]
    anchor = members[0]
    return FusedEvent(
        id=stable_id("fev:", anchor.document_id, anchor.event.id),
        event_type=anchor.event.event_type,
        sub_event_type=_most_common(e.sub_event_type for e in events),
        event_date=when.event_date, time_precision=when.time_precision,
        actor1=_most_common(e.actor1 for e in events), actor2=_most_common(e.actor2 for e in events),
        assoc_actors=sorted({a for e in events for a in e.assoc_actors}),
        location=where.location, admin1=where.admin1, country=where.country,
        latitude=where.latitude, longitude=where.longitude, geo_precision=where.geo_precision,
        fatalities=min(deaths, default=None), fatalities_min=min(deaths, default=None),
        fatalities_max=max(deaths, default=None),
        notes=lead.notes, cameo=lead.cameo, plover=lead.plover,
        confidence=max(e.confidence for e in events),
        corroboration=len({m.document_id for m in members}),
        sources=[EventSource(document_id=m.document_id, event_id=m.event.id, source=m.source,
                             published=m.published, event_date=m.event.event_date, location=m.event.location,
                             fatalities=m.event.fatalities, evidence=m.event.evidence) for m in members])


def fuse_events(refs: Sequence[EventRef]) -> list[FusedEvent]:
    """Reports of the same event from different documents → one fused event each."""
    refs = sorted(refs, key=lambda r: (r.document_id, r.event.id))
    return [fuse_event(c) for c in components(refs, event_blocks, events_match)]


# --- analyst corrections to fused events -------------------------------------------------------

EDITABLE = frozenset(FusedEvent.model_fields) - {
    "id", "corroboration", "sources", "edited", "fatalities_min", "fatalities_max"}


class EventEdit(Model):
    """One correction: which fused event (and its reports, to find it again after re-fusion)."""

    id: str
    target: str
    members: list[tuple[str, str]]
    field: str
    value: Any = None


def parse_edit(field: str, raw: str) -> Any:
    """An analyst's `field=value` → a typed value, or FusionError saying what is allowed."""
    if field not in EDITABLE:
        raise FusionError(f"cannot edit {field!r}; editable fields: {', '.join(sorted(EDITABLE))}")
    if raw.strip().lower() in ("", "null", "none"):
        return None
    info = FusedEvent.model_fields[field]
    if info.annotation == list[str]:
        return [part.strip() for part in raw.split(";") if part.strip()]
    if field == "event_date" and parse_day(raw) is None:
        raise FusionError(f"event_date must be YYYY-MM-DD, not {raw!r}")
    try:  # the field's own type and bounds, in pydantic's lax mode ("12" → 12)
        return TypeAdapter(Annotated[info.annotation, info]).validate_python(raw)
    except ValidationError as err:
        raise FusionError(f"bad value for {field}: {err.errors()[0]['msg']}") from None


def _edit_target(events: Sequence[FusedEvent], edit: EventEdit) -> int | None:
    for i, event in enumerate(events):
        if event.id == edit.target:
            return i
    wanted = {tuple(m) for m in edit.members}
    shared = [len(wanted & {(s.document_id, s.event_id) for s in e.sources}) for e in events]
    best = max(range(len(events)), key=shared.__getitem__, default=None)
    return best if best is not None and shared[best] else None


def apply_edits(events: Sequence[FusedEvent], edits: Sequence[EventEdit]) -> list[FusedEvent]:
    """Corrections in order, each to the event with its id or else the one holding most of its reports.

    Matching by reports lets a correction follow its event when new reports change the cluster's anchor.
    """
    events = list(events)
    for edit in edits:
        i = _edit_target(events, edit)
        if i is None:
            continue
        event = events[i]
        events[i] = FusedEvent.model_validate(
            event.model_dump() | {edit.field: edit.value, "edited": event.edited | {edit.field: edit.id}})
    return events


# --- claims ----------------------------------------------------------------------------------

def trigrams(text: str) -> frozenset[str]:
    """Character trigrams of a claim's content words: robust to inflection (killed/killing) without
    a stemmer, and blind to the words that carry status rather than content."""
    grams = set()
    for word in fold(text).split():
        if word not in ENGLISH_STOP_WORDS and word not in STATUS_WORDS:
            padded = f" {word} "
            grams.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return frozenset(grams)


@dataclass(frozen=True)
class ClaimRef:
    """One document's claim, its outlet, and the canonical ids of what it is about."""

    document_id: str
    claim: Claim
    source: str | None = None
    published: str | None = None
    about: frozenset[str] = frozenset()

    @cached_property
    def grams(self) -> frozenset[str]:
        return trigrams(self.claim.text)


def claims_match(a: ClaimRef, b: ClaimRef) -> bool:
    """Same proposition: about mostly the same entities, and most of the shorter text's trigrams in the longer."""
    shared = a.about & b.about
    if not shared or len(shared) < SUBJECT_OVERLAP * len(a.about | b.about) or not a.grams or not b.grams:
        return False
    return len(a.grams & b.grams) / min(len(a.grams), len(b.grams)) >= CLAIM_OVERLAP


class ClaimMember(Model):
    document_id: str
    claim_id: str
    source: str | None = None
    published: str | None = None
    claimant: str | None = None
    status: str
    text: str
    evidence: list[Span] = []


class ClaimGroup(Model):
    id: str
    text: str
    about: list[str]
    statuses: dict[str, int]
    sources: int
    contradiction: bool  # some report asserts the proposition and another denies or doubts it
    members: list[ClaimMember]


def group_claims(refs: Sequence[ClaimRef]) -> list[ClaimGroup]:
    """The same proposition from different sources → one group; opposite statuses flag a contradiction."""
    refs = sorted(refs, key=lambda r: (r.document_id, r.claim.id))
    out = []
    for members in components(refs, lambda r: r.about, claims_match):
        members.sort(key=lambda m: _order(m.published, m.document_id, m.claim.id))
        statuses = Counter(m.claim.status for m in members)
        anchor = members[0]
        out.append(ClaimGroup(
            id=stable_id("cg:", anchor.document_id, anchor.claim.id), text=anchor.claim.text,
            about=sorted(set().union(*(m.about for m in members))), statuses=dict(sorted(statuses.items())),
            sources=len({m.document_id for m in members}),
            contradiction=bool(statuses.keys() & POSITIVE) and bool(statuses.keys() & NEGATIVE),
            members=[ClaimMember(document_id=m.document_id, claim_id=m.claim.id, source=m.source,
                                 published=m.published, claimant=m.claim.claimant, status=m.claim.status,
                                 text=m.claim.text, evidence=m.claim.evidence) for m in members]))
    return out
