"""The events stage: ACLED types from text, realis, arguments, the code table and the shipped model."""
from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from .conftest import SHARED
from sitrep.event_lexicon import load_codes
from sitrep.event_model import NONE, default_model

ACLED_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians", "Protests", "Riots",
               "Strategic developments"}


def events_of(run, text, published="2021-05-06"):
    return run(text, published=published).events


def best(events):
    return max(events, key=lambda e: e.confidence)


@pytest.mark.parametrize("sentence, event_type, sub_event_type", [
    ("On Monday, al-Shabaab fighters clashed with Somali soldiers in Afgoye, killing four soldiers.",
     "Battles", "Armed clash"),
    ("Government troops recaptured the town of Palmyra from Islamic State fighters on Thursday.",
     "Battles", "Government regains territory"),
    ("A roadside bomb exploded under a police vehicle in Mosul on Tuesday, killing two officers.",
     "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("A suicide bomber blew himself up at a checkpoint in Kabul on Sunday, killing five soldiers.",
     "Explosions/Remote violence", "Suicide bomb"),
    ("Warplanes carried out airstrikes on rebel positions near Idlib on Tuesday, killing seven fighters.",
     "Explosions/Remote violence", "Air/drone strike"),
    ("Militants fired mortar shells at an army base in Kunduz on Friday.",
     "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Gunmen shot dead three farmers in their fields near Maiduguri on Sunday.",
     "Violence against civilians", "Attack"),
    ("Armed men kidnapped two aid workers from their vehicle near Dadaab on Monday.",
     "Violence against civilians", "Abduction/forced disappearance"),
    ("Hundreds of teachers marched peacefully through Nairobi on Friday to demand higher pay.",
     "Protests", "Peaceful protest"),
    ("Angry youths burned tyres, blocked roads and pelted police with stones in Kisumu on Monday.",
     "Riots", "Violent demonstration"),
    ("Police arrested 12 suspected gang members during a raid in Mombasa on Thursday.",
     "Strategic developments", "Arrests"),
    ("Soldiers seized a large cache of weapons and ammunition from a militant hideout in Garissa on Sunday.",
     "Strategic developments", "Disrupted weapons use"),
])
def test_events_each_type(run, sentence, event_type, sub_event_type):
    event = best(events_of(run, sentence))
    assert (event.event_type, event.sub_event_type) == (event_type, sub_event_type)


@pytest.mark.parametrize("sentence", [
    "The army denied that its soldiers had killed any civilians in the village.",
    "If the talks fail, the rebels will attack the capital.",
    "Officials fear that militants could launch new attacks before the election.",
    "Police did not arrest anyone after the meeting.",
    "The group threatened to bomb government buildings in Nairobi.",
    "The minister said the government plans to deploy troops to the border next month.",
    "We cannot confirm that the commander was killed.",
    "After the war is over, it would be impossible for them to seize another town.",
])
def test_events_not_real_no_event(run, sentence):
    assert events_of(run, sentence) == []


def test_events_three_events_in_one_article(run):
    text = ("On Monday, gunmen killed four villagers in Gwoza.\n\n"
            "On Tuesday, hundreds of students protested in Lagos against fuel prices.\n\n"
            "On Wednesday, police arrested 20 suspects in Kano after a raid on a hideout.")
    events = events_of(run, text, published="2021-05-06")
    assert [e.event_type for e in events] == ["Violence against civilians", "Protests", "Strategic developments"]
    assert [e.event_date for e in events] == ["2021-05-03", "2021-05-04", "2021-05-05"]
    assert [e.location for e in events] == ["Gwoza", "Lagos", "Kano"]


def test_events_acled_style_note(run):
    note = ("On 4 May 2021, 9 Taliban militants including a commander were killed and 4 were wounded when "
            "Afghan forces repulsed their attack in Khanabad district, Kunduz.")
    record = run(note, published="2021-05-04")
    (event,) = record.events
    assert (event.event_type, event.sub_event_type) == ("Battles", "Armed clash")
    assert event.event_date == "2021-05-04" and event.time_precision == 1
    assert event.fatalities == 9
    assert event.country == "Afghanistan"
    acled = {n: e.acled_names for e in record.entities for n in (e.name,)}
    named = {a for actor in (event.actor1, event.actor2) for a in [actor, *acled.get(actor, [])]}
    assert "Taliban" in named
    assert any(n.startswith("Military Forces of Afghanistan") for n in named)


def test_events_arguments_and_codes(run):
    text = "On Sunday, police shot dead two protesters during a demonstration against taxes in Kisumu, Kenya."
    event = best(events_of(run, text, published="2021-05-06"))
    assert event.event_type == "Protests"
    assert "Police Forces of Kenya" in (event.actor1, event.actor2)
    assert "Protesters (Kenya)" in (event.actor1, event.actor2)
    assert event.fatalities == 2
    code = load_codes()[event.sub_event_type]
    assert (event.cameo, event.plover) == (code.cameo, code.plover)
    assert 0.0 <= event.confidence <= 1.0
    assert all(text[s.start:s.end] == s.text for s in event.evidence)
    assert event.notes and event.notes.endswith(".")


def test_events_repeated_event_is_one(run):
    text = ("Gunmen attacked a bus near Mandera on Monday, killing six passengers. "
            "The attackers opened fire on the bus on Monday and fled.")
    events = events_of(run, text, published="2021-05-06")
    assert len(events) == 1 and len(events[0].evidence) == 2


def test_events_fixture_required_events(fixture_record):
    subs = {e.sub_event_type for e in fixture_record.events}
    assert {"Government regains territory", "Disrupted weapons use", "Suicide bomb", "Air/drone strike"} <= subs
    assert len(fixture_record.events) <= 6
    suicide = next(e for e in fixture_record.events if e.sub_event_type == "Suicide bomb")
    assert suicide.fatalities == 1


def test_events_code_table_covers_acled():
    rows = list(csv.DictReader(io.StringIO(
        resources.files("sitrep.data").joinpath("acled_codes.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 25 and {r["event_type"] for r in rows} == ACLED_TYPES
    assert len({r["sub_event_type"] for r in rows}) == 25


def test_events_shipped_model_is_small_and_consistent():
    path = resources.files("sitrep.data").joinpath("event_model.npz")
    assert path.stat().st_size < 2_000_000
    model = default_model()
    assert set(model.classes) - {NONE} <= set(load_codes())
    assert model.predict_proba(["_armedgroup_ militants attacked a police post"]).shape == (1, len(model.classes))


@pytest.mark.skipif(not (SHARED / "data" / "events").exists(), reason="../shared/data is absent")
def test_events_acled_notes_yield_events(extractor):
    from sitrep.eval.events import evaluate
    from sitrep.train import read_acled

    rows = read_acled(SHARED / "data" / "events" / "acled_afghanistan_2020-03.csv")[::25]
    metrics = evaluate(rows, extractor=extractor).metrics()
    assert metrics["with_event"] >= 0.9 * metrics["rows"]
    assert metrics["event_type_accuracy"] >= 0.8
