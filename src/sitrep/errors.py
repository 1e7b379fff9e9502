"""Typed exceptions, in one place, with messages a person can act on."""
from __future__ import annotations

from .record import ErrorRecord


class SitrepError(Exception):
    """Base class: the CLI prints these as one line, the API turns them into 4xx JSON."""


class InputError(SitrepError):
    """A document that cannot be read; it names the document and the reason."""

    def __init__(self, doc_id: str, reason: str):
        super().__init__(f"{doc_id}: {reason}")
        self.doc_id = doc_id
        self.reason = reason

    def record(self) -> ErrorRecord:
        return ErrorRecord(id=self.doc_id, error=self.reason)


class DataFileError(SitrepError):
    """A user-supplied data file (aliases, lexicons) that does not parse."""
