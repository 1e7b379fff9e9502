"""Inputs → documents: .txt, .html, .jsonl files, directories of them, and standard input.

Every input yields either a `Document` or an `ErrorRecord` naming the document and the reason,
so one broken file never costs the others.
"""
from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import sys
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import IO, Iterable, Iterator

from .errors import InputError
from .record import ErrorRecord

SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
MAX_BYTES = 20_000_000  # larger inputs are refused: a news article is tens of kilobytes


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    published: str | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    language: str | None = "en"
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def decode(data: bytes, doc_id: str) -> str:
    """Bytes → text: UTF-8 (with or without BOM), BOM-marked UTF-16, else the legacy code page
    that charset-normalizer finds coherent (Windows-1256 Arabic, Latin-1 …)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").lstrip("\ufeff")
        except UnicodeDecodeError as err:
            raise InputError(doc_id, f"not valid UTF-16 at byte {err.start}") from None
    if b"\x00" in data[:65536]:
        raise InputError(doc_id, "binary content (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        from charset_normalizer import from_bytes

        guess = from_bytes(data[:1_000_000]).best()
        if guess is None:
            raise InputError(doc_id, f"not valid UTF-8 at byte {err.start} and no other text encoding fits") from None
        return str(guess)


EN_STOP = frozenset("""a about after against all also an and are as at be been but by for from had has have he her
his i in into is it its more not of on or our said she that the their there they this to was we were which who will
with would""".split())


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text. English news passes a cheap stop-word test; only the rest pays for
    py3langid's model (loaded on first use)."""
    words = re.findall(r"[^\W\d_]+", text[:20000])
    if len(words) < 12:
        return "en"  # too short to tell: give it the benefit of the doubt
    stop = sum(w.lower() in EN_STOP for w in words) / len(words)
    ascii_share = sum(w.isascii() for w in words) / len(words)
    if stop >= 0.2 and ascii_share > 0.9:
        return "en"
    import py3langid

    return py3langid.classify(text[:20000])[0]


def check_language(doc: Document) -> Document:
    """sitrep's models are English: other languages are reported, not mis-extracted."""
    language = detect_language(doc.text) if (doc.language or "en") == "en" else doc.language
    if language != "en":
        raise InputError(doc.id, f"language {language!r} is not supported (English only)")
    return doc


def html_to_document(html: str, doc_id: str, **meta) -> Document:
    """Boilerplate removal and metadata through trafilatura."""
    import trafilatura

    try:
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except (RecursionError, ValueError, TypeError) as err:  # pathological markup (deep nesting …)
        raise InputError(doc_id, f"HTML could not be parsed: {type(err).__name__}") from None
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        raise InputError(doc_id, "HTML page has no extractable article text")
    found = {
        "title": getattr(result, "title", None),
        "published": getattr(result, "date", None),
        "source": getattr(result, "sitename", None),
        "url": getattr(result, "url", None),
    }
    merged = {k: v for k, v in found.items() if v} | {k: v for k, v in meta.items() if v}
    return Document(id=doc_id, text=text, **merged)


def _from_fields(obj: dict, doc_id: str) -> Document:
    if not isinstance(obj, dict):
        raise InputError(doc_id, "JSONL line is not an object")
    meta = {}
    for key in ("published", "source", "url", "title", "language"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(doc_id, f"field {key!r} must be a string")
        meta[key] = value
    if isinstance(obj.get("text"), str):
        return Document(id=doc_id, text=obj["text"], **{k: v for k, v in meta.items() if v is not None})
    if isinstance(obj.get("html"), str):
        return html_to_document(obj["html"], doc_id, **meta)
    raise InputError(doc_id, "JSONL line has neither a string 'text' nor 'html'")


def read_jsonl(stream: Iterable[str], name: str, start: int = 1) -> Iterator[Document | ErrorRecord]:
    """`start`: the line number of the first line (a Spark partition begins mid-file)."""
    for lineno, line in enumerate(stream, start):
        if not line.strip():
            continue
        fallback = f"{name}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            yield ErrorRecord(id=fallback, error=f"invalid JSON: {err.msg}")
            continue
        doc_id = str(obj.get("id")) if isinstance(obj, dict) and obj.get("id") is not None else fallback
        try:
            yield _from_fields(obj, doc_id)
        except InputError as err:
            yield err.record()


def _sidecar(path: Path) -> dict:
    """Metadata next to a text file: `name.meta.json` (as in the fixtures)."""
    meta = path.with_name(path.stem + ".meta.json")
    if not meta.is_file():
        return {}
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: data[k] for k in ("id", "published", "source", "url", "title", "language")
            if isinstance(data.get(k), str)}


def _lines(path: Path) -> Iterator[str]:
    """A text file line by line, so a JSONL corpus of any size is read in constant memory.

    Same encodings as `decode`; a bad byte ends the file with an error after the good lines.
    """
    with path.open("rb") as raw:
        head = raw.read(4096)
        raw.seek(0)
        utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        if not utf16 and b"\x00" in head:
            raise InputError(path.stem, "binary content (NUL bytes), not text")
        try:
            yield from io.TextIOWrapper(raw, encoding="utf-16" if utf16 else "utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(path.stem, f"not valid {'UTF-16' if utf16 else 'UTF-8'}") from None


def from_bytes(data: bytes, doc_id: str, suffix: str, **meta) -> Document:
    """One article file's bytes → a document; shared with the Spark job, which reads bytes, not paths."""
    text = decode(data, doc_id)
    if suffix in (".html", ".htm"):
        return html_to_document(text, doc_id, **meta)
    return Document(id=doc_id, text=text, **meta)


def read_file(path: Path) -> Iterator[Document | ErrorRecord]:
    doc_id = path.stem
    try:
        if path.suffix == ".jsonl":  # a corpus, not an article: no size limit, streamed
            yield from read_jsonl(_lines(path), path.name)
            return
        if path.stat().st_size > MAX_BYTES:
            raise InputError(doc_id, f"file is larger than {MAX_BYTES} bytes")
        meta = _sidecar(path)
        doc_id = meta.pop("id", doc_id)
        yield from_bytes(path.read_bytes(), doc_id, path.suffix, **meta)
    except InputError as err:
        yield err.record()
    except OSError as err:
        yield ErrorRecord(id=doc_id, error=f"cannot read {path}: {err.strerror or err}")


def iter_paths(paths: Iterable[str]) -> Iterator[Path | str]:
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            yield from sorted(f for f in path.rglob("*")
                              if f.is_file() and f.suffix in SUFFIXES and not f.name.endswith(".meta.json"))
        else:
            yield path


def read_stdin(stream: IO[str]) -> Iterator[Document | ErrorRecord]:
    head = []  # up to the first non-blank line, which tells JSONL from text and HTML
    for line in stream:
        head.append(line)
        if line.strip():
            break
    if "".join(head).lstrip()[:1] == "{":  # JSONL is streamed: a pipe of any length, constant memory
        yield from read_jsonl(chain(head, stream), "stdin")
        return
    text = "".join(head) + stream.read()
    first = text.lstrip()[:1]
    if first == "<":
        try:
            yield html_to_document(text, "stdin")
        except InputError as err:
            yield err.record()
    else:
        yield Document(id="stdin", text=text)


def read(paths: Iterable[str], published: str | None = None, source: str | None = None,
         stdin: IO[str] | None = None) -> Iterator[Document | ErrorRecord]:
    """All documents named by PATH arguments, in order; command-line metadata fills gaps."""
    for p in iter_paths(paths):
        if p == "-":
            items = read_stdin(stdin or sys.stdin)
        elif not p.exists():
            items = iter([ErrorRecord(id=p.stem or str(p), error=f"no such file: {p}")])
        else:
            items = read_file(p)
        for item in items:
            yield prepare(item, published, source)


def prepare(item: Document | ErrorRecord, published: str | None = None,
            source: str | None = None) -> Document | ErrorRecord:
    """Command-line metadata fills gaps, then the language check; shared with the Spark job."""
    if isinstance(item, ErrorRecord):
        return item
    item = replace(item, published=item.published or published, source=item.source or source)
    try:
        return check_language(item)
    except InputError as err:
        return err.record()
