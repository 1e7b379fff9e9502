"""The dates stage: expressions anchored on the publication date, ACLED time precision."""
from __future__ import annotations

from datetime import date

import pytest

from sitrep import dates, entities
from sitrep.record import DocumentMeta, Record

from .conftest import FIXTURE

THU = date(2016, 10, 13)  # a Thursday


@pytest.mark.parametrize("text, published, expected, precision", [
    ("Tuesday", THU, "2016-10-11", 1),
    ("on Wednesday", THU, "2016-10-12", 1),
    ("Thursday", THU, "2016-10-13", 1),           # a Thursday paper's "Thursday" is that day
    ("last Thursday", THU, "2016-10-06", 1),
    ("Friday", THU, "2016-10-07", 1),             # the past Friday, not tomorrow
    ("Monday night", THU, "2016-10-10", 1),
    ("yesterday", THU, "2016-10-12", 1),
    ("last night", date(2017, 1, 1), "2016-12-31", 1),
    ("today", THU, "2016-10-13", 1),
    ("August 01", THU, "2016-08-01", 1),
    ("on 9 May 2020", THU, "2020-05-09", 1),
    ("March 7", THU, "2016-03-07", 1),
    ("December 30", date(2017, 1, 2), "2016-12-30", 1),   # the last December 30 before publication
    ("January 1", date(2017, 1, 1), "2017-01-01", 1),
    ("last week", THU, "2016-10-06", 2),           # the middle of 3-9 October
    ("earlier this week", THU, "2016-10-11", 2),   # Monday 10 to Wednesday 12
    ("this week", date(2016, 10, 10), "2016-10-10", 2),  # never after publication
    ("last month", date(2017, 1, 10), "2016-12-16", 3),
    ("this month", date(2016, 10, 5), "2016-10-03", 3),
    ("in August", THU, "2016-08-16", 3),
    ("December", date(2017, 1, 5), "2016-12-16", 3),
    ("early October", THU, "2016-10-07", 3),
    ("two days ago", THU, "2016-10-11", 1),
])
def test_dates_normalise(text, published, expected, precision):
    assert dates.normalise(text, published) == (date.fromisoformat(expected), precision)


@pytest.mark.parametrize("text", [
    "for two weeks", "10 years old", "2015", "the 1990s", "decades", "the past two years", "Ramadan",
])
def test_dates_normalise_skips_durations_and_years(text):
    assert dates.normalise(text, THU) is None


def test_dates_relative_needs_a_publication_date():
    assert dates.normalise("Tuesday", None) is None
    assert dates.normalise("on 9 May 2020", None) == (date(2020, 5, 9), 1)


@pytest.fixture(scope="module")
def parse(extractor):
    def _parse(text: str, published: str | None = "2016-10-13"):
        doc = extractor.nlp(text)
        record = Record(document=DocumentMeta(id="t", published=published, chars=len(text)))
        record.entities = entities.extract(doc, extractor.aliases)
        record.dates = dates.extract(doc, record)
        return doc, record
    return _parse


def test_dates_future_weekday_points_forward(parse):
    _, record = parse("The two sides will meet on Tuesday to sign the agreement.")
    assert [(d.text, d.date) for d in record.dates] == [("Tuesday", "2016-10-18")]


def test_dates_extract_keeps_spans(parse):
    text = "Gunmen attacked the town on Tuesday. Last week, the army had withdrawn."
    _, record = parse(text)
    found = {(d.text, d.date, d.time_precision) for d in record.dates}
    assert ("Tuesday", "2016-10-11", 1) in found and ("Last week", "2016-10-06", 2) in found
    for d in record.dates:
        assert text[d.start:d.end] == d.text


def test_dates_date_for_uses_its_own_sentence(parse):
    text = "Fighting resumed on Tuesday in the east. Troops later withdrew from the town."
    doc, record = parse(text)
    assert dates.date_for(doc, record, 0, 8)[:2] == ("2016-10-11", 1)
    start = text.index("Troops")
    assert dates.date_for(doc, record, start, start + 6)[:2] == ("2016-10-13", 2)


@pytest.mark.parametrize("text", [
    "Police said on Monday that gunmen attacked a post near Mandera on Sunday night.",
    "Gunmen attacked a post near Mandera on Sunday night, police told reporters on Monday.",
])
def test_dates_date_for_prefers_the_event_over_the_statement(parse, text):
    doc, record = parse(text, published="2020-06-02")
    start = text.index("attacked")
    assert dates.date_for(doc, record, start, start + 8)[:2] == ("2020-05-31", 1)


def test_dates_date_for_without_publication_date(parse):
    doc, record = parse("Troops withdrew from the town.", published=None)
    assert dates.date_for(doc, record, 0, 6)[:2] == (None, None)


@pytest.mark.skipif(not FIXTURE.exists(), reason="../shared/fixtures is absent")
def test_dates_fixture_seizure_and_request(parse):
    text = FIXTURE.read_text(encoding="utf-8")
    doc, record = parse(text)
    seized = text.index("The forces seized")
    assert dates.date_for(doc, record, seized, seized + 17)[:2] == ("2016-10-11", 1)
    request = text.index("requested assistance")
    assert dates.date_for(doc, record, request, request + 20)[:2] == ("2016-08-01", 1)
