"""The Spark job gives the records a single `sitrep extract` gives, in Spark local mode (`local[2]`)."""
from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from sitrep import ingest
from sitrep.errors import SitrepError
from sitrep.extract import Extractor

pyspark = pytest.importorskip("pyspark", reason="the 'spark' extra is not installed")
if shutil.which("java") is None:
    pytest.skip("Spark needs a Java runtime (java on PATH)", allow_module_level=True)

from sitrep import spark  # noqa: E402  (after the skips: imports pyspark lazily, but needs it installed)

ACTORS = ["Al-Shabaab", "the Somali National Army", "police", "Houthi rebels", "the Taliban",
          "Russian forces", "ISIS", "protesters", "the Syrian army", "unidentified gunmen"]
PLACES = ["Mogadishu", "Kismayo", "Sanaa", "Kabul", "Kandahar", "Donetsk", "Sirte", "Aleppo", "Nairobi", "Mosul"]
DAYS = ["on Monday", "on Tuesday", "late on Wednesday", "on Friday", "overnight", "last week"]
TEMPLATES = [
    "{A} attacked a checkpoint in {P} {D}, killing {N} soldiers, a local official said.",
    "{A} shelled residential areas of {P} {D}; at least {N} civilians were wounded.",
    "\u201cWe will not leave {P},\u201d a spokesman for {A} told reporters.",
    "{A} said it had taken control of the district after heavy fighting near {P}.",
    "Witnesses said {N} people were killed when a car bomb exploded outside a market in {P} {D}.",
    "The interior ministry denied reports that {A} had entered {P}.",
    "Hundreds of people marched through {P} {D} to demand the release of detained activists.",
    "{A} could not confirm the number of casualties in {P}, the agency reported.",
]


def documents(n: int) -> list[dict]:
    """n short articles of 3-6 sentences, every one different; deterministic."""
    docs = []
    for i in range(n):
        k = 3 + i % 4
        sentences = [TEMPLATES[(i + j) % len(TEMPLATES)].format(
            A=ACTORS[(i * 3 + j) % len(ACTORS)], P=PLACES[(i + 2 * j) % len(PLACES)],
            D=DAYS[(i + j) % len(DAYS)], N=2 + (i * 7 + j) % 23) for j in range(k)]
        text = " ".join(sentences)
        docs.append({"id": f"doc-{i:03d}", "text": text[0].upper() + text[1:], "published": "2021-06-1" + str(i % 10),
                     "source": "Test Wire"})
    return docs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """120 documents, plus what a real feed has: a blank line, broken JSON, no id, no text."""
    path = tmp_path_factory.mktemp("spark") / "feed.jsonl"
    lines = [json.dumps(d) for d in documents(120)]
    lines[10:10] = ["", "{not json", json.dumps({"text": "Rebels shelled Aleppo on Sunday."}),
                    json.dumps({"id": "empty", "title": "no text"})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def expected(corpus) -> list[dict]:
    """What `sitrep extract feed.jsonl` prints, one dict a line."""
    return [json.loads(r.model_dump_json(by_alias=True)) for r in Extractor().run(ingest.read([str(corpus)]))]


@pytest.fixture(scope="module")
def session():
    s = spark.session("local[2]")
    yield s
    s.stop()


def rows(session, output: Path) -> list[dict]:
    """Parquet rows in input order, each as the line `sitrep extract` would print."""
    out = []
    for row in session.read.parquet(str(output)).orderBy("seq").collect():
        out.append(json.loads(row.record) if row.record else {"id": row.id, "error": row.error})
    return out


def test_spark_extract_jsonl_equals_single_process(session, corpus, expected, tmp_path):
    result = spark.extract(session, str(corpus), str(tmp_path / "out"), partitions=3)
    assert len(expected) >= 100
    assert (result.documents, result.errors) == (len(expected), sum("error" in e for e in expected))
    assert rows(session, tmp_path / "out") == expected
    # the line without an id is named after its line, as `sitrep extract` names it
    assert any(e.get("document", {}).get("id") == "feed.jsonl:13" for e in expected)


def test_spark_extract_flat_columns_match_the_record(session, corpus, tmp_path):
    spark.extract(session, str(corpus), str(tmp_path / "out"), partitions=2)
    frame = session.read.parquet(str(tmp_path / "out"))
    assert [name for name, _ in spark.COLUMNS] == frame.columns
    for row in frame.where("error IS NULL").collect():
        record = json.loads(row.record)
        assert (row.id, row.published, row.source) == (record["document"]["id"], record["document"]["published"],
                                                       record["document"]["source"])
        assert (row.n_entities, row.n_places, row.n_events) == (
            len(record["entities"]), len(record["places"]), len(record["events"]))


def test_spark_extract_whole_files_like_sitrep_extract(session, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for doc in documents(5):
        (folder / f"{doc['id']}.txt").write_text(doc["text"], encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01binary")
    want = {(e["document"]["id"] if "document" in e else e["id"]): e for e in
            (json.loads(r.model_dump_json(by_alias=True)) for r in Extractor().run(
                ingest.read([str(folder)], published="2021-06-10")))}
    spark.extract(session, str(folder), str(tmp_path / "out"), spark.JobOptions(published="2021-06-10"))
    got = {(e["document"]["id"] if "document" in e else e["id"]): e for e in rows(session, tmp_path / "out")}
    assert got == want and len(got) == 6


def test_spark_extract_refuses_an_existing_output(session, corpus, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("x")
    with pytest.raises(SitrepError, match="out"):
        spark.extract(session, str(corpus), str(tmp_path / "out"))


@pytest.mark.parametrize("path, fmt", [
    ("corpus.jsonl", "jsonl"), ("s3a://bucket/feeds/part-*.jsonl.gz", "jsonl"), ("hdfs:///news/2016/", "files"),
    ("articles/*.txt", "files"),
])
def test_spark_input_format_from_the_path(path, fmt):
    assert spark.input_format(path) == fmt


def test_spark_jsonl_partition_numbers_lines_from_the_partition_start():
    lines = iter([('{"text": "Shelling in Aleppo."}', 41), ("", 42), ("{broken", 43)])
    got = list(spark.jsonl_partition(lines, "feed.jsonl"))
    assert [(seq, item.id) for seq, item in got] == [(41, "feed.jsonl:42"), (43, "feed.jsonl:44")]
    assert not list(itertools.islice(spark.jsonl_partition(iter([]), "x"), 1))
