"""The store on DuckDB and on a real PostgreSQL server: schema, writes, incremental fusion, corrections,
queries, idempotent ingest, and recovery from a run killed with SIGKILL."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.ingest import Document, read
from sitrep.record import ErrorRecord
from sitrep.store import Filters, Store, StoreError, ingest, resolve_url
from sitrep.store.migrate import migrate, migrations
from sitrep.store.schema import metadata

from .store_fixtures import CORPUS, battle, corpus_records, digest, dump, report, strike

FUSED = ("entities", "entity_aliases", "fused_events", "claim_groups")


def write(store: Store, records) -> None:
    store.write([(r, digest(r)) for r in records])


def clusters(store: Store) -> list[list[str]]:
    """Fused events as sorted lists of their source documents."""
    return sorted(sorted({s["document_id"] for s in e["sources"]}) for e in store.events(fused=True))


def fused_by_doc(store: Store, doc: str) -> dict:
    return next(e for e in store.events(fused=True) if doc in {s["document_id"] for s in e["sources"]})


# --- schema ------------------------------------------------------------------------------------

def test_store_migrations_create_exactly_the_described_schema(store):
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"))
        found = {(t, c) for t, c in rows}
    assert found == {(t.name, c.name) for t in metadata.sorted_tables for c in t.columns}


def test_store_migrations_apply_once_and_are_numbered(store):
    assert [m.version for m in migrations()] == list(range(1, len(migrations()) + 1))
    assert migrate(store.engine) == []
    with Store(store.url.render_as_string(hide_password=False)) as again:
        assert again.counts()["documents"] == 0


@pytest.mark.parametrize("url, backend", [
    (None, "duckdb"), ("data/x.duckdb", "duckdb"), ("duckdb:///tmp/x.duckdb", "duckdb"),
    ("postgresql://u@h/db", "postgresql"),
])
def test_store_resolve_url_accepts_paths_and_both_databases(url, backend):
    assert resolve_url(url).get_backend_name() == backend


@pytest.mark.parametrize("url", ["sqlite:///x.db", "postgresql://u@h:notaport/db"])
def test_store_resolve_url_refuses_other_databases(url):
    with pytest.raises(StoreError):
        resolve_url(url)


def test_store_open_reports_an_unreachable_server_in_one_line():
    with pytest.raises(StoreError, match="cannot open postgresql.*refused"):
        Store("postgresql://postgres:secret@127.0.0.1:1/x")


# --- fusion through the store -------------------------------------------------------------------

def test_store_fuses_the_corpus_into_its_incidents_and_one_contradiction(store):
    write(store, corpus_records())
    assert clusters(store) == [["a1-horn-observer", "a2-mogadishu-times", "a3-east-africa-wire"],
                               ["b1-lake-chad-monitor", "b2-sahel-wire", "b3-borno-herald"], ["c1-hiiraan-voice"]]
    afgooye = fused_by_doc(store, "a1-horn-observer")
    assert (afgooye["fatalities"], afgooye["fatalities_min"], afgooye["fatalities_max"]) == (5, 5, 9)
    assert afgooye["corroboration"] == 3 and afgooye["source"] == "Horn Observer; East Africa Wire; Mogadishu Times"
    assert afgooye["sub_event_type"] == "Armed clash" and afgooye["event_date"] == "2023-03-14"
    (contradiction,) = store.claims(fused=True, contradictions=True)
    assert {(m["document_id"], m["status"]) for m in contradiction["members"]} == {
        ("b1-lake-chad-monitor", "asserted"), ("b2-sahel-wire", "uncertain")}
    assert all(m["evidence"] is not None for m in contradiction["members"])
    entities = {e["id"]: e for e in store.entities()}
    assert entities["ent:al-shabaab"]["documents"] == 4 and entities["ent:iswap"]["documents"] == 3


def test_store_incremental_fusion_equals_fusing_everything_at_once(new_store_url):
    records = corpus_records()
    with Store(new_store_url()) as at_once, Store(new_store_url()) as one_by_one:
        write(at_once, records)
        for record in random.Random(7).sample(records, len(records)):
            write(one_by_one, [record])
        assert dump(one_by_one) == dump(at_once)


def test_store_changed_document_replaces_its_own_rows_and_refuses(new_store_url):
    records = corpus_records()
    changed = report("b2-sahel-wire", "Sahel Wire", "2023-03-17", [strike("2023-04-20", 2)], (),
                     records[4].entities, version="test-2")
    with Store(new_store_url()) as store, Store(new_store_url()) as fresh:
        write(store, records)
        write(store, [changed])
        assert store.counts()["documents"] == 7
        assert [e["event_date"] for e in store.events(Filters(text="")) if e["document_id"] == "b2-sahel-wire"] \
            == ["2023-04-20"]
        assert ["b2-sahel-wire"] in clusters(store) and ["b1-lake-chad-monitor", "b3-borno-herald"] in clusters(store)
        assert list(store.claims(fused=True, contradictions=True)) == []
        write(fresh, [*records[:4], changed, *records[5:]])
        assert dump(store) == dump(fresh)


def test_store_write_is_atomic(store):
    write(store, corpus_records()[:2])
    before = dump(store)
    bad = report("x", "X", "2023-03-15", [battle("2023-03-14", 1)])
    with pytest.raises(Exception):
        store.write([(bad, "h")], on_stored=lambda record: 1 / 0)
    assert dump(store) == before


# --- analyst corrections ------------------------------------------------------------------------

def test_store_event_edit_is_audited_and_survives_reingest_and_reextraction(store):
    records = corpus_records()
    write(store, records)
    target = fused_by_doc(store, "a1-horn-observer")
    edited = store.edit_event(target["id"], {"fatalities": "6", "actor2": "Military Forces of Somalia"}, "ana")
    assert edited["fatalities"] == 6 and set(edited["edited"]) == {"fatalities", "actor2"}
    write(store, records)  # the same again
    # re-extraction by a newer extractor, and an earlier report that takes over as the cluster's anchor
    write(store, [report("a1-horn-observer", "Horn Observer", "2023-03-15", [battle("2023-03-14", 8)], (),
                         records[0].entities, version="test-2"),
                  report("a0-early", "Early Wire", "2023-03-14", [battle("2023-03-14", 4)])])
    after = fused_by_doc(store, "a1-horn-observer")
    assert after["id"] != target["id"] and after["corroboration"] == 4
    assert (after["fatalities"], after["actor2"], after["fatalities_min"]) == (6, "Military Forces of Somalia", 4)
    audit = [(c["author"], c["field"], c["value"], c["previous"]) for c in store.corrections()]
    assert sorted(audit) == [("ana", "actor2", "Military Forces of Somalia", "Somali National Army"),
                             ("ana", "fatalities", 6, 5)]


@pytest.mark.parametrize("event_id, changes, message", [
    ("fev:missing", {"fatalities": "1"}, "no fused event"),
    (None, {"corroboration": "9"}, "cannot edit"),
    (None, {"fatalities": "some"}, "bad value"),
])
def test_store_event_edit_refuses_what_it_cannot_apply(store, event_id, changes, message):
    write(store, corpus_records())
    with pytest.raises(StoreError, match=message):
        store.edit_event(event_id or fused_by_doc(store, "c1-hiiraan-voice")["id"], changes)


def test_store_merge_entities_joins_actors_and_their_events_for_good(store):
    def sna_report(version: str = "test-1"):
        from sitrep.record import Entity

        sna = Entity(id="ent:sna", name="SNA", type="ORG", aliases=["SNA"], mentions=[(0, 3)])
        return report("d-sna", "Wire", "2023-03-15", [battle("2023-03-14", 2, actor1="SNA", actor2=None)], (),
                      [sna], version=version)

    army_only = report("d-army", "Post", "2023-03-15",
                       [battle("2023-03-14", 2, actor1="Somali National Army", actor2=None)], (),
                       [corpus_records()[0].entities[1]])
    write(store, [army_only, sna_report()])
    assert len(clusters(store)) == 2  # no shared actor: two events
    merged = store.merge_entities("Somali National Army", "ent:sna", author="ana")
    assert merged["id"] == "ent:somali-national-army" and merged["documents"] == 2
    assert clusters(store) == [["d-army", "d-sna"]]
    write(store, [sna_report("test-2")])  # re-extracted: the merge still holds
    assert clusters(store) == [["d-army", "d-sna"]]
    assert {e["id"] for e in store.entities()} == {"ent:somali-national-army"}
    (audit,) = store.corrections()
    assert (audit["kind"], audit["target"], audit["value"], audit["author"]) == (
        "merge-entities", "ent:somali-national-army", "ent:sna", "ana")


@pytest.mark.parametrize("a, b, message", [("ent:nobody", "ent:iswap", "no entity"),
                                           ("ISWAP", "Islamic State West Africa Province", "already one entity")])
def test_store_merge_entities_refuses_unknown_or_identical(store, a, b, message):
    write(store, corpus_records())
    with pytest.raises(StoreError, match=message):
        store.merge_entities(a, b)


# --- queries -----------------------------------------------------------------------------------

@pytest.mark.parametrize("filters, docs", [
    (Filters(country="somalia"), {"a1", "a2", "a3", "c1"}),
    (Filters(admin1="Borno"), {"b1", "b2", "b3"}),
    (Filters(bbox=(44.0, 1.0, 46.0, 3.0)), {"a1", "a2", "a3"}),
    (Filters(actor="Islamic State West Africa Province"), {"b1", "b2", "b3"}),   # an alias finds the actor
    (Filters(actor="shabaab"), {"a1", "a2", "a3", "c1"}),
    (Filters(type="air/drone"), {"b1", "b2", "b3"}),
    (Filters(text="Beledweyne"), {"c1"}),
    (Filters(since="2023-03-15", until="2023-03-15"), {"b1", "b2", "b3"}),
    (Filters(country="Somalia", limit=2), {"a1", "a2"}),
])
def test_store_query_events_filters(store, filters, docs):
    write(store, corpus_records())
    assert {e["document_id"][:2] for e in store.events(filters)} == docs
    fused_docs = {s["document_id"][:2] for e in store.events(filters, fused=True) for s in e["sources"]}
    assert fused_docs == docs or filters.limit


@pytest.mark.parametrize("filters, expected", [
    (Filters(actor="Bako Gana"), {"b1", "b2"}),
    (Filters(type="uncertain"), {"b2"}),
    (Filters(text="responsibility"), {"a1"}),
])
def test_store_query_claims_filters(store, filters, expected):
    write(store, corpus_records())
    assert {c["document_id"][:2] for c in store.claims(filters)} == expected


def test_store_query_refuses_filters_that_do_not_apply(store):
    with pytest.raises(StoreError, match="--country"):
        list(store.claims(Filters(country="Somalia")))


def test_store_query_entities_by_alias_and_type(store):
    write(store, corpus_records())
    assert [e["id"] for e in store.entities(Filters(actor="Islamic State West"))] == ["ent:iswap"]
    assert [e["id"] for e in store.entities(Filters(type="person"))] == ["ent:bako-gana"]


# --- ingest with the real extractor ---------------------------------------------------------------

def test_store_ingest_twice_changes_nothing(store, extractor):
    first = ingest(store, read([str(CORPUS)]), extractor, batch_size=3)
    assert (first.ingested, first.skipped, first.failed) == (7, 0, [])
    before = dump(store)
    second = ingest(store, read([str(CORPUS)]), extractor, batch_size=3)
    assert (second.ingested, second.skipped, second.failed) == (0, 7, [])
    assert dump(store) == before


def test_store_ingest_replaces_changed_text_and_reports_failures(store, extractor):
    docs = [Document(id="r1", text="Militants attacked a police station in Kismayo on Monday.", published="2023-03-15"),
            Document(id="r2", text="Troops clashed with militants near Garissa yesterday.", published="2023-03-15")]
    ingest(store, docs, extractor)
    outcomes = []
    summary = ingest(store, [
        Document(id="r1", text="Militants attacked two police stations in Kismayo on Monday.", published="2023-03-15"),
        Document(id="copy-of-r2", text=docs[1].text),  # the same text under another id: a duplicate
        ErrorRecord(id="broken", error="not valid UTF-8 at byte 3"),
    ], extractor, on_document=lambda doc_id, outcome: outcomes.append((doc_id, outcome)))
    assert (summary.ingested, summary.replaced, summary.skipped) == (1, 1, 1)
    assert summary.failed == [("broken", "not valid UTF-8 at byte 3")]
    assert sorted(outcomes) == [("broken", "failed"), ("copy-of-r2", "skipped"), ("r1", "stored")]
    assert [r.document.chars for r in store.records() if r.document.id == "r1"] == [len(
        "Militants attacked two police stations in Kismayo on Monday.")]


DRIVER = textwrap.dedent("""
    import sys, time
    from sitrep.extract import Extractor
    from sitrep.ingest import read
    from sitrep.store import Store, ingest

    url, corpus, hold_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    stored = 0

    def on_document(doc_id, outcome):
        global stored
        if outcome == "stored":
            stored += 1
            print(stored, flush=True)
            if stored == hold_at:
                time.sleep(600)  # inside the batch's open transaction, until the test kills us

    with Store(url) as store:
        ingest(store, read([corpus]), Extractor(), batch_size=2, on_document=on_document)
""")


def test_store_ingest_killed_mid_batch_then_rerun_equals_uninterrupted_run(new_store_url, extractor, tmp_path):
    killed_url, clean_url = new_store_url(), new_store_url()
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    proc = subprocess.Popen([sys.executable, str(script), killed_url, str(CORPUS), "3"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = iter(proc.stdout.readline, "")
        assert next((line for line in lines if line.strip() == "3"), None), proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)  # the third document is written but its batch is not committed
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Store(killed_url) as store:
        assert store.counts()["documents"] == 2  # the first batch, whole
        rerun = ingest(store, read([str(CORPUS)]), extractor, batch_size=2)
        assert (rerun.skipped, rerun.ingested, rerun.failed) == (2, 5, [])
        killed = dump(store)
    with Store(clean_url) as store:
        ingest(store, read([str(CORPUS)]), extractor, batch_size=2)
        assert dump(store) == killed


def test_store_real_extraction_of_the_corpus_fuses_as_expected(store, extractor):
    """End to end: this one also depends on the places, dates, events and claims stages."""
    ingest(store, read([str(CORPUS)]), extractor)
    multi = sorted(c for c in clusters(store) if len(c) > 1)
    assert multi == [["a1-horn-observer", "a2-mogadishu-times", "a3-east-africa-wire"],
                     ["b1-lake-chad-monitor", "b2-sahel-wire", "b3-borno-herald"]]
    (contradiction,) = store.claims(fused=True, contradictions=True)
    assert {m["document_id"] for m in contradiction["members"]} == {"b1-lake-chad-monitor", "b2-sahel-wire"}


# --- the command line ------------------------------------------------------------------------

def test_store_cli_ingest_query_edit_merge(store_url):
    runner = CliRunner(env={"COLUMNS": "250"})  # wide enough that table cells do not wrap
    done = runner.invoke(app, ["ingest", str(CORPUS), "--db", store_url])
    assert done.exit_code == 0, done.output
    assert "ingested 7 (0 replacing an earlier version), skipped 0 duplicates, failed 0" in done.output
    again = runner.invoke(app, ["ingest", str(CORPUS), "--db", store_url])
    assert "ingested 0 (0 replacing an earlier version), skipped 7 duplicates" in again.output
    listed = runner.invoke(app, ["query", "events", "--fused", "--db", store_url, "--limit", "100"])
    assert listed.exit_code == 0 and " fev:" in listed.output
    with Store(store_url) as store:
        fused_id = next(store.events(fused=True))["id"]
        names = [e["name"] for e in store.entities()][:2]
    edited = runner.invoke(app, ["edit", "event", fused_id, "--set", "fatalities=11", "--author", "ana",
                                 "--db", store_url])
    assert edited.exit_code == 0 and f"{fused_id}: fatalities = 11" in edited.output
    merged = runner.invoke(app, ["merge-entities", names[0], names[1], "--db", store_url])
    assert merged.exit_code == 0, merged.output
    audit = runner.invoke(app, ["query", "corrections", "--db", store_url])
    assert "edit-event" in audit.output and "merge-entities" in audit.output
    bad = runner.invoke(app, ["query", "claims", "--bbox", "1,2,3", "--db", store_url])
    assert bad.exit_code == 1 and "--bbox" in bad.output
