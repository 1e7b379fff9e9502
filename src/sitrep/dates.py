"""Dates stage: date expressions → ISO dates anchored on the publication date, with ACLED precision.

News dates events relative to the day it appears: "on Tuesday" in a paper of Thursday 13 October
2016 is the 11th; "August 01" is the last 1 August before publication. The expressions come from
spaCy's DATE/TIME entities, plus weekday and relative phrases the small model misses. Weekdays and
the relative phrases of data/relative_dates.yaml are computed here (the rules are simple and need
to know tense); everything else goes to `dateparser` with the publication date as RELATIVE_BASE
and PREFER_DATES_FROM=past.

time_precision is ACLED's: 1 the day is known, 2 only the week, 3 only the month. A week or a
month is coded at the middle of the period, never after publication (ACLED's convention for
imprecise dates). Years alone, durations ("for two weeks") and ages are not dates of anything.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import yaml
from spacy.tokens import Doc, Span

from .record import DateMention, Record

LABELS = {"DATE", "TIME"}
WEEKDAYS = [d.lower() for d in calendar.day_name]
WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.I)
PERIOD_PRECISION = {"day": 1, "week": 2, "month": 3}
# Words that turn a period into a span of time, not a date: "for two weeks", "10 years old".
DURATION = re.compile(r"\b(?:old|aged|long|lasting)\b|^(?:for|over|within|during|in) (?:the )?"
                      r"(?:past |last |next )?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                      r"several|many|few|couple of) (?:days|weeks|months|years)\b", re.I)
DECADE = re.compile(r"\b(?:\d\d)?\d0['’]?s\b")  # "the 1990s", "the '80s": periods, not dates
FUTURE_AUX = {"will", "shall", "'ll", "wo"}
FUTURE_LEMMAS = {"schedule", "plan", "expect", "due"}
# dateparser cannot read a month with a part-of-month qualifier ("mid-September"): parse the month.
PART_OF_MONTH = re.compile(r"^(?:early|mid|late|the (?:end|beginning|middle|start) of)[-\s]+", re.I)
MONTH_OR_DIGIT = re.compile(r"\d|\b(?:" + "|".join(m.lower()[:3] for m in calendar.month_name[1:]) + r")", re.I)


@dataclass(frozen=True)
class Rule:
    pattern: re.Pattern
    unit: str  # days | week | month
    offset: int


class EventDate(NamedTuple):
    """The date to code an event with, and the mention it came from (None: publication date)."""

    date: str | None
    time_precision: int | None
    mention: DateMention | None = None


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    text = resources.files("sitrep.data").joinpath("relative_dates.yaml").read_text(encoding="utf-8")
    out = []
    for row in yaml.safe_load(text):
        unit = next(u for u in ("days", "week", "month") if u in row)
        out.append(Rule(re.compile(row["match"]), unit, int(row[unit])))
    return tuple(out)


@lru_cache(maxsize=1)
def _fallback() -> re.Pattern:
    """Weekdays and relative phrases to look for outside the model's DATE entities."""
    relative = "|".join(f"(?:{r.pattern.pattern})" for r in rules())
    weekday = r"(?:(?:on|last|this|next|early|late) )?(?:" + "|".join(WEEKDAYS) + r")"
    return re.compile(rf"\b(?:{relative}|{weekday})\b", re.I)


@lru_cache(maxsize=256)
def _parser(base: date):
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False})


def _middle(first: date, last: date, published: date) -> date:
    last = min(last, published)
    return first + (max(last, first) - first) / 2


def _week(published: date, offset: int, earlier: bool) -> date:
    monday = published - timedelta(days=published.weekday()) + timedelta(weeks=offset)
    end = monday + timedelta(days=6)
    if offset == 0 and earlier:
        end = max(monday, published - timedelta(days=1))
    return _middle(monday, end, published)


def _month(published: date, offset: int) -> date:
    year, month = divmod(published.year * 12 + published.month - 1 + offset, 12)
    first = date(year, month + 1, 1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return _middle(first, last, published)


def _is_future(span: Span | None, text: str) -> bool:
    """"next Tuesday", "will meet on Tuesday", "is scheduled for Tuesday"."""
    if text.startswith("next "):
        return True
    if span is None:
        return False
    verb = span.root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:  # spaCy makes a new Token per access
        verb = verb.head
    return (verb.lemma_ in FUTURE_LEMMAS
            or any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in verb.children))


def normalise(text: str, published: date | None, span: Span | None = None) -> tuple[date, int] | None:
    """One expression → (date, time_precision), or None when it names no date of an event."""
    expr = re.sub(r"^(?:on|since|from|by|until|as of)\s+", "", text.strip().lower())
    expr = re.sub(r"['’]s$", "", expr).strip(" ,.")
    if not expr or DURATION.search(text.strip()) or DECADE.search(expr):
        return None
    if published is not None:
        for rule in rules():
            if rule.pattern.fullmatch(expr):
                if rule.unit == "days":
                    return published + timedelta(days=rule.offset), 1
                if rule.unit == "week":
                    return _week(published, rule.offset, "earlier" in expr), 2
                return _month(published, rule.offset), 3
        weekday = WEEKDAY.search(expr)
        if weekday and not re.search(r"\d", expr):
            return _weekday(WEEKDAYS.index(weekday.group(1).lower()), expr, published, span), 1
    if not MONTH_OR_DIGIT.search(expr) and not re.search(r"\bago\b", expr):
        return None  # "the 1990s", "Ramadan": nothing dateparser should guess from
    return _parse(PART_OF_MONTH.sub("", expr), published, part=bool(PART_OF_MONTH.match(expr)))


def _weekday(target: int, expr: str, published: date, span: Span | None) -> date:
    """The weekday nearest the publication date in the direction the tense says. "Tuesday" in a
    Tuesday paper is that day (news names today's events by weekday); "last Tuesday" is a week
    before."""
    if _is_future(span, expr):
        return published + timedelta(days=(target - published.weekday() - 1) % 7 + 1)
    back = (published.weekday() - target) % 7
    if back == 0 and expr.startswith("last "):
        back = 7
    return published - timedelta(days=back)


def _parse(expr: str, published: date | None, part: bool) -> tuple[date, int] | None:
    year = re.search(r"\b(1[89]\d\d|20\d\d)\b", expr)
    if published is None and not year:
        return None  # a relative expression with nothing to anchor it
    base = published or date(int(year.group(1)), 12, 31)
    data = _parser(base).get_date_data(expr)
    if data.date_obj is None or data.period not in PERIOD_PRECISION:
        return None
    found = data.date_obj.date()
    precision = 3 if part else PERIOD_PRECISION[data.period]
    if precision == 3:
        last = found.replace(day=calendar.monthrange(found.year, found.month)[1])
        found = _middle(found.replace(day=1), last, published or last)
    elif precision == 2:
        monday = found - timedelta(days=found.weekday())
        found = _middle(monday, monday + timedelta(days=6), published or found)
    return found, precision


def _published(record: Record) -> date | None:
    try:
        return date.fromisoformat(record.document.published) if record.document.published else None
    except ValueError:
        return None


def extract(doc: Doc, record: Record) -> list[DateMention]:
    """The record's `dates`: every date expression with its ISO date and ACLED precision."""
    published = _published(record)
    out: list[DateMention] = []
    covered: list[tuple[int, int]] = []
    for ent in doc.ents:
        if ent.label_ in LABELS:
            covered.append((ent.start_char, ent.end_char))
            _add(out, ent.text, ent.start_char, published, ent)
    taken = [(e.start_char, e.end_char) for e in doc.ents]
    for m in _fallback().finditer(doc.text):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            _add(out, m.group(0), m.start(), published, span)
    return sorted(out, key=lambda d: d.start)


def _add(out: list[DateMention], text: str, start: int, published: date | None, span: Span | None) -> None:
    # the model's spans often include the preposition or a possessive: keep them, offsets exact
    found = normalise(text, published, span)
    if found is not None:
        out.append(DateMention(text=text, start=start, end=start + len(text), date=found[0].isoformat(),
                               time_precision=found[1]))


def _dates_the_report(doc: Doc, mention: DateMention) -> bool:
    """True for "police said on Monday (that …)": the date of the statement, not of the event,
    which news gives elsewhere in the sentence ("… attacked a post on Sunday night")."""
    from .quotes import load_cues  # the speech-verb lexicon of data/cues.yaml

    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    verb = span.root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return verb.lemma_.lower() in load_cues().speech


def date_for(doc: Doc, record: Record, start: int, end: int) -> EventDate:
    """The date of an event found in [start, end): the date mentioned in its own sentence (the
    nearest one, past dates before planned ones), else the publication date at week precision
    (ACLED: the report says it happened, not when), else unknown."""
    sents = [s for s in doc.sents if s.start_char < max(end, start + 1) and s.end_char > start]
    lo = min((s.start_char for s in sents), default=start)
    hi = max((s.end_char for s in sents), default=end)
    published = record.document.published
    cands = [d for d in record.dates if lo <= d.start and d.end <= hi]
    if cands:
        best = min(cands, key=lambda d: (published is not None and d.date > published,
                                         _dates_the_report(doc, d),
                                         min(abs(d.start - start), abs(d.start - end)), d.time_precision))
        return EventDate(best.date, best.time_precision, best)
    if _published(record) is not None:
        return EventDate(published, 2)
    return EventDate(None, None)
