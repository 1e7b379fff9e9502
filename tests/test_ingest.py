import io
import json

from sitrep import ingest
from sitrep.ingest import Document
from sitrep.record import ErrorRecord


def test_ingest_reads_each_input_kind(tmp_path):
    (tmp_path / "a.txt").write_text("Clashes in Kismayo.", encoding="utf-8")
    (tmp_path / "b.html").write_text(
        "<html><head><title>Raid</title></head><body><nav><a href='/'>Home | About</a></nav><article><h1>Raid</h1>"
        + "<p>Gunmen attacked a police station in Garissa on Monday, police said.</p>" * 3
        + "</article><footer>Home | About</footer></body></html>",
        encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"id": "c1", "text": "One.", "published": "2020-01-02", "source": "X"}) + "\n"
        + json.dumps({"id": "c2", "html": "<html><body><article><p>" + "Shelling hit Donetsk. " * 10
                      + "</p></article></body></html>"}) + "\n", encoding="utf-8")
    items = list(ingest.read([str(tmp_path)], published="2021-05-05", source="Wire"))
    by_id = {i.id: i for i in items}
    assert set(by_id) == {"a", "b", "c1", "c2"}
    assert all(isinstance(i, Document) for i in items)
    assert by_id["a"].published == "2021-05-05" and by_id["a"].source == "Wire"
    assert by_id["c1"].published == "2020-01-02" and by_id["c1"].source == "X"
    assert "Garissa" in by_id["b"].text and "Home | About" not in by_id["b"].text
    assert "Donetsk" in by_id["c2"].text


def test_ingest_reads_stdin_text_and_jsonl():
    (doc,) = ingest.read(["-"], stdin=io.StringIO("Fighting in Sirte."))
    assert doc.id == "stdin" and doc.text == "Fighting in Sirte."
    docs = list(ingest.read(["-"], stdin=io.StringIO('{"id": "x", "text": "A."}\n{"id": "y", "text": "B."}\n')))
    assert [d.id for d in docs] == ["x", "y"]


def test_ingest_broken_inputs_are_reported_and_the_rest_read(tmp_path):
    (tmp_path / "good.txt").write_text("Fine text.", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(bytes(x for x in range(128, 256) if x not in (0xC2, 0xC3)) * 20)
    (tmp_path / "latin1.txt").write_bytes("Gunmen shot a café owner in Garissa, police said.".encode("latin-1"))
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "lines.jsonl").write_text('{"id": "ok", "text": "Yes."}\n{not json\n{"id": "n", "text": 5}\n',
                                          encoding="utf-8")
    items = list(ingest.read([str(tmp_path), str(tmp_path / "missing.txt")]))
    errors = {i.id: i.error for i in items if isinstance(i, ErrorRecord)}
    good = [i.id for i in items if isinstance(i, Document)]
    assert sorted(good) == ["good", "latin1", "ok"]
    assert "UTF-8" in errors["bad"] and "binary" in errors["bin"]
    assert "invalid JSON" in errors["lines.jsonl:2"] and "text" in errors["n"]
    assert "no such file" in errors["missing"]


def test_ingest_utf16_with_bom(tmp_path):
    path = tmp_path / "u16.txt"
    path.write_bytes("\ufeffAttack in Kabul.".encode("utf-16"))
    (doc,) = ingest.read([str(path)])
    assert doc.text == "Attack in Kabul."
