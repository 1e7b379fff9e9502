from sitrep.aliases import AliasTable


def ents(record):
    return {e.name: e for e in record.entities}


def test_entities_alias_table_merges_isis_variants(run):
    record = run("ISIS fighters retreated. Later IS claimed the attack, and Daesh media denied losses.")
    isis = ents(record)["ISIS"]
    assert isis.type == "ARMED_GROUP" and len(isis.mentions) == 3
    assert {"ISIS", "IS", "Daesh"} <= set(isis.aliases)


def test_entities_lowercase_is_stays_a_verb(run):
    record = run("The situation is calm, police chief Ahmed Noor said.")
    assert "ISIS" not in ents(record)


def test_entities_surname_and_transliteration_merge(run):
    record = run("Brigadier Mohammed Al-Ghosri spoke on Monday. Al-Ghosri said the army advanced. "
                 "Al-Ghasri added that more troops were coming.")
    person = ents(record)["Mohammed Al-Ghosri"]
    assert person.type == "PERSON" and {"Al-Ghosri", "Al-Ghasri"} <= set(person.aliases)


def test_entities_mentions_slice_the_text(run):
    text = "Al-Bunyan Al-Marsoos forces advanced while Al-Bunyan AL-Marsoos operation commanders met."
    record = run(text)
    group = ents(record)["Al-Bunyan Al-Marsoos"]
    assert group.type == "ARMED_GROUP" and len(group.mentions) == 2
    assert all(text[s:e].lower().startswith("al-bunyan") for s, e in group.mentions)


def test_entities_fixture_groups_are_never_persons(fixture_record):
    by_alias = {a: e for e in fixture_record.entities for a in e.aliases}
    for name in ("Al-Bunyan Al-Marsoos", "Bawabat Al-Wasat"):
        assert by_alias[name].type != "PERSON", name


def test_entities_user_alias_file_extends_the_table(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("- name: Jaysh al-Fath\n  type: ARMED_GROUP\n  aliases: [Army of Conquest]\n", encoding="utf-8")
    table = AliasTable.load((str(extra),))
    assert table.lookup("the Army of Conquest").name == "Jaysh al-Fath"
    assert table.lookup("Daesh").name == "ISIS"
    assert table.digest != AliasTable.load().digest


def test_entities_user_aliases_reach_the_pipeline(tmp_path):
    from sitrep.extract import Extractor
    from sitrep.ingest import Document

    extra = tmp_path / "mine.yaml"
    extra.write_text("- name: Jaysh al-Fath\n  type: ARMED_GROUP\n  aliases: [Army of Conquest]\n", encoding="utf-8")
    (record,) = Extractor((str(extra),)).run([Document(id="d", text="The Army of Conquest shelled the town.")])
    (group,) = [e for e in record.entities if e.name == "Jaysh al-Fath"]
    assert group.type == "ARMED_GROUP"


def test_entities_alias_inside_a_longer_model_name_keeps_the_name(run):
    record = run("Somali National Army troops fought Al-Shabaab near Kismayo.")
    names = ents(record)
    assert "Somali National Army" in names and "Somalia" not in names
