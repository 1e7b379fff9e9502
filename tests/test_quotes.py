"""Quotes: direct, mixed and indirect speech with canonical speakers, on sentences written here,
plus the PolNeAR scorer when ../shared/data is present."""
from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.quotes import quote_segments

ROOT = Path(__file__).resolve().parents[1]
POLNEAR_DEV = ROOT.parent / "shared" / "data" / "quotes" / "dev"


def quote_with(record, words: str):
    found = [q for q in record.quotes if words in q.text]
    assert found, f"no quote containing {words!r} in {[q.text for q in record.quotes]}"
    return found[0]


@pytest.mark.parametrize("text, inner", [
    ('He said: "We hold the bridge."', ["We hold the bridge."]),
    ("“The town is ours,” he said. “We will stay.”", ["The town is ours,", "We will stay."]),
    ('that “the enemy of your enemy is your friend," he admitted', ["the enemy of your enemy is your friend,"]),
    ('"They fled “like rabbits” at dawn," she said.', ["They fled “like rabbits” at dawn,"]),
    ("''It doesn't add up,'' Mr. Burman said.", ["It doesn't add up,"]),
    ('he said,"We go now."', ["We go now."]),
])
def test_quotes_segments_pair_mixed_marks(text, inner):
    assert [text[s:e] for _, s, e, _, _, _ in quote_segments(text)] == inner


def test_quotes_segments_unclosed_quote_ends_with_its_paragraph():
    text = '"We will not retreat.\n\n"Our men are ready," he said.'
    (_, s1, e1, _, closed1, p1), (_, s2, _, _, closed2, p2) = quote_segments(text)
    assert text[s1:e1] == "We will not retreat." and not closed1 and closed2 and (p1, p2) == (0, 1)


@pytest.mark.parametrize("text, words, speaker, cue", [
    ('"We will hold the line in Lamu," said Brigadier John Okello.', "hold the line", "John Okello", "said"),
    ("“The rebels have lost the airport.” Colonel Amadou Diallo indicated.", "lost the airport",
     "Amadou Diallo", "indicated"),
    (' “We need more ammunition and more men. The enemy is dug in.” Colonel Amadou Diallo explained.',
     "The enemy is dug in", "Amadou Diallo", "explained"),
    ("Colonel Amadou Diallo spoke on Monday.\n\n“The rebels have withdrawn from the town.” He remarked.",
     "withdrawn from the town", "Amadou Diallo", "remarked"),
    ('Police commander Peter Mwangi told reporters: "Two attackers were arrested."', "Two attackers",
     "Peter Mwangi", "told"),
])
def test_quotes_direct_quote_gets_cue_and_speaker(run, text, words, speaker, cue):
    quote = quote_with(run(text), words)
    assert (quote.kind, quote.speaker, quote.cue) == ("direct", speaker, cue)


def test_quotes_short_quote_counts_only_next_to_a_cue(run):
    record = run('"Never," said General Ibrahim Musa. The so-called "liberation committee" met on Monday.')
    assert [q.text for q in record.quotes] == ["Never,"]


@pytest.mark.parametrize("text, words, speaker, cue", [
    ("Police commander Peter Mwangi told the Daily Nation that two attackers were arrested in Lamu.",
     "two attackers were arrested", "Peter Mwangi", "told"),
    ("Colonel Amadou Diallo said rebel fighters are now besieged in the old town.",
     "rebel fighters are now besieged", "Amadou Diallo", "said"),
    ("Colonel Amadou Diallo spoke to reporters, pointing out that no soldier had deserted.",
     "no soldier had deserted", "Amadou Diallo", "pointing out"),
    ("At least 12 people were killed in the blast, according to Red Cross official Maria Santos.",
     "12 people were killed", "Maria Santos", "according to"),
])
def test_quotes_indirect_speech_from_the_parse(run, text, words, speaker, cue):
    quote = quote_with(run(text), words)
    assert (quote.kind, quote.speaker, quote.cue) == ("indirect", speaker, cue)


def test_quotes_quote_inside_a_reported_clause_is_mixed(run):
    record = run("General Ibrahim Musa said that everyone knows “the army cannot win this war alone,” "
                 "adding that talks would resume.")
    quote = quote_with(record, "cannot win this war")
    assert quote.kind == "mixed" and quote.speaker == "Ibrahim Musa"
    assert record.quotes == sorted(record.quotes, key=lambda q: q.start)


@pytest.mark.parametrize("text, absent", [
    ("Gunfire continued in the town as young men declared revenge attacks.", "declared revenge"),
    ("A man was killed in the market; the location is not known.", "man was killed"),
    ("Fatalities coded as 0 (the Daily Nation reported 1 fatality).", "Fatalities coded"),
])
def test_quotes_no_speech_where_there_is_none(run, text, absent):
    assert not [q for q in run(text).quotes if absent in q.text]


def test_quotes_pronoun_speaker_across_paragraphs(run):
    record = run("Amina Yusuf, the council spokeswoman, said the road to Baidoa was closed.\n\n"
                 "Government troops moved into the area on Tuesday.\n\n"
                 '"We have asked the army to reopen it," she said.')
    assert quote_with(record, "reopen it").speaker == "Amina Yusuf"


def test_quotes_pronoun_skips_a_name_of_the_other_gender(run):
    record = run('Mr. Omar Hassan said the talks had failed.\n\n"Nobody wants another war," she said.')
    assert quote_with(record, "Nobody wants").speaker is None


def test_quotes_no_identifiable_speaker_stays_null(run):
    record = run("The road was closed on Monday.\n\n\"The road will stay closed until further notice.\"")
    quote = quote_with(record, "stay closed")
    assert quote.speaker is None and quote.speaker_id is None and quote.cue is None


def test_quotes_same_paragraph_continues_the_speaker(run):
    record = run('"The town is ours," said Colonel Amadou Diallo. "Our men are tired but they will hold."')
    assert quote_with(record, "Our men are tired").speaker == "Amadou Diallo"


def test_quotes_transcript_label_names_the_speaker(run):
    record = run("Colonel Amadou Diallo was interviewed by the BBC.\n\n"
                 "DIALLO: We will retake the town before the rains come.")
    quote = quote_with(record, "retake the town")
    assert quote.speaker == "Amadou Diallo" and not quote.text.startswith("DIALLO")


def test_quotes_offsets_slice_the_text(run):
    text = 'Colonel Amadou Diallo said the town had fallen. "It fell at dawn," he said.'
    record = run(text)
    assert record.quotes and all(text[q.start:q.end] == q.text for q in record.quotes)


def test_quotes_fixture_attributes_every_quote_to_the_spokesman(fixture_record):
    direct = [q for q in fixture_record.quotes if q.kind in ("direct", "mixed")]
    assert len(direct) >= 11 and all(q.speaker == "Mohammed Al-Ghosri" for q in direct)


def test_quotes_polnear_scorer_on_a_few_articles():
    if not POLNEAR_DEV.is_dir():
        pytest.skip("../shared/data is absent")
    from sitrep.eval.quotes import evaluate

    report = evaluate(POLNEAR_DEV, limit=8)
    assert report.gold > 50 and report.recall > 0.3 and report.precision > 0.7
    assert report.named == 0 or report.speaker_accuracy > 0.6
