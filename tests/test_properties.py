"""Property-based checks: any text gives a valid sitrep/1 record whose evidence slices the text."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrep.record import Record, evidence_problems

WORDS = ["ISIS", "IS", "attacked", "Sirte", "on", "Tuesday", "killing", "12", "soldiers", "said", "\u201c", "\u201d",
         '"', ".", ",", "he", "Al-Ghosri", "police", "in", "Kabul", "Nairobi", "airstrike", "denied", "would", "\n\n",
         "The", "US", "forces", "besieged", "last", "week", "protesters", "Taliban", "spokesman", "of", "dozens"]

texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_properties_any_text_gives_a_valid_record_with_sound_evidence(run, text):
    record = run(text, published="2020-02-29")
    assert isinstance(record, Record), record
    Record.model_validate_json(record.to_json())
    assert evidence_problems(record, text) == []


def test_properties_fixture_evidence_is_sound(fixture_record):
    from tests.conftest import FIXTURE

    assert evidence_problems(fixture_record, FIXTURE.read_text(encoding="utf-8")) == []
