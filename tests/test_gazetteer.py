"""The offline gazetteer: index keys, lookups, regions and countries."""
from __future__ import annotations

import pytest

from sitrep import gazetteer as gz


@pytest.fixture(scope="module")
def gaz() -> gz.Gazetteer:
    return gz.gazetteer()


@pytest.mark.parametrize("name, keys", [
    ("U.S.", ["us"]),
    ("D.C.", ["dc"]),
    ("St. Louis", ["st louis"]),
    ("Al Fallujah", ["al fallujah", "fallujah"]),
    ("Mişrātah", ["misratah"]),
    ("The Hague", ["hague"]),
])
def test_gazetteer_name_keys(name, keys):
    assert gz.name_keys(name) == keys


@pytest.mark.parametrize("name, countries", [
    ("Tripoli", {"LY", "LB"}),
    ("Alexandria", {"EG", "US"}),
    ("Paris", {"FR", "US"}),
    ("Georgia", {"GE", "US"}),
])
def test_gazetteer_ambiguous_names_have_all_readings(gaz, name, countries):
    assert countries <= {c.country_code for c in gaz.candidates(name)}


@pytest.mark.parametrize("name, cc, code", [
    ("Libya", "LY", "PCLI"), ("United States", "US", "PCLI"), ("Ivory Coast", "CI", "PCLI"),
    ("Ohio", "US", "ADM1"), ("Helmand Province", "AF", "ADM1"), ("W. Va.", "US", "ADM1"),
    ("Europe", "", "CONT"),
])
def test_gazetteer_regions_and_countries(gaz, name, cc, code):
    found = [c for c in gaz.candidates(name) if c.feature_code == code]
    assert found and found[0].country_code == cc and found[0].latitude is not None


def test_gazetteer_abbreviations_keep_their_dots(gaz):
    """"La." is Louisiana; "L.A." must not be."""
    assert [c.name for c in gaz.candidates("La.")] == ["Louisiana"]
    assert all(c.name != "Louisiana" for c in gaz.candidates("L.A."))


def test_gazetteer_demonyms_only_on_request(gaz):
    assert not any(c.is_country for c in gaz.candidates("Libyan"))
    assert [c.country_code for c in gaz.candidates("Libyan", demonyms=True) if c.is_country] == ["LY"]


def test_gazetteer_region_centre_lies_in_the_region(gaz):
    ohio = next(c for c in gaz.candidates("Ohio") if c.is_admin1)
    assert 38.4 < ohio.latitude < 42.0 and -84.9 < ohio.longitude < -80.5


def test_gazetteer_country_and_admin1_names(gaz):
    sirte = gaz.candidates("Sirte")[0]
    assert gaz.country_name(sirte.country_code) == "Libya"
    assert gaz.admin1_name(sirte.country_code, sirte.admin1_code) == "Surt"
    assert "TN" in gaz.neighbours("LY")


def test_gazetteer_counties_tell_their_states(gaz):
    assert {a1 for _, a1 in gaz.admin2_regions("Walker County")} >= {"AL", "GA", "TX"}
    assert gaz.admin2_regions("Nowhere County") == []


def test_gazetteer_unknown_name(gaz):
    assert gaz.candidates("Zzyzvale Pavilion") == ()


def test_gazetteer_index_key_changes_with_the_data(monkeypatch, tmp_path):
    monkeypatch.setenv("SITREP_CACHE_DIR", str(tmp_path))
    assert gz.default_path().parent == tmp_path
    monkeypatch.setattr(gz, "INDEX_VERSION", gz.INDEX_VERSION + 1)
    assert gz.index_key() != f"v{gz.INDEX_VERSION - 1}" and f"v{gz.INDEX_VERSION}-" in gz.index_key()
