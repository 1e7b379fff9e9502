"""Exports: ACLED CSV with ACLED's exact header, RFC 7946 GeoJSON, Parquet, JSONL — on both databases."""
from __future__ import annotations

import contextlib
import csv
import io
import json

import duckdb
import pytest
from shapely.geometry import Point, shape
from typer.testing import CliRunner

from sitrep.cli import app
from sitrep.export import ExportError, acled_columns, acled_row, export
from sitrep.ingest import read
from sitrep.record import Record
from sitrep.store import Filters, ingest

from .conftest import FIXTURE, SHARED
from .store_fixtures import corpus_records, digest

ACLED_FILE = SHARED / "data" / "events" / "acled_afghanistan_2020-03.csv"


@pytest.fixture
def filled(store):
    store.write([(r, digest(r)) for r in corpus_records()])
    return store


def run(store, fmt: str, **kw) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        export(store, fmt, **kw)
    return out.getvalue()


def acled_header() -> str:
    if not ACLED_FILE.exists():
        pytest.skip("../shared/data is absent")
    with ACLED_FILE.open(encoding="utf-8") as fh:
        return fh.readline().rstrip("\n")


def test_export_ships_acleds_header():
    assert ",".join(acled_columns()) == acled_header()


@pytest.mark.parametrize("fused", [False, True])
def test_export_acled_csv_header_is_identical_to_acleds(filled, fused):
    assert run(filled, "acled-csv", fused=fused).splitlines()[0] == acled_header()


def test_export_acled_csv_fills_acled_fields(filled):
    rows = list(csv.DictReader(io.StringIO(run(filled, "acled-csv", fused=True))))
    assert len(rows) == 3
    row = next(r for r in rows if r["location"] == "Afgooye")
    assert {k: row[k] for k in ("event_date", "year", "time_precision", "event_type", "sub_event_type", "actor1",
                                "actor2", "country", "admin1", "geo_precision", "fatalities", "iso3", "iso")} == {
        "event_date": "14 March 2023", "year": "2023", "time_precision": "1", "event_type": "Battles",
        "sub_event_type": "Armed clash", "actor1": "Al Shabaab", "actor2": "Military Forces of Somalia (2022-)",
        "country": "Somalia", "admin1": "Lower Shabeelle", "geo_precision": "1", "fatalities": "5",
        "iso3": "SOM", "iso": "706"}
    assert row["source"] == "Horn Observer; East Africa Wire; Mogadishu Times"
    assert row["event_id_cnty"].startswith("fev:") and int(row["timestamp"]) > 1_600_000_000
    assert (float(row["latitude"]), float(row["longitude"])) == (2.1381, 45.1212)
    assert row["inter1"] == row["region"] == ""  # unknown stays empty, never invented


@pytest.mark.parametrize("country, expected", [
    ("Nigeria", "Islamic State (Nigeria)"), ("Libya", "Islamic State (Libya)"), (None, "Islamic State (Libya)")])
def test_export_acled_actor_branch_follows_the_event_country(country, expected):
    event = {"id": "e", "event_date": "2020-01-01", "time_precision": 1, "event_type": "Battles",
             "sub_event_type": "Armed clash", "actor1": "ISIS", "actor2": "Police", "assoc_actors": [],
             "country": country, "admin1": None, "location": None, "latitude": None, "longitude": None,
             "geo_precision": None, "source": None, "notes": None, "fatalities": None, "timestamp": None}
    row = dict(zip(acled_columns(), acled_row(event, {"ISIS": "Islamic State (Libya)",
                                                       "Police": "Military Forces of Libya (2016-)"})))
    assert row["actor1"] == expected and row["actor2"] == "Military Forces of Libya (2016-)"


def test_export_acled_dates_look_like_acleds():
    if not ACLED_FILE.exists():
        pytest.skip("../shared/data is absent")
    with ACLED_FILE.open(encoding="utf-8") as fh:
        dates = {r["event_date"] for r in csv.DictReader(fh)}
    assert "09 March 2020" in dates  # the format export writes: two-digit day, English month


def test_export_geojson_is_valid_rfc7946(filled):
    collection = json.loads(run(filled, "geojson"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert len(collection["features"]) == 7
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["id"], str)
        point = shape(feature["geometry"])
        assert isinstance(point, Point) and point.is_valid
        assert -180 <= point.x <= 180 and -90 <= point.y <= 90
        assert "latitude" not in feature["properties"]
    afgooye = next(f for f in collection["features"] if f["properties"]["location"] == "Afgooye")
    assert afgooye["geometry"]["coordinates"] == [45.1212, 2.1381]  # longitude first


def test_export_geojson_keeps_unlocated_events_without_geometry(store):
    record = corpus_records()[0]
    record.events[0] = record.events[0].model_copy(update={"latitude": None, "longitude": None})
    store.write([(record, "h")])
    (feature,) = json.loads(run(store, "geojson", fused=True))["features"]
    assert feature["geometry"] is None and feature["properties"]["location"] == "Afgooye"


@pytest.mark.parametrize("fused", [False, True])
def test_export_parquet_round_trips_through_duckdb(filled, tmp_path, fused):
    path = tmp_path / "events.parquet"
    assert export(filled, "parquet", path, fused=fused) == (3 if fused else 7)
    expected = {e["id"] if fused else f"{e['document_id']}#{e['event_id']}": e
                for e in filled.events(fused=fused)}
    got = duckdb.sql(f"SELECT id, event_date, fatalities, assoc_actors, latitude, evidence "
                     f"FROM read_parquet('{path}')").fetchall()
    assert {row[0] for row in got} == set(expected)
    for key, day, fatalities, assoc, latitude, evidence in got:
        assert (day.isoformat(), fatalities, latitude) == (
            expected[key]["event_date"], expected[key]["fatalities"], expected[key]["latitude"])
        assert isinstance(assoc, list) and isinstance(json.loads(evidence), list)


def test_export_jsonl_round_trips_records(filled):
    lines = run(filled, "jsonl").splitlines()
    assert sorted(Record.model_validate_json(line).document.id for line in lines) == sorted(
        r.document.id for r in corpus_records())
    fused = [json.loads(line) for line in run(filled, "jsonl", fused=True).splitlines()]
    assert sorted(e["corroboration"] for e in fused) == [1, 3, 3]


def test_export_applies_filters(filled):
    rows = list(csv.DictReader(io.StringIO(run(filled, "acled-csv", fused=True,
                                               filters=Filters(country="Nigeria")))))
    assert [r["location"] for r in rows] == ["Monguno"]


@pytest.mark.parametrize("fmt, output, message", [("parquet", None, "-o FILE"), ("xml", None, "unknown format")])
def test_export_refuses_what_it_cannot_write(filled, fmt, output, message):
    with pytest.raises(ExportError, match=message):
        export(filled, fmt, output)


def test_export_of_the_fixture_in_every_format(store_url, extractor, tmp_path):
    """Acceptance: the seed article, ingested with the real extractor, exports in every format."""
    if not FIXTURE.exists():
        pytest.skip("../shared/fixtures is absent")
    from sitrep.store import Store

    with Store(store_url) as store:
        assert ingest(store, read([str(FIXTURE)]), extractor).ingested == 1
    runner = CliRunner()
    for fmt, name in (("acled-csv", "x.csv"), ("geojson", "x.geojson"), ("parquet", "x.parquet"),
                      ("jsonl", "x.jsonl")):
        done = runner.invoke(app, ["export", "--format", fmt, "--fused", "--db", store_url, "-o",
                                   str(tmp_path / name)])
        assert done.exit_code == 0, done.output
    assert (tmp_path / "x.csv").read_text(encoding="utf-8").splitlines()[0] == acled_header()
    for feature in json.loads((tmp_path / "x.geojson").read_text())["features"]:
        assert feature["geometry"] is None or shape(feature["geometry"]).is_valid
    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{tmp_path / 'x.parquet'}')").fetchall()[0][0]
    assert rows == len((tmp_path / "x.jsonl").read_text().splitlines())
