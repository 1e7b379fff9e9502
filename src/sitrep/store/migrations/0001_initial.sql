-- sitrep store, version 1. Portable SQL: the same file runs on DuckDB and PostgreSQL.
-- Dates are ISO-8601 TEXT as in the record (they compare correctly as strings); no foreign keys,
-- because the store replaces a document's rows as a unit and DuckDB rejects updates to referenced rows.
-- One statement per `;` at the end of a line (the runner splits on that).

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    extractor_version TEXT,
    source TEXT,
    url TEXT,
    title TEXT,
    published TEXT,
    language TEXT,
    chars INTEGER,
    record JSON NOT NULL,
    ingested_at TIMESTAMP NOT NULL
);
CREATE INDEX documents_content_hash ON documents (content_hash);

-- One row per canonical entity of a document; entity_id is its cross-document entity (set by fusion).
CREATE TABLE mentions (
    document_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    entity_id TEXT,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    aliases JSON,
    acled_names JSON,
    spans JSON,
    PRIMARY KEY (document_id, local_id)
);
CREATE INDEX mentions_entity_id ON mentions (entity_id);

-- Blocking keys of each document entity, so fusion finds candidates by index, not by scan.
CREATE TABLE entity_keys (
    document_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    match_key TEXT NOT NULL
);
CREATE INDEX entity_keys_match_key ON entity_keys (match_key);
CREATE INDEX entity_keys_document_id ON entity_keys (document_id);

CREATE TABLE places (
    document_id TEXT NOT NULL,
    place_id TEXT NOT NULL,
    name TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    country_code TEXT,
    country TEXT,
    admin1 TEXT,
    geonameid BIGINT,
    feature_code TEXT,
    geo_precision INTEGER,
    within_id TEXT,
    spans JSON,
    PRIMARY KEY (document_id, place_id)
);

CREATE TABLE events (
    document_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    fused_id TEXT,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    event_date TEXT,
    time_precision INTEGER,
    actor1 TEXT,
    actor2 TEXT,
    assoc_actors JSON,
    location TEXT,
    admin1 TEXT,
    country TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    geo_precision INTEGER,
    fatalities INTEGER,
    notes TEXT,
    cameo TEXT,
    plover TEXT,
    confidence DOUBLE PRECISION,
    evidence JSON,
    PRIMARY KEY (document_id, event_id)
);
CREATE INDEX events_type_date ON events (event_type, event_date);
CREATE INDEX events_fused_id ON events (fused_id);

CREATE TABLE quotes (
    document_id TEXT NOT NULL,
    quote_id TEXT NOT NULL,
    text TEXT NOT NULL,
    start_char INTEGER NOT NULL,
    end_char INTEGER NOT NULL,
    kind TEXT NOT NULL,
    speaker TEXT,
    speaker_id TEXT,
    cue TEXT,
    PRIMARY KEY (document_id, quote_id)
);

CREATE TABLE claims (
    document_id TEXT NOT NULL,
    claim_id TEXT NOT NULL,
    group_id TEXT,
    text TEXT NOT NULL,
    claimant TEXT,
    claimant_id TEXT,
    status TEXT NOT NULL,
    about JSON,
    evidence JSON,
    PRIMARY KEY (document_id, claim_id)
);
CREATE INDEX claims_group_id ON claims (group_id);

-- claims.about, one row per entity, so "claims about X" is a join.
CREATE TABLE claim_about (
    document_id TEXT NOT NULL,
    claim_id TEXT NOT NULL,
    local_id TEXT NOT NULL
);
CREATE INDEX claim_about_entity ON claim_about (document_id, local_id);

CREATE TABLE relations (
    document_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    subject TEXT NOT NULL,
    predicate TEXT NOT NULL,
    object TEXT NOT NULL,
    subject_id TEXT,
    object_id TEXT,
    status TEXT NOT NULL,
    evidence JSON,
    PRIMARY KEY (document_id, seq)
);

-- Fused across documents (derived: recomputed from the tables above plus corrections).
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    acled_name TEXT,
    documents INTEGER NOT NULL,
    mentions INTEGER NOT NULL
);

CREATE TABLE entity_aliases (
    entity_id TEXT NOT NULL,
    alias TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);

CREATE TABLE fused_events (
    id TEXT PRIMARY KEY,
    event_type TEXT NOT NULL,
    sub_event_type TEXT NOT NULL,
    event_date TEXT,
    time_precision INTEGER,
    actor1 TEXT,
    actor2 TEXT,
    assoc_actors JSON,
    location TEXT,
    admin1 TEXT,
    country TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    geo_precision INTEGER,
    fatalities INTEGER,
    fatalities_min INTEGER,
    fatalities_max INTEGER,
    notes TEXT,
    cameo TEXT,
    plover TEXT,
    confidence DOUBLE PRECISION,
    corroboration INTEGER NOT NULL,
    source TEXT,
    sources JSON NOT NULL,
    edited JSON,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX fused_events_date ON fused_events (event_date);

CREATE TABLE claim_groups (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    about JSON,
    statuses JSON NOT NULL,
    sources INTEGER NOT NULL,
    contradiction BOOLEAN NOT NULL,
    members JSON NOT NULL
);

-- Analyst corrections: an audited overlay, never touched by ingest; fusion re-applies it.
CREATE TABLE corrections (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    field TEXT,
    value JSON,
    previous JSON,
    context JSON,
    author TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
