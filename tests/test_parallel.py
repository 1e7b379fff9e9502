"""`--processes N`: the records of one process, in input order, from a bounded amount of input at a time."""
from __future__ import annotations

import io
import itertools
import json
from typing import Iterator

import pytest

from sitrep import ingest
from sitrep.errors import DataFileError
from sitrep.extract import Extractor
from sitrep.ingest import Document
from sitrep.record import ErrorRecord

TEXTS = [
    "Militants attacked a checkpoint in Mogadishu on Tuesday, killing three soldiers, police said.",
    "Rebels shelled residential areas of Aleppo overnight; at least 12 civilians were wounded.",
    "\u201cWe will not leave Sirte,\u201d a spokesman for the militia told reporters on Friday.",
    "Hundreds of people marched through Nairobi on Monday to demand the release of detained activists.",
    "The interior ministry denied reports that Taliban fighters had entered Kandahar.",
]


def items(n: int) -> list[Document | ErrorRecord]:
    out: list[Document | ErrorRecord] = [
        Document(id=f"d{i}", text=" ".join(TEXTS[(i + j) % len(TEXTS)] for j in range(1 + i % 3)),
                 published="2020-03-0" + str(1 + i % 9)) for i in range(n)]
    out[5] = ErrorRecord(id="unreadable", error="binary content (NUL bytes), not text")  # from ingest
    out[9] = Document(id="too-long", text=" ".join(TEXTS * 3))  # refused by the extractor below (max_chars)
    return out


def dump(results) -> list[str]:
    return [r.model_dump_json(by_alias=True) for r in results]


@pytest.fixture(scope="module")
def single() -> list[str]:
    return dump(Extractor(max_chars=1000).run(items(40)))


def test_parallel_run_equals_one_process_in_input_order(single):
    got = dump(Extractor(max_chars=1000).run(items(40), batch_size=4, processes=2))
    assert got == single
    assert json.loads(got[9])["error"].startswith("text longer than 1000")


def test_parallel_pool_is_reused_across_runs(single):
    extractor = Extractor(max_chars=1000)
    with extractor.pool(2, batch_size=4) as pool:
        assert pool.version == Extractor().version
        first, second = dump(pool.run(items(40)[:13])), dump(pool.run(items(40)[13:]))
    assert first + second == single


def test_parallel_reads_a_bounded_window_ahead():
    """Memory stays constant in the input: the pool pulls at most (2 × processes + 1) batches ahead."""
    pulled = 0

    def endless() -> Iterator[Document]:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield Document(id=str(i), text=TEXTS[i % len(TEXTS)])

    with Extractor().pool(2, batch_size=4) as pool:
        results = pool.run(endless())
        got = [next(results).document.id for _ in range(10)]
        assert got == [str(i) for i in range(10)]
        assert pulled <= 10 + (2 * 2 + 1) * 4 + 4
        results.close()


def test_ingest_streams_jsonl_from_stdin_without_reading_to_the_end():
    """An endless pipe of JSONL lines yields its first document at once (`sitrep extract -`)."""
    lines = (json.dumps({"id": str(i), "text": TEXTS[i % len(TEXTS)]}) + "\n" for i in itertools.count())

    class Pipe(io.TextIOBase):
        def __iter__(self):
            return lines

        def read(self, size=-1):
            raise AssertionError("read the whole stream")

    first = next(ingest.read_stdin(Pipe()))
    assert (first.id, first.text) == ("0", TEXTS[0])


def test_ingest_reads_jsonl_beyond_the_article_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BYTES", 1000)
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps({"id": str(i), "text": TEXTS[i % 5]}) + "\n" for i in range(50)))
    assert path.stat().st_size > 1000
    assert [d.id for d in ingest.read_file(path)] == [str(i) for i in range(50)]


def test_parallel_broken_alias_file_is_reported_not_a_dead_worker(tmp_path):
    bad = tmp_path / "actors.yaml"
    bad.write_text("- name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="actors.yaml"):
        list(Extractor((str(bad),)).run(items(12), processes=2))
