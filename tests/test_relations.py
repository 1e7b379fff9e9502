"""Relations: one sentence per DependencyMatcher construction, written here."""
from __future__ import annotations

import pytest

from sitrep.relations import load_patterns


def triples(record) -> set[tuple[str, str, str]]:
    return {(r.subject, r.predicate, r.object) for r in record.relations}


@pytest.mark.parametrize("text, triple", [
    ("The Libyan National Army is supported by Egypt.", ("Egypt", "supports", "Libyan National Army")),
    ("Turkey backs the Government of National Accord.", ("Turkey", "supports", "Government of National Accord")),
    ("Qatar is giving logistic support to the Government of National Accord.",
     ("Qatar", "supports", "Government of National Accord")),
    ("Iran-backed Houthi rebels fired missiles at Riyadh.", ("Iran", "supports", "Houthis")),
    ("The Houthis are funded by Iran.", ("Iran", "funds", "Houthis")),
    ("Taliban spokesman Zabihullah Mujahid said the attack was revenge.",
     ("Zabihullah Mujahid", "spokesperson_of", "Taliban")),
    ("Ahmed al-Mismari, spokesman for the Libyan National Army, said the airport was closed.",
     ("Ahmed al-Mismari", "spokesperson_of", "Libyan National Army")),
    ("The spokesman of the Libyan National Army, Ahmed al-Mismari, said the airport was closed.",
     ("Ahmed al-Mismari", "spokesperson_of", "Libyan National Army")),
    ("Fayez al-Sarraj, head of the Government of National Accord, met the envoy.",
     ("Fayez al-Sarraj", "leader_of", "Government of National Accord")),
    ("Ali Hassan, a member of Al-Shabaab, was arrested in Mombasa.", ("Ali Hassan", "member_of", "Al-Shabaab")),
    ("Al-Shabaab, which is based in Somalia, denied the report.", ("Al-Shabaab", "based_in", "Somalia")),
    ("The Nairobi-based Daily Nation reported the attack.", ("Daily Nation", "based_in", "Nairobi")),
    ("Taliban militants clashed with Afghan forces in Kunduz.",
     ("Taliban", "fights", "Afghan National Defense and Security Forces")),
    ("Clashes between the Pokot and the Turkana left ten dead.", ("Pokot", "fights", "Turkana")),
    ("Houthi rebels have besieged Taiz for years.", ("Houthis", "besieges", "Taiz")),
    ("Al-Shabaab attacked Kenyan troops in Lamu.", ("Al-Shabaab", "attacks", "Kenya Defence Forces")),
])
def test_relations_each_pattern(run, text, triple):
    assert triple in triples(run(text))


def test_relations_we_in_a_quote_is_the_speakers_organisation(run):
    record = run("Brigadier Omar Farah, the spokesman of Al-Shabaab, spoke on Monday.\n\n"
                 '"We thank Turkey and Qatar for the assistance they provided," he said.')
    assert {("Turkey", "supports", "Al-Shabaab"), ("Qatar", "supports", "Al-Shabaab")} <= triples(record)


def test_relations_we_without_a_known_organisation_stays_unresolved(run):
    record = run('"We thank Turkey for the assistance it provided," said Omar Farah.')
    assert not [r for r in record.relations if r.predicate == "supports"]


def test_relations_nationality_makes_an_actor_only_of_state_agents(run):
    assert ("United Kingdom", "supports", "Libyan National Army") in triples(
        run("The Libyan National Army has been supported by British military experts."))
    assert not triples(run("Al-Shabaab gunmen attacked Kenyan fishermen near Lamu."))


def test_relations_take_the_status_of_the_claim_they_are_in(run):
    record = run("There are reports that Qatar is giving logistic support to the Government of National Accord.")
    (rel,) = [r for r in record.relations if r.subject == "Qatar"]
    assert rel.status == "reported" and rel.evidence and "Qatar" in rel.evidence[0].text


@pytest.mark.parametrize("text", [
    "Turkey and Egypt sent delegations to Geneva.",
    "Al-Shabaab and the Taliban were both mentioned in the report on Somalia.",
])
def test_relations_no_relation_from_co_occurrence(run, text):
    assert not triples(run(text))


def test_relations_patterns_load_once_and_name_their_nodes():
    patterns = load_patterns()
    assert patterns is load_patterns()
    for spec, pattern in patterns.specs:
        names = {node["RIGHT_ID"] for node in pattern}
        assert {spec.subject, spec.object} <= names, spec.name
        assert not any("@" in str(node) or "$ROLE" in str(node) for node in pattern), spec.name


def test_relations_fixture_required_relations(fixture_record):
    got = triples(fixture_record)
    assert {("United States", "supports", "Al-Bunyan Al-Marsoos"), ("Italy", "supports", "Al-Bunyan Al-Marsoos"),
            ("United Arab Emirates", "funds", "Bawabat Al-Wasat"), ("Bawabat Al-Wasat", "based_in", "Cairo"),
            ("Mohammed Al-Ghosri", "spokesperson_of", "Al-Bunyan Al-Marsoos"),
            ("Al-Bunyan Al-Marsoos", "fights", "ISIS")} <= got
