"""The places stage: toponym recognition, resolution in context, sites inside towns."""
from __future__ import annotations

import pytest

from sitrep import dates, entities, places
from sitrep.gazetteer import km
from sitrep.record import DocumentMeta, Record

from .conftest import FIXTURE


@pytest.fixture(scope="module")
def parse(extractor):
    """parse(text, published=..., source=...) → (doc, record) with entities, places and dates only,
    so these tests do not depend on the later stages."""
    def _parse(text: str, published: str | None = None, source: str | None = None):
        doc = extractor.nlp(text)
        record = Record(document=DocumentMeta(id="t", published=published, source=source, chars=len(text)))
        record.entities = entities.extract(doc, extractor.aliases)
        record.places = places.extract(doc, record)
        record.dates = dates.extract(doc, record)
        return doc, record
    return _parse


def place(record: Record, name: str):
    found = [p for p in record.places if name in (p.name, *p.aliases)]
    assert found, f"{name} not among {[p.name for p in record.places]}"
    return found[0]


@pytest.mark.parametrize("text, name, country, admin1", [
    ("Clashes broke out in Tripoli on Friday, Libyan officials said, as the government in Libya "
     "struggled to restore order.", "Tripoli", "LY", None),
    ("Sunni and Alawite gunmen clashed in Tripoli, Lebanon, near the Syrian border.", "Tripoli", "LB", None),
    ("Police in Alexandria, Virginia, arrested a man on Tuesday.", "Alexandria", "US", "Virginia"),
    ("Protesters gathered in Alexandria and Cairo as Egypt's parliament met.", "Alexandria", "EG", None),
    ("The summit in Paris brought French and German leaders together.", "Paris", "FR", None),
    ("The tornado hit Paris, Texas, late on Sunday, according to the National Weather Service.",
     "Paris", "US", "Texas"),
])
def test_places_ambiguous_names_follow_the_document(parse, text, name, country, admin1):
    _, record = parse(text)
    p = place(record, name)
    assert p.country_code == country
    assert p.geo_precision == 1
    if admin1:
        assert p.admin1 == admin1


def test_places_small_foreign_namesake_is_not_a_distant_guess(parse):
    """Jiza is a district of Sirte; the gazetteer's only Jizas are villages in Jordan and Syria."""
    _, record = parse("Fighters advanced on the last hideouts in Sirte, inside Jiza and the 600 neighborhood, "
                      "Libyan commanders said.", source="Libya Observer")
    jiza = place(record, "Jiza")
    sirte = place(record, "Sirte")
    assert jiza.country_code == "LY" and jiza.within == sirte.id and jiza.geo_precision == 2
    assert km(jiza.latitude, jiza.longitude, sirte.latitude, sirte.longitude) < 1


def test_places_large_city_resolves_without_context(parse):
    _, record = parse("Tourists crowded the hotels in Giza this spring.")
    assert place(record, "Giza").country_code == "EG"


@pytest.mark.parametrize("text", [
    "Gunmen raided Qarqaf Bakhita village before dawn and burned several houses.",
    "The meeting took place at the Zzyzvale Pavilion.",
])
def test_places_unknown_names_keep_null_coordinates(parse, text):
    _, record = parse(text)
    for p in record.places:
        assert p.latitude is None and p.longitude is None and p.geonameid is None


def test_places_unknown_name_in_a_sentence_about_a_town_is_part_of_it(parse):
    _, record = parse("Heavy fighting was reported around Benghazi, in Qawarsha, on Friday.",
                      source="Libya Observer")
    benghazi = place(record, "Benghazi")
    inner = [p for p in record.places if p.within == benghazi.id]
    assert inner and all(p.geo_precision == 2 and p.latitude == benghazi.latitude for p in inner)


@pytest.mark.parametrize("text", [
    "The committee will publish its findings next month.",
    "",
    "He said it was a matter of principle and that nobody would change his mind.",
])
def test_places_document_without_places(parse, text):
    _, record = parse(text)
    assert record.places == []


@pytest.mark.parametrize("text, site, town", [
    ("Civil society groups met in the Corinthia Hotel in Tripoli on Monday.", "Corinthia Hotel", "Tripoli"),
    ("Government forces in Sirte seized the civil registry court and residential area 3 from the militants.",
     "civil registry court", "Sirte"),
    ("Troops in Mogadishu took control of the 600 neighborhood after heavy clashes.", "600 neighborhood",
     "Mogadishu"),
])
def test_places_sites_are_attached_to_their_town(parse, text, site, town):
    _, record = parse(text)
    s, t = place(record, site), place(record, town)
    assert s.within == t.id and s.geo_precision == 2
    assert (s.latitude, s.longitude, s.country_code) == (t.latitude, t.longitude, t.country_code)


def test_places_attribute_town_does_not_contain_sites(parse):
    """'Misrata-led forces' says who fought, not where: the sites are in the town they advanced in."""
    _, record = parse("The Misrata-led forces advanced in Sirte and seized the civil registry court.")
    assert place(record, "civil registry court").within == place(record, "Sirte").id


def test_places_countries_are_regions_and_demonyms_are_not_places(parse):
    _, record = parse("American and British experts helped the forces, and Turkey sent aid to Libya.")
    names = {p.name for p in record.places}
    assert {"Turkey", "Libya"} <= names
    assert not names & {"American", "British", "United States", "United Kingdom"}
    assert all(p.geo_precision == 3 and p.feature_code == "PCLI" for p in record.places)


def test_places_mentions_of_one_place_are_merged(parse):
    _, record = parse("The US said on Monday that the United States would send more troops to Kabul.")
    us = place(record, "United States")
    assert len(us.mentions) == 2 and {"US", "United States"} <= set(us.aliases)


def test_places_place_for_prefers_the_sentence_site(parse):
    text = ("Government forces pushed into Sirte on Sunday. They seized the civil registry court, "
            "where snipers were positioned. Officials in Tripoli welcomed the news.")
    doc, record = parse(text)
    start = text.index("They seized")
    loc = places.place_for(doc, record, start, start + 20)
    assert loc.place.name == "Sirte" and loc.geo_precision == 2 and loc.site.name == "civil registry court"
    start = text.index("Officials")
    loc = places.place_for(doc, record, start, start + 9)
    assert loc.place.name == "Tripoli" and loc.geo_precision == 1


def test_places_place_for_falls_back_to_the_main_town(parse):
    text = "Fighting in Sirte went on. Snipers killed two soldiers, a spokesman said. Sirte is quiet now."
    doc, record = parse(text)
    start = text.index("Snipers")
    loc = places.place_for(doc, record, start, start + 7)
    assert loc.place.name == "Sirte" and loc.geo_precision == 2


def test_places_place_for_without_places(parse):
    doc, record = parse("Nothing happened.")
    assert places.place_for(doc, record, 0, 7) is None


@pytest.mark.skipif(not FIXTURE.exists(), reason="../shared/fixtures is absent")
def test_places_fixture_towns_and_trap(parse):
    doc, record = parse(FIXTURE.read_text(encoding="utf-8"), published="2016-10-13", source="Libya Observer")
    sirte = place(record, "Sirte")
    for name, cc in [("Sirte", "LY"), ("Tripoli", "LY"), ("Misrata", "LY"), ("Cairo", "EG")]:
        assert place(record, name).country_code == cc
    for name in ("Jiza", "600 neighborhood", "residential area 3", "civil registry court", "Eddekhar Bank"):
        p = place(record, name)
        assert p.within == sirte.id and p.geo_precision == 2
    assert place(record, "Corinthia Hotel").within == place(record, "Tripoli").id


LGL_SAMPLE = """<?xml version="1.0" encoding="utf-8"?>
<articles><article docid="1"><text><![CDATA[Police in Alexandria, Va., arrested two men. Paris was quiet.]]></text>
<toponyms>
<toponym><start>10</start><end>20</end><phrase>Alexandria</phrase><gaztag geonameid="4744091">
<name>Alexandria</name><fcode>PPL</fcode><lat>38.80484</lat><lon>-77.04692</lon></gaztag></toponym>
<toponym><start>22</start><end>25</end><phrase>Va.</phrase><gaztag geonameid="6254928">
<name>Virginia</name><fcode>ADM1</fcode><lat>37.54812</lat><lon>-77.44675</lon></gaztag></toponym>
<toponym><start>45</start><end>50</end><phrase>Paris</phrase><gaztag geonameid="2988507">
<name>Paris</name><fcode>PPLC</fcode><lat>48.85341</lat><lon>2.3488</lon></gaztag></toponym>
</toponyms></article></articles>
"""


def test_places_eval_geo_scores_and_writes_mistakes(tmp_path):
    from sitrep.eval.geo import evaluate

    corpus = tmp_path / "lgl.xml"
    corpus.write_text(LGL_SAMPLE, encoding="utf-8")
    mistakes = tmp_path / "mistakes.tsv"
    report = evaluate(corpus, mistakes)
    assert (report.articles, report.gold, report.resolvable) == (1, 3, 3)
    assert report.within >= 2 and 0 < report.exact <= report.predicted
    assert mistakes.read_text(encoding="utf-8").startswith("doc\tphrase")
    assert any(line.startswith("resolution") for line in report.lines())


@pytest.mark.parametrize("text, name", [
    ("The Misrata-led forces advanced overnight.", "Misrata"),
    ("A civilian was killed by unknown gunmen in the Khowajak Baba area of Kandahar city.", "Kandahar"),
    ("A Taliban sniper shot and killed 1 Afghan soldier in Gardez district, Paktia.", "Paktia"),
])
def test_places_toponym_component_recovers_places_the_model_misses(parse, text, name):
    _, record = parse(text)
    p = next(p for p in record.places if any(name in a for a in (p.name, *p.aliases)))
    assert p.latitude is not None and p.country_code in ("LY", "AF")


def test_places_unknown_name_without_a_place_cue_is_not_a_place(extractor):
    """The small model calls some people GPE ("allow Hartmann time to..."): no gazetteer entry and
    nothing in the text says place, so it is not one."""
    doc = extractor.nlp("The motion asks the court to allow Hartmann time to demonstrate his claim.")
    assert any(e.text == "Hartmann" and e.label_ == "GPE" for e in doc.ents)  # the model's guess
    record = Record(document=DocumentMeta(id="t"))
    assert all(m.text != "Hartmann" for m in places.mentions(doc, record))
