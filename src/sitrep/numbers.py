"""Numbers layer: counts of people and the fatalities of an event, read off the parse.

Convention (ACLED's conservative practice; the same rule everywhere sitrep reports a count):

- an explicit number is taken as written: "12 Taliban militants ... were killed" = 12,
  "twenty-five", "1,200", "a dozen" = 12, "half a dozen" = 6;
- a lower bound or a range keeps its lowest figure: "at least 12", "more than 40" = 12, 40;
  "10 to 15", "10-15" = 10;
- one person named or designated in the singular is one: "killing the fighter", "a man was
  killed", "killed Salim Jebreel" = 1;
- vague quantities get the smallest figure they can honestly mean: "a couple" = 2,
  "a few" / "several" / "multiple" = 3, "dozens" / "scores" / "many" / "numerous" = 10, "hundreds" = 100,
  "thousands" = 1000; "a number of", "an unknown number of", bare plurals ("militants were
  killed") and "casualties" (dead and wounded together) give no count;
- a count of people "killed and wounded" together cannot be split, so it gives 0 deaths;
- explicit coder statements win: "Fatalities coded as 0", "split across 2 events (5)" = 0, 5;
- several death statements in one sentence are added ("killing 3 soldiers and 2 civilians" = 5);
  across sentences the largest is kept, because news and ACLED notes restate a toll ("Ten people
  were killed ... The blast killed ten"), except deaths marked as more ("6 militants were also
  killed", "another 3 died"), which are added.

`fatalities(span)` is None when the text reports no deaths and 0 when it says nobody died.
"""
from __future__ import annotations

import re
from typing import Iterable

from spacy.tokens import Span, Token

UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000}
GROUP_SCALES = {"dozen", "hundred"}  # multiply the words before them only ("two hundred and five")
EXACT_WORDS = {"a": 1, "an": 1, "single": 1, "lone": 1, "both": 2, "pair": 2, "couple": 2}
VAGUE = {"few": 3, "several": 3, "dozens": 10, "scores": 10, "many": 10, "numerous": 10, "multiple": 3,
         "hundreds": 100, "thousands": 1000}
UNKNOWN = {"number", "unknown", "unspecified", "undisclosed", "undetermined"}
SKIP_QUALIFIERS = {"at", "least", "more", "than", "over", "about", "around", "some", "nearly", "almost", "up",
                   "to", "approximately", "roughly", "estimated", "an", "a", "another", "additional", "other"}
ADDITIONAL = {"also", "another", "additional", "further", "more"}
PERSON_PRONOUNS = {"him": 1, "her": 1, "he": 1, "she": 1, "himself": 1, "herself": 1}

KILL_VERBS = {"kill", "murder", "behead", "execute", "assassinate", "slaughter", "massacre", "lynch", "slay",
              "decapitate", "gun", "hack", "stab", "burn", "beat", "stone", "shoot", "bludgeon", "club"}
# "gun down", "hack/stab/burn/beat to death", "shoot dead" need their particle or complement.
NEEDS_COMPLEMENT = {"gun", "hack", "stab", "burn", "beat", "stone", "shoot", "bludgeon", "club"}
DIE_VERBS = {"die", "perish", "succumb"}
DEATH_NOUNS = {"death", "fatality", "killing", "body", "corpse", "dead"}
WOUND_VERBS = {"wound", "injure", "hurt", "maim"}
CODED = re.compile(r"fatalit(?:y|ies)\s+(?:are\s+|were\s+|is\s+)?(?:coded\s+as|coded|=|:)\s*(\d+)", re.I)
SPLIT = re.compile(r"split\s+(?:across|over|between)\s+\w+\s+(?:events|locations)\s*\((\d+)\)", re.I)
NONE_KILLED = re.compile(r"\bno (?:one|body|fatalities|deaths|casualties)\b[^.]{0,40}\b(?:killed|died|reported|"
                         r"hurt|injured|caused)|\bno (?:fatalities|deaths|casualties)\b|\bnobody was (?:killed|hurt)",
                         re.I)


def parse_number(text: str) -> int | None:
    """"12", "1,200", "twenty-five", "two hundred", "a dozen", "half a dozen", "at least 3", "10-15"
    → the (lowest) figure; vague words by the convention above; None when it is not a count."""
    words = re.split(r"[\s\-–]+", text.lower().replace(",", "").strip(" ."))
    words = [w for w in words if w and w not in SKIP_QUALIFIERS or w in ("a", "an") and len(words) == 1]
    if not words:
        return None
    head = words[0]
    if re.fullmatch(r"\d+(?:\.\d+)?", head):
        value = int(float(head))
        return value * SCALES[words[1]] if len(words) > 1 and words[1] in SCALES else value
    if head == "half" and "dozen" in words:
        return 6
    if head in VAGUE:
        return VAGUE[head]
    total, current, seen = 0, 0, False
    for w in words:
        if w in UNITS:
            current += UNITS[w]
        elif w in TENS:
            current += TENS[w]
        elif w in SCALES:
            current = max(current, 1) * SCALES[w]
            if w not in GROUP_SCALES:
                total, current = total + current, 0
        elif w in EXACT_WORDS and not seen:
            current = EXACT_WORDS[w]
        elif w == "and":
            continue
        else:
            break
        seen = True
    return total + current if seen else None


def _quantifier(noun: Token) -> tuple[int | None, bool]:
    """(count, vague) from a noun's own modifiers: nummod, determiners, quantity adjectives."""
    for child in noun.children:
        if _is_date(child):
            continue
        if child.dep_ in ("det", "predet") and child.lower_ == "both":
            return 2, False
        if child.dep_ == "nummod" or (child.dep_ in ("amod", "det", "quantmod") and child.like_num):
            value = parse_number(" ".join(t.text for t in child.subtree if t.i <= child.i))
            if value is not None:
                return value, False
    for child in noun.children:
        low = child.lower_
        if child.dep_ in ("amod", "det", "nummod", "quantmod") and low in VAGUE:
            return VAGUE[low], True
        if low in UNKNOWN or (child.dep_ == "det" and low in ("some", "any", "no")):
            return (0, False) if low == "no" else (None, True)
    for child in noun.children:  # "a number of", "dozens of", "12 of them"
        if child.dep_ == "prep" and child.lower_ == "of" and noun.lower_ in VAGUE:
            return VAGUE[noun.lower_], True
    return None, False


def count_of(noun: Token) -> int | None:
    """How many people a noun phrase denotes, conjuncts added ("3 soldiers and 2 civilians" = 5,
    "a chief and his assistant" = 2) unless a conjunct is a bare noun naming the same person
    ("1 religious scholar and teacher" = 1)."""
    total, found = 0, False
    conjuncts = [c for c in noun.conjuncts if c.i > noun.i and _determined(c)]
    for head in [noun, *conjuncts]:
        value = _count_one(head)
        if value is not None:
            total, found = total + value, True
    return total if found else None


def _determined(noun: Token) -> bool:
    return noun.like_num or any(c.dep_ in ("det", "nummod", "poss", "predet") for c in noun.children)


def _is_date(tok: Token) -> bool:
    return tok.ent_type_ in ("DATE", "TIME")


def _stray_number(noun: Token) -> int | None:
    """The small parser sometimes detaches the number ("5 IS militants": 5 hangs on "IS" read as a
    verb); take a number right before the noun phrase, over at most three name or adjective tokens."""
    i = min(t.i for t in noun.subtree if t.i <= noun.i) - 1
    doc, hops = noun.doc, 0
    while i >= 0 and hops < 3:
        tok = doc[i]
        if tok.like_num and not _is_date(tok):
            return parse_number(tok.text)
        if tok.pos_ not in ("PROPN", "ADJ", "AUX") and not tok.ent_type_:
            return None
        i, hops = i - 1, hops + 1
    return None


def _count_one(noun: Token) -> int | None:
    low = noun.lower_
    if _is_date(noun):
        return None
    if noun.like_num or low in VAGUE:
        if low in VAGUE:
            return VAGUE[low]
        return parse_number(" ".join(t.text for t in noun.subtree if t.i <= noun.i and t.dep_ != "prep"))
    if low in PERSON_PRONOUNS:
        return PERSON_PRONOUNS[low]
    value, vague = _quantifier(noun)
    if value is not None or vague:
        return value
    if any(c.lower_ in UNKNOWN for c in noun.subtree if c.i < noun.i):
        return None
    if noun.tag_ in ("NNS", "NNPS"):
        return _stray_number(noun)
    if noun.tag_ in ("NN", "NNP") or (noun.pos_ == "PROPN" and noun.tag_ != "NNPS"):
        if noun.lemma_.lower() in DEATH_NOUNS or noun.lower_ in ("casualty", "people", "police"):
            return None
        return 1  # "killing the fighter", "a man", "killed Salim Jebreel"
    return None


def _antecedent(victim: Token) -> Token:
    """"one gang member, who died later" → member."""
    if victim.lower_ in ("who", "that", "which") and victim.head.dep_ == "relcl":
        return victim.head.head
    return victim


def _is_passive(verb: Token) -> bool:
    """Passive, including headline passives without an auxiliary ("officer shot dead by gunmen")."""
    return any(c.dep_ in ("auxpass", "nsubjpass", "agent") for c in verb.children)


def _args(verb: Token, deps: tuple[str, ...]) -> list[Token]:
    """Arguments of a verb, borrowed from the verb it is coordinated with when it has none
    ("1 policeman was shot and killed": killed takes the subject of shot)."""
    own = [c for c in verb.children if c.dep_ in deps]
    if own:
        return own
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _args(verb.head, deps)
    subjects = any(d.startswith("nsubj") for d in deps)
    if subjects and verb.dep_ in ("xcomp", "oprd", "ccomp") and verb.head.pos_ == "VERB":
        # "three women were reported killed", "two people were reported to have died"
        return [c for c in verb.head.children if c.dep_ in ("nsubjpass", "nsubj")]
    for conj in verb.conjuncts:  # "killing and injuring 7 soldiers": the object sits on the last verb
        if conj.i > verb.i:
            found = [c for c in conj.children if c.dep_ in deps]
            if found:
                return found
    return []


def _with_wounded(verb: Token) -> bool:
    """"killed and wounded" / "killing and injuring": one count for both, deaths not separable."""
    return any(t.lemma_.lower() in WOUND_VERBS and t.pos_ == "VERB"
               and not any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in t.children)
               for t in verb.conjuncts)


def _is_kill(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    if lemma not in KILL_VERBS or tok.pos_ not in ("VERB", "AUX", "ADJ"):
        return False
    if lemma not in NEEDS_COMPLEMENT:
        return True
    near = {c.lower_ for c in tok.children} | {g.lower_ for c in tok.children if c.dep_ == "prep" for g in c.children}
    return "dead" in near or "death" in near or (lemma == "gun" and "down" in near)


def death_statements(tokens: Iterable[Token]) -> list[tuple[Token, Token, int]]:
    """Each statement of deaths in the tokens: (trigger, victim head, number dead)."""
    found = []
    for tok in tokens:
        lemma = tok.lemma_.lower()
        victims: list[Token] = []
        if _is_kill(tok):
            objects = _args(tok, ("dobj",))
            if tok.dep_ in ("acl", "amod") and not objects and tok.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON"):
                victims = [tok.head]  # "2 people killed in an attack"
            elif _is_passive(tok) or (tok.tag_ == "VBN" and not objects):
                victims = _args(tok, ("nsubjpass", "nsubj"))
            elif not objects:  # headline "at least 11 killed", read as an active verb
                victims = [c for c in tok.children if c.dep_ == "nsubj" and c.like_num]
            else:
                victims = objects
        elif lemma in DIE_VERBS and tok.pos_ in ("VERB", "AUX"):
            victims = _args(tok, ("nsubj",))
        elif lemma == "dead" and tok.pos_ in ("ADJ", "NOUN") and not _is_kill(tok.head):
            victims = _dead_holder(tok)
        elif lemma in ("death", "fatality", "body", "corpse") and tok.pos_ == "NOUN":
            victims = _noun_victims(tok)
        elif lemma == "toll":
            victims = [t for t in tok.head.subtree if t.like_num and t.i > tok.i][:1]  # "the toll rose to 12"
        wounded = _with_wounded(tok)
        for victim in map(_antecedent, victims):
            count = count_of(victim)
            if count is not None:
                found.append((tok, victim, 0 if wounded else count))
    return found


def _dead_holder(dead: Token) -> list[Token]:
    """"leaving 3 dead", "3 people dead", "one is dead", "found dead", "the dead included 4 children"."""
    nums = [c for c in dead.children if c.dep_ in ("nummod", "npadvmod") or c.like_num]
    if nums:
        return nums
    if dead.dep_ == "amod":
        return [dead.head]
    if dead.dep_ in ("acomp", "oprd", "advmod", "xcomp", "ccomp", "conj"):
        head = dead.head
        subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
        if subj:
            return subj
    if dead.dep_ in ("dobj", "nsubj", "nsubjpass", "appos") and dead.pos_ == "NUM":
        return [dead]
    return []


def _noun_victims(noun: Token) -> list[Token]:
    """"the deaths of 3 soldiers", "12 fatalities", "the bodies of two men"."""
    value, vague = _quantifier(noun)
    if value is not None and not vague:
        return [noun]
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return [c for c in prep.children if c.dep_ == "pobj"]
    if noun.lemma_.lower() == "death" and noun.tag_ == "NN":
        poss = [c for c in noun.children if c.dep_ == "poss"]
        return poss
    return []


def coded(text: str) -> int | None:
    """An explicit statement of the count to code: "Fatalities coded as 3", "split across 2 events (5)"."""
    match = CODED.search(text) or SPLIT.search(text)
    return int(match.group(1)) if match else None


def _additional(tok: Token, victim: Token) -> bool:
    """"6 militants were also killed", "another 3 died": deaths on top of those told before."""
    return any(c.lower_ in ADDITIONAL for c in (*tok.children, *victim.children))


def fatalities(span: Span) -> int | None:
    """Deaths reported in a span of text, by the convention in the module docstring."""
    text = span.text
    stated = coded(text)
    if stated is not None:
        return stated
    by_sentence: dict[int, dict[int, int]] = {}
    extra: dict[int, int] = {}
    for tok, victim, value in death_statements(span):  # a victim named twice ("shot dead") counts once
        (extra if _additional(tok, victim) else by_sentence.setdefault(tok.sent.start, {}))[victim.i] = value
    if by_sentence or extra:
        return max((sum(v.values()) for v in by_sentence.values()), default=0) + sum(extra.values())
    return 0 if NONE_KILLED.search(text) else None
