"""The `sitrep` command line: thin typer commands over the library functions."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import ingest
from .errors import SitrepError
from .record import ErrorRecord, Record

app = typer.Typer(help="Conflict news → structured, sourced, geolocated data (sitrep/1).",
                  no_args_is_help=True, pretty_exceptions_enable=False)
eval_app = typer.Typer(help="Score sitrep against labelled data.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
err_console = Console(stderr=True)

AliasOpt = Annotated[Optional[list[Path]], typer.Option(
    "--aliases", help="Extra alias file(s) in the format of data/actors.yaml; later files win.")]
PublishedOpt = Annotated[Optional[str], typer.Option(
    "--published", help="Publication date (YYYY-MM-DD) for documents that carry none.")]
SourceOpt = Annotated[Optional[str], typer.Option("--source", help="Outlet name for documents that carry none.")]


def fail(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(1)


def progress(total: int | None = None) -> Progress:
    """A stderr progress bar (docs and docs/s); hidden when stderr is not a terminal."""
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.speed} docs/s" if total else ""), TimeElapsedColumn(),
                    console=err_console, transient=True, disable=not err_console.is_terminal)


def run_extract(paths: list[str], published: str | None, source: str | None,
                aliases: list[Path] | None) -> Iterator[Record | ErrorRecord]:
    from .extract import Extractor

    extractor = Extractor(tuple(str(p) for p in aliases or ()))
    items = ingest.read(paths, published=published, source=source)
    with progress() as bar:
        task = bar.add_task("extracting", total=None)
        for result in extractor.run(items):
            bar.advance(task)
            yield result


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files (.txt .html .jsonl), directories, or - for stdin.")],
    published: PublishedOpt = None,
    source: SourceOpt = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="json (one document) or jsonl.")] = None,
    aliases: AliasOpt = None,
) -> None:
    """Extract sitrep/1 records from news text.

    Example: sitrep extract article.txt --published 2016-10-13 --source "Libya Observer" --format json
    """
    if fmt not in (None, "json", "jsonl"):
        raise fail(f"--format must be json or jsonl, not {fmt!r}")
    try:
        results = list(run_extract(paths, published, source, aliases)) if fmt == "json" else None
        ok = 0
        if results is not None and len(results) == 1:
            out = results[0]
            print(out.to_json(indent=2) if isinstance(out, Record) else out.model_dump_json())
            ok = isinstance(out, Record)
        else:
            for out in results if results is not None else run_extract(paths, published, source, aliases):
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
