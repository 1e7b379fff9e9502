"""Documents → store: skip what is already stored, extract the rest, write in batches.

Input is streamed in batches of `batch_size` documents; each batch is one transaction (rows plus
fusion), so memory stays bounded and a killed run resumes where its last whole batch ended: the
documents of the unfinished batch are simply not stored yet, and the next run extracts them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from typing import Callable, Iterable, Iterator, Protocol, Sequence

from ..ingest import Document
from ..record import ErrorRecord, Record
from .db import Store

BATCH_SIZE = 50


class Extracts(Protocol):
    """What ingest needs of `sitrep.extract.Extractor`."""

    version: str

    def run(self, items: Iterable[Document | ErrorRecord]) -> Iterator[Record | ErrorRecord]: ...


@dataclass
class IngestSummary:
    ingested: int = 0  # stored, new or changed
    replaced: int = 0  # of those, documents that replaced an earlier version
    skipped: int = 0  # already stored with this text and extractor, or the same text under another id
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document id, reason)


def _batches(items: Iterable[Document | ErrorRecord], size: int) -> Iterator[list[Document | ErrorRecord]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def plan(store: Store, docs: Sequence[Document], version: str) -> tuple[list[Document], set[str], list[str]]:
    """Which documents to extract: (to do, ids already stored, ids skipped).

    Skipped: stored with this text by this extractor, the same text under another id, or an earlier
    line of this batch that a later line with the same id supersedes.
    """
    stored = store.known([d.id for d in docs], [d.content_hash for d in docs])
    by_id = {doc_id: (digest, ver) for doc_id, digest, ver in stored}
    owner = {digest: doc_id for doc_id, digest, _ in stored}
    todo: dict[str, Document] = {}
    skipped = []
    for doc in docs:
        digest = doc.content_hash
        if by_id.get(doc.id) == (digest, version) or owner.get(digest, doc.id) != doc.id:
            skipped.append(doc.id)
            continue
        if doc.id in todo:
            skipped.append(doc.id)
            del todo[doc.id]
        todo[doc.id] = doc
        owner[digest] = doc.id
    return list(todo.values()), set(by_id), skipped


def ingest(store: Store, items: Iterable[Document | ErrorRecord], extractor: Extracts,
           batch_size: int = BATCH_SIZE, on_document: Callable[[str, str], None] | None = None) -> IngestSummary:
    """Extract and store documents; `on_document(id, outcome)` fires once per input document,
    with outcome "stored" (inside the batch's transaction), "skipped" or "failed"."""
    notify = on_document or (lambda doc_id, outcome: None)
    summary = IngestSummary()
    for batch in _batches(items, batch_size):
        docs = []
        for item in batch:
            if isinstance(item, ErrorRecord):
                summary.failed.append((item.id, item.error))
                notify(item.id, "failed")
            else:
                docs.append(item)
        todo, stored, skipped = plan(store, docs, extractor.version)
        summary.skipped += len(skipped)
        for doc_id in skipped:
            notify(doc_id, "skipped")
        extracted = []
        for doc, result in zip(todo, extractor.run(todo)):
            if isinstance(result, ErrorRecord):
                summary.failed.append((result.id, result.error))
                notify(result.id, "failed")
            else:
                extracted.append((result, doc.content_hash))
        store.write(extracted, on_stored=lambda record: notify(record.document.id, "stored"))
        summary.ingested += len(extracted)
        summary.replaced += sum(record.document.id in stored for record, _ in extracted)
    return summary
