"""Incremental fusion, inside the write transaction: recompute only the clusters a change can reach.

For each kind (entities, events, claims) the clusters to recompute are those that held the changed
documents' old rows, plus those of every stored item that could match a changed item (found through
an index: entity keys, event type and date window, claim subjects). `sitrep.fuse` clusters that set;
because its matching is pairwise, the result equals fusing the whole corpus from scratch.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterator

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import fuse
from ..aliases import fold
from ..record import Claim, Entity, Event
from .schema import (claim_about, claim_groups, claims, corrections, documents, entities, entity_aliases,
                     entity_keys, events, fused_events, mentions)


@dataclass
class Dirty:
    """Cluster ids whose membership a change may alter."""

    entities: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    claims: set[str] = field(default_factory=set)


def _distinct(conn: Connection, column: sa.Column, where: sa.ColumnElement) -> set[str]:
    return {v for v in conn.execute(sa.select(column).distinct().where(where)).scalars() if v is not None}


def dirty_clusters(conn: Connection, doc_ids: list[str]) -> Dirty:
    """The clusters these documents' current rows belong to; read before the rows are replaced."""
    return Dirty(entities=_distinct(conn, mentions.c.entity_id, mentions.c.document_id.in_(doc_ids)),
                 events=_distinct(conn, events.c.fused_id, events.c.document_id.in_(doc_ids)),
                 claims=_distinct(conn, claims.c.group_id, claims.c.document_id.in_(doc_ids)))


def refresh(conn: Connection, doc_ids: list[str], dirty: Dirty, now: datetime) -> None:
    """Re-fuse everything these documents can affect. Documents whose entities changed identity
    are re-fused too, since their events' actors and claims' subjects changed with them."""
    changed = refresh_entities(conn, doc_ids, dirty.entities)
    docs = sorted(set(doc_ids) | changed)
    refresh_events(conn, docs, dirty.events, now)
    refresh_claims(conn, docs, dirty.claims)


def _corrections(conn: Connection, kind: str) -> list[dict]:
    return [dict(r) for r in conn.execute(
        sa.select(corrections).where(corrections.c.kind == kind)
        .order_by(corrections.c.created_at, corrections.c.id)).mappings()]


def _assign(conn: Connection, table: sa.Table, item: str, cluster: str, assignments: dict) -> None:
    """Set each item's cluster id where it changed; `assignments` maps (document_id, item id) → cluster id.

    One UPDATE … FROM (VALUES …) per thousand rows: row-by-row updates cost DuckDB a statement each.
    """
    keys = sorted(assignments)
    current = {}
    for chunk in _chunks(keys, 1000):
        docs = sorted({d for d, _ in chunk})
        current.update({(d, i): c for d, i, c in conn.execute(
            sa.select(table.c.document_id, table.c[item], table.c[cluster]).where(table.c.document_id.in_(docs)))})
    changed = [(d, i, assignments[(d, i)]) for d, i in keys if current.get((d, i)) != assignments[(d, i)]]
    for chunk in _chunks(changed, 1000):
        values = sa.values(sa.column("d", sa.Text), sa.column("i", sa.Text), sa.column("c", sa.Text),
                           name="assigned").data(chunk)
        conn.execute(table.update().where(table.c.document_id == values.c.d, table.c[item] == values.c.i)
                     .values({cluster: values.c.c}))


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _replace(conn: Connection, table: sa.Table, old: set[str], rows: list[dict]) -> None:
    conn.execute(table.delete().where(table.c.id.in_(sorted(old))))
    if rows:
        conn.execute(table.insert(), rows)


# --- entities ----------------------------------------------------------------------------------

def refresh_entities(conn: Connection, doc_ids: list[str], dirty: set[str]) -> set[str]:
    """Re-cluster entities; returns the other documents whose entities got a new id or name."""
    links = [tuple(c["context"]["link"]) for c in _corrections(conn, "merge-entities")]
    keys = set(conn.execute(sa.select(entity_keys.c.match_key).where(entity_keys.c.document_id.in_(doc_ids)))
               .scalars())
    while True:  # an analyst's merge makes everything keyed on its other side a candidate too
        linked = {b for a, b in links if a in keys} | {a for a, b in links if b in keys}
        if linked <= keys:
            break
        keys |= linked
    candidates = (sa.select(mentions.c.entity_id).join(entity_keys, sa.and_(
        entity_keys.c.document_id == mentions.c.document_id, entity_keys.c.local_id == mentions.c.local_id))
        .where(entity_keys.c.match_key.in_(sorted(keys))))
    dirty = dirty | {v for v in conn.execute(candidates).scalars() if v is not None}
    rows = conn.execute(sa.select(mentions, entities.c.name.label("canonical_name"))
                        .outerjoin(entities, entities.c.id == mentions.c.entity_id)
                        .where(mentions.c.document_id.in_(doc_ids) | mentions.c.entity_id.in_(sorted(dirty)))
                        ).mappings().all()
    refs = [fuse.EntityRef(r["document_id"], Entity(
        id=r["local_id"], name=r["name"], type=r["type"], aliases=r["aliases"] or [], mentions=r["spans"] or [],
        acled_names=r["acled_names"] or [])) for r in rows]
    fused = fuse.fuse_entities(refs, links)
    before = {(r["document_id"], r["local_id"]): (r["entity_id"], r["canonical_name"]) for r in rows}
    after = {member: (e.id, e.name) for e in fused for member in e.members}
    _replace(conn, entities, dirty, [e.model_dump(exclude={"aliases", "members"}) for e in fused])
    conn.execute(entity_aliases.delete().where(entity_aliases.c.entity_id.in_(sorted(dirty))))
    alias_rows = [{"entity_id": e.id, "alias": a} for e in fused for a in e.aliases]
    if alias_rows:
        conn.execute(entity_aliases.insert(), alias_rows)
    _assign(conn, mentions, "local_id", "entity_id", {m: eid for m, (eid, _) in after.items()})
    return {doc for (doc, local), now in after.items() if doc not in doc_ids and before[(doc, local)] != now}


def _canonical_names(conn: Connection, doc_ids: set[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """Per document: folded entity name or alias → (cross-document id, cross-document name)."""
    rows = conn.execute(sa.select(mentions.c.document_id, mentions.c.name, mentions.c.aliases,
                                  mentions.c.acled_names, mentions.c.entity_id, entities.c.name.label("canonical"))
                        .join(entities, entities.c.id == mentions.c.entity_id)
                        .where(mentions.c.document_id.in_(sorted(doc_ids))))
    canon: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for doc, name, aliases, acled_names, entity_id, canonical in rows:
        for form in (name, *(aliases or []), *(acled_names or [])):  # events name actors the ACLED way
            canon[doc].setdefault(fold(form), (entity_id, canonical))
    return canon


# --- events ------------------------------------------------------------------------------------

def refresh_events(conn: Connection, doc_ids: list[str], dirty: set[str], now: datetime) -> None:
    seeds = conn.execute(sa.select(events.c.fused_id, events.c.event_type, events.c.event_date)
                         .where(events.c.document_id.in_(doc_ids))).all()
    dirty = dirty | {s.fused_id for s in seeds if s.fused_id}
    days: dict[str, list] = defaultdict(list)
    for s in seeds:
        if (day := fuse.parse_day(s.event_date)) is not None:
            days[s.event_type].append(day)
    for event_type, found in sorted(days.items()):
        low, high = fuse.candidate_window(found)
        dirty |= _distinct(conn, events.c.fused_id, (events.c.event_type == event_type)
                           & events.c.event_date.between(low, high))
    rows = conn.execute(sa.select(events, documents.c.source, documents.c.published)
                        .join(documents, documents.c.id == events.c.document_id)
                        .where(events.c.document_id.in_(doc_ids) | events.c.fused_id.in_(sorted(dirty)))
                        ).mappings().all()
    canon = _canonical_names(conn, {r["document_id"] for r in rows})
    refs = []
    for r in rows:
        event = Event.model_validate({k: r[k] for k in Event.model_fields if k != "id"} | {"id": r["event_id"]})
        event, actors = fuse.canonical_actors(event, canon[r["document_id"]])
        refs.append(fuse.EventRef(r["document_id"], event, r["source"], r["published"], actors))
    edits = [fuse.EventEdit(id=c["id"], target=c["target"], members=c["context"]["members"], field=c["field"],
                            value=c["value"]) for c in _corrections(conn, "edit-event")]
    fused = fuse.apply_edits(fuse.fuse_events(refs), edits)
    _replace(conn, fused_events, dirty, [
        e.model_dump(mode="json") | {"source": "; ".join(dict.fromkeys(s.source for s in e.sources if s.source)),
                                     "updated_at": now} for e in fused])
    _assign(conn, events, "event_id", "fused_id",
            {(s.document_id, s.event_id): e.id for e in fused for s in e.sources})


# --- claims ------------------------------------------------------------------------------------

def _about(where: sa.ColumnElement) -> sa.Select:
    """(document_id, claim_id, cross-document entity id) for the claims selected by `where`."""
    return (sa.select(claim_about.c.document_id, claim_about.c.claim_id, mentions.c.entity_id)
            .join(mentions, sa.and_(mentions.c.document_id == claim_about.c.document_id,
                                    mentions.c.local_id == claim_about.c.local_id))
            .where(where, mentions.c.entity_id.is_not(None)))


def refresh_claims(conn: Connection, doc_ids: list[str], dirty: set[str]) -> None:
    dirty = dirty | _distinct(conn, claims.c.group_id, claims.c.document_id.in_(doc_ids))
    subjects = {e for _, _, e in conn.execute(_about(claim_about.c.document_id.in_(doc_ids)))}
    near = _about(mentions.c.entity_id.in_(sorted(subjects))).subquery()
    dirty |= {g for g in conn.execute(sa.select(claims.c.group_id).join(near, sa.and_(
        near.c.document_id == claims.c.document_id, near.c.claim_id == claims.c.claim_id))).scalars() if g}
    rows = conn.execute(sa.select(claims, documents.c.source, documents.c.published)
                        .join(documents, documents.c.id == claims.c.document_id)
                        .where(claims.c.document_id.in_(doc_ids) | claims.c.group_id.in_(sorted(dirty)))
                        ).mappings().all()
    about: dict[tuple[str, str], set[str]] = defaultdict(set)
    for doc, claim, entity_id in conn.execute(_about(claim_about.c.document_id.in_(
            sorted({r["document_id"] for r in rows})))):
        about[(doc, claim)].add(entity_id)
    refs = [fuse.ClaimRef(r["document_id"], Claim.model_validate(
        {k: r[k] for k in Claim.model_fields if k != "id"} | {"id": r["claim_id"]}), r["source"], r["published"],
        frozenset(about[(r["document_id"], r["claim_id"])])) for r in rows]
    groups = fuse.group_claims(refs)
    _replace(conn, claim_groups, dirty, [g.model_dump(mode="json") for g in groups])
    _assign(conn, claims, "claim_id", "group_id",
            {(m.document_id, m.claim_id): g.id for g in groups for m in g.members})
