"""The store's tables as SQLAlchemy Core objects, for building portable queries.

The migrations in `migrations/` create these tables; this module only describes them (a test checks
that the migrated database has exactly these columns). Primary keys are marked so SQLAlchemy never
asks for a SERIAL, which DuckDB lacks.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, Integer, Text

metadata = sa.MetaData()


def _table(name: str, *columns: sa.Column) -> sa.Table:
    return sa.Table(name, metadata, *columns)


def _key(name: str) -> sa.Column:
    return sa.Column(name, Text, primary_key=True, autoincrement=False)


documents = _table(
    "documents", _key("id"), sa.Column("content_hash", Text, nullable=False), sa.Column("extractor_version", Text),
    sa.Column("source", Text), sa.Column("url", Text), sa.Column("title", Text), sa.Column("published", Text),
    sa.Column("language", Text), sa.Column("chars", Integer), sa.Column("record", JSON, nullable=False),
    sa.Column("ingested_at", DateTime, nullable=False))

mentions = _table(
    "mentions", _key("document_id"), _key("local_id"), sa.Column("entity_id", Text),
    sa.Column("name", Text, nullable=False), sa.Column("type", Text, nullable=False), sa.Column("aliases", JSON),
    sa.Column("acled_names", JSON), sa.Column("spans", JSON))

entity_keys = _table(
    "entity_keys", sa.Column("document_id", Text, nullable=False), sa.Column("local_id", Text, nullable=False),
    sa.Column("match_key", Text, nullable=False))

places = _table(
    "places", _key("document_id"), _key("place_id"), sa.Column("name", Text, nullable=False),
    sa.Column("latitude", Float), sa.Column("longitude", Float), sa.Column("country_code", Text),
    sa.Column("country", Text), sa.Column("admin1", Text), sa.Column("geonameid", BigInteger),
    sa.Column("feature_code", Text), sa.Column("geo_precision", Integer), sa.Column("within_id", Text),
    sa.Column("spans", JSON))


def _event_columns() -> list[sa.Column]:
    """The event fields per-document and fused events share."""
    return [
        sa.Column("event_type", Text, nullable=False), sa.Column("sub_event_type", Text, nullable=False),
        sa.Column("event_date", Text), sa.Column("time_precision", Integer), sa.Column("actor1", Text),
        sa.Column("actor2", Text), sa.Column("assoc_actors", JSON), sa.Column("location", Text),
        sa.Column("admin1", Text), sa.Column("country", Text), sa.Column("latitude", Float),
        sa.Column("longitude", Float), sa.Column("geo_precision", Integer), sa.Column("fatalities", Integer)]


events = _table(
    "events", _key("document_id"), _key("event_id"), sa.Column("fused_id", Text), *_event_columns(),
    sa.Column("notes", Text), sa.Column("cameo", Text), sa.Column("plover", Text), sa.Column("confidence", Float),
    sa.Column("evidence", JSON))

quotes = _table(
    "quotes", _key("document_id"), _key("quote_id"), sa.Column("text", Text, nullable=False),
    sa.Column("start_char", Integer, nullable=False), sa.Column("end_char", Integer, nullable=False),
    sa.Column("kind", Text, nullable=False), sa.Column("speaker", Text), sa.Column("speaker_id", Text),
    sa.Column("cue", Text))

claims = _table(
    "claims", _key("document_id"), _key("claim_id"), sa.Column("group_id", Text),
    sa.Column("text", Text, nullable=False), sa.Column("claimant", Text), sa.Column("claimant_id", Text),
    sa.Column("status", Text, nullable=False), sa.Column("about", JSON), sa.Column("evidence", JSON))

claim_about = _table(
    "claim_about", sa.Column("document_id", Text, nullable=False), sa.Column("claim_id", Text, nullable=False),
    sa.Column("local_id", Text, nullable=False))

relations = _table(
    "relations", _key("document_id"), sa.Column("seq", Integer, primary_key=True, autoincrement=False),
    sa.Column("subject", Text, nullable=False), sa.Column("predicate", Text, nullable=False),
    sa.Column("object", Text, nullable=False), sa.Column("subject_id", Text), sa.Column("object_id", Text),
    sa.Column("status", Text, nullable=False), sa.Column("evidence", JSON))

entities = _table(
    "entities", _key("id"), sa.Column("name", Text, nullable=False), sa.Column("type", Text, nullable=False),
    sa.Column("acled_name", Text), sa.Column("documents", Integer, nullable=False),
    sa.Column("mentions", Integer, nullable=False))

entity_aliases = _table("entity_aliases", _key("entity_id"), _key("alias"))

fused_events = _table(
    "fused_events", _key("id"), *_event_columns(), sa.Column("fatalities_min", Integer),
    sa.Column("fatalities_max", Integer), sa.Column("notes", Text), sa.Column("cameo", Text),
    sa.Column("plover", Text), sa.Column("confidence", Float), sa.Column("corroboration", Integer, nullable=False),
    sa.Column("source", Text), sa.Column("sources", JSON, nullable=False), sa.Column("edited", JSON),
    sa.Column("updated_at", DateTime, nullable=False))

claim_groups = _table(
    "claim_groups", _key("id"), sa.Column("text", Text, nullable=False), sa.Column("about", JSON),
    sa.Column("statuses", JSON, nullable=False), sa.Column("sources", Integer, nullable=False),
    sa.Column("contradiction", Boolean, nullable=False), sa.Column("members", JSON, nullable=False))

corrections = _table(
    "corrections", _key("id"), sa.Column("kind", Text, nullable=False), sa.Column("target", Text, nullable=False),
    sa.Column("field", Text), sa.Column("value", JSON), sa.Column("previous", JSON), sa.Column("context", JSON),
    sa.Column("author", Text, nullable=False), sa.Column("created_at", DateTime, nullable=False))

schema_migrations = _table(
    "schema_migrations", sa.Column("version", Integer, primary_key=True, autoincrement=False),
    sa.Column("name", Text, nullable=False), sa.Column("applied_at", DateTime, nullable=False))

# The tables that hold one document's extraction: replaced together when the document changes.
PER_DOCUMENT = (mentions, entity_keys, places, events, quotes, claims, claim_about, relations)
