"""Score toponym recognition and resolution on the LGL corpus (local US news, GeoNames gold).

Recognition compares the places stage's mentions with the gold spans (exact and overlapping).
Resolution is measured *given the gold spans*: every gold span of an article is resolved together,
as the places stage would resolve its own mentions, and the point is compared with the gold point:
accuracy within 161 km (100 miles, the usual threshold) and the median error. Mistakes go to a
TSV file for reading.
"""
from __future__ import annotations

import csv
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from .. import entities
from ..entities import EntityIndex
from ..errors import SitrepError
from ..gazetteer import gazetteer, km
from ..places import Mention, Resolver, mentions, name_mention
from ..record import DocumentMeta, Record

ACCURACY_KM = 161.0


@dataclass
class Gold:
    start: int
    end: int
    phrase: str
    latitude: float | None = None
    longitude: float | None = None
    name: str | None = None
    feature_code: str | None = None


@dataclass
class Article:
    id: str
    text: str
    toponyms: list[Gold]


@dataclass
class GeoReport:
    articles: int = 0
    gold: int = 0
    predicted: int = 0
    exact: int = 0
    overlap: int = 0
    predicted_names: int = 0  # the same without sites ("civil registry court"), which LGL does not mark
    exact_names: int = 0
    resolvable: int = 0
    within: int = 0
    unresolved: int = 0
    errors_km: list[float] = field(default_factory=list)

    def prf(self, hits: int, predicted: int | None = None) -> tuple[float, float, float]:
        predicted = self.predicted if predicted is None else predicted
        p = hits / predicted if predicted else 0.0
        r = hits / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    @property
    def accuracy(self) -> float:
        return self.within / self.resolvable if self.resolvable else 0.0

    @property
    def median_km(self) -> float:
        return statistics.median(self.errors_km) if self.errors_km else 0.0

    def lines(self) -> list[str]:
        ep, er, ef = self.prf(self.exact)
        op, orr, of = self.prf(self.overlap)
        np_, nr, nf = self.prf(self.exact_names, self.predicted_names)
        return [
            f"articles {self.articles}, gold toponyms {self.gold}, predicted {self.predicted}",
            f"recognition exact   P={ep:.3f} R={er:.3f} F1={ef:.3f}",
            f"recognition overlap P={op:.3f} R={orr:.3f} F1={of:.3f}",
            f"recognition exact, names only (no sites) P={np_:.3f} R={nr:.3f} F1={nf:.3f}",
            f"resolution (gold spans, {self.resolvable} with coordinates): "
            f"accuracy@{ACCURACY_KM:.0f}km={self.accuracy:.3f} median error={self.median_km:.1f} km "
            f"unresolved={self.unresolved}",
        ]


def load_lgl(path: Path) -> Iterator[Article]:
    """Articles of an LGL-format XML file (`<article><text/><toponyms><toponym>...`)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as err:
        raise SitrepError(f"cannot read LGL file {path}: {err}") from None
    for art in root.iter("article"):
        golds = []
        for t in art.iter("toponym"):
            g = Gold(int(t.findtext("start")), int(t.findtext("end")), t.findtext("phrase") or "")
            tag = t.find("gaztag")
            if tag is not None and tag.findtext("lat"):
                g.latitude, g.longitude = float(tag.findtext("lat")), float(tag.findtext("lon"))
                g.name, g.feature_code = tag.findtext("name"), tag.findtext("fcode")
            golds.append(g)
        yield Article(art.get("docid", ""), art.findtext("text") or "", golds)


def gold_mentions(article: Article, doc: Doc, index: EntityIndex) -> list[Mention]:
    """Gold spans as mentions, read the way the places stage reads its own (a demonym span such
    as "American" is looked up as its country, since the gold says it is a toponym)."""
    gaz = gazetteer()
    out = []
    for g in article.toponyms:
        span = doc.char_span(g.start, g.end, alignment_mode="expand")
        mention = name_mention(span, index, gaz, demonyms=True) if span is not None else None
        if mention is None or (mention.start, mention.end) != (g.start, g.end):
            mention = Mention(g.start, g.end, g.phrase, forms=mention.forms if mention else ())
        out.append(mention)
    return out


def evaluate(path: Path, mistakes: Path | None = None, limit: int | None = None) -> GeoReport:
    from ..extract import Extractor

    extractor = Extractor()
    articles = list(load_lgl(path))[:limit]
    report = GeoReport(articles=len(articles))
    rows = []
    docs = extractor.nlp.pipe((a.text for a in articles), batch_size=16)
    for article, doc in zip(articles, docs):
        # only the stages the places stage reads: the rest would cost time and measure nothing here
        record = Record(document=DocumentMeta(id=article.id, chars=len(article.text)))
        record.entities = entities.extract(doc, extractor.aliases)
        predicted = mentions(doc, record)
        found = {(m.start, m.end) for m in predicted}
        names = {(m.start, m.end) for m in predicted if not m.site}
        gold = {(g.start, g.end) for g in article.toponyms}
        report.gold += len(gold)
        report.predicted += len(found)
        report.exact += len(found & gold)
        report.predicted_names += len(names)
        report.exact_names += len(names & gold)
        report.overlap += sum(any(s < e2 and s2 < e for s2, e2 in found) for s, e in gold)
        places = Resolver(doc, gold_mentions(article, doc, EntityIndex(record.entities))).places()
        at = {m: p for p in places for m in map(tuple, p.mentions)}
        for g in article.toponyms:
            if g.latitude is None:
                continue
            report.resolvable += 1
            p = at.get((g.start, g.end))
            if p is None or p.latitude is None:
                report.unresolved += 1
                rows.append((article.id, g.phrase, g.name, g.feature_code, g.latitude, g.longitude,
                             "", "", "", "", "", _context(article.text, g)))
                continue
            err = km(p.latitude, p.longitude, g.latitude, g.longitude)
            report.errors_km.append(err)
            if err <= ACCURACY_KM:
                report.within += 1
            else:
                rows.append((article.id, g.phrase, g.name, g.feature_code, g.latitude, g.longitude,
                             p.name, p.country_code, p.admin1, p.feature_code, round(err), _context(article.text, g)))
    if mistakes is not None:
        with mistakes.open("w", newline="", encoding="utf-8") as fh:
            out = csv.writer(fh, delimiter="\t")
            out.writerow(["doc", "phrase", "gold_name", "gold_fcode", "gold_lat", "gold_lon", "pred_name",
                          "pred_cc", "pred_admin1", "pred_fcode", "error_km", "context"])
            out.writerows(rows)
    return report


def _context(text: str, g: Gold, width: int = 60) -> str:
    return " ".join(text[max(0, g.start - width):g.end + width].split())
