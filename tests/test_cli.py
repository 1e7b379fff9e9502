import json
import subprocess
import sys

from typer.testing import CliRunner

from sitrep.cli import app

runner = CliRunner()


def test_cli_extract_json_prints_a_valid_record(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text("Militants attacked a checkpoint in Mogadishu on Tuesday.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--published", "2020-03-05", "--source", "Wire",
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["schema"] == "sitrep/1"
    assert record["document"] == {"id": "doc", "source": "Wire", "url": None, "title": None,
                                  "published": "2020-03-05", "language": "en", "chars": 56}
    assert record["extractor_version"].startswith("sitrep-")


def test_cli_extract_error_line_among_good_documents(tmp_path):
    (tmp_path / "a.txt").write_text("Shelling in Donetsk.", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "c.txt").write_text("Protest in Nairobi.", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["document"]["id"] if "document" in line else line["id"] for line in lines] == ["a", "b", "c"]
    assert "error" in lines[1] and "binary" in lines[1]["error"]


def test_cli_extract_nothing_processed_exits_nonzero(tmp_path):
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "no such file" in json.loads(result.stdout)["error"]


def test_cli_extract_empty_text_gives_an_empty_record(tmp_path):
    (tmp_path / "e.txt").write_text("", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "e.txt"), "--format", "json"])
    record = json.loads(result.stdout)
    assert record["entities"] == [] and record["events"] == [] and record["document"]["chars"] == 0


def test_cli_schema_is_json_schema():
    result = runner.invoke(app, ["schema"])
    schema = json.loads(result.stdout)
    assert schema["title"] == "Record" and "events" in schema["properties"]


def test_cli_console_script_reads_stdin():
    done = subprocess.run([sys.executable, "-m", "sitrep", "extract", "-", "--format", "json"],
                          input="Airstrikes hit Idlib.", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["document"]["id"] == "stdin"
