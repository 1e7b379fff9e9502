"""The extraction pipeline as a PySpark job, for corpora larger than one machine.

Each Spark partition streams its documents through one `Extractor` (cached per Python worker,
which Spark reuses across tasks, so the model loads once per executor core), and the job writes
Parquet: the record JSON plus a few flat columns to filter and count on without parsing it.
`seq` is the document's position in the input, so `ORDER BY seq` gives the order `sitrep extract`
would print. Run it as `sitrep spark extract` or hand this file to `spark-submit`.

Imports are absolute (not `from .extract`) because `spark-submit` runs this file as a script.
"""
from __future__ import annotations

import os
import sys

if __name__ == "__main__" and sys.path[0] == os.path.dirname(os.path.abspath(__file__)):
    # Run as a script, this package's folder comes first on sys.path, where sitrep's numbers.py
    # would shadow the standard library's `numbers`.
    del sys.path[0]

from collections import deque  # noqa: E402  (the imports below must follow the path fix)
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Iterable, Iterator
from urllib.parse import urlparse

from sitrep.errors import InputError, SitrepError
from sitrep.extract import BATCH_SIZE, Extractor
from sitrep.ingest import Document, from_bytes, prepare, read_jsonl
from sitrep.record import ErrorRecord, Record

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

FILE_SUFFIXES = (".txt", ".html", ".htm")
COLUMNS = (  # name, Spark SQL type
    ("seq", "bigint"), ("id", "string"), ("error", "string"), ("published", "string"), ("source", "string"),
    ("extractor_version", "string"), ("n_entities", "int"), ("n_places", "int"), ("n_events", "int"),
    ("n_quotes", "int"), ("n_claims", "int"), ("n_relations", "int"), ("record", "string"),
)
Row = tuple  # one output row, in COLUMNS order


@dataclass(frozen=True)
class JobOptions:
    """What every partition needs to know; pickled to the executors with the task."""

    alias_files: tuple[str, ...] = ()
    published: str | None = None
    source: str | None = None
    batch_size: int = BATCH_SIZE


@dataclass(frozen=True)
class JobResult:
    documents: int
    errors: int
    output: str


def input_format(path: str) -> str:
    """`jsonl` when the last path component names JSONL files (`corpus.jsonl`, `part-*.jsonl.gz`)."""
    return "jsonl" if ".jsonl" in PurePosixPath(path.rstrip("/")).name else "files"


def _local(name: str) -> str:
    """An alias file on an executor: the driver ships each with `SparkContext.addFile`."""
    if Path(name).is_file():
        return name
    from pyspark import SparkFiles

    return SparkFiles.get(Path(name).name)


@lru_cache(maxsize=4)
def _extractor(alias_files: tuple[str, ...]) -> Extractor:
    """One per Python worker process; Spark reuses workers across tasks and partitions."""
    return Extractor(tuple(_local(f) for f in alias_files))


def _row(seq: int, result: Record | ErrorRecord) -> Row:
    if isinstance(result, ErrorRecord):
        return (seq, result.id, result.error) + (None,) * (len(COLUMNS) - 3)
    doc = result.document
    return (seq, doc.id, None, doc.published, doc.source, result.extractor_version, len(result.entities),
            len(result.places), len(result.events), len(result.quotes), len(result.claims),
            len(result.relations), result.to_json())


def extract_partition(items: Iterable[tuple[int, Document | ErrorRecord]], options: JobOptions) -> Iterator[Row]:
    """(seq, document) pairs → output rows, streamed: memory is one `nlp.pipe` batch, not the partition."""
    seqs: deque[int] = deque()

    def documents() -> Iterator[Document | ErrorRecord]:
        for seq, item in items:
            seqs.append(seq)
            yield prepare(item, options.published, options.source)

    for result in _extractor(options.alias_files).run(documents(), options.batch_size):
        yield _row(seqs.popleft(), result)  # `run` yields exactly one result per item, in order


def jsonl_partition(lines: Iterator[tuple[str, int]], name: str) -> Iterator[tuple[int, Document | ErrorRecord]]:
    """Numbered JSONL lines → (seq, document). A partition holds consecutive lines, so line numbers
    (and the `name:line` ids of lines without an id) are those `sitrep extract` gives a single file."""
    first = next(lines, None)
    if first is None:
        return
    seq = first[1]

    def texts() -> Iterator[str]:
        nonlocal seq
        yield first[0].lstrip("\ufeff")  # Hadoop keeps a UTF-8 byte-order mark
        for line, seq in lines:
            yield line

    # read_jsonl takes one line at a time and yields before it reads on: `seq` is that line's
    for item in read_jsonl(texts(), name, start=first[1] + 1):
        yield seq, item


def file_document(path: str, data: bytes) -> Document | ErrorRecord:
    """One whole file (`binaryFiles`) → a document, exactly as `sitrep extract` reads a .txt/.html file."""
    name = PurePosixPath(urlparse(path).path)
    try:
        if name.suffix not in FILE_SUFFIXES:
            raise InputError(name.stem, f"{name.name}: not .txt/.html; JSONL input needs --input-format jsonl")
        return from_bytes(data, name.stem, name.suffix)
    except InputError as err:
        return err.record()


def session(master: str | None = None, app_name: str = "sitrep-extract") -> SparkSession:
    """A Spark session; for a local master the workers run this very interpreter (and its venv).

    Without `master`, spark-submit's is used, or `local[*]` when not started by spark-submit.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise SitrepError("pyspark is not installed: pip install 'sitrep[spark]'") from None

    if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # spark-submit sets it
        master = "local[*]"
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name).config("spark.ui.showConsoleProgress", "false")
    return (builder.master(master) if master else builder).getOrCreate()


def extract(spark: SparkSession, source: str, output: str, options: JobOptions = JobOptions(),
            fmt: str | None = None, partitions: int | None = None, mode: str = "errorifexists") -> JobResult:
    """Read `source` (a path, directory or glob on any Hadoop filesystem), write Parquet to `output`."""
    sc = spark.sparkContext
    for path in options.alias_files:
        sc.addFile(path)
    fmt = fmt or input_format(source)
    if fmt == "jsonl":
        name = PurePosixPath(source.rstrip("/")).name
        numbered = sc.textFile(source, partitions).zipWithIndex()
        items = numbered.mapPartitions(lambda lines: jsonl_partition(lines, name))
    elif fmt == "files":
        files = sc.binaryFiles(source, partitions or sc.defaultParallelism)
        # number the raw files, then parse: zipWithIndex runs a counting pass over its input
        items = files.zipWithIndex().map(lambda pair: (pair[1], file_document(*pair[0])))
    else:
        raise ValueError(f"input format must be jsonl or files, not {fmt!r}")
    rows = items.mapPartitions(lambda part: extract_partition(part, options))
    schema = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
    from pyspark.errors import AnalysisException

    try:
        spark.createDataFrame(rows, schema).write.mode(mode).parquet(output)
    except AnalysisException as err:  # e.g. the output exists: a one-line message, not a Java trace
        raise SitrepError(f"{output}: {err.getMessage()}") from None
    counts = spark.read.parquet(output).selectExpr("count(*)", "count(error)").first()
    return JobResult(documents=counts[0], errors=counts[1], output=output)


if __name__ == "__main__":  # `spark-submit src/sitrep/spark.py extract IN OUT`, `python -m sitrep.spark extract ...`
    from sitrep.cli import app

    app(args=["spark", *sys.argv[1:]], prog_name="sitrep")
