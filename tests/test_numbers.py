"""The numbers layer: counts in words and figures, and fatalities by ACLED's conservative convention."""
from __future__ import annotations

import pytest

from sitrep.numbers import count_of, fatalities, parse_number


@pytest.fixture(scope="module")
def parse(extractor):
    return extractor.nlp


@pytest.mark.parametrize("text, expected", [
    ("12", 12), ("1,200", 1200), ("twenty-five", 25), ("two hundred", 200), ("three thousand", 3000),
    ("a dozen", 12), ("two dozen", 24), ("half a dozen", 6), ("two hundred and five", 205), ("at least 7", 7), ("more than forty", 40), ("10-15", 10),
    ("one", 1), ("a", 1), ("several", 3), ("a few", 3), ("dozens", 10), ("scores", 10), ("many", 10),
    ("hundreds", 100), ("thousands", 1000), ("militants", None), ("", None),
])
def test_numbers_parse_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("On 4 May 2021, 12 Taliban militants including 2 commanders were killed and 5 were wounded when "
     "Afghan forces repulsed their attack in Kunduz.", 12),
    ("When a guard resisted him, the attacker blew himself up, killing the guard.", 1),
    ("A man was shot dead by police in Kisumu.", 1),
    ("Gunmen killed three soldiers and two civilians near the border.", 5),
    ("Dozens of people were killed in the raid.", 10),
    ("Several villagers died after the attack.", 3),
    ("Bandits ambushed a convoy and killed 42 during the night.", 42),
    ("The death toll from Sunday's blast rose to 31.", 31),
    ("Two killed in fresh clashes.", 2),
    ("The bomb killed a chief and his assistant.", 2),
    ("One religious scholar and teacher was killed by unknown gunmen.", 1),
    ("Militants attacked a checkpoint, killing 1 soldier and injuring 3.", 1),
    ("More than 200 people died in the fighting.", 200),
    ("Both men were killed in the attack.", 2),
])
def test_numbers_fatalities_counts_the_dead(parse, sentence, expected):
    assert fatalities(parse(sentence)[:]) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Seven policemen were killed and wounded in the ambush.", 0),  # cannot be split: ACLED codes 0
    ("An unknown number of soldiers were killed.", None),
    ("Militants were killed in the airstrike.", None),  # no count given
    ("No casualties were reported.", 0),
    ("Protesters marched through the city centre.", None),
    ("Five people were wounded in the blast.", None),
    ("On 3 May 2020, 2 soldiers died. Fatalities coded as 0 (disputed report).", 0),
    ("On 3 May 2020, 6 militants were killed in two districts. Fatalities split across 2 events (3).", 3),
])
def test_numbers_fatalities_convention(parse, sentence, expected):
    assert fatalities(parse(sentence)[:]) == expected


def test_numbers_fatalities_keeps_the_largest_restated_toll(parse):
    text = "Ten people were killed in a bomb attack on a market. Police said the blast killed ten people."
    assert fatalities(parse(text)[:]) == 10


def test_numbers_count_of_ignores_dates(parse):
    doc = parse("Five people were killed in Forole on 25 August.")
    assert fatalities(doc[:]) == 5
    assert count_of(next(t for t in doc if t.text == "25")) is None
