"""Read queries with the filters `sitrep query` and `sitrep export` share, as SQLAlchemy selects."""
from __future__ import annotations

from dataclasses import dataclass, fields

import sqlalchemy as sa

from .errors import StoreError
from .schema import (claim_about, claim_groups, claims, documents, entities, entity_aliases, events,
                     fused_events, mentions)


@dataclass(frozen=True)
class Filters:
    since: str | None = None  # ISO dates, inclusive
    until: str | None = None
    country: str | None = None
    admin1: str | None = None
    bbox: tuple[float, float, float, float] | None = None  # min lon, min lat, max lon, max lat (GeoJSON order)
    actor: str | None = None  # a name or alias of an entity, or part of one
    type: str | None = None  # event type or sub-event type; claim status; entity type
    text: str | None = None
    limit: int | None = None

    def require(self, what: str, allowed: set[str]) -> None:
        """Refuse a filter that has no meaning for `what`, rather than silently ignore it."""
        used = {f.name for f in fields(self) if getattr(self, f.name) is not None} - {"limit"}
        if used - allowed:
            raise StoreError(f"--{', --'.join(sorted(used - allowed))} does not apply to {what}")


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise StoreError(f"--bbox is min_lon,min_lat,max_lon,max_lat, not {text!r}") from None
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise StoreError(f"--bbox {text!r} is not a box in longitude/latitude")
    return west, south, east, north


def _contains(column: sa.ColumnElement, text: str) -> sa.ColumnElement:
    # LIKE metacharacters in user text are matched literally.
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.cast(column, sa.Text).ilike(f"%{escaped}%", escape="\\")


def _equal(column: sa.ColumnElement, value: str) -> sa.ColumnElement:
    return sa.func.lower(column) == value.lower()


def _entity_ids(actor: str) -> sa.Select:
    """Cross-document entities that go by `actor` (any alias, or the id itself)."""
    return sa.union(sa.select(entity_aliases.c.entity_id).where(_equal(entity_aliases.c.alias, actor)),
                    sa.select(entities.c.id).where(_equal(entities.c.id, actor)))


def _names_of(actor: str) -> sa.Select:
    """Every name those entities go by: per-document events name actors by their local names."""
    return sa.select(entity_aliases.c.alias).where(entity_aliases.c.entity_id.in_(_entity_ids(actor)))


def _limited(statement: sa.Select, filters: Filters) -> sa.Select:
    return statement.limit(filters.limit) if filters.limit else statement


def select_events(filters: Filters, fused: bool) -> sa.Select:
    table = fused_events if fused else events
    if fused:
        statement = sa.select(fused_events)
        key = fused_events.c.id
        text_columns = (fused_events.c.notes, fused_events.c.location, fused_events.c.sources)
    else:
        statement = (sa.select(events, documents.c.source, documents.c.published, documents.c.url,
                               documents.c.ingested_at)
                     .join(documents, documents.c.id == events.c.document_id))
        key = events.c.event_id
        text_columns = (events.c.notes, events.c.location, events.c.evidence)
    where = []
    if filters.since:
        where.append(table.c.event_date >= filters.since)
    if filters.until:
        where.append(table.c.event_date <= filters.until)
    if filters.country:
        where.append(_equal(table.c.country, filters.country))
    if filters.admin1:
        where.append(_equal(table.c.admin1, filters.admin1))
    if filters.bbox:
        west, south, east, north = filters.bbox
        where += [table.c.longitude.between(west, east), table.c.latitude.between(south, north)]
    if filters.actor:
        names = _names_of(filters.actor)
        where.append(sa.or_(table.c.actor1.in_(names), table.c.actor2.in_(names),
                            *(_contains(c, filters.actor) for c in (table.c.actor1, table.c.actor2,
                                                                    table.c.assoc_actors))))
    if filters.type:
        where.append(sa.or_(_contains(table.c.event_type, filters.type),
                            _contains(table.c.sub_event_type, filters.type)))
    if filters.text:
        where.append(sa.or_(*(_contains(c, filters.text) for c in text_columns)))
    order = (table.c.event_date, key) if fused else (table.c.event_date, events.c.document_id, key)
    return _limited(statement.where(*where).order_by(*order), filters)


def _claim_conditions(filters: Filters) -> list[sa.ColumnElement]:
    """Conditions on a per-document claim (joined with its document)."""
    where = []
    if filters.since:
        where.append(documents.c.published >= filters.since)
    if filters.until:
        where.append(documents.c.published <= filters.until)
    if filters.type:
        where.append(_equal(claims.c.status, filters.type))
    if filters.text:
        where.append(_contains(claims.c.text, filters.text))
    if filters.actor:
        about = (sa.select(claim_about.c.claim_id)
                 .join(mentions, sa.and_(mentions.c.document_id == claim_about.c.document_id,
                                         mentions.c.local_id == claim_about.c.local_id))
                 .where(claim_about.c.document_id == claims.c.document_id,
                        claim_about.c.claim_id == claims.c.claim_id,
                        mentions.c.entity_id.in_(_entity_ids(filters.actor))))
        where.append(sa.or_(claims.c.claimant.in_(_names_of(filters.actor)),
                            _contains(claims.c.claimant, filters.actor), about.exists()))
    return where


def select_claims(filters: Filters, fused: bool, contradictions: bool = False) -> sa.Select:
    """Per-document claims, or claim groups having a member claim that passes the filters."""
    filters.require("claims", {"since", "until", "type", "text", "actor"})
    joined = sa.select(claims, documents.c.source, documents.c.published).join(
        documents, documents.c.id == claims.c.document_id)
    if not fused:
        return _limited(joined.where(*_claim_conditions(filters))
                        .order_by(documents.c.published, claims.c.document_id, claims.c.claim_id), filters)
    statement = sa.select(claim_groups)
    if contradictions:
        statement = statement.where(claim_groups.c.contradiction.is_(True))
    conditions = _claim_conditions(filters)
    if conditions:
        members = sa.select(claims.c.group_id).join(documents, documents.c.id == claims.c.document_id)
        statement = statement.where(claim_groups.c.id.in_(members.where(*conditions)))
    return _limited(statement.order_by(claim_groups.c.contradiction.desc(), claim_groups.c.sources.desc(),
                                       claim_groups.c.id), filters)


def select_entities(filters: Filters) -> sa.Select:
    filters.require("entities", {"since", "until", "type", "text", "actor"})
    where = []
    for needle in filter(None, (filters.actor, filters.text)):
        where.append(sa.or_(_contains(entities.c.name, needle), entities.c.id.in_(
            sa.select(entity_aliases.c.entity_id).where(_contains(entity_aliases.c.alias, needle)))))
    if filters.type:
        where.append(_equal(entities.c.type, filters.type))
    if filters.since or filters.until:
        dated = sa.select(mentions.c.entity_id).join(documents, documents.c.id == mentions.c.document_id)
        if filters.since:
            dated = dated.where(documents.c.published >= filters.since)
        if filters.until:
            dated = dated.where(documents.c.published <= filters.until)
        where.append(entities.c.id.in_(dated))
    return _limited(sa.select(entities).where(*where)
                    .order_by(entities.c.documents.desc(), entities.c.mentions.desc(), entities.c.id), filters)


def select_documents(filters: Filters) -> sa.Select:
    filters.require("documents", {"since", "until", "text"})
    where = []
    if filters.since:
        where.append(documents.c.published >= filters.since)
    if filters.until:
        where.append(documents.c.published <= filters.until)
    if filters.text:
        where.append(sa.or_(_contains(documents.c.title, filters.text), _contains(documents.c.source, filters.text)))
    return _limited(sa.select(documents.c.record).where(*where).order_by(documents.c.id), filters)
