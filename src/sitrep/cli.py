"""The `sitrep` command line: thin typer commands over the library functions."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn,
                           TimeElapsedColumn)
from rich.table import Table
from rich.text import Text

from . import ingest
from .errors import SitrepError
from .record import ErrorRecord, Record

app = typer.Typer(help="Conflict news → structured, sourced, geolocated data (sitrep/1).",
                  no_args_is_help=True, pretty_exceptions_enable=False)
eval_app = typer.Typer(help="Score sitrep against labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
spark_app = typer.Typer(help="Run the pipeline as a Spark job, locally or on a cluster.", no_args_is_help=True)
app.add_typer(spark_app, name="spark")
err_console = Console(stderr=True)

AliasOpt = Annotated[Optional[list[Path]], typer.Option(
    "--aliases", help="Extra alias file(s) in the format of data/actors.yaml; later files win.")]
PublishedOpt = Annotated[Optional[str], typer.Option(
    "--published", help="Publication date (YYYY-MM-DD) for documents that carry none.")]
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="Outlet name for documents that carry none.")]
ProcessesOpt = Annotated[int, typer.Option(
    "--processes", min=1, help="Worker processes, one pipeline each; records stay in input order.")]


def fail(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(1)


class RateColumn(ProgressColumn):
    """Documents per second, shown whether or not the total is known (streamed input has none)."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed or 0:.1f} docs/s", style="progress.data.speed")


def progress(total: int | None = None) -> Progress:
    """A stderr progress bar (docs and docs/s); hidden when stderr is not a terminal."""
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    RateColumn(), TimeElapsedColumn(),
                    console=err_console, transient=True, disable=not err_console.is_terminal)


def run_extract(paths: list[str], published: str | None, source: str | None,
                aliases: list[Path] | None, processes: int = 1) -> Iterator[Record | ErrorRecord]:
    from .extract import Extractor

    extractor = Extractor(tuple(str(p) for p in aliases or ()))
    items = ingest.read(paths, published=published, source=source)
    with progress() as bar:
        task = bar.add_task("extracting", total=None)
        for result in extractor.run(items, processes=processes):
            bar.advance(task)
            yield result


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files (.txt .html .jsonl), directories, or - for stdin.")],
    published: PublishedOpt = None,
    source: SourceOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="json (one document) or jsonl.")] = None,
    aliases: AliasOpt = None,
    processes: ProcessesOpt = 1,
) -> None:
    """Extract sitrep/1 records from news text.

    Example: sitrep extract article.txt --published 2016-10-13 --source "Libya Observer" --format json
    """
    if fmt not in (None, "json", "jsonl"):
        raise fail(f"--format must be json or jsonl, not {fmt!r}")
    try:
        results = list(run_extract(paths, published, source, aliases, processes)) if fmt == "json" else None
        ok = 0
        if results is not None and len(results) == 1:
            out = results[0]
            print(out.to_json(indent=2) if isinstance(out, Record) else out.model_dump_json())
            ok = isinstance(out, Record)
        else:
            for out in results if results is not None else run_extract(paths, published, source, aliases,
                                                                         processes):
                print(out.to_json() if isinstance(out, Record) else out.model_dump_json(), flush=True)
                ok += isinstance(out, Record)
    except SitrepError as err:
        raise fail(str(err)) from None
    if not ok:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the sitrep/1 record.

    Example: sitrep schema > sitrep-1.schema.json
    """
    print(json.dumps(Record.model_json_schema(by_alias=True), indent=2))


@eval_app.command("seed")
def eval_seed(
    shared: Annotated[Path, typer.Option(help="The shared/ folder with fixtures, gold and tools.")] = Path("../shared"),
) -> None:
    """Extract the seed fixture and score it with shared/tools/score.py.

    Example: sitrep eval seed --shared ../shared
    """
    import subprocess
    import tempfile

    from .eval.seed import seed_paths

    text, meta, gold, scorer = seed_paths(shared)
    results = list(run_extract([str(text)], meta.get("published"), meta.get("source"), None))
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        fh.write(results[0].to_json() if isinstance(results[0], Record) else "{}")
    done = subprocess.run([sys.executable, str(scorer), str(gold), fh.name], capture_output=True, text=True)
    print(done.stdout, end="")
    Path(fh.name).unlink()


train_app = typer.Typer(help="Rebuild sitrep's trained models from labelled data.", no_args_is_help=True)
app.add_typer(train_app, name="train")


@train_app.command("events")
def train_events_cmd(
    data: Annotated[Path, typer.Option("--data", help="An ACLED export (CSV) or a folder of them.")],
    negatives: Annotated[Optional[Path], typer.Option(
        "--negatives", help="A folder of ordinary news .txt files: event words used in other senses.")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", help="Where to write the model; default: the one shipped in the package.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed (the result is the same for the same data and seed).")] = 13,
) -> None:
    """Train the ACLED event classifier on the notes of ACLED exports.

    Example: sitrep train events --data ../shared/data/events --negatives ../shared/data/quotes/train/text
    """
    from importlib import resources

    from .event_model import MODEL_FILE
    from .train import train_events

    target = out or Path(str(resources.files("sitrep.data").joinpath(MODEL_FILE)))
    try:
        model = train_events(data, target, negatives, seed)
    except SitrepError as err:
        raise fail(str(err)) from None
    err_console.print(f"trained on {model.meta['rows']} notes ({', '.join(model.meta['trained_on'])}): "
                      f"{len(model.classes)} classes, {len(model.vocabulary)} features → {target} "
                      f"({target.stat().st_size / 1024:.0f} KiB)")


@eval_app.command("events")
def eval_events(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="An ACLED export to score against.")],
    train_on: Annotated[Optional[list[Path]], typer.Option(
        "--train-on", help="Train the classifier on these ACLED exports instead of using the shipped one.")] = None,
    negatives: Annotated[Optional[Path], typer.Option(
        "--negatives", help="With --train-on: a folder of ordinary news .txt files for the (none) class.")] = None,
    errors: Annotated[Optional[Path], typer.Option(
        "--errors", help="Write the rows scored wrong to this JSONL file.")] = None,
) -> None:
    """Extract each ACLED row's notes and score the best event against the row.

    Example: sitrep eval events ../shared/data/events/acled_afghanistan_2020-03.csv --train-on ../shared/data/events/acled_kenya_2004-2019.csv
    """
    from .eval.events import evaluate_file

    try:
        report = evaluate_file(file, train_on, negatives, errors)
    except SitrepError as err:
        raise fail(str(err)) from None
    console = Console()
    console.print(f"{file.name} — classifier: {report.model}", highlight=False)
    for key, value in report.metrics().items():
        console.print(f"  {key:34s} {value:.3f}" if isinstance(value, float) else f"  {key:34s} {value}",
                      highlight=False)
    gold, pred, counts = report.confusion()
    table = Table("gold \\ predicted", *pred, title="event_type confusion", title_justify="left")
    for g in gold:
        table.add_row(g, *(str(counts.get((g, p), "")) for p in pred))
    console.print(table)


@eval_app.command("geo")
def eval_geo(
    file: Annotated[Path, typer.Argument(metavar="LGL.xml", help="An LGL-format toponym corpus.")],
    mistakes: Annotated[Path, typer.Option(
        "--mistakes", help="Write the toponyms resolved wrong (or not at all) to this TSV file.")
    ] = Path("geo-mistakes.tsv"),
    limit: Annotated[Optional[int], typer.Option("--limit", help="Score only the first N articles.")] = None,
) -> None:
    """Toponym recognition P/R/F1 and resolution accuracy@161 km given the gold spans.

    Example: sitrep eval geo ../shared/data/geo/lgl.xml --mistakes /tmp/lgl-mistakes.tsv
    """
    from .eval.geo import evaluate

    try:
        report = evaluate(file, mistakes, limit)
    except SitrepError as err:
        raise fail(str(err)) from None
    for line in report.lines():
        print(line)
    print(f"mistakes written to {mistakes}")


@eval_app.command("quotes")
def eval_quotes(
    folder: Annotated[Path, typer.Argument(metavar="POLNEAR_DIR", help="A PolNeAR split with text/ and attributions/.")],
    errors: Annotated[Path, typer.Option(
        "--errors", help="Write missed, spurious and wrongly attributed quotes to this JSONL file.")
    ] = Path("quotes-errors.jsonl"),
    limit: Annotated[Optional[int], typer.Option("--limit", help="Score only the first N articles.")] = None,
) -> None:
    """Quote content recall/precision (≥ 50 % overlap) and speaker accuracy on named sources.

    Example: sitrep eval quotes ../shared/data/quotes/dev --errors /tmp/quotes-errors.jsonl
    """
    from .eval.quotes import evaluate, write_errors

    try:
        report = evaluate(folder, limit)
    except SitrepError as err:
        raise fail(str(err)) from None
    write_errors(report, errors)
    print(report.summary())
    print(f"errors written to {errors}")


gazetteer_app = typer.Typer(help="The offline GeoNames gazetteer index.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")


@gazetteer_app.command("build")
def gazetteer_build(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when the index exists.")] = False,
) -> None:
    """Build the gazetteer index in the user cache directory (done on first use otherwise).

    Example: sitrep gazetteer build
    """
    import time

    from .gazetteer import build_index, default_path, stats

    path = default_path()
    started = time.perf_counter()
    if force or not path.exists():
        build_index(path)
    counts = stats(path)
    print(f"{path}: {counts['place']} places, {counts['name']} names ({time.perf_counter() - started:.1f} s)")


@spark_app.command("extract")
def spark_extract(
    input_path: Annotated[str, typer.Argument(
        metavar="INPUT", help="File, directory or glob on any Hadoop filesystem (file:, hdfs:, s3a:).")],
    output: Annotated[str, typer.Argument(help="Output directory for the Parquet records.")],
    master: Annotated[Optional[str], typer.Option(
        help="Spark master URL; default: spark-submit's, else local[*].")] = None,
    input_format: Annotated[Optional[str], typer.Option(
        "--input-format", help="jsonl (a document a line) or files (a .txt/.html a file); default from INPUT.")] = None,
    partitions: Annotated[Optional[int], typer.Option(
        min=1, help="Minimum number of input partitions; 2-4 per executor core balances the load.")] = None,
    published: PublishedOpt = None,
    source: SourceOpt = None,
    aliases: AliasOpt = None,
    overwrite: Annotated[bool, typer.Option(help="Replace OUTPUT if it exists.")] = False,
) -> None:
    """Extract sitrep/1 records with Spark into Parquet (seq, id, error, a few counts, record JSON).

    Example: sitrep spark extract corpus.jsonl records.parquet --master "local[2]"
    """
    from . import spark

    options = spark.JobOptions(alias_files=tuple(str(p) for p in aliases or ()), published=published,
                               source=source)
    try:
        session = spark.session(master)
        try:
            result = spark.extract(session, input_path, output, options, input_format, partitions,
                                   "overwrite" if overwrite else "errorifexists")
        finally:
            session.stop()
    except (SitrepError, ValueError) as err:
        raise fail(str(err)) from None
    err_console.print(f"wrote {result.documents} records ({result.errors} errors) to {result.output}")
    if result.documents == result.errors:
        raise typer.Exit(1)


# --- the store: ingest, query, export, analyst corrections -------------------------------------

edit_app = typer.Typer(help="Analyst corrections: audited, kept apart from extraction, re-applied after every "
                            "ingest.", no_args_is_help=True)
app.add_typer(edit_app, name="edit")

DbOpt = Annotated[Optional[str], typer.Option(
    "--db", help="Store URL: duckdb:///path.duckdb (default ./sitrep.duckdb) or postgresql://user@host/db.")]
FusedOpt = Annotated[bool, typer.Option("--fused", help="Cross-document fused events/claim groups.")]
AuthorOpt = Annotated[Optional[str], typer.Option("--author", help="Who makes the correction; default: OS user.")]
SinceOpt = Annotated[Optional[str], typer.Option("--since", help="From this date on (YYYY-MM-DD).")]
UntilOpt = Annotated[Optional[str], typer.Option("--until", help="Up to this date (YYYY-MM-DD).")]
CountryOpt = Annotated[Optional[str], typer.Option("--country", help="Country name (events).")]
Admin1Opt = Annotated[Optional[str], typer.Option("--admin1", help="First-level region (events).")]
BboxOpt = Annotated[Optional[str], typer.Option("--bbox", help="min_lon,min_lat,max_lon,max_lat (events).")]
ActorOpt = Annotated[Optional[str], typer.Option("--actor", help="Entity name or alias, or part of one.")]
TypeOpt = Annotated[Optional[str], typer.Option(
    "--type", help="Event (sub-)type; claim status; entity type.")]
TextOpt = Annotated[Optional[str], typer.Option("--text", help="Words in notes, evidence or claim text.")]


def make_filters(since: str | None, until: str | None, country: str | None, admin1: str | None,
                 bbox: str | None, actor: str | None, type_: str | None, text: str | None, limit: int | None = None):
    from .store import Filters, parse_bbox

    return Filters(since=since, until=until, country=country, admin1=admin1, bbox=bbox and parse_bbox(bbox),
                   actor=actor, type=type_, text=text, limit=limit)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[str], typer.Argument(help="Files (.txt .html .jsonl), directories, or - for stdin.")],
    db: DbOpt = None,
    published: PublishedOpt = None,
    source: SourceOpt = None,
    aliases: AliasOpt = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per transaction.")] = 50,
    processes: ProcessesOpt = 1,
) -> None:
    """Extract documents into the store and re-fuse; stored documents with unchanged text are skipped.

    Example: sitrep ingest reports/ feed.jsonl --db duckdb:///conflict.duckdb
    """
    from contextlib import nullcontext

    from .extract import Extractor
    from .store import Store
    from .store import ingest as store_ingest

    extractor = Extractor(tuple(str(p) for p in aliases or ()))
    try:
        with (Store(db) as store, progress() as bar,
              extractor.pool(processes) if processes > 1 else nullcontext(extractor) as workers):
            task = bar.add_task("ingesting", total=None)
            summary = store_ingest(store, ingest.read(paths, published=published, source=source),
                                   workers, batch_size, on_document=lambda doc_id, outcome: bar.advance(task))
    except SitrepError as err:
        raise fail(str(err)) from None
    Console().print(f"ingested {summary.ingested} ({summary.replaced} replacing an earlier version), "
                    f"skipped {summary.skipped} duplicates, failed {len(summary.failed)}", highlight=False)
    for doc_id, reason in summary.failed:
        Console().print(f"  failed {doc_id}: {reason}", highlight=False, markup=False)
    if summary.failed and not (summary.ingested or summary.skipped):
        raise typer.Exit(1)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _fatalities(row: dict) -> str:
    low, high = row.get("fatalities_min"), row.get("fatalities_max")
    return _cell(row["fatalities"]) + (f" ({low}–{high})" if low is not None and low != high else "")


# Columns of `sitrep query` tables: (header, value of a row).
QUERY_COLUMNS = {
    "events": [("document", lambda r: r["document_id"]), ("event", lambda r: r["event_id"]),
               ("date", lambda r: r["event_date"]), ("type", lambda r: r["sub_event_type"]),
               ("actor1", lambda r: r["actor1"]), ("actor2", lambda r: r["actor2"]),
               ("location", lambda r: ", ".join(filter(None, (r["location"], r["admin1"], r["country"])))),
               ("fatalities", lambda r: r["fatalities"]), ("source", lambda r: r["source"])],
    "fused-events": [("id", lambda r: r["id"]), ("date", lambda r: r["event_date"]),
                     ("type", lambda r: r["sub_event_type"]), ("actor1", lambda r: r["actor1"]),
                     ("actor2", lambda r: r["actor2"]),
                     ("location", lambda r: ", ".join(filter(None, (r["location"], r["admin1"], r["country"])))),
                     ("fatalities", _fatalities), ("reports", lambda r: r["corroboration"]),
                     ("sources", lambda r: r["source"]), ("edited", lambda r: list(r["edited"] or {}))],
    "claims": [("document", lambda r: r["document_id"]), ("claim", lambda r: r["claim_id"]),
               ("status", lambda r: r["status"]), ("claimant", lambda r: r["claimant"]),
               ("text", lambda r: r["text"]), ("group", lambda r: r["group_id"])],
    "fused-claims": [("id", lambda r: r["id"]), ("contradiction", lambda r: "yes" if r["contradiction"] else ""),
                     ("statuses", lambda r: r["statuses"]), ("sources", lambda r: r["sources"]),
                     ("text", lambda r: r["text"])],
    "entities": [("id", lambda r: r["id"]), ("name", lambda r: r["name"]), ("type", lambda r: r["type"]),
                 ("documents", lambda r: r["documents"]), ("mentions", lambda r: r["mentions"]),
                 ("ACLED name", lambda r: r["acled_name"])],
    "corrections": [("when", lambda r: r["created_at"].isoformat(timespec="seconds")),
                    ("author", lambda r: r["author"]), ("kind", lambda r: r["kind"]),
                    ("target", lambda r: r["target"]), ("field", lambda r: r["field"]),
                    ("value", lambda r: r["value"]), ("previous", lambda r: r["previous"])],
}


@app.command()
def query(
    kind: Annotated[str, typer.Argument(help="events, claims, entities or corrections.")],
    fused: FusedOpt = False,
    contradictions: Annotated[bool, typer.Option(help="Only claim groups flagged as contradictions.")] = False,
    since: SinceOpt = None, until: UntilOpt = None, country: CountryOpt = None, admin1: Admin1Opt = None,
    bbox: BboxOpt = None, actor: ActorOpt = None, type_: TypeOpt = None, text: TextOpt = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    db: DbOpt = None,
) -> None:
    """Show stored events, claims, entities or analyst corrections as a table.

    Example: sitrep query events --fused --country Somalia --since 2023-03-01 --actor "al-Shabaab"
    """
    from .store import Store

    if kind not in ("events", "claims", "entities", "corrections"):
        raise fail(f"query events, claims, entities or corrections, not {kind!r}")
    try:
        filters = make_filters(since, until, country, admin1, bbox, actor, type_, text, limit)
        with Store(db) as store:
            if kind == "events":
                rows = list(store.events(filters, fused=fused))
            elif kind == "claims":
                rows = list(store.claims(filters, fused=fused or contradictions, contradictions=contradictions))
            elif kind == "entities":
                rows = list(store.entities(filters))
            else:
                rows = list(store.corrections())
    except SitrepError as err:
        raise fail(str(err)) from None
    columns = QUERY_COLUMNS[f"fused-{kind}" if (fused or contradictions) and kind in ("events", "claims") else kind]
    table = Table(title=f"{len(rows)} {kind}", title_justify="left")
    for header, _ in columns:
        table.add_column(header, overflow="fold")  # ids wrap rather than lose their end: they are copied into edits
    for row in rows:
        table.add_row(*(_cell(value(row)) for _, value in columns))
    Console().print(table)


@app.command("export")
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="acled-csv, geojson, parquet or jsonl.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Output file; default stdout.")] = None,
    fused: FusedOpt = False,
    since: SinceOpt = None, until: UntilOpt = None, country: CountryOpt = None, admin1: Admin1Opt = None,
    bbox: BboxOpt = None, actor: ActorOpt = None, type_: TypeOpt = None, text: TextOpt = None,
    db: DbOpt = None,
) -> None:
    """Export stored events (ACLED CSV, GeoJSON, Parquet; JSONL: full records, or fused events with --fused).

    Example: sitrep export --format acled-csv --fused -o events.csv
    """
    from .export import export
    from .store import Store

    try:
        filters = make_filters(since, until, country, admin1, bbox, actor, type_, text)
        with Store(db) as store:
            n = export(store, fmt, output, fused=fused, filters=filters)
    except SitrepError as err:
        raise fail(str(err)) from None
    if output:
        err_console.print(f"wrote {n} {'fused ' if fused else ''}rows to {output}")


@edit_app.command("event")
def edit_event(
    event_id: Annotated[str, typer.Argument(metavar="ID", help="A fused event id (sitrep query events --fused).")],
    assignments: Annotated[list[str], typer.Option("--set", help="field=value; repeat for several fields.")],
    author: AuthorOpt = None,
    db: DbOpt = None,
) -> None:
    """Correct fields of a fused event; the correction survives re-ingest and re-extraction.

    Example: sitrep edit event fev:3f2a9c0d1e4b --set fatalities=12 --set "actor2=Civilians (Somalia)"
    """
    from .store import Store

    changes = {}
    for assignment in assignments:
        field, sep, value = assignment.partition("=")
        if not sep or not field.strip():
            raise fail(f"--set takes field=value, not {assignment!r}")
        changes[field.strip()] = value
    try:
        with Store(db) as store:
            row = store.edit_event(event_id, changes, author)
    except SitrepError as err:
        raise fail(str(err)) from None
    for field in changes:
        Console().print(f"{event_id}: {field} = {_cell(row[field])}", highlight=False, markup=False)


@app.command("merge-entities")
def merge_entities(
    keep: Annotated[str, typer.Argument(metavar="A", help="Entity id or name that stays.")],
    merge: Annotated[str, typer.Argument(metavar="B", help="Entity id or name merged into A.")],
    author: AuthorOpt = None,
    db: DbOpt = None,
) -> None:
    """Declare that B is the same entity as A, across all documents, now and after future ingests.

    Example: sitrep merge-entities ent:mohammed-al-ghosri "Al-Ghasri"
    """
    from .store import Store

    try:
        with Store(db) as store:
            row = store.merge_entities(keep, merge, author)
    except SitrepError as err:
        raise fail(str(err)) from None
    Console().print(f"{row['id']} ({row['name']}): {row['documents']} documents, {row['mentions']} mentions",
                    highlight=False, markup=False)


# --- the HTTP API and dashboard -----------------------------------------------------------------

@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port.")] = 8000,
    protect_reads: Annotated[bool, typer.Option(
        "--protect-reads", help="Require the bearer token for reads too, not only for writes.")] = False,
    cors_origin: Annotated[Optional[list[str]], typer.Option(
        "--cors-origin", help="Allow browser pages from this origin to call the API (CORS is off by default).")] = None,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs) and the analyst dashboard (at /) over a store.

    Writes need `Authorization: Bearer $SITREP_TOKEN`; without SITREP_TOKEN set, writes are refused.

    Example: SITREP_TOKEN=change-me sitrep serve --db duckdb:///sitrep.duckdb --port 8000
    """
    import os

    import uvicorn

    from .api import create_app

    token = os.environ.get("SITREP_TOKEN") or None
    if protect_reads and not token:
        raise fail("--protect-reads needs SITREP_TOKEN set")
    try:
        api = create_app(db, token, protect_reads=protect_reads, cors_origins=cors_origin or ())
    except SitrepError as err:
        raise fail(str(err)) from None
    uvicorn.run(api, host=host, port=port, log_level="info")
