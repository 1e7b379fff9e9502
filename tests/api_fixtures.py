"""Hand-built `sitrep/1` records for the API and dashboard tests.

The API's behaviour (filters, pages, ids, auth, validation) must not depend on how well the
extraction stages do, so these tests store records whose every field is known. Texts are
written for the tests; evidence spans are found in them, so offsets are always consistent.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sitrep.record import Claim, DocumentMeta, Entity, Event, Record, Relation, Span
from sitrep.store import Store

MANDERA = dict(location="Mandera", admin1="Mandera", country="Kenya", latitude=3.9366, longitude=41.867,
               geo_precision=1)
SIRTE = dict(location="Sirte", admin1="Surt", country="Libya", latitude=31.2049, longitude=16.5887,
             geo_precision=1)

TEXT_A = (
    "Al-Shabaab fighters attacked a police post in Mandera on Monday, killing four officers, "
    "the county commissioner said. Commander Abdi Dahir was killed in the attack, police said. "
    "A day later, Kenyan troops regained control of the border village near Mandera.")
TEXT_B = (
    "Police in Mandera could not confirm that Commander Abdi Dahir was killed in the attack on the post. "
    "Residents said a roadside bomb hit a military truck outside Mandera on Wednesday, killing two soldiers.")
TEXT_C = (
    "Government forces fought Islamic State militants in Sirte on 12 October 2016. "
    "US aircraft carried out an air strike on Islamic State positions in Sirte the same day. "
    "<script>alert('stored')</script> Hundreds marched in Tripoli on 14 October 2016.")


def span(text: str, phrase: str) -> Span:
    start = text.index(phrase)
    return Span.of(text, start, start + len(phrase))


def entity(text: str, local_id: str, name: str, type_: str) -> Entity:
    starts, at = [], text.find(name)
    while at >= 0:
        starts.append((at, at + len(name)))
        at = text.find(name, at + 1)
    return Entity(id=local_id, name=name, type=type_, aliases=[name], mentions=starts)


def event(text: str, local_id: str, event_type: str, sub_type: str, day: str, actor1: str, actor2: str | None,
          phrase: str, place: dict, fatalities: int | None = None) -> Event:
    return Event(id=local_id, event_type=event_type, sub_event_type=sub_type, event_date=day, time_precision=1,
                 actor1=actor1, actor2=actor2, fatalities=fatalities, notes=phrase, confidence=0.8,
                 evidence=[span(text, phrase)], **place)


def records() -> list[tuple[Record, str]]:
    """Three documents: two Kenyan reports of one attack (they fuse) with a contradiction about a
    commander's death, and a Libyan one whose text holds HTML that must never run."""
    a = Record(
        document=DocumentMeta(id="kenya-a", source="Northern Courier", published="2019-03-05", chars=len(TEXT_A),
                              title="Police post attacked in Mandera"),
        entities=[entity(TEXT_A, "ent:al-shabaab", "Al-Shabaab", "ARMED_GROUP"),
                  entity(TEXT_A, "ent:abdi-dahir", "Abdi Dahir", "PERSON"),
                  entity(TEXT_A, "ent:police", "police", "ORG")],
        events=[event(TEXT_A, "evt:1", "Battles", "Armed clash", "2019-03-04", "Al-Shabaab", "Police Forces of Kenya",
                      "Al-Shabaab fighters attacked a police post in Mandera on Monday", MANDERA, 4),
                event(TEXT_A, "evt:2", "Strategic developments", "Non-violent transfer of territory", "2019-03-05",
                      "Military Forces of Kenya", None, "Kenyan troops regained control of the border village",
                      MANDERA)],
        claims=[Claim(id="c:1", text="Commander Abdi Dahir was killed in the attack", claimant="police",
                      claimant_id="ent:police", status="asserted", about=["ent:abdi-dahir"],
                      evidence=[span(TEXT_A, "Commander Abdi Dahir was killed in the attack, police said")])],
        relations=[Relation(subject="Abdi Dahir", predicate="member_of", object="Al-Shabaab",
                            subject_id="ent:abdi-dahir", object_id="ent:al-shabaab",
                            evidence=[span(TEXT_A, "Commander Abdi Dahir")])])
    b = Record(
        document=DocumentMeta(id="kenya-b", source="Coast Wire", published="2019-03-07", chars=len(TEXT_B),
                              title="Roadside bomb near Mandera"),
        entities=[entity(TEXT_B, "ent:abdi-dahir", "Abdi Dahir", "PERSON"),
                  entity(TEXT_B, "ent:police", "Police", "ORG")],
        events=[event(TEXT_B, "evt:1", "Battles", "Armed clash", "2019-03-04", "Al-Shabaab", "Police Forces of Kenya",
                      "the attack on the post", MANDERA),
                event(TEXT_B, "evt:2", "Explosions/Remote violence", "Remote explosive/landmine/IED", "2019-03-06",
                      "Al-Shabaab", "Military Forces of Kenya", "a roadside bomb hit a military truck outside Mandera",
                      MANDERA, 2)],
        claims=[Claim(id="c:1", text="Commander Abdi Dahir was killed in the attack", claimant="Police",
                      claimant_id="ent:police", status="uncertain", about=["ent:abdi-dahir"],
                      evidence=[span(TEXT_B, "could not confirm that Commander Abdi Dahir was killed in the attack")])])
    c = Record(
        document=DocumentMeta(id="libya-c", source="<b>Desert</b> Post", published="2016-10-14", chars=len(TEXT_C),
                              title="<img src=x onerror=\"document.title='pwned'\">Sirte fighting"),
        entities=[entity(TEXT_C, "ent:isis", "Islamic State", "ARMED_GROUP")],
        events=[event(TEXT_C, "evt:1", "Battles", "Armed clash", "2016-10-12", "Military Forces of Libya",
                      "Islamic State", "Government forces fought Islamic State militants in Sirte", SIRTE),
                event(TEXT_C, "evt:2", "Explosions/Remote violence", "Air/drone strike", "2016-10-12",
                      "Military Forces of the United States", "Islamic State",
                      "US aircraft carried out an air strike on Islamic State positions", SIRTE),
                event(TEXT_C, "evt:3", "Protests", "Peaceful protest", "2016-10-14", "Protesters (Libya)", None,
                      "<script>alert('stored')</script> Hundreds marched in Tripoli",
                      dict(SIRTE, location="Tripoli<img src=x onerror=\"document.title='pwned'\">",
                           admin1="Tripoli", latitude=32.8925, longitude=13.18))])
    return [(r, hashlib.sha256(text.encode()).hexdigest()) for r, text in ((a, TEXT_A), (b, TEXT_B), (c, TEXT_C))]


@dataclass(frozen=True)
class Seeded:
    url: str
    records: list[Record]


def seed(url: str) -> Seeded:
    items = records()
    with Store(url) as store:
        store.write(items)
    return Seeded(url, [r for r, _ in items])
