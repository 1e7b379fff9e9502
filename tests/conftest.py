"""Shared fixtures: the pipeline is loaded once per test session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sitrep.extract import Extractor
from sitrep.ingest import Document
from .store_fixtures import new_store_url, pg_server, store, store_url  # noqa: F401  (DuckDB + real PostgreSQL)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURE = SHARED / "fixtures" / "sirte-2016-10-13.txt"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    return Extractor()


@pytest.fixture(scope="session")
def run(extractor):
    """run(text, published=..., source=...) → Record."""
    def _run(text: str, **meta):
        (record,) = list(extractor.run([Document(id=meta.pop("id", "t"), text=text, **meta)]))
        return record
    return _run


@pytest.fixture(scope="session")
def fixture_record(extractor):
    if not FIXTURE.exists():
        pytest.skip("../shared/fixtures is absent")
    meta = json.loads(FIXTURE.with_name("sirte-2016-10-13.meta.json").read_text())
    doc = Document(id=meta["id"], text=FIXTURE.read_text(encoding="utf-8"), published=meta["published"],
                   source=meta["source"])
    (record,) = list(extractor.run([doc]))
    return record
