"""Versioned schema migrations: numbered SQL files applied in order, each exactly once.

`migrations/NNNN_name.sql` holds portable SQL that runs unchanged on DuckDB and PostgreSQL;
`schema_migrations` records which versions a database has. A new schema change is a new file,
never an edit of an applied one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .schema import schema_migrations

FILENAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
# Any constant shared by all sitrep processes: they serialise their migrations on it (PostgreSQL).
LOCK_ID = 0x5172E9


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        """The file's statements. Our files end each statement with `;` at a line end and put no `;`
        inside literals, so a split is exact and needs no SQL parser."""
        body = "\n".join(line for line in self.sql.splitlines() if not line.lstrip().startswith("--"))
        return [s.strip() for s in re.split(r";\s*$", body, flags=re.M) if s.strip()]


@lru_cache(maxsize=1)
def migrations() -> tuple[Migration, ...]:
    found = []
    for entry in resources.files(__package__).joinpath("migrations").iterdir():
        match = FILENAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return tuple(sorted(found, key=lambda m: m.version))


def applied(conn: Connection) -> set[int]:
    return set(conn.execute(sa.select(schema_migrations.c.version)).scalars())


def migrate(engine: Engine) -> list[int]:
    """Bring the database to the newest schema in one transaction; returns the versions applied."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # two first runs at once must not both create the tables
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})
        conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)")
        done = applied(conn)
        new = [m for m in migrations() if m.version not in done]
        for migration in new:
            for statement in migration.statements():
                conn.exec_driver_sql(statement)
            conn.execute(schema_migrations.insert().values(
                version=migration.version, name=migration.name,
                applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
    return [m.version for m in new]
