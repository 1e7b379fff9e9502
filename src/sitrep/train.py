"""Train the ACLED sub-event classifier on ACLED exports: `sitrep train events --data DIR`.

ACLED's `notes` column is the coder's summary of the news behind each event, so (notes →
sub_event_type) is labelled text in exactly the register sitrep reads. Each note is parsed by the
same spaCy pipeline and featurised by the same function as at extraction time
(`sitrep.event_model.features`), so training and use cannot drift apart.

Reproducible: rows are deduplicated and sorted, the classifier is deterministic given its seed,
and the artefact records the files, row counts, seed and library versions it was built from.
Choice of classifier (measured, see README "Evaluation"): logistic regression with balanced class
weights over TF-IDF word 1–2-grams.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from .errors import SitrepError
from .event_lexicon import lexicon
from .event_model import NONE, EventModel, features

SEED = 13
C = 10.0
MIN_DF = 2
MAX_NEGATIVES = 3000
REQUIRED = {"notes", "event_type", "sub_event_type"}


@dataclass(frozen=True)
class AcledRow:
    """The columns of an ACLED export that sitrep trains and evaluates on."""

    notes: str
    event_type: str
    sub_event_type: str
    event_date: str
    actor1: str
    actor2: str
    location: str
    country: str
    latitude: float | None
    longitude: float | None
    fatalities: int


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def read_acled(path: Path) -> list[AcledRow]:
    """Rows of one ACLED CSV export (any column order; extra columns ignored)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = REQUIRED - set(reader.fieldnames or ())
            if missing:
                raise SitrepError(f"{path}: not an ACLED export, missing columns: {', '.join(sorted(missing))}")
            return [AcledRow(r["notes"].strip(), r["event_type"], r["sub_event_type"], r.get("event_date") or "",
                             r.get("actor1") or "", r.get("actor2") or "", r.get("location") or "",
                             r.get("country") or "", _float(r.get("latitude")), _float(r.get("longitude")),
                             int(_float(r.get("fatalities")) or 0))
                    for r in reader if (r.get("notes") or "").strip()]
    except OSError as err:
        raise SitrepError(f"{path}: {err.strerror or err}") from None


def acled_files(data: Path) -> list[Path]:
    """The ACLED exports in a file or folder (CSV files with the ACLED columns)."""
    if data.is_file():
        return [data]
    if not data.is_dir():
        raise SitrepError(f"{data}: no such file or folder")
    found = []
    for path in sorted(data.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            if REQUIRED <= set(next(csv.reader(fh), [])):
                found.append(path)
    if not found:
        raise SitrepError(f"{data}: no ACLED export (CSV with notes, event_type, sub_event_type) found")
    return found


def featurise(notes: Iterable[str], batch_size: int = 64) -> list[str]:
    """Classifier features of each note, through the extraction pipeline."""
    from .nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    lex = lexicon(nlp.vocab)
    return [features(doc[:], lex.find(doc), lex) for doc in nlp.pipe(notes, batch_size=batch_size)]


def negative_sentences(folder: Path, limit: int = MAX_NEGATIVES) -> list[str]:
    """Features of sentences from ordinary news that use an event word in another sense ("Trump
    attacked Clinton", "a battle of niches", "seize on his comments"): the `(none)` class that teaches
    the classifier to tell such sentences from reports of violence. Sentences with a word that is
    physical by itself (killed, exploded) are left out: they may report real violence."""
    from .nlp.pipeline import load_pipeline

    files = sorted(folder.rglob("*.txt")) if folder.is_dir() else []
    if not files:
        raise SitrepError(f"{folder}: no .txt files for negative examples")
    nlp = load_pipeline()
    lex = lexicon(nlp.vocab)
    out: list[str] = []
    texts = (p.read_text(encoding="utf-8", errors="replace") for p in files)
    for doc in nlp.pipe(texts, batch_size=16):
        found = lex.find(doc)
        for sent in doc.sents:
            kinds = {found.trigger_kind[t] for t in found.triggers if sent.start <= t[0] and t[1] <= sent.end}
            if kinds and "strong" not in kinds:
                out.append(features(sent, found, lex))
        if len(out) >= limit:
            break
    return out[:limit]


def fit(texts: list[str], labels: list[str], seed: int = SEED, meta: dict | None = None) -> EventModel:
    """TF-IDF + balanced logistic regression, exported as a portable `EventModel`."""
    vectorizer = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=(1, 2), sublinear_tf=True,
                                 min_df=MIN_DF, dtype=np.float64)
    x = vectorizer.fit_transform(texts)
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=seed)
    clf.fit(x, labels)
    vocab = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    return EventModel(vocab, vectorizer.idf_, clf.coef_, clf.intercept_, [str(c) for c in clf.classes_], 2,
                      {"seed": seed, "C": C, "min_df": MIN_DF, "classifier": "LogisticRegression(balanced)",
                       "sklearn": sklearn.__version__, **(meta or {})})


def train_rows(rows: list[AcledRow], negatives: Path | None = None, seed: int = SEED,
               meta: dict | None = None) -> EventModel:
    """Train on ACLED rows (a note coded as several events, one per place, counts once) and, with
    `negatives`, on sentences of a folder of ordinary news texts as the `(none)` class."""
    unique = sorted({(r.notes, r.sub_event_type) for r in rows})
    texts, labels = featurise([n for n, _ in unique]), [s for _, s in unique]
    digest = hashlib.sha256("\n".join(f"{n}\t{s}" for n, s in unique).encode()).hexdigest()[:12]
    info = {"rows": len(unique), "data_sha256": digest, **(meta or {})}
    if negatives is not None:
        none = negative_sentences(negatives)
        texts, labels = texts + none, labels + [NONE] * len(none)
        info.update(negatives=negatives.name, negative_sentences=len(none))
    return fit(texts, labels, seed, info)


def train_events(data: Path, out: Path, negatives: Path | None = None, seed: int = SEED) -> EventModel:
    """Train on every ACLED export under `data` (and negatives) and write the artefact to `out`."""
    files = acled_files(data)
    rows = [r for f in files for r in read_acled(f)]
    model = train_rows(rows, negatives, seed, {"trained_on": [f.name for f in files]})
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    return model
