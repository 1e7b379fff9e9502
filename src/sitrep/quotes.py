"""quotes stage (to be implemented)."""
from __future__ import annotations


def extract(doc, record) -> list:
    return []
