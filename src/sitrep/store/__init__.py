"""Storage: documents, their extraction, cross-document fusion and analyst corrections.

DuckDB by default (`./sitrep.duckdb`), PostgreSQL through the same code (`postgresql://…`).
"""
from .db import DEFAULT_URL, Store, resolve_url
from .errors import StoreError
from .loader import IngestSummary, ingest
from .query import Filters, parse_bbox

__all__ = ["DEFAULT_URL", "Filters", "IngestSummary", "Store", "StoreError", "ingest", "parse_bbox", "resolve_url"]
