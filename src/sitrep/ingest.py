"""Inputs → documents: .txt, .html, .jsonl files, directories of them, and standard input.

Every input yields either a `Document` or an `ErrorRecord` naming the document and the reason,
so one broken file never costs the others.
"""
from __future__ import annotations

import codecs
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field, replace
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


def read_jsonl(stream: IO[str], name: str) -> Iterator[Document | ErrorRecord]:
    for lineno, line in enumerate(stream, 1):
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


def read_file(path: Path) -> Iterator[Document | ErrorRecord]:
    doc_id = path.stem
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(doc_id, f"file is larger than {MAX_BYTES} bytes")
        data = path.read_bytes()
        if path.suffix == ".jsonl":
            yield from read_jsonl(decode(data, doc_id).splitlines(), path.name)
            return
        text = decode(data, doc_id)
        meta = _sidecar(path)
        doc_id = meta.pop("id", doc_id)
        if path.suffix in (".html", ".htm"):
            yield html_to_document(text, doc_id, **meta)
        else:
            yield Document(id=doc_id, text=text, **meta)
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
    text = stream.read()
    first = text.lstrip()[:1]
    if first == "{":
        yield from read_jsonl(text.splitlines(), "stdin")
    elif first == "<":
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
            if isinstance(item, Document):
                item = replace(item, published=item.published or published, source=item.source or source)
                try:
                    item = check_language(item)
                except InputError as err:
                    item = err.record()
            yield item
