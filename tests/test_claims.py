"""Claims: claimant and epistemic status for each status word, on sentences written here."""
from __future__ import annotations

import pytest


def claim_with(record, words: str):
    found = [c for c in record.claims if words in c.text]
    assert found, f"no claim containing {words!r} in {[c.text for c in record.claims]}"
    return found[0]


@pytest.mark.parametrize("text, words, status", [
    ("Colonel Amadou Diallo said the army had retaken the bridge over the Niger.", "retaken the bridge",
     "asserted"),
    ('"Reports that we shelled the market are totally untrue," Colonel Amadou Diallo said.',
     "shelled the market", "denied"),
    ("Colonel Amadou Diallo denied that his troops had shelled the market.", "shelled the market", "denied"),
    ('"That story is not true," Colonel Amadou Diallo said.', "That story", "denied"),
    ('"I cannot confirm that the rebel commander was killed," Colonel Amadou Diallo said.',
     "rebel commander was killed", "uncertain"),
    ('"We don\'t know who fired the first shot," Colonel Amadou Diallo said.', "fired the first shot",
     "uncertain"),
    ('"I won\'t talk about our sources for a reason," Colonel Amadou Diallo said.', "our sources", "refused"),
    ('"It would be unlikely for them to retake the city," Colonel Amadou Diallo said.', "retake the city",
     "predicted"),
    ('"It is impossible for them to seize more territory," Colonel Amadou Diallo said.', "seize more territory",
     "predicted"),
    ('"We will appoint a military governor next week," Colonel Amadou Diallo said.', "military governor",
     "planned"),
    ("Colonel Amadou Diallo revealed that a military governor will be appointed after the liberation.",
     "military governor", "planned"),
    ("Colonel Amadou Diallo said the rebels had not arrested any soldier.", "arrested any soldier", "asserted"),
])
def test_claims_status_words(run, text, words, status):
    claim = claim_with(run(text), words)
    assert (claim.status, claim.claimant) == (status, "Amadou Diallo")


def test_claims_an_epithet_is_no_denial(run):
    record = run("Colonel Amadou Diallo said the rebels spread false rumours and unknown gunmen fired first.")
    assert claim_with(record, "false rumours").status == "asserted"


@pytest.mark.parametrize("text, words", [
    ("There are reports that the rebels have withdrawn from Gao.", "withdrawn from Gao"),
    ("Several news outlets reported the death of rebel commander Musa Kamara.", "death of rebel commander"),
    ("Local officials said the rebels had withdrawn from Gao.", "withdrawn from Gao"),
])
def test_claims_unnamed_sources_are_reported(run, text, words):
    claim = claim_with(run(text), words)
    assert claim.status == "reported" and claim.claimant is None


@pytest.mark.parametrize("text, words, status", [
    ("Last week, several news outlets reported the death of rebel commander Musa Kamara, "
     "but Colonel Amadou Diallo could not confirm that.", "Musa Kamara", "uncertain"),
    ("There are reports that Chad and Niger are giving weapons to the rebels. When asked about this, "
     "Colonel Amadou Diallo admitted that some neighbours had helped, but he declined to name them.",
     "Chad and Niger", "refused"),
    ("Some outlets reported that the airport had fallen to the rebels. Colonel Amadou Diallo dismissed "
     "these reports.", "airport had fallen", "denied"),
])
def test_claims_a_named_comment_decides_the_report(run, text, words, status):
    claim = claim_with(run(text), words)
    assert (claim.status, claim.claimant) == (status, "Amadou Diallo")
    assert len(claim.evidence) == 2  # the report and the comment


def test_claims_comment_too_far_away_leaves_the_report(run):
    record = run("There are reports that the rebels have withdrawn from Gao. The rainy season began. "
                 "Roads were cut. Markets closed early. Colonel Amadou Diallo could not confirm that.")
    assert claim_with(record, "withdrawn from Gao").status == "reported"


def test_claims_about_and_evidence_point_into_the_text(run):
    text = "Colonel Amadou Diallo said Chad had sent troops to Gao."
    record = run(text)
    claim = claim_with(record, "sent troops")
    assert "ent:chad" in claim.about
    assert all(text[ev.start:ev.end] == ev.text for ev in claim.evidence)
    assert "Amadou Diallo" in claim.evidence[0].text  # the speaker is part of the evidence


def test_claims_unattributed_quoted_phrase_is_no_claim(run):
    record = run('Students protested over "a stalemate surrounding the validity of the courses."')
    assert not [c for c in record.claims if "stalemate" in c.text]


def test_claims_fixture_statuses(fixture_record):
    by_word = {w: claim_with(fixture_record, w) for w in ("besieged", "submarines", "governor", "Karami")}
    assert by_word["besieged"].status == "asserted"
    assert by_word["submarines"].status == "denied"
    assert by_word["governor"].status == "planned"
    assert by_word["Karami"].status in ("uncertain", "reported")
