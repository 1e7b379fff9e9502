"""The store: DuckDB (default) and PostgreSQL behind one interface, through SQLAlchemy Core.

Every statement is built with SQLAlchemy Core from `schema.py`, so one code path serves both
databases; the only dialect branch is PostgreSQL's advisory lock in `migrate.py`. A batch of
documents is written, and fusion refreshed, in one transaction: a run killed at any point leaves
the database as it was after the last whole batch.
"""
from __future__ import annotations

import getpass
import uuid
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import fuse
from ..fuse import FusionError, entity_keys
from ..record import Record
from . import fusion, query
from .errors import StoreError
from .migrate import migrate
from .query import Filters
from .schema import (PER_DOCUMENT, claim_about, claims, corrections, documents, entities, entity_aliases,
                     entity_keys as entity_keys_table, events, fused_events, mentions, places, quotes, relations)

DEFAULT_URL = "duckdb:///sitrep.duckdb"


def resolve_url(url: str | None) -> sa.URL:
    """`duckdb:///path`, `postgresql://…`, or a bare file path (a DuckDB file); None → ./sitrep.duckdb."""
    url = url or DEFAULT_URL
    if "://" not in url:
        url = f"duckdb:///{url}"
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreError(f"not a database URL: {url!r}") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3 is the driver we ship
    if parsed.get_backend_name() not in ("duckdb", "postgresql"):
        raise StoreError(f"unsupported database {parsed.get_backend_name()!r}: use duckdb:/// or postgresql://")
    return parsed


def utcnow() -> datetime:
    """Naive UTC: TIMESTAMP columns, identical on both databases (no time-zone library needed)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def record_rows(record: Record, content_hash: str, now: datetime) -> dict[sa.Table, list[dict]]:
    """One record → the rows of every table that holds it."""
    doc = record.document.id
    meta = record.document
    rows: dict[sa.Table, list[dict]] = {documents: [{
        "id": doc, "content_hash": content_hash, "extractor_version": record.extractor_version,
        "source": meta.source, "url": meta.url, "title": meta.title, "published": meta.published,
        "language": meta.language, "chars": meta.chars, "record": record.model_dump(mode="json", by_alias=True),
        "ingested_at": now}]}
    rows[mentions] = [{"document_id": doc, "local_id": e.id, "entity_id": None, "name": e.name, "type": e.type,
                       "aliases": e.aliases, "acled_names": e.acled_names, "spans": e.mentions}
                      for e in record.entities]
    rows[entity_keys_table] = [{"document_id": doc, "local_id": e.id, "match_key": key}
                               for e in record.entities for key in sorted(entity_keys(e))]
    rows[places] = [{"document_id": doc, "place_id": p.id, "within_id": p.within, "spans": p.mentions,
                     **p.model_dump(include={"name", "latitude", "longitude", "country_code", "country", "admin1",
                                             "geonameid", "feature_code", "geo_precision"})}
                    for p in record.places]
    rows[events] = [{"document_id": doc, "event_id": e.id, "fused_id": None,
                     **e.model_dump(mode="json", exclude={"id"})} for e in record.events]
    rows[quotes] = [{"document_id": doc, "quote_id": q.id, "text": q.text, "start_char": q.start,
                     "end_char": q.end, "kind": q.kind, "speaker": q.speaker, "speaker_id": q.speaker_id,
                     "cue": q.cue} for q in record.quotes]
    rows[claims] = [{"document_id": doc, "claim_id": c.id, "group_id": None,
                     **c.model_dump(mode="json", exclude={"id"})} for c in record.claims]
    rows[claim_about] = [{"document_id": doc, "claim_id": c.id, "local_id": ref}
                         for c in record.claims for ref in dict.fromkeys(c.about)]
    rows[relations] = [{"document_id": doc, "seq": n, **r.model_dump(mode="json")}
                       for n, r in enumerate(record.relations)]
    return rows


def insert_rows(conn: Connection, table: sa.Table, rows: list[dict]) -> None:
    if rows:  # executemany: SQLAlchemy batches it into multi-row INSERTs on both databases
        conn.execute(table.insert(), rows)


class Store:
    """An open store; migrates the database to the current schema on opening."""

    def __init__(self, url: str | None = None):
        self.url = resolve_url(url)
        self.engine = sa.create_engine(self.url)
        try:
            migrate(self.engine)
        except sa.exc.DBAPIError as err:
            self.engine.dispose()
            raise StoreError(f"cannot open {self.url.render_as_string()}: {str(err.orig).strip()}") from None

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def known(self, ids: Sequence[str], hashes: Sequence[str]) -> list[tuple[str, str, str | None]]:
        """(id, content_hash, extractor_version) of stored documents with one of these ids or hashes."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(documents.c.id, documents.c.content_hash, documents.c.extractor_version)
                                .where(documents.c.id.in_(ids) | documents.c.content_hash.in_(hashes)))
            return [tuple(r) for r in rows]

    def write(self, items: Sequence[tuple[Record, str]],
              on_stored: Callable[[Record], None] | None = None) -> None:
        """Store (record, content hash) pairs, replacing earlier versions, and refresh fusion — atomically."""
        if not items:
            return
        ids = [record.document.id for record, _ in items]
        now = utcnow()
        with self.engine.begin() as conn:
            dirty = fusion.dirty_clusters(conn, ids)
            for table in (*PER_DOCUMENT, documents):
                key = table.c.id if table is documents else table.c.document_id
                conn.execute(table.delete().where(key.in_(ids)))
            batch: dict[sa.Table, list[dict]] = defaultdict(list)
            for record, content_hash in items:  # one INSERT per table and batch, not per document
                for table, rows in record_rows(record, content_hash, now).items():
                    batch[table].extend(rows)
            for table, rows in batch.items():
                insert_rows(conn, table, rows)
            for record, _ in items:
                if on_stored:
                    on_stored(record)
            fusion.refresh(conn, ids, dirty, now)

    # --- analyst corrections ----------------------------------------------------------------

    def edit_event(self, fused_id: str, changes: dict[str, str], author: str | None = None) -> dict:
        """Set fields of a fused event, as corrections that survive re-ingest and re-fusion."""
        values = {}
        for field, raw in changes.items():
            try:
                values[field] = fuse.parse_edit(field, raw)
            except FusionError as err:
                raise StoreError(str(err)) from None
        now = utcnow()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(fused_events).where(fused_events.c.id == fused_id)).mappings().first()
            if row is None:
                raise StoreError(f"no fused event {fused_id!r} (see `sitrep query events --fused`)")
            members = [[s["document_id"], s["event_id"]] for s in row["sources"]]
            for field, value in values.items():
                self._audit(conn, "edit-event", fused_id, author, now, field=field, value=value,
                            previous=row[field], context={"members": members})
            docs = sorted({m[0] for m in members})
            fusion.refresh(conn, docs, fusion.dirty_clusters(conn, docs), now)
            return dict(conn.execute(sa.select(fused_events).where(fused_events.c.id == fused_id)).mappings().one())

    def merge_entities(self, keep: str, merge: str, author: str | None = None) -> dict:
        """Make `merge` the same entity as `keep` (ids or names), as a correction that survives re-fusion."""
        now = utcnow()
        with self.engine.begin() as conn:
            a, b = self._entity(conn, keep), self._entity(conn, merge)
            if a["id"] == b["id"]:
                raise StoreError(f"{keep!r} and {merge!r} are already one entity ({a['id']})")
            self._audit(conn, "merge-entities", a["id"], author, now, value=b["id"],
                        context={"link": ["id:" + a["id"], "id:" + b["id"]], "names": [a["name"], b["name"]]})
            docs = sorted(set(conn.execute(sa.select(mentions.c.document_id).distinct()
                                           .where(mentions.c.entity_id.in_([a["id"], b["id"]]))).scalars()))
            fusion.refresh(conn, docs, fusion.dirty_clusters(conn, docs), now)
            return dict(conn.execute(sa.select(entities).where(entities.c.id == a["id"])).mappings().one())

    def _entity(self, conn: Connection, ref: str) -> dict:
        by_id = conn.execute(sa.select(entities).where(entities.c.id == ref)).mappings().first()
        if by_id:
            return dict(by_id)
        found = conn.execute(sa.select(entities).distinct()
                             .join(entity_aliases, entity_aliases.c.entity_id == entities.c.id)
                             .where(sa.func.lower(entity_aliases.c.alias) == ref.lower())).mappings().all()
        if len(found) != 1:
            what = "no entity" if not found else f"{len(found)} entities ({', '.join(r['id'] for r in found)})"
            raise StoreError(f"{what} named {ref!r}; use an id from `sitrep query entities`")
        return dict(found[0])

    @staticmethod
    def _audit(conn: Connection, kind: str, target: str, author: str | None, now: datetime, *,
               field: str | None = None, value: Any = None, previous: Any = None, context: dict) -> None:
        conn.execute(corrections.insert().values(
            id=uuid.uuid4().hex, kind=kind, target=target, field=field, value=value, previous=previous,
            context=context, author=author or getpass.getuser(), created_at=now))

    # --- reading ----------------------------------------------------------------------------

    def _stream(self, statement: sa.Select) -> Iterator[dict]:
        with self.engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=500).execute(statement)
            for row in result.mappings():
                yield dict(row)

    def records(self, filters: Filters | None = None) -> Iterator[Record]:
        for row in self._stream(query.select_documents(filters or Filters())):
            yield Record.model_validate(row["record"])

    def events(self, filters: Filters | None = None, fused: bool = False) -> Iterator[dict]:
        return self._stream(query.select_events(filters or Filters(), fused))

    def claims(self, filters: Filters | None = None, fused: bool = False,
               contradictions: bool = False) -> Iterator[dict]:
        return self._stream(query.select_claims(filters or Filters(), fused, contradictions))

    def entities(self, filters: Filters | None = None) -> Iterator[dict]:
        return self._stream(query.select_entities(filters or Filters()))

    def corrections(self) -> Iterator[dict]:
        return self._stream(sa.select(corrections).order_by(corrections.c.created_at, corrections.c.id))

    def acled_names(self) -> dict[str, str]:
        """Canonical entity name → ACLED's name for it, where the alias table knows one."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(entities.c.name, entities.c.acled_name)
                                .where(entities.c.acled_name.is_not(None)))
            return {name: acled for name, acled in rows}

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in (documents, events, fused_events, claims, entities)}
