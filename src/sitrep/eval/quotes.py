"""Score the quotes stage on PolNeAR (BRAT standoff: Source / Cue / Content, `E Attribution:` links).

Content detection (characters, ≥ 50 % overlap): a prediction is right when at least half of it
lies inside one gold content; a gold content is found when the predictions lying inside it cover at
least half of it (PolNeAR joins `"A," he said. "B."` into one discontinuous content).
Speaker accuracy: over found attributions whose gold source is a name (its syntactic head is a
proper noun), the predicted canonical speaker must be that name (any alias of it, either way
contained, surname against full name).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..aliases import fold
from ..entities import clean_name
from ..errors import SitrepError
from ..record import DocumentMeta, Entity, Record
from ..quotes import Attribution, attributions

FRAGMENTS = re.compile(r"(\d+) (\d+)")


@dataclass
class Gold:
    content: list[tuple[int, int]]
    source: tuple[int, int] | None
    source_text: str | None

    @property
    def length(self) -> int:
        return sum(e - s for s, e in self.content)


@dataclass
class Predicted:
    start: int
    end: int
    speaker: Entity | None
    kind: str

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Report:
    documents: int = 0
    gold: int = 0
    predicted: int = 0
    found: int = 0
    matched_predictions: int = 0
    named: int = 0
    speaker_right: int = 0
    errors: list[dict] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.matched_predictions / self.predicted if self.predicted else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.named if self.named else 0.0

    def summary(self) -> str:
        return (f"documents {self.documents}  gold {self.gold}  predicted {self.predicted}\n"
                f"content recall    {self.recall:.3f}  ({self.found}/{self.gold})\n"
                f"content precision {self.precision:.3f}  ({self.matched_predictions}/{self.predicted})\n"
                f"speaker accuracy  {self.speaker_accuracy:.3f}  ({self.speaker_right}/{self.named} named sources)")


def read_ann(path: Path) -> list[Gold]:
    """The attributions of one BRAT file."""
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    links = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (label, [(int(a), int(b)) for a, b in FRAGMENTS.findall(offsets)], parts[2])
        elif line.startswith("E") and len(parts) >= 2:
            links.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    golds = []
    for link in links:
        content = spans.get(link.get("Content", ""))
        if content is None:
            continue
        source = spans.get(link.get("Source", ""))
        golds.append(Gold(content[1], (source[1][0][0], source[1][-1][1]) if source else None,
                          source[2] if source else None))
    return golds


def corpus(folder: Path) -> Iterator[tuple[str, str, list[Gold]]]:
    """(name, text, gold) per article; an article annotated twice is scored on its first annotator."""
    texts, anns = folder / "text", folder / "attributions"
    if not texts.is_dir() or not anns.is_dir():
        raise SitrepError(f"{folder}: expected PolNeAR text/ and attributions/ folders")
    for text_path in sorted(texts.glob("*.txt")):
        candidates = sorted(anns.glob(f"{text_path.stem}_*.ann"))
        if candidates:
            yield text_path.stem, text_path.read_text(encoding="utf-8"), read_ann(candidates[0])


def predicted(atts: list[Attribution]) -> list[Predicted]:
    return [Predicted(a.start, a.end, a.speaker, a.kind) for a in atts]


def overlap(gold: Gold, pred: Predicted) -> int:
    return sum(max(0, min(e, pred.end) - max(s, pred.start)) for s, e in gold.content)


def same_speaker(entity: Entity | None, source_text: str) -> bool:
    if entity is None:
        return False
    gold = fold(clean_name(source_text)).split()
    for form in (entity.name, *entity.aliases):
        mine = fold(clean_name(form)).split()
        if mine and gold and (contains(gold, mine) or contains(mine, gold)):
            return True
    return False


def contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return any(longer[i:i + n] == shorter for i in range(len(longer) - n + 1))


def evaluate(folder: Path, limit: int | None = None) -> Report:
    """Run entities + quotes over a PolNeAR folder and score them."""
    from ..aliases import AliasTable
    from .. import entities
    from ..nlp.pipeline import load_pipeline

    nlp, table = load_pipeline(), AliasTable.load()
    items = list(corpus(folder))[:limit]
    report = Report()
    for (name, text, golds), doc in zip(items, nlp.pipe(t for _, t, _ in items)):
        record = Record(document=DocumentMeta(id=name, chars=len(text)))
        record.entities = entities.extract(doc, table)
        preds = predicted(attributions(doc, record))
        score_document(name, doc, golds, preds, report)
    return report


def score_document(name: str, doc, golds: list[Gold], preds: list[Predicted], report: Report) -> None:
    """A gold content is found when the predictions lying (mostly) inside it cover half of it;
    a prediction is right when half of it lies inside one gold content."""
    text = doc.text
    report.documents += 1
    report.gold += len(golds)
    report.predicted += len(preds)
    right: set[int] = set()
    for gold in golds:
        parts = [(overlap(gold, p), i) for i, p in enumerate(preds) if overlap(gold, p) >= 0.5 * p.length]
        right.update(i for _, i in parts)
        gold_text = " … ".join(text[s:e] for s, e in gold.content)
        if sum(o for o, _ in parts) < 0.5 * gold.length:
            report.errors.append({"doc": name, "error": "missed", "gold": gold_text, "source": gold.source_text})
            continue
        report.found += 1
        if gold.source is None:
            continue
        span = doc.char_span(*gold.source, alignment_mode="expand")
        if span is None or span.root.pos_ != "PROPN":
            continue
        report.named += 1
        speaker = preds[max(parts)[1]].speaker
        if same_speaker(speaker, gold.source_text or ""):
            report.speaker_right += 1
        else:
            report.errors.append({"doc": name, "error": "speaker", "gold": gold_text, "source": gold.source_text,
                                  "speaker": speaker.name if speaker else None})
    report.matched_predictions += len(right)
    for i, pred in enumerate(preds):
        if i not in right:
            report.errors.append({"doc": name, "error": "spurious", "kind": pred.kind,
                                  "pred": text[pred.start:pred.end],
                                  "speaker": pred.speaker.name if pred.speaker else None})


def write_errors(report: Report, path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for err in report.errors:
            out.write(json.dumps(err, ensure_ascii=False) + "\n")
