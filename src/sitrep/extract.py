"""Extract stage: documents → `sitrep/1` records, through `nlp.pipe` in batches.

Each stage is a function over the spaCy `Doc` and the record built so far; it returns its own
field and never changes another stage's. The order below is the data flow.
"""
from __future__ import annotations

import logging
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from . import __version__, claims, dates, entities, events, places, quotes, relations
from .aliases import AliasTable
from .errors import DataFileError
from .ingest import Document
from .nlp.pipeline import load_pipeline, model_version
from .record import DocumentMeta, ErrorRecord, Record

if TYPE_CHECKING:
    from .parallel import ExtractorPool

log = logging.getLogger(__name__)
BATCH_SIZE = 16
MAX_CHARS = 1_000_000  # spaCy's own default limit; longer texts are refused per document
TIME_LIMIT = 30.0  # seconds of sitrep stages per document before it is reported as too slow
WARM_UP = ("Gunmen attacked a police post in Nairobi on Monday, killing two officers. "
           "\u201cWe will not give up,\u201d the police commander said.")


class DocumentTimeout(Exception):
    pass


@contextmanager
def time_limit(seconds: float | None):
    """Interrupt a runaway document. Signals only work in the main thread; elsewhere no limit."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise DocumentTimeout(f"took longer than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Extractor:
    """A loaded pipeline plus alias table; build one per process and reuse it."""

    alias_files: tuple[str, ...] = ()
    max_chars: int = MAX_CHARS
    time_limit: float | None = TIME_LIMIT
    _warm: bool = field(default=False, init=False, repr=False)

    @cached_property
    def aliases(self) -> AliasTable:
        return AliasTable.load(self.alias_files)

    @cached_property
    def nlp(self) -> Language:
        return load_pipeline(self.alias_files)

    def warm_up(self) -> None:
        """Load every stage's lazily loaded data (gazetteer, dateparser, event model) once, so the
        first real document's time limit measures that document and not the set-up."""
        if not self._warm:
            self.record(self.nlp(WARM_UP), Document(id="warm-up", text=WARM_UP, published="2020-01-07"))
            self._warm = True

    @cached_property
    def version(self) -> str:
        return f"sitrep-{__version__}+{model_version(self.nlp)}+aliases-{self.aliases.digest}"

    def record(self, doc: Doc, meta: Document) -> Record:
        record = Record(
            extractor_version=self.version,
            document=DocumentMeta(id=meta.id, source=meta.source, url=meta.url, title=meta.title,
                                  published=meta.published, language=meta.language, chars=len(meta.text)),
        )
        record.entities = entities.extract(doc, self.aliases)
        record.places = places.extract(doc, record)
        record.dates = dates.extract(doc, record)
        record.quotes = quotes.extract(doc, record)
        record.claims = claims.extract(doc, record)
        record.relations = relations.extract(doc, record)
        record.events = events.extract(doc, record)
        return Record.model_validate(record.model_dump(by_alias=True))

    def pool(self, processes: int, batch_size: int = BATCH_SIZE) -> ExtractorPool:
        """Worker processes with a copy of this extractor each, to reuse across many `run` calls."""
        from .parallel import ExtractorPool

        # replace(): an unloaded copy, so the workers are not sent this process's pipeline
        return ExtractorPool(replace(self), processes, batch_size)

    def run(self, items: Iterable[Document | ErrorRecord], batch_size: int = BATCH_SIZE,
            processes: int = 1) -> Iterator[Record | ErrorRecord]:
        """Records in input order; a document that fails becomes an `ErrorRecord`, never an abort.

        `processes` > 1 spreads the work over that many worker processes (one pipeline each).
        """
        if processes > 1:
            with self.pool(processes, batch_size) as pool:
                yield from pool.run(items)
            return

        def texts() -> Iterator[tuple[str, Document | ErrorRecord]]:
            for item in items:
                if isinstance(item, Document) and len(item.text) > self.max_chars:
                    item = ErrorRecord(id=item.id, error=f"text longer than {self.max_chars} characters")
                yield (item.text if isinstance(item, Document) else "", item)

        self.warm_up()
        for doc, item in self.nlp.pipe(texts(), as_tuples=True, batch_size=batch_size):
            if isinstance(item, ErrorRecord):
                yield item
                continue
            try:
                with time_limit(self.time_limit):
                    record = self.record(doc, item)
                yield record
            except DocumentTimeout as err:
                yield ErrorRecord(id=item.id, error=f"extraction {err}")
            except DataFileError:
                raise  # a broken installation or data file fails every document: say so once
            except Exception as err:  # one document's failure must not cost the batch
                log.exception("extraction failed for %s", item.id)
                yield ErrorRecord(id=item.id, error=f"extraction failed: {type(err).__name__}: {err}")


def extract_text(text: str, **meta) -> Record:
    """Convenience for tests and notebooks: one text → one record."""
    result = next(Extractor().run([Document(id=meta.pop("id", "doc"), text=text, **meta)]))
    if isinstance(result, ErrorRecord):
        raise ValueError(result.error)
    return result
