"""Claims stage: every proposition someone stands behind, who stands behind it and how firmly.

A claim is the content of an attribution found by the quotes stage — one per sentence of a direct
quote, the whole clause of an indirect one — with the speaker as claimant. Its status comes from cue
words in the clause and in the cue verb (data/cues.yaml), strongest first: refused, uncertain,
denied, planned, predicted; otherwise asserted. Content attributed to nobody identifiable ("There
are reports that …", "several news outlets reported …") is `reported` with a null claimant until a
named speaker comments on it within the next sentences ("could not confirm that", "declined to
name them", "played down that fear"); then status and claimant follow the speaker.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span as SpacySpan, Token

from .entities import EntityIndex
from .quotes import Attribution, Cues, Finder, analyse, negated, subject_of, trim
from .record import Claim, ClaimStatus, Entity, Record, Span

STRENGTH: tuple[ClaimStatus, ...] = ("refused", "uncertain", "denied", "planned", "predicted")
LINK_SENTENCES = 2  # how far back a comment may reach for the report it answers
# adjectives count when said of the claim ("which is untrue", "it is unclear"), not as epithets
# ("false media", "unknown assailants")
PREDICATIVE = ("acomp", "attr", "ROOT", "conj", "ccomp")


@dataclass
class Draft:
    """A claim under construction."""

    start: int
    end: int
    claimant: Entity | None
    status: ClaimStatus
    evidence: list[tuple[int, int]]
    sentence: int
    open_report: bool = False  # unattributed, waiting for a named speaker's comment


class Statuses:
    """Status cues of one document, read through the lexicons of data/cues.yaml."""

    def __init__(self, cues: Cues, finder: Finder):
        self.cues, self.finder = cues, finder
        self.table = cues.status
        self.future = cues.future_aux | {"will", "shall"}

    def key(self, tok: Token) -> str:
        return self.cues.phrase(tok) if tok.pos_ == "VERB" else tok.lemma_.lower()

    def is_negated(self, tok: Token) -> bool:
        return negated(tok) or (tok.dep_ in ("acomp", "attr") and negated(tok.head))

    def own(self, tok: Token, claimant: Entity | None) -> bool:
        """The clause's subject is the claimant himself ("I won't talk", "he would not say")."""
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return False
        if subj.lower_ in self.cues.first_person or subj.lower_ in self.cues.pronouns:
            return True
        return claimant is not None and self.finder.speakers.resolve(subj) == claimant

    def of_token(self, tok: Token, claimant: Entity | None) -> ClaimStatus | None:
        key, neg, table = self.key(tok), self.is_negated(tok), self.table
        if key in table["refused"]["control"] and not neg and any(c.dep_ == "xcomp" for c in tok.children):
            return "refused"
        if (key in table["refused"]["withheld"] and neg and any(c.tag_ == "MD" for c in tok.children)
                and self.own(tok, claimant)):
            return "refused"
        if key in table["uncertain"]["negated"] and neg:
            return "uncertain"
        if key in table["uncertain"]["words"] and not neg and tok.dep_ in PREDICATIVE:
            return "uncertain"
        if key in table["denied"]["negated"] and neg:
            return "denied"
        if key in table["denied"]["words"] and not neg and (tok.pos_ == "VERB" or tok.dep_ in PREDICATIVE):
            return "denied"
        if key in table["planned"]["words"] and not neg:
            return "planned"
        if tok.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lemma_.lower() in self.future
                                               for c in tok.children):
            subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            first_person = subj is not None and subj.lower_ in self.cues.first_person
            passive_action = subj is not None and subj.dep_ == "nsubjpass" and key in table["planned"]["actions"]
            return "planned" if first_person or passive_action else "predicted"
        if key in table["predicted"]["words"]:
            return "predicted"
        return None

    def of(self, tokens: list[Token], claimant: Entity | None) -> ClaimStatus | None:
        """The strongest status any cue in the clause expresses, or None (plain assertion)."""
        found = {s for tok in tokens if (s := self.of_token(tok, claimant))}
        text = " ".join(t.lower_ for t in tokens)
        for status in ("refused", "denied"):
            if any(p in text for p in self.table[status].get("phrases", ())):
                found.add(status)
        return next((s for s in STRENGTH if s in found), None)

    def anaphoric(self, obj: Token | None) -> bool:
        """The object points back at something said before: "that", "them", "these reports"."""
        if obj is None:
            return True
        if obj.lower_ in self.cues.anaphors or obj.lemma_.lower() in self.cues.report_nouns:
            return True
        return any(c.dep_ == "det" and c.lower_ in self.cues.anaphors for c in obj.children)

    def comment(self, tok: Token) -> ClaimStatus | None:
        """The status a narrative verb gives to something reported before it, if it refers back."""
        key, neg, table = self.key(tok), self.is_negated(tok), self.table
        obj = next((c for c in tok.children if c.dep_ in ("dobj", "ccomp")), None)
        if key in table["refused"]["control"] and not neg:
            xcomp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
            if xcomp is not None:
                return "refused" if self.anaphoric(next((c for c in xcomp.children if c.dep_ == "dobj"), None)) else None
        if obj is not None and obj.dep_ == "ccomp":
            return None  # "could not confirm that X": a new claim, not a comment
        if key in table["uncertain"]["negated"] and tok.pos_ == "VERB" and self.anaphoric(obj):
            return "uncertain" if neg else "asserted"
        if key in table["denied"]["words"] and tok.pos_ == "VERB" and not neg and self.anaphoric(obj):
            return "denied"
        return None


def sentence_pieces(finder: Finder, start: int, end: int) -> list[tuple[int, int]]:
    """A direct quote split into its sentences, questions and fragments left out."""
    pieces = []
    for sent in finder.sentences[finder.sentence_index(start):finder.sentence_index(end - 1) + 1]:
        s, e = trim(finder.text, max(sent.start_char, start), min(sent.end_char, end))
        text = finder.text[s:e]
        if sum(w.isalpha() for w in text.split()) >= 3 and not text.rstrip("”\"' ").endswith("?"):
            pieces.append((s, e))
    return pieces


def clausal(span: SpacySpan) -> bool:
    """The content is a clause (has a verb with a subject), not a bare noun phrase."""
    return any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in span) or span.root.pos_ in ("VERB", "AUX")


def drafts(doc: Doc, finder: Finder, statuses: Statuses) -> list[Draft]:
    """One draft per sentence of a direct quote and per indirect content."""
    out = []
    cues = finder.cues
    for att in finder.attributions:
        pieces = sentence_pieces(finder, att.start, att.end) if att.kind == "direct" else [(att.start, att.end)]
        # "reports that …", "X reported …": a report, not an assertion of its own
        reporting = att.cue is not None and (att.cue.pos_ == "NOUN" or cues.phrase(att.cue) in cues.report_verbs)
        for s, e in pieces:
            span = doc.char_span(s, e, alignment_mode="expand")
            if span is None or not clausal(span) and not att.attributed:
                continue  # an unattributed quoted phrase is no proposition
            tokens = list(span) + ([att.cue] if att.kind != "direct" and att.cue is not None else [])
            status = statuses.of(tokens, att.speaker)
            report = att.speaker is None or reporting
            evidence = evidence_span(att, s, e)
            if not clausal(span):  # "claimed responsibility": the object alone says nothing
                s, e = evidence
            out.append(Draft(s, e, att.speaker, status or ("reported" if report else "asserted"), [evidence],
                             finder.sentence_index(e - 1), open_report=status is None and report))
    return sorted(out, key=lambda d: d.start)


def evidence_span(att: Attribution, start: int, end: int) -> tuple[int, int]:
    """Indirect claims keep their cue and speaker in the evidence; direct ones are the quote."""
    if att.kind == "direct" or att.cue is None:
        return start, end
    cue_end = att.cue.idx + len(att.cue)
    source = att.source.left_edge.idx if att.source is not None else start
    return min(start, att.cue.idx, source), max(end, cue_end)


def link_comments(doc: Doc, finder: Finder, statuses: Statuses, found: list[Draft]) -> None:
    """A named speaker's comment on an unattributed report decides its status and claimant."""
    for tok in doc:
        if tok.idx in finder.quoted or tok.pos_ not in ("VERB", "AUX", "ADJ"):
            continue
        status = statuses.comment(tok)
        if status is None:
            continue
        speaker = finder.speakers.resolve(subject_of(tok, finder.is_speech, finder.quoted))
        if speaker is None:
            continue
        here = finder.sentence_index(tok.idx)
        target = next((d for d in reversed(found) if d.open_report and d.end <= tok.idx
                       and here - d.sentence <= LINK_SENTENCES), None)
        if target is None:
            continue
        clause = finder.sentence(tok.idx)
        target.claimant, target.status, target.open_report = speaker, status, False
        target.evidence.append(trim(finder.text, clause.start_char, clause.end_char))


def extract(doc: Doc, record: Record) -> list[Claim]:
    """Claims in text order with claimant, status, entities mentioned and evidence."""
    finder = analyse(doc, record)
    statuses = Statuses(finder.cues, finder)
    found = drafts(doc, finder, statuses)
    link_comments(doc, finder, statuses, found)
    index = EntityIndex(record.entities)
    claims = []
    for n, d in enumerate(found, 1):
        about = list(dict.fromkeys(ent.id for _, _, ent in index.within(d.start, d.end)))
        claims.append(Claim(
            id=f"c:{n}", text=finder.text[d.start:d.end],
            claimant=d.claimant.name if d.claimant else None, claimant_id=d.claimant.id if d.claimant else None,
            status=d.status, about=about,
            evidence=[Span.of(finder.text, s, e) for s, e in dict.fromkeys(d.evidence)],
        ))
    return claims
