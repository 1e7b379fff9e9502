"""Quotes stage: who said what — direct, mixed and indirect speech with canonical speakers.

Direct quotes are found from quotation marks, attributed through the dependency parse to the speech
verb next to them (`"…," he said.`, `“…” Al-Ghasri indicated.`, `He told reporters: "…"`), in the
manner of textacy's `direct_quotations` but paragraph-aware and with mixed marks. Indirect speech
is a speech or belief verb with a clausal complement (`X said ISIS militants are besieged`,
`He indicated that …`, `…, according to X`). A ccomp that wraps a direct quote makes a mixed quote.

Speakers are resolved as BBC Citron does, left to right: a name goes to its canonical entity, a
pronoun to the latest compatible named subject outside quotes (across paragraphs), and a quote
without an identifiable speaker keeps `speaker: null`. The claims and relations stages reuse the
attributions and the speaker resolver (see `analyse`), so the parse is walked once per document.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Callable

import yaml
from spacy.tokens import Doc, Span as SpacySpan, Token

from .aliases import fold
from .entities import EntityIndex, clean_name
from .errors import DataFileError
from .record import Entity, Quote, QuoteKind, Record

SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Clauses whose missing subject is the subject of their head: "…, adding that", "and added".
INHERIT_DEPS = ("advcl", "conj", "xcomp")
RELATIVE = {"who", "that", "which"}
OPEN_MARKS = "“«„"
QUOTE_MARK = re.compile(r"''|[\"“”«»„]")
# A straight quote opens after one of these (or at the start of a paragraph), or glued to a
# word after a colon or comma (`said,"We`); anywhere else it closes.
OPENING_CONTEXT = set(" \t\xa0([{—–-/")
MIN_QUOTE_WORDS = 3
# `WALLACE: …` / `Pence: …` — up to four capitalised words and a colon open a speaker's paragraph
LABEL = re.compile(r"\s*[\"“]?([A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})\s*:\s+(?=\S)")
LABEL_TYPES = {"PERSON"}  # "Raid:", "Location:" open notes too; only a person's name is a speaker


@dataclass(frozen=True)
class Cues:
    """The lexicons of data/cues.yaml, as sets for O(1) lookups."""

    speech: frozenset[str]
    quote_only: frozenset[str]
    cognition: frozenset[str]
    intent: frozenset[str]
    objects: frozenset[str]
    nouns: frozenset[str]
    report_verbs: frozenset[str]
    report_nouns: frozenset[str]
    anaphors: frozenset[str]
    status: dict[str, dict[str, frozenset[str]]]
    future_aux: frozenset[str]
    first_person: frozenset[str]
    pronouns: dict[str, tuple[frozenset[str], str | None]]  # pronoun → (entity types, gender)
    gender: dict[str, str]  # title or role word → male / female
    phrasal: frozenset[str]  # every two-word entry of any list

    def phrase(self, token: Token) -> str:
        """The cue key of a verb: its lemma, or lemma + particle for phrasal verbs ("point out")."""
        lemma = token.lemma_.lower()
        for child in token.children:
            if child.dep_ == "prt" and f"{lemma} {child.lower_}" in self.phrasal:
                return f"{lemma} {child.lower_}"
        return lemma


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    """Read data/cues.yaml once per process."""
    text = resources.files("sitrep.data").joinpath("cues.yaml").read_text(encoding="utf-8")
    try:
        raw = yaml.safe_load(text)

        def words(key: str) -> frozenset[str]:
            return frozenset(str(w).lower() for w in raw[key])

        status = {name: {k: frozenset(str(w).lower() for w in v) for k, v in table.items()}
                  for name, table in raw["status"].items()}
        every = set().union(*(words(k) for k in ("speech_verbs", "cognition_verbs", "object_verbs")),
                            *(ws for table in status.values() for ws in table.values()))
        return Cues(
            speech=words("speech_verbs"), quote_only=words("quote_only_verbs"),
            cognition=words("cognition_verbs"),
            intent=words("intent_verbs"), objects=words("object_verbs"), nouns=words("attribution_nouns"),
            report_verbs=words("report_verbs"), report_nouns=words("report_nouns"),
            anaphors=words("anaphors"),
            status=status, future_aux=words("future_aux"), first_person=words("first_person"),
            pronouns={k: (frozenset(v["types"]), v.get("gender")) for k, v in raw["pronouns"].items()},
            gender={str(w).lower(): g for g, ws in raw["gender"].items() for w in ws},
            phrasal=frozenset(w for w in every if " " in w),
        )
    except (yaml.YAMLError, KeyError, TypeError, AttributeError) as err:
        raise DataFileError(f"cues.yaml: {type(err).__name__}: {err}") from None


@dataclass
class Attribution:
    """One quote with its parse links; `Quote` is its public face, claims read the rest."""

    kind: QuoteKind
    start: int
    end: int
    cue: Token | None = None
    source: Token | None = None
    speaker: Entity | None = None
    paragraph: int = 0
    closed: bool = True
    outer: tuple[int, int] = (0, 0)  # direct quotes: the span with its quotation marks

    @property
    def attributed(self) -> bool:
        return self.cue is not None or self.speaker is not None

    def take(self, other: "Attribution") -> None:
        """Share another attribution's cue and speaker (a continued quote)."""
        self.cue, self.source, self.speaker = other.cue, other.source, other.speaker

    @property
    def cue_text(self) -> str | None:
        if self.cue is None:
            return None
        if self.cue.lower_ == "according":
            return "according to"
        prt = [c.text for c in self.cue.children if c.dep_ == "prt"]
        return " ".join([self.cue.text, *prt])


# --- quotation marks -------------------------------------------------------------------------

def quote_segments(text: str) -> list[tuple[int, int, int, int, bool, int]]:
    """(start with the opening mark, start, end, end with the closing mark, closed, paragraph)
    of the text between paired quotation marks.

    Hand-written because spaCy marks quote tokens but does not pair them, and news text mixes
    curly and straight marks (`“… friend,"`) or writes two apostrophes (`''…''`). A quote still
    open at the end of a paragraph ends there (`closed=False`): by convention the next paragraph
    reopens it for the same speaker.
    """
    segments = []
    for para_no, para in enumerate(re.finditer(r"[^\n]+", text)):
        opened, curly, nested = None, False, 0
        for mark in QUOTE_MARK.finditer(para.group()):
            ch, i = mark.group(), para.start() + mark.start()
            prev = text[i - 1] if i > para.start() else " "
            after = text[i + len(ch)] if i + len(ch) < para.end() else " "
            straight = ch in ('"', "''")
            opening = ch in OPEN_MARKS or straight and (
                prev in OPENING_CONTEXT or prev in ":;," and after.isalnum())
            if opened is None:
                if opening:
                    opened, curly, nested = (i, len(ch)), not straight, 0
            elif opening and straight != (not curly):  # the other style inside: a nested quote
                nested += 1
            elif opening and ch in OPEN_MARKS:  # curly reopened without a close: the later one wins
                opened = (i, len(ch))
            elif nested and not opening:
                nested -= 1
            elif not opening:
                segments.append((opened[0], opened[0] + opened[1], i, i + len(ch), True, para_no))
                opened = None
        if opened is not None:
            segments.append((opened[0], opened[0] + opened[1], para.end(), para.end(), False, para_no))
    return segments


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def is_quotation(span: SpacySpan) -> bool:
    """A real quotation, not a scare-quoted phrase or a title (textacy's filter, plus a verb test)."""
    words = [t for t in span if t.is_alpha]
    if len(words) < MIN_QUOTE_WORDS:
        return False
    if all(t.is_title for t in words if not t.is_stop):
        return False
    return len(words) >= 6 or any(t.pos_ in ("VERB", "AUX") for t in span)


# --- parse helpers shared with claims and relations -------------------------------------------

class Quoted:
    """Membership test for character offsets inside direct-quote content."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = sorted(spans)
        self._starts = [s for s, _ in self.spans]

    def __contains__(self, pos: int) -> bool:
        i = bisect_left(self._starts, pos + 1) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]

    def token(self, tok: Token) -> bool:
        return tok.idx in self


def negated(tok: Token) -> bool:
    """A negation on the token, or on the head it is co-ordinated with ("cannot confirm or deny")."""
    while True:
        if any(c.dep_ == "neg" or c.lower_ in ("never", "no") for c in tok.children):
            return True
        if tok.dep_ != "conj" or tok.head.i == tok.i:
            return False
        tok = tok.head


def subject_of(verb: Token, is_cue: Callable[[Token], bool], quoted: Quoted) -> Token | None:
    """The verb's subject, inherited through participles and conjuncts ("…, adding that");
    a subject inside a quotation is never the speaker."""
    v = verb
    for _ in range(6):
        subj = next((c for c in v.children if c.dep_ in SUBJECT_DEPS and not quoted.token(c)), None)
        if subj is not None:
            if subj.lower_ in RELATIVE and v.dep_ == "relcl":
                return v.head
            return None if subj.dep_ == "nsubjpass" and v.i == verb.i else subj
        if v.dep_ not in INHERIT_DEPS or v.head.i == v.i:
            return None
        v = v.head
        # a participle hanging off reported content belongs to the reporting verb
        while v.dep_ == "ccomp" and is_cue(v.head):
            v = v.head
    return None


def clause_tokens(head: Token) -> list[Token]:
    """The head's subtree without co-ordinated clauses: one proposition."""
    skip = {c.i for c in head.children if c.dep_ in ("conj", "cc") and c.pos_ in ("VERB", "AUX", "CCONJ")}
    out = []
    for tok in head.subtree:
        t = tok
        while t.i != head.i and t.i not in skip:
            t = t.head
        if t.i == head.i:
            out.append(tok)
    return out


def edges(tokens: list[Token]) -> tuple[int, int]:
    """Character range of tokens, without punctuation at either end."""
    toks = [t for t in tokens if not t.is_space]
    while toks and toks[0].is_punct and not toks[0].is_quote:
        toks = toks[1:]
    while toks and toks[-1].is_punct and not toks[-1].is_quote:
        toks = toks[:-1]
    if not toks:
        return 0, 0
    return toks[0].idx, toks[-1].idx + len(toks[-1])


def is_subject(tok: Token) -> bool:
    """A subject, or the name in apposition to one ("The spokesman, Zabihullah Mujahid, said")."""
    return tok.dep_ in SUBJECT_DEPS or (tok.dep_ == "appos" and tok.head.dep_ in SUBJECT_DEPS)


def names(entities: list[Entity]) -> dict[str, Entity]:
    """Folded name, alias and (for persons) surname → entity, for names the tagger missed at one
    place but found elsewhere ("Stumpf said" untagged, "WALLACE:" in a transcript)."""
    by_name: dict[str, Entity] = {}
    for ent in entities:
        for form in (ent.name, *ent.aliases):
            by_name.setdefault(fold(clean_name(form)), ent)
        if ent.type == "PERSON":
            by_name.setdefault(fold(ent.name.split()[-1]), ent)
    return by_name


class Speakers:
    """Subject token → canonical entity; pronouns go to the latest compatible named subject."""

    def __init__(self, doc: Doc, index: EntityIndex, quoted: Quoted, cues: Cues, by_name: dict[str, Entity]):
        self.doc, self.index, self.quoted, self.cues = doc, index, quoted, cues
        antecedents = []
        for ent in index.by_id.values():
            for s, t in ent.mentions:
                if s in quoted:
                    continue
                span = doc.char_span(s, t, alignment_mode="expand")
                if span is not None and is_subject(span.root):
                    antecedents.append((s, ent))
        antecedents.sort(key=lambda a: a[0])
        self.antecedents = antecedents
        self._positions = [s for s, _ in antecedents]
        self.by_name = by_name
        self.gender = self.genders()

    def genders(self) -> dict[str, str]:
        """Gender of a person from a title before a mention or a role noun next to it."""
        found: dict[str, str] = {}
        for ent in self.index.by_id.values():
            if ent.type != "PERSON":
                continue
            for s, t in ent.mentions:
                span = self.doc.char_span(s, t, alignment_mode="expand")
                if span is None:
                    continue
                root = span.root
                near = [span[0], *([self.doc[span.start - 1]] if span.start else []),
                        *(c for c in root.children if c.dep_ in ("appos", "compound")),
                        *([root.head] if root.dep_ == "appos" else [])]
                gender = next((g for w in near if (g := self.cues.gender.get(w.lower_.rstrip(".")))), None)
                if gender:
                    found.setdefault(ent.id, gender)
                    break
        return found

    def entity(self, tok: Token) -> Entity | None:
        found = self.index.at(tok.idx, tok.idx + len(tok))
        if found is None and tok.pos_ == "PROPN":
            name = [t for t in tok.subtree if t.dep_ in ("compound", "flat") or t.i == tok.i]
            found = self.by_name.get(fold(" ".join(t.text for t in name))) or self.by_name.get(fold(tok.text))
        return found

    def resolve(self, subj: Token | None) -> Entity | None:
        if subj is None:
            return None
        if subj.pos_ == "PRON":
            return self.antecedent(subj)
        ent = self.entity(subj)
        if ent is not None:
            return ent
        for child in subj.children:  # "the spokesman, Brigadier Y, said"
            if child.dep_ == "appos" and (ent := self.entity(child)) is not None:
                return ent
        return None

    def antecedent(self, pron: Token) -> Entity | None:
        if pron.lower_ not in self.cues.pronouns:
            return None
        types, gender = self.cues.pronouns[pron.lower_]
        i = bisect_left(self._positions, pron.idx) - 1
        while i >= 0:
            ent = self.antecedents[i][1]
            if ent.type in types and self.gender.get(ent.id, gender) == gender:
                return ent
            i -= 1
        return None


# --- attribution ---------------------------------------------------------------------------------

class Finder:
    """Finds the attributions of one document."""

    def __init__(self, doc: Doc, record: Record):
        self.doc, self.text, self.cues = doc, doc.text, load_cues()  # Doc.text is rebuilt on each access
        self.cue_words = self.cues.speech | self.cues.cognition
        self.paragraph_starts = [m.start() for m in re.finditer(r"[^\n]+", self.text)]
        # Token.sent walks the whole document on every call: look sentences up by offset instead
        self.sentences = list(doc.sents)
        self._sentence_starts = [s.start_char for s in self.sentences]
        segments = []
        for outer_start, start, end, outer_end, closed, para in quote_segments(self.text):
            inner = trim(self.text, start, end)
            span = doc.char_span(*inner, alignment_mode="expand")
            if span is not None and any(t.is_alpha for t in span):
                segments.append((Attribution("direct", *inner, paragraph=para, closed=closed,
                                             outer=(outer_start, outer_end)), is_quotation(span)))
        # A short quote counts only next to a speech verb: `"I would," he said. "I would, Donald."`
        self.quoted = Quoted([att.outer for att, _ in segments])
        self.segments = []
        for att, strong in segments:
            prev = self.segments[-1] if self.segments else None
            gap = self.text[prev.outer[1]:att.outer[0]].strip() if prev is not None else ""
            after_prev = (prev is not None and prev.paragraph == att.paragraph and len(gap) <= 60
                          and gap.endswith((".", ",", ":")) and self.after_cue(prev) is not None)
            if strong or after_prev or self.open_ended(att) and self.after_cue(att) is not None:
                self.segments.append(att)
        self.by_name = names(record.entities)
        self.labelled = self.speaker_labels()
        self.quoted = Quoted([att.outer for att in self.segments + self.labelled])
        self.speakers = Speakers(doc, EntityIndex(record.entities), self.quoted, self.cues, self.by_name)
        self.attributions: list[Attribution] = []

    def is_speech(self, tok: Token) -> bool:
        return tok.pos_ == "VERB" and self.cues.phrase(tok) in self.cues.speech

    def paragraph(self, pos: int) -> int:
        return bisect_left(self.paragraph_starts, pos + 1) - 1

    def sentence_index(self, pos: int) -> int:
        return max(0, bisect_right(self._sentence_starts, pos) - 1)

    def sentence(self, pos: int) -> SpacySpan:
        return self.sentences[self.sentence_index(pos)]

    def attribute(self, att: Attribution, cue: Token, source: Token | None = None) -> None:
        att.cue = cue
        att.source = source if source is not None else subject_of(cue, self.is_speech, self.quoted)
        att.speaker = self.speakers.resolve(att.source)

    def tokens(self, start: int, end: int) -> list[Token]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return [] if span is None else [t for t in span if not t.is_space]

    def speaker_labels(self) -> list[Attribution]:
        """Transcripts and headlines: a paragraph opened by a known name and a colon
        (`WALLACE: …`, `Pence: …`) is that speaker's words."""
        found = []
        for para, start in enumerate(self.paragraph_starts):
            end = self.text.find("\n", start)
            end = len(self.text) if end < 0 else end
            label = LABEL.match(self.text, start, end)
            speaker = self.by_name.get(fold(label.group(1))) if label else None
            if speaker is None or speaker.type not in LABEL_TYPES:
                continue
            inner = trim(self.text, label.end(), end)
            quotes = [att for att in self.segments if att.paragraph == para]
            for att in quotes or [Attribution("direct", *inner, paragraph=para, outer=inner)]:
                att.speaker = speaker
                att.source = self.tokens(start, label.end(1))[-1]
                att.start = max(att.start, inner[0])  # `"WALLACE: …`: the label is not the quote
                if not quotes:
                    found.append(att)
        return found

    # direct quotes
    def open_ended(self, att: Attribution) -> bool:
        """The quote ends the way a quote followed by its cue does: `,"` `?"` `!"` `—"`."""
        return self.text[att.start:att.outer[1]].rstrip("”\"'» ").endswith((",", "?", "!", "—", "–", "-"))

    def after_cue(self, att: Attribution) -> Token | None:
        """`"…," he said.` / `“…” He remarked.`: the first verb after the closing mark, if it is
        a speech verb. After a full stop it must not carry content of its own (`“….” X said the
        army withdrew` is a new statement); after a comma the quote is its content."""
        end = att.outer[1]
        open_ended = self.open_ended(att)
        if end >= len(self.text) or self.paragraph(end) != att.paragraph:
            return None
        para_end = self.text.find("\n", end)
        toks = [t for t in self.tokens(end, len(self.text) if para_end < 0 else para_end) if t.idx >= end]
        for tok in toks[:12]:
            if tok.idx in self.quoted:
                return None
            if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux", "auxpass"):
                own_content = not open_ended and any(
                    c.dep_ == "ccomp" and c.i > tok.i and c.idx not in self.quoted
                    and self.paragraph(c.idx) == att.paragraph for c in tok.children)
                return tok if self.is_speech(tok) and not own_content else None
        return None

    def before_cue(self, att: Attribution) -> Token | None:
        """`He said: "…"` / `X said, …, that "…"`: the nearest speech verb before the opening mark
        that governs the quote, or that the quote follows after a colon or comma (also across a
        paragraph break after a colon: `Caddell continued:`)."""
        start = att.outer[0]
        first = self.tokens(att.start, att.end)
        if not first:
            return None
        first_tok = first[0]
        para_start = self.paragraph_starts[att.paragraph]
        window = [t for t in self.sentence(first_tok.idx) if para_start <= t.idx < start and not t.is_space]
        if not any(t.is_alpha for t in window):
            before = self.text[:start].rstrip()
            if not before.endswith(":"):
                return None
            prev = self.tokens(len(before) - 1, len(before))
            window = [t for t in self.sentence(prev[-1].idx) if not t.is_space] if prev else []
        for tok in reversed(window):
            if tok.idx in self.quoted or not self.is_speech(tok):
                continue
            if tok.is_ancestor(first_tok):
                return tok
            between = [t for t in window if t.i > tok.i]
            if len(between) <= 5 and between and between[-1].text in (":", ","):
                return tok
            return None
        return None

    def direct(self) -> list[Attribution]:
        atts = self.segments
        for att in atts:
            if att.speaker is not None:
                continue
            cue = self.after_cue(att) or self.before_cue(att)
            if cue is not None:
                self.attribute(att, cue)
        # A quote reopened in the next paragraph, or a later quote in the same paragraph without
        # a cue of its own, continues the last attributed speaker (news-writing convention);
        # an unclosed quote also takes the cue of its continuation in the next paragraph.
        for prev, att in zip(atts, atts[1:]):
            continues = att.paragraph == prev.paragraph or (not prev.closed and att.paragraph == prev.paragraph + 1)
            if not att.attributed and continues:
                att.take(prev)
        for att, nxt in reversed(list(zip(atts, atts[1:]))):
            if not att.attributed and not att.closed and nxt.paragraph == att.paragraph + 1:
                att.take(nxt)
        return atts

    # indirect speech
    def scope(self, cue: Token) -> tuple[int, int]:
        """Where a cue's content may lie: its paragraph, or its parentheses when it is inside some
        (`Fatalities coded as 0 (VoJ reported 1)`: the parser hangs the outside on the cue)."""
        para = self.paragraph(cue.idx)
        lo = self.paragraph_starts[para]
        hi = self.paragraph_starts[para + 1] if para + 1 < len(self.paragraph_starts) else len(self.text)
        opened = self.text.rfind("(", lo, cue.idx)
        if opened >= 0 and self.text.rfind(")", opened, cue.idx) < 0:
            closed = self.text.find(")", cue.idx, hi)
            return opened, hi if closed < 0 else closed
        return lo, hi

    def indirect(self) -> list[Attribution]:
        """Speech and belief verbs with a clausal complement, speech verbs with the said thing as
        object, intention verbs with an infinitive, attribution nouns with a that-clause, and
        `according to X`."""
        found = []
        for tok in self.doc:
            if tok.idx in self.quoted:
                continue
            reported = self.reported(tok)
            if reported is None:
                continue
            content, source, needs = reported
            lo, hi = self.scope(tok)
            start, end = edges([t for t in content if lo <= t.idx < hi])
            if end - start < 8:
                continue
            att = Attribution("indirect", start, end, paragraph=self.paragraph(start))
            if tok.pos_ == "NOUN":
                att.cue, att.source, att.speaker = tok, source, self.speakers.resolve(source)
            else:
                self.attribute(att, tok, source)
            if needs is None or (att.speaker if needs == "speaker" else att.source) is not None:
                found.append(att)
        return found

    def reported(self, tok: Token) -> tuple[list[Token], Token | None, str | None] | None:
        """(content tokens, explicit source, what the cue needs: "subject", "speaker" or None)
        when `tok` is a cue. A belief needs a believer ("location not known" is none); an
        intention, an identifiable one ("families have not agreed to follow" is no statement)."""
        children = {c.dep_: c for c in reversed(list(tok.children))}  # first child per relation
        if tok.lower_ == "according" and "prep" in children and tok.head.i != tok.i:
            source = next((c for c in children["prep"].children if c.dep_ == "pobj"), None)
            skip = {t.i for t in tok.subtree}
            return ([t for t in clause_tokens(tok.head) if t.i not in skip], source, None) if source else None
        if tok.pos_ == "NOUN" and tok.lemma_.lower() in self.cues.nouns:
            clause = children.get("acl") or children.get("ccomp")
            if clause is None or not any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children):
                return None
            return list(clause.subtree), next((c for c in tok.children if c.dep_ == "poss"), None), None
        if tok.pos_ != "VERB" or "auxpass" in children:
            return None
        key = self.cues.phrase(tok)
        if key in self.cues.quote_only:
            return None
        if key in self.cue_words and "ccomp" in children:
            return list(children["ccomp"].subtree), None, None if key in self.cues.speech else "subject"
        if key in self.cues.objects and "dobj" in children:
            return list(children["dobj"].subtree), None, None
        prep = children.get("prep")
        if prep is not None and f"{key} {prep.lower_}" in self.cues.objects:
            return [t for c in prep.children if c.dep_ == "pobj" for t in c.subtree], None, None
        if key in self.cues.intent and "xcomp" in children:
            return list(children["xcomp"].subtree), None, "speaker"
        return None

    def merge(self, direct: list[Attribution], indirect: list[Attribution]) -> list[Attribution]:
        """Indirect content wrapping a direct quote becomes one mixed quote; speech reported
        inside a direct quote is part of that quote."""
        out, absorbed = [], set()
        for ind in indirect:
            if ind.start in self.quoted and ind.end - 1 in self.quoted:
                continue
            # the parse may leave the closing mark or a comma outside the ccomp: 80 % is inside
            inner = [i for i, d in enumerate(direct)
                     if min(d.end, ind.end) - max(d.start, ind.start) >= 0.8 * (d.end - d.start)]
            if inner:
                ind.end = max(ind.end, *(direct[i].outer[1] for i in inner))
            outside = len(self.text[ind.start:ind.end].split()) - sum(
                len(self.text[direct[i].start:direct[i].end].split()) for i in inner)
            if inner and outside < 2:
                for i in inner:
                    if not direct[i].attributed:
                        direct[i].take(ind)
                continue
            if inner:
                ind.kind = "mixed"
                absorbed.update(inner)
            elif any(ind.start < d.end and d.start < ind.end for d in direct):
                continue
            out.append(ind)
        out.extend(d for i, d in enumerate(direct) if i not in absorbed)
        return sorted(out, key=lambda a: (a.start, a.end))


def analyse(doc: Doc, record: Record) -> Finder:
    """The document's attributions with their speaker resolver, computed once and kept on the Doc
    so the claims and relations stages reuse them instead of walking the parse again."""
    key = "sitrep.quotes"
    if key not in doc.user_data:
        finder = Finder(doc, record)
        finder.attributions = finder.merge(finder.direct() + finder.labelled, finder.indirect())
        doc.user_data[key] = finder
    return doc.user_data[key]


def attributions(doc: Doc, record: Record) -> list[Attribution]:
    return analyse(doc, record).attributions


def extract(doc: Doc, record: Record) -> list[Quote]:
    """Quotes in text order, each with its canonical speaker or null."""
    finder = analyse(doc, record)
    quotes = []
    for n, att in enumerate(finder.attributions, 1):
        quotes.append(Quote(
            id=f"q:{n}", text=finder.text[att.start:att.end], start=att.start, end=att.end, kind=att.kind,
            speaker=att.speaker.name if att.speaker else None,
            speaker_id=att.speaker.id if att.speaker else None, cue=att.cue_text,
        ))
    return quotes
