"""Cross-document fusion as pure functions: entities, events, claims, analyst edits."""
from __future__ import annotations

import random

import pytest

from sitrep import fuse
from sitrep.fuse import ClaimRef, EntityRef, EventEdit, EventRef
from sitrep.record import Claim, Entity, Event, Span


def event(**kw) -> Event:
    base = dict(id="evt:1", event_type="Battles", sub_event_type="Armed clash", event_date="2023-03-14",
                time_precision=1, actor1="Al-Shabaab", location="Afgooye", admin1="Lower Shabeelle",
                country="Somalia", latitude=2.1381, longitude=45.1212, geo_precision=1, confidence=0.6)
    return Event(**(base | kw))


def ref(doc: str, actors=("ent:al-shabaab",), published="2023-03-15", source=None, **kw) -> EventRef:
    return EventRef(doc, event(**kw), source or doc.upper(), published, frozenset(actors))


@pytest.mark.parametrize("change, same", [
    ({}, True),
    ({"event_date": "2023-03-15"}, True),                           # day precision: ±1 day
    ({"event_date": "2023-03-16"}, False),
    ({"event_date": "2023-03-19", "time_precision": 2}, True),      # week precision on one side: ±7 days
    ({"event_date": "2023-03-23", "time_precision": 2}, False),
    ({"event_date": "2023-04-10", "time_precision": 3}, True),      # month precision: ±31 days
    ({"event_date": None}, False),                                  # no date, no evidence it is the same event
    ({"latitude": 2.30, "longitude": 45.20}, True),                 # ~20 km away
    ({"latitude": 2.45, "longitude": 45.12}, False),                # ~35 km away
    ({"location": "Lower Shabeelle", "latitude": 1.9, "longitude": 44.6, "geo_precision": 3}, True),
    ({"admin1": "Banaadir", "geo_precision": 3}, False),
    ({"country": "Kenya"}, False),
    ({"event_type": "Violence against civilians", "sub_event_type": "Attack"}, False),
])
def test_fuse_events_match_on_type_date_window_and_place(change, same):
    assert fuse.events_match(ref("a"), ref("b", **change)) is same


@pytest.mark.parametrize("a, b, same", [
    ({"ent:al-shabaab"}, {"ent:al-shabaab", "ent:somali-army"}, True),
    ({"ent:al-shabaab"}, set(), True),                              # a report naming no actor does not contradict
    ({"ent:al-shabaab"}, {"ent:isis"}, False),
])
def test_fuse_events_match_needs_a_shared_actor(a, b, same):
    assert fuse.events_match(ref("a", actors=a), ref("b", actors=b)) is same


def test_fuse_events_never_merges_two_events_of_one_report():
    assert not fuse.events_match(ref("a"), ref("a", id="evt:2"))


def test_fuse_event_keeps_most_precise_date_and_place_and_lowest_fatalities():
    reports = [
        ref("a", published="2023-03-15", fatalities=7, event_date="2023-03-14", time_precision=1,
            evidence=[Span(start=0, end=9, text="yesterday")]),
        ref("b", published="2023-03-16", fatalities=5, time_precision=2, event_date="2023-03-13",
            location="Lower Shabeelle", geo_precision=3, latitude=1.9, longitude=44.6, sub_event_type="Attack"),
        ref("c", published="2023-03-15", fatalities=9, sub_event_type="Armed clash"),
    ]
    (fused,) = fuse.fuse_events(reports)
    assert (fused.event_date, fused.time_precision) == ("2023-03-14", 1)
    assert (fused.location, fused.geo_precision, fused.latitude) == ("Afgooye", 1, 2.1381)
    assert (fused.fatalities, fused.fatalities_min, fused.fatalities_max) == (5, 5, 9)
    assert fused.sub_event_type == "Armed clash"
    assert fused.corroboration == 3
    assert [s.document_id for s in fused.sources] == ["a", "c", "b"]  # earliest report first
    assert fused.sources[0].evidence[0].text == "yesterday"


def test_fuse_events_keeps_separate_incidents_apart():
    reports = [ref("a"), ref("b"), ref("c", location="Beledweyne", admin1="Hiiraan", latitude=4.7358,
                                        longitude=45.2036)]
    fused = fuse.fuse_events(reports)
    assert sorted(e.corroboration for e in fused) == [1, 2]


def test_fuse_event_ids_do_not_depend_on_input_order():
    reports = [ref(d, published=f"2023-03-1{n}") for n, d in enumerate("abcd", 5)]
    ids = {tuple(e.id for e in fuse.fuse_events(random.Random(seed).sample(reports, 4))) for seed in range(5)}
    assert len(ids) == 1
    # a later report joins the cluster without renaming it
    assert fuse.fuse_events(reports[:2])[0].id == fuse.fuse_events(reports)[0].id


def test_fuse_events_chain_through_a_middle_report():
    """Components, not pairs: a↔b and b↔c put a and c together even when a and c alone would not."""
    reports = [ref("a", event_date="2023-03-13"), ref("b", event_date="2023-03-14"),
               ref("c", event_date="2023-03-15")]
    assert not fuse.events_match(reports[0], reports[2])
    assert [e.corroboration for e in fuse.fuse_events(reports)] == [3]


def test_fuse_canonical_actors_maps_local_names_to_cross_document_ones():
    canon = {"shabaab": ("ent:al-shabaab", "Al-Shabaab"), "al shabaab": ("ent:al-shabaab", "Al-Shabaab")}
    renamed, keys = fuse.canonical_actors(event(actor1="al-Shabaab", actor2="Somali Army"), canon)
    assert renamed.actor1 == "Al-Shabaab" and renamed.actor2 == "Somali Army"
    assert keys == {"ent:al-shabaab", "name:al shabaab", "name:somali army"}


def entity(doc: str, name: str, type_: str = "PERSON", aliases=(), eid: str | None = None) -> EntityRef:
    from sitrep.aliases import slug

    return EntityRef(doc, Entity(id=eid or "ent:" + slug(name), name=name, type=type_,
                                 aliases=[name, *aliases], mentions=[(0, len(name))]))


@pytest.mark.parametrize("a, b, same", [
    (("ISIS", "ARMED_GROUP", ("IS",)), ("ISIS", "ARMED_GROUP", ()), True),             # same id
    (("Islamic State", "ARMED_GROUP", ("ISIS",)), ("ISIS", "ORG", ()), True),          # shared alias, org family
    (("Mohammed Al-Ghosri", "PERSON", ()), ("Mohamed al-Ghasri", "PERSON", ()), True),  # transliterations
    (("Mohammed Al-Ghosri", "PERSON", ()), ("Mahmoud Al-Ghoul", "PERSON", ()), False),
    (("Ahmed Ali", "PERSON", ("Ali",)), ("Hassan Ali", "PERSON", ("Ali",)), False),     # a lone surname is no key
    (("Jordan", "STATE", ()), ("Michael Jordan", "PERSON", ("Jordan",)), False),        # different kinds
])
def test_fuse_entities_match_across_documents(a, b, same):
    assert fuse.entities_match(entity("d1", a[0], a[1], a[2]), entity("d2", b[0], b[1], b[2])) is same


def test_fuse_entities_builds_canonical_entity_with_aliases_and_counts():
    refs = [entity("d1", "Mohammed Al-Ghosri"), entity("d2", "Mohammed Al-Ghosri"),
            entity("d3", "Mohamed al-Ghasri"), entity("d3", "Al-Shabaab", "ARMED_GROUP")]
    fused = {e.id: e for e in fuse.fuse_entities(refs)}
    assert set(fused) == {"ent:mohammed-al-ghosri", "ent:al-shabaab"}
    person = fused["ent:mohammed-al-ghosri"]
    assert person.documents == 3 and person.mentions == 3
    assert person.aliases == ["Mohamed al-Ghasri", "Mohammed Al-Ghosri"]


def test_fuse_entities_analyst_link_merges_and_keeps_the_first_name():
    refs = [entity("d1", "Abu Musa"), entity("d2", "Musa Gana")]
    assert len(fuse.fuse_entities(refs)) == 2
    (merged,) = fuse.fuse_entities(refs, links=[("id:ent:musa-gana", "id:ent:abu-musa")])
    assert merged.id == "ent:musa-gana" and merged.documents == 2


def claim(doc: str, text: str, status: str, about=("ent:bako-gana",), cid: str = "c:1") -> ClaimRef:
    return ClaimRef(doc, Claim(id=cid, text=text, status=status, about=list(about)), doc.upper(),
                    "2023-03-16", frozenset(about))


@pytest.mark.parametrize("a, b, same", [
    ("ISWAP commander Bako Gana was killed in the strike",
     "reports that ISWAP commander Bako Gana had been killed in the air strike near Monguno", True),
    ("Bako Gana was killed", "Bako Gana was not killed", True),     # negation is status, not content
    ("Bako Gana was killed in the strike", "Bako Gana met tribal elders in Maiduguri", False),
])
def test_fuse_claims_match_on_proposition(a, b, same):
    assert fuse.claims_match(claim("d1", a, "asserted"), claim("d2", b, "asserted")) is same


@pytest.mark.parametrize("a, b, same", [
    (("ent:gana",), ("ent:gana",), True),
    (("ent:iswap", "ent:gana"), ("ent:iswap", "ent:gana", "ent:monguno"), True),
    (("ent:a",), ("ent:b",), False),
    (("ent:al-shabaab", "ent:afgooye"), ("ent:al-shabaab", "ent:beledweyne"), False),  # same actor, other place
    ((), (), False),                                                                   # no subject, no grouping
])
def test_fuse_claims_need_mostly_the_same_subjects(a, b, same):
    text = "the militants killed soldiers in an attack on the base"
    assert fuse.claims_match(claim("d1", text, "asserted", about=a), claim("d2", text, "asserted", about=b)) is same


@pytest.mark.parametrize("statuses, contradiction", [
    (("asserted", "uncertain"), True),
    (("reported", "denied"), True),
    (("asserted", "reported"), False),
    (("asserted", "predicted"), False),
])
def test_fuse_group_claims_flags_opposite_statuses(statuses, contradiction):
    refs = [claim(f"d{n}", "Bako Gana was killed in the air strike", s) for n, s in enumerate(statuses)]
    (group,) = fuse.group_claims(refs)
    assert group.contradiction is contradiction
    assert group.sources == 2 and sorted(m.status for m in group.members) == sorted(statuses)


def test_fuse_apply_edits_follows_the_reports_when_the_id_changes():
    before = fuse.fuse_events([ref("b", published="2023-03-16"), ref("c", published="2023-03-17")])[0]
    edit = EventEdit(id="x1", target=before.id, members=[("b", "evt:1"), ("c", "evt:1")], field="fatalities",
                     value=12)
    # an earlier report arrives: the cluster's anchor and so its id change
    after = fuse.fuse_events([ref("a", published="2023-03-15"), ref("b", published="2023-03-16"),
                              ref("c", published="2023-03-17")])
    assert after[0].id != before.id
    (edited,) = fuse.apply_edits(after, [edit])
    assert edited.fatalities == 12 and edited.edited == {"fatalities": "x1"}


def test_fuse_apply_edits_ignores_edits_of_other_events():
    events = fuse.fuse_events([ref("a")])
    edit = EventEdit(id="x1", target="fev:other", members=[("z", "evt:1")], field="notes", value="n")
    assert fuse.apply_edits(events, [edit]) == events


@pytest.mark.parametrize("field, raw, value", [
    ("fatalities", "12", 12), ("latitude", "2.5", 2.5), ("actor2", "Civilians (Somalia)", "Civilians (Somalia)"),
    ("assoc_actors", "A; B", ["A", "B"]), ("notes", "null", None), ("event_date", "2023-03-14", "2023-03-14"),
])
def test_fuse_parse_edit_types_values(field, raw, value):
    assert fuse.parse_edit(field, raw) == value


@pytest.mark.parametrize("field, raw", [
    ("fatalities", "many"), ("fatalities", "-1"), ("time_precision", "4"), ("latitude", "95"),
    ("event_date", "14/03/2023"), ("corroboration", "3"), ("colour", "red"),
])
def test_fuse_parse_edit_refuses_bad_values(field, raw):
    with pytest.raises(fuse.FusionError):
        fuse.parse_edit(field, raw)
