"""Read queries the HTTP API needs beyond `Store`'s streams: pages with totals, one item by id, and
the joins behind an event's sources and an entity's page.

Everything is built on `query.select_*` (so the API's filters mean exactly what `sitrep query`'s
do) and on the tables in `schema.py`, with SQLAlchemy Core: parameterised on both databases.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import sqlalchemy as sa

from ..record import Record
from .db import Store
from .query import Filters, _contains, select_claims, select_entities, select_events
from .schema import (claim_groups, claims, documents, entities, entity_aliases, events, fused_events, mentions,
                     relations)

EVENT_ID_SEPARATOR = "#"  # a per-document event's id is "<document id>#<event id>", as in sitrep.export


@dataclass(frozen=True)
class Page:
    total: int
    rows: list[dict]


def page(store: Store, statement: sa.Select, limit: int, offset: int) -> Page:
    """One page of a select plus the number of rows the whole select has."""
    counted = sa.select(sa.func.count()).select_from(statement.order_by(None).limit(None).subquery())
    with store.engine.connect() as conn:
        total = conn.execute(counted).scalar_one()
        rows = [dict(r) for r in conn.execute(statement.limit(limit).offset(offset)).mappings()]
    return Page(total, rows)


def split_event_id(event_id: str) -> tuple[str, str] | None:
    """"doc#evt:1" → ("doc", "evt:1"); a fused id ("fev:…") has no separator → None."""
    doc, sep, local = event_id.rpartition(EVENT_ID_SEPARATOR)
    return (doc, local) if sep and doc and local else None


def events_page(store: Store, filters: Filters, fused: bool, limit: int, offset: int) -> Page:
    return page(store, select_events(filters, fused), limit, offset)


def event(store: Store, event_id: str) -> dict | None:
    """A fused event by its id, or a per-document event by "<document id>#<event id>"."""
    parts = split_event_id(event_id)
    if parts:
        statement = select_events(Filters(), fused=False).where(
            events.c.document_id == parts[0], events.c.event_id == parts[1])
    else:
        statement = select_events(Filters(), fused=True).where(fused_events.c.id == event_id)
    with store.engine.connect() as conn:
        row = conn.execute(statement).mappings().first()
    return dict(row) if row else None


def timeline(store: Store, filters: Filters, fused: bool) -> list[tuple[str, int]]:
    """Events per day under the filters (undated events left out): what the dashboard's timeline draws."""
    selected = select_events(filters, fused).order_by(None).subquery()
    statement = (sa.select(selected.c.event_date, sa.func.count()).where(selected.c.event_date.is_not(None))
                 .group_by(selected.c.event_date).order_by(selected.c.event_date))
    with store.engine.connect() as conn:
        return [(day, n) for day, n in conn.execute(statement)]


def document_meta(store: Store, ids: Iterable[str]) -> dict[str, dict]:
    """id → {id, title, source, published, url} for the documents that exist."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    statement = sa.select(documents.c.id, documents.c.title, documents.c.source, documents.c.published,
                          documents.c.url).where(documents.c.id.in_(wanted))
    with store.engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(statement).mappings()}


def record(store: Store, doc_id: str) -> Record | None:
    with store.engine.connect() as conn:
        value = conn.execute(sa.select(documents.c.record).where(documents.c.id == doc_id)).scalar_one_or_none()
    return Record.model_validate(value) if value is not None else None


def claims_page(store: Store, filters: Filters, claimant: str | None, contradictions: bool,
                limit: int, offset: int) -> Page:
    """Per-document claims, each with its group's contradiction flag; optionally only those in a
    contradiction, optionally only those one claimant (by name, any part) stands behind."""
    statement = select_claims(filters, fused=False).add_columns(
        sa.func.coalesce(claim_groups.c.contradiction, False).label("contradiction")).outerjoin(
        claim_groups, claim_groups.c.id == claims.c.group_id)
    if contradictions:
        statement = statement.where(claim_groups.c.contradiction.is_(True))
    if claimant:
        statement = statement.where(_contains(claims.c.claimant, claimant))
    return page(store, statement, limit, offset)


def claim_groups_page(store: Store, filters: Filters, contradictions: bool, limit: int, offset: int) -> Page:
    return page(store, select_claims(filters, fused=True, contradictions=contradictions), limit, offset)


def entities_page(store: Store, filters: Filters, limit: int, offset: int) -> Page:
    return page(store, select_entities(filters), limit, offset)


def entity(store: Store, entity_id: str) -> dict | None:
    """An entity with its aliases, its mentions per document, and the relations it takes part in."""
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(entities).where(entities.c.id == entity_id)).mappings().first()
        if row is None:
            return None
        aliases = list(conn.execute(sa.select(entity_aliases.c.alias).where(entity_aliases.c.entity_id == entity_id)
                                    .order_by(entity_aliases.c.alias)).scalars())
        found = conn.execute(sa.select(mentions.c.document_id, mentions.c.local_id, mentions.c.name, mentions.c.spans)
                             .where(mentions.c.entity_id == entity_id).order_by(mentions.c.document_id)).mappings()
        local = [dict(m) for m in found]
        related = conn.execute(_relations_of(entity_id)).mappings().all()
    return dict(row) | {"aliases": aliases, "mentions": local, "relations": [dict(r) for r in related]}


def _relations_of(entity_id: str) -> sa.Select:
    """Relations whose subject or object is one of the entity's per-document entities, with the
    cross-document ids of both ends (relations name per-document entity ids)."""
    subject, obj = mentions.alias("subject_mention"), mentions.alias("object_mention")
    return (sa.select(relations, subject.c.entity_id.label("subject_entity"), obj.c.entity_id.label("object_entity"))
            .outerjoin(subject, sa.and_(subject.c.document_id == relations.c.document_id,
                                        subject.c.local_id == relations.c.subject_id))
            .outerjoin(obj, sa.and_(obj.c.document_id == relations.c.document_id,
                                    obj.c.local_id == relations.c.object_id))
            .where(sa.or_(subject.c.entity_id == entity_id, obj.c.entity_id == entity_id))
            .order_by(relations.c.document_id, relations.c.seq))
