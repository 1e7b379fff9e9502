"""The `sitrep/1` record: every type a stage produces, in one module.

The shape is fixed by ../shared/CONTRACT.md; fields beyond it are additions only.
Offsets are character offsets into the document text, `[start, end)`.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA = "sitrep/1"

EntityType = Literal["PERSON", "ORG", "ARMED_GROUP", "STATE", "MEDIA", "GPE", "LOC", "FAC"]
QuoteKind = Literal["direct", "indirect", "mixed"]
ClaimStatus = Literal["asserted", "denied", "uncertain", "reported", "refused", "predicted", "planned"]
Predicate = Literal[
    "supports", "funds", "fights", "besieges", "attacks", "controls", "spokesperson_of",
    "member_of", "leader_of", "based_in", "located_in",
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Model):
    """Evidence: a slice of the document text that backs a field."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> "Span":
        return cls(start=start, end=end, text=text[start:end])


class DocumentMeta(Model):
    id: str
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date
    language: str | None = "en"
    chars: int = 0


class Entity(Model):
    id: str
    name: str
    type: EntityType
    aliases: list[str] = []
    mentions: list[tuple[int, int]] = []
    acled_names: list[str] = []  # ACLED's naming of the same actor, from the alias table


class Place(Model):
    id: str
    name: str
    latitude: float | None = None
    longitude: float | None = None
    country_code: str | None = None
    country: str | None = None
    admin1: str | None = None
    geonameid: int | None = None
    feature_code: str | None = None
    geo_precision: int | None = Field(default=None, ge=1, le=3)
    mentions: list[tuple[int, int]] = []
    aliases: list[str] = []
    within: str | None = None  # id of the place that contains this one (sub-city places)


class DateMention(Model):
    """A date expression normalised against the publication date."""

    text: str
    start: int
    end: int
    date: str  # ISO date
    time_precision: int = Field(ge=1, le=3)


class EventFields(Model):
    """The ACLED columns an event has, whether one report's (`Event`) or fused across reports."""

    id: str
    event_type: str
    sub_event_type: str
    event_date: str | None = None
    time_precision: int | None = Field(default=None, ge=1, le=3)
    actor1: str | None = None
    actor2: str | None = None
    assoc_actors: list[str] = []
    location: str | None = None
    admin1: str | None = None
    country: str | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)
    geo_precision: int | None = Field(default=None, ge=1, le=3)
    fatalities: int | None = Field(default=None, ge=0)
    notes: str | None = None
    cameo: str | None = None
    plover: str | None = None


class Event(EventFields):
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: list[Span] = []


class Quote(Model):
    id: str
    text: str
    start: int
    end: int
    kind: QuoteKind
    speaker: str | None = None
    speaker_id: str | None = None
    cue: str | None = None


class Claim(Model):
    id: str
    text: str
    claimant: str | None = None
    claimant_id: str | None = None
    status: ClaimStatus
    about: list[str] = []
    evidence: list[Span] = []


class Relation(Model):
    subject: str
    predicate: Predicate
    object: str
    subject_id: str | None = None
    object_id: str | None = None
    status: ClaimStatus = "asserted"
    evidence: list[Span] = []


class Record(Model):
    schema_: str = Field(default=SCHEMA, alias="schema")
    extractor_version: str | None = None
    document: DocumentMeta
    entities: list[Entity] = []
    places: list[Place] = []
    dates: list[DateMention] = []
    events: list[Event] = []
    quotes: list[Quote] = []
    claims: list[Claim] = []
    relations: list[Relation] = []

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_json(self, **kw) -> str:
        return self.model_dump_json(by_alias=True, **kw)


class ErrorRecord(Model):
    """What `extract` emits instead of a record for a document it could not read."""

    id: str
    error: str


def evidence_problems(record: Record, text: str) -> list[str]:
    """Every way the record's offsets disagree with the text; empty when all evidence is sound.

    Stages promise that nothing is filled without a span; this is the check tests and the API rely on.
    """
    problems = []

    def check(where: str, start: int, end: int, quoted: str | None = None) -> None:
        if not 0 <= start <= end <= len(text):
            problems.append(f"{where}: [{start}, {end}) outside the text ({len(text)} chars)")
        elif quoted is not None and text[start:end] != quoted:
            problems.append(f"{where}: text {quoted!r} is not the slice {text[start:end]!r}")

    for e in record.entities:
        for s, t in e.mentions:
            check(f"entity {e.id}", s, t)
    for p in record.places:
        for s, t in p.mentions:
            check(f"place {p.id}", s, t)
    for d in record.dates:
        check(f"date {d.date}", d.start, d.end, d.text)
    for q in record.quotes:
        check(f"quote {q.id}", q.start, q.end, q.text)
    for kind, items in (("event", record.events), ("claim", record.claims)):
        for item in items:
            if not item.evidence:
                problems.append(f"{kind} {item.id}: no evidence span")
            for ev in item.evidence:
                check(f"{kind} {item.id}", ev.start, ev.end, ev.text)
    for r in record.relations:
        if not r.evidence:
            problems.append(f"relation {r.subject} {r.predicate} {r.object}: no evidence span")
        for ev in r.evidence:
            check(f"relation {r.subject} {r.predicate} {r.object}", ev.start, ev.end, ev.text)
    return problems
