"""Score the events stage against an ACLED export: `sitrep eval events FILE.csv [--train-on FILE.csv]`.

Each row's `notes` is extracted as a document published on the row's `event_date`; the
highest-confidence event is compared with the row. Reported: event_type accuracy and macro-F1,
sub_event_type macro-F1 (macro over the labels that occur in the gold or the predictions; a note
with no event counts as a miss for its gold label), location within 25 km, fatalities exact where
the row has fatalities > 0, actor overlap (share of the row's actor1/actor2 found among the event's
actors, compared by ACLED name without the regime years), and an event-type confusion table.
With `--train-on`, a classifier trained on those files replaces the shipped one: train on one
region, test on another, for an honest estimate on unseen regions.
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterable

from sklearn.metrics import f1_score

from .. import events
from ..event_model import EventModel
from ..extract import Extractor
from ..ingest import Document
from ..record import Event, Record
from ..train import AcledRow, read_acled

NONE = "(no event)"
NEAR_KM = 25.0
DATE_FORMATS = ("%d %B %Y", "%d-%m-%y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y")


def iso_date(value: str) -> str | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return None


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def actor_key(name: str) -> str:
    """ACLED names compared without regime years and case: "Military Forces of Kenya (2013-)"."""
    return re.sub(r"\s*\((?:\d{4})?-(?:\d{4})?\)\s*$", "", name).strip().lower()


@dataclass
class Outcome:
    row: AcledRow
    event: Event | None
    actors: set[str] = field(default_factory=set)

    @property
    def event_type(self) -> str:
        return self.event.event_type if self.event else NONE

    @property
    def sub_event_type(self) -> str:
        return self.event.sub_event_type if self.event else NONE

    @property
    def km(self) -> float | None:
        e, r = self.event, self.row
        if e is None or e.latitude is None or r.latitude is None or r.longitude is None:
            return None
        return km(e.latitude, e.longitude, r.latitude, r.longitude)


def _macro_f1(gold: list[str], pred: list[str]) -> float:
    labels = sorted((set(gold) | set(pred)) - {NONE})
    return float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0))


@dataclass
class Report:
    outcomes: list[Outcome]
    model: str

    def metrics(self) -> dict[str, float | int]:
        o = self.outcomes
        gold_t, pred_t = [x.row.event_type for x in o], [x.event_type for x in o]
        gold_s, pred_s = [x.row.sub_event_type for x in o], [x.sub_event_type for x in o]
        located = [x for x in o if x.row.latitude is not None]
        dead = [x for x in o if x.row.fatalities > 0]
        with_actors = [x for x in o if x.row.actor1 or x.row.actor2]
        return {
            "rows": len(o),
            "with_event": sum(x.event is not None for x in o),
            "event_type_accuracy": sum(g == p for g, p in zip(gold_t, pred_t)) / len(o),
            "event_type_macro_f1": _macro_f1(gold_t, pred_t),
            "sub_event_type_accuracy": sum(g == p for g, p in zip(gold_s, pred_s)) / len(o),
            "sub_event_type_macro_f1": _macro_f1(gold_s, pred_s),
            "location_within_25km": sum((d := x.km) is not None and d <= NEAR_KM for x in located)
            / max(1, len(located)),
            "fatalities_exact_where_positive": sum(x.event is not None and x.event.fatalities == x.row.fatalities
                                                   for x in dead) / max(1, len(dead)),
            "actor_overlap": sum(_overlap(x) for x in with_actors) / max(1, len(with_actors)),
        }

    def confusion(self) -> tuple[list[str], list[str], Counter]:
        counts = Counter((x.row.event_type, x.event_type) for x in self.outcomes)
        gold = sorted({g for g, _ in counts})
        pred = sorted({p for _, p in counts})
        return gold, pred, counts

    def mistakes(self) -> Iterable[dict]:
        for x in self.outcomes:
            if x.row.sub_event_type != x.sub_event_type or (x.km or 0) > NEAR_KM or (
                    x.row.fatalities > 0 and (x.event is None or x.event.fatalities != x.row.fatalities)):
                yield {"notes": x.row.notes, "gold": [x.row.event_type, x.row.sub_event_type, x.row.location,
                                                      x.row.fatalities, x.row.actor1, x.row.actor2],
                       "pred": [x.event_type, x.sub_event_type, x.event.location if x.event else None,
                                x.event.fatalities if x.event else None, sorted(x.actors)],
                       "km": None if x.km is None else round(x.km, 1)}


def _overlap(x: Outcome) -> float:
    gold = {actor_key(a) for a in (x.row.actor1, x.row.actor2) if a}
    return len(gold & x.actors) / len(gold) if gold else 0.0


def _event_actors(event: Event, record: Record) -> set[str]:
    """The event's actors as ACLED keys: the names themselves plus their ACLED aliases."""
    names = {n for n in (event.actor1, event.actor2, *event.assoc_actors) if n}
    acled = {a for e in record.entities if e.name in names for a in e.acled_names}
    return {actor_key(n) for n in names | acled}


def evaluate(rows: list[AcledRow], model: EventModel | None = None, extractor: Extractor | None = None,
             batch_size: int = 32) -> Report:
    """Extract every row's notes and compare its best event with the row."""
    extractor = extractor or Extractor()
    docs = [Document(id=f"row{i}", text=r.notes, published=iso_date(r.event_date)) for i, r in enumerate(rows)]
    outcomes = []
    pairs = extractor.nlp.pipe(((d.text, d) for d in docs), as_tuples=True, batch_size=batch_size)
    for (doc, meta), row in zip(pairs, rows):
        record = extractor.record(doc, meta)
        if model is not None:
            record.events = events.extract(doc, record, model=model)
        best = max(record.events, key=lambda e: e.confidence, default=None)
        outcomes.append(Outcome(row, best, _event_actors(best, record) if best else set()))
    name = (model.meta.get("trained_on") if model else None) or "shipped model"
    return Report(outcomes, ", ".join(name) if isinstance(name, list) else str(name))


def evaluate_file(path: Path, train_on: list[Path] | None = None, negatives: Path | None = None,
                  errors: Path | None = None) -> Report:
    from ..train import train_rows

    rows = read_acled(path)
    model = None
    if train_on:
        train = [r for p in train_on for r in read_acled(p)]
        model = train_rows(train, negatives, meta={"trained_on": [p.name for p in train_on]})
    report = evaluate(rows, model)
    if errors is not None:
        with errors.open("w", encoding="utf-8") as fh:
            for item in report.mistakes():
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    return report
