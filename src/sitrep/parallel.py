"""Extraction across worker processes: one pipeline per worker, records in input order, bounded memory.

spaCy's own `nlp.pipe(n_process=...)` parallelises only the parse and sends every `Doc` back to
the parent, where the sitrep stages would still run one document at a time. Here each worker runs
the whole `Extractor` on a chunk of documents and sends back finished records, which are small.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Iterable, Iterator

from .ingest import Document
from .record import ErrorRecord, Record

if TYPE_CHECKING:
    from .extract import Extractor

_worker: Extractor | None = None  # the one per-process extractor, set by `_start`


def _start(extractor: Extractor) -> None:
    global _worker
    _worker = extractor


def _extract(chunk: list[Document | ErrorRecord], batch_size: int) -> list[Record | ErrorRecord]:
    # The pipeline loads on the first chunk (not in `_start`), so a broken alias file comes back
    # to the parent as its own exception instead of a dead worker.
    assert _worker is not None, "worker used before _start"
    return list(_worker.run(chunk, batch_size))


def _version() -> str:
    assert _worker is not None, "worker used before _start"
    return _worker.version


class ExtractorPool:
    """`processes` workers, each with its own copy of `extractor`; reusable across `run` calls
    (the store's ingest calls `run` once per transaction), so the models load once per worker.

    `extractor` must not have loaded its pipeline: it is pickled to every worker.
    """

    def __init__(self, extractor: Extractor, processes: int, batch_size: int):
        # forkserver: workers start from a clean process, never a fork of a parent that may hold
        # threads (progress bar, Spark's py4j) and their locks. Spawn where there is none (Windows).
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            # The server imports spaCy and sitrep once; every worker forks from it with them in
            # place (a no-op once this process's forkserver is running).
            context.set_forkserver_preload(["sitrep.extract"])
        else:
            context = multiprocessing.get_context("spawn")
        self.processes = processes
        self.batch_size = batch_size
        self._executor = ProcessPoolExecutor(processes, mp_context=context, initializer=_start,
                                             initargs=(extractor,))

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc) -> None:
        self._executor.shutdown(cancel_futures=True)

    @cached_property
    def version(self) -> str:
        """The workers' `Extractor.version`, without loading the pipeline in this process too."""
        return self._executor.submit(_version).result()

    def run(self, items: Iterable[Document | ErrorRecord]) -> Iterator[Record | ErrorRecord]:
        """Like `Extractor.run`; at most 2 × `processes` + 1 chunks are in flight, so memory does not
        grow with the input (`ProcessPoolExecutor.map` would submit the whole input at once)."""
        source = iter(items)
        pending: deque[Future[list[Record | ErrorRecord]]] = deque()
        while chunk := list(islice(source, self.batch_size)):  # one `nlp.pipe` batch per task
            pending.append(self._executor.submit(_extract, chunk, self.batch_size))
            if len(pending) > 2 * self.processes:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
