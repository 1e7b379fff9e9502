"""Store fixtures: every store test runs on DuckDB and on a real, throwaway PostgreSQL server.

The server is a fresh cluster (initdb) in a temporary directory on a free 127.0.0.1 port with trust
authentication, started once per session and stopped at the end. initdb refuses to run as root,
so under root the cluster belongs to the `postgres` OS user.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from sitrep.record import Claim, DocumentMeta, Entity, Event, Record, Span
from sitrep.store import Store
from sitrep.store.schema import metadata


def _pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """Base URL of a running PostgreSQL server, as superuser `postgres`."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL binaries (initdb): install the Debian package postgresql (scripts/setup.sh does)")
    prefix: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="sitrep-pg-"))  # not under pytest's 0700 root-owned tmp tree
    if os.geteuid() == 0:
        try:
            shutil.chown(root, "postgres", "postgres")
        except LookupError:
            pytest.skip("running as root and there is no `postgres` OS user to own the test cluster")
        prefix = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()

    def run(*args: object) -> None:
        subprocess.run([*prefix, *map(str, args)], check=True, capture_output=True, text=True)

    run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    run(bindir / "pg_ctl", "-D", data, "-l", root / "server.log", "-w", "-o",
        f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["duckdb", "postgresql"])
def new_store_url(request, tmp_path):
    """A factory of URLs of empty databases of one kind: DuckDB files, or new databases on the test
    PostgreSQL server (dropped at the end of the test)."""
    if request.param == "duckdb":
        yield lambda: f"duckdb:///{tmp_path / uuid.uuid4().hex[:8]}.duckdb"
        return
    base = request.getfixturevalue("pg_server")
    admin = sa.create_engine(f"{base.replace('postgresql://', 'postgresql+psycopg://')}/postgres",
                             isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new() -> str:
        made.append("t_" + uuid.uuid4().hex[:12])
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {made[-1]}")
        return f"{base}/{made[-1]}"

    try:
        yield new
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@pytest.fixture
def store_url(new_store_url) -> str:
    return new_store_url()


@pytest.fixture
def store(store_url):
    with Store(store_url) as opened:
        yield opened


# --- the corpus of tests/corpus/, as an ideal extractor would record it --------------------------
# Exact control over what fusion sees, independent of how far the extraction stages have come.

CORPUS = Path(__file__).parent / "corpus"
SHABAAB = Entity(id="ent:al-shabaab", name="Al-Shabaab", type="ARMED_GROUP", aliases=["Al-Shabaab", "al-Shabaab"],
                 mentions=[(0, 10)], acled_names=["Al Shabaab"])
ARMY = Entity(id="ent:somali-national-army", name="Somali National Army", type="ORG",
              aliases=["Somali National Army", "Somali army"], mentions=[(30, 50)],
              acled_names=["Military Forces of Somalia (2022-)"])
ISWAP = Entity(id="ent:iswap", name="ISWAP", type="ARMED_GROUP",
               aliases=["ISWAP", "Islamic State West Africa Province"], mentions=[(40, 45)])
AIR_FORCE = Entity(id="ent:nigerian-air-force", name="Nigerian Air Force", type="ORG",
                   aliases=["Nigerian Air Force", "air force"], mentions=[(0, 18)])
GANA = Entity(id="ent:bako-gana", name="Bako Gana", type="PERSON", aliases=["Bako Gana"], mentions=[(60, 69)])
AFGOOYE = dict(location="Afgooye", admin1="Lower Shabeelle", country="Somalia", latitude=2.1381,
               longitude=45.1212, geo_precision=1)
MONGUNO = dict(location="Monguno", admin1="Borno", country="Nigeria", latitude=12.67059, longitude=13.61224,
               geo_precision=1)
BELEDWEYNE = dict(location="Beledweyne", admin1="Hiiraan", country="Somalia", latitude=4.73583,
                  longitude=45.20361, geo_precision=1)


def battle(date: str, fatalities: int | None, **kw) -> Event:
    return Event(**({"id": "evt:1", "event_type": "Battles", "sub_event_type": "Armed clash", "event_date": date,
                     "time_precision": 1, "actor1": "Al-Shabaab", "actor2": "Somali National Army",
                     "fatalities": fatalities, "confidence": 0.7,
                     "evidence": [Span(start=0, end=20, text="x" * 20)]} | AFGOOYE | kw))


def strike(date: str, fatalities: int | None, **kw) -> Event:
    return Event(**({"id": "evt:1", "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike",
                     "event_date": date, "time_precision": 1, "actor1": "Nigerian Air Force", "actor2": "ISWAP",
                     "fatalities": fatalities, "confidence": 0.8} | MONGUNO | kw))


def report(doc: str, source: str, published: str, events=(), claims=(), entities=(),
           version: str = "test-1") -> Record:
    return Record(extractor_version=version, document=DocumentMeta(
        id=doc, source=source, published=published, chars=600), entities=list(entities), events=list(events),
        claims=list(claims))


def corpus_records() -> list[Record]:
    """Two incidents told by three outlets each (one outlet doubting a claim), and one look-alike."""
    return [
        report("a1-horn-observer", "Horn Observer", "2023-03-15", [battle("2023-03-14", 7)], [Claim(
            id="c:1", text="Al-Shabaab claimed responsibility for the attack", status="asserted",
            claimant="Al-Shabaab", about=["ent:al-shabaab"])], [SHABAAB, ARMY]),
        report("a2-mogadishu-times", "Mogadishu Times", "2023-03-16",
               [battle("2023-03-14", 5, sub_event_type="Non-state actor overtakes territory")], (), [SHABAAB, ARMY]),
        report("a3-east-africa-wire", "East Africa Wire", "2023-03-15",
               [battle("2023-03-14", 9, actor1="Somali National Army", actor2="Al-Shabaab")], (), [SHABAAB, ARMY]),
        report("b1-lake-chad-monitor", "Lake Chad Monitor", "2023-03-16", [strike("2023-03-15", 20)], [Claim(
            id="c:1", text="ISWAP commander Bako Gana was killed in the strike", status="asserted",
            claimant="Nigerian Air Force", about=["ent:bako-gana"])], [AIR_FORCE, ISWAP, GANA]),
        report("b2-sahel-wire", "Sahel Wire", "2023-03-17", [strike("2023-03-15", None, actor1=None)], [Claim(
            id="c:1", text="reports that ISWAP commander Bako Gana had been killed in the air strike near Monguno",
            status="uncertain", claimant="Yusuf Danladi", about=["ent:bako-gana"])], [ISWAP, GANA]),
        report("b3-borno-herald", "Borno Herald", "2023-03-16", [strike("2023-03-15", 30, actor1=None)], [Claim(
            id="c:1", text="several vehicles mounted with machine guns were destroyed", status="asserted",
            about=["ent:iswap"])], [ISWAP]),
        report("c1-hiiraan-voice", "Hiiraan Voice", "2023-03-15", [battle("2023-03-14", 3, **BELEDWEYNE)], (),
               [SHABAAB]),
    ]


def digest(record: Record) -> str:
    """A stand-in content hash: what the store keys documents on, as ingest computes from the text."""
    return hashlib.sha256(record.to_json().encode()).hexdigest()


def dump(store: Store, volatile=("ingested_at", "updated_at", "created_at", "applied_at")) -> dict[str, list]:
    """Every table's rows, sorted, without wall-clock columns: two stores with equal dumps hold the same data."""
    out = {}
    with store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = [{k: v for k, v in r.items() if k not in volatile}
                    for r in conn.execute(sa.select(table)).mappings()]
            out[table.name] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out
