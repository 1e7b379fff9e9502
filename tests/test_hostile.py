"""Hostile input: every bad document is reported with its id and a reason; every good one comes through."""
from sitrep import ingest
from sitrep.record import ErrorRecord, Record
from tests.hostile import write_corpus


def test_hostile_corpus_extract_reports_bad_and_keeps_good(tmp_path, extractor):
    good, bad = write_corpus(tmp_path)
    results = list(extractor.run(ingest.read([str(tmp_path)], published="2020-01-01")))
    records = {r.document.id for r in results if isinstance(r, Record)}
    errors = {r.id: r.error for r in results if isinstance(r, ErrorRecord)}
    assert records == good
    assert set(errors) == bad
    assert all(reason.strip() for reason in errors.values())
    assert "language 'ar'" in errors["arabic_cp1256"] and "language 'fr'" in errors["french"]
    assert "larger than" in errors["huge"] and "longer than" in errors["one_line"]
    assert "binary" in errors["png"] and "binary" in errors["zip"]


def test_hostile_duplicates_are_read_cheaply(tmp_path):
    feed = tmp_path / "dups.jsonl"
    feed.write_text("".join('{"id": "d%d", "text": "Clashes in Kismayo on Monday."}\n' % i for i in range(10000)),
                    encoding="utf-8")
    docs = list(ingest.read([str(feed)]))
    assert len(docs) == 10000 and len({d.content_hash for d in docs}) == 1
